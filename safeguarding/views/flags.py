"""Flags from free-text screening, for a DSL to review."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..forms import (
    FlagDismissForm,
    FlagPromoteForm,
)
from ..models import (
    AccessAction,
    Concern,
    Flag,
)
from ..permissions import hidden_from_non_leads
from .common import _area_context, _get_visible_or_404, _see_other


def _render_flag(request, flag, **bound):
    categories = services.concern_categories_ensure(school=flag.school)
    context = {
        **_area_context(request),
        "flag": flag,
        "promote_form": FlagPromoteForm(prefix="promote", categories=categories),
        "dismiss_form": FlagDismissForm(prefix="dismiss"),
        "promoted_concern": Concern.objects.filter(flag=flag).first(),
    }
    context.update(bound)
    return render(request, "safeguarding/flag.html", context)


@hidden_from_non_leads
def flag(request, flag_id):
    flag = _get_visible_or_404(request, Flag.objects.select_related("pupil"), Flag, flag_id)
    # One "viewed" line per visit: a form sent back with errors is the same visit.
    services.access_log_record(user=request.user, action=AccessAction.VIEW_FLAG, flag=flag)
    services.alerts_mark_read(user=request.user, flag=flag)
    services.flag_open(flag=flag, user=request.user)  # opened: it no longer escalates
    return _render_flag(request, flag)


@hidden_from_non_leads
@require_POST
def flag_promote(request, flag_id):
    flag = _get_visible_or_404(request, Flag.objects, Flag, flag_id)
    categories = services.concern_categories_ensure(school=flag.school)
    form = FlagPromoteForm(request.POST, prefix="promote", categories=categories)
    if form.is_valid():
        try:
            concern = services.flag_promote(flag=flag, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The flag is now a concern."))
            return _see_other(concern.get_absolute_url())
    return _render_flag(request, flag, promote_form=form)


@hidden_from_non_leads
@require_POST
def flag_dismiss(request, flag_id):
    flag = _get_visible_or_404(request, Flag.objects, Flag, flag_id)
    form = FlagDismissForm(request.POST, prefix="dismiss")
    if form.is_valid():
        try:
            services.flag_dismiss(flag=flag, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Dismissed. The reason is kept with the flag."))
            return _see_other(reverse("safeguarding:home") + "?tab=review")
    return _render_flag(request, flag, dismiss_form=form)
