"""Triage on a case: the categories it is filed under and who is working on it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..forms import AssignForm, CaseCategoriesForm
from ..models import Concern, ConcernCategory
from ..permissions import hidden_from_non_leads
from .common import _get_visible_or_404, _see_other


def _category_choices(concern: Concern):
    """The school's categories in use, plus any archived ones this concern is still filed
    under (so saving the form never drops them silently)."""
    return ConcernCategory.objects.filter(school_id=concern.school_id).filter(
        archived_at__isnull=True
    ) | ConcernCategory.objects.filter(pk__in=concern.categories.values("pk"))


def case_triage_forms(request, concern: Concern) -> dict:
    """The unbound triage forms the case page shows (its views pass bound ones on errors)."""
    if request.method == "GET":  # a refused POST writes nothing, not even the default list
        services.concern_categories_ensure(school=concern.school)
    return {
        "categories_form": CaseCategoriesForm(
            prefix="categories",
            categories=_category_choices(concern),
            initial={"categories": [c.pk for c in concern.categories.all()]},
        ),
        "assign_form": AssignForm(
            prefix="assign",
            leads=services.assignable_leads(school=concern.school),
            initial={"assignee": concern.assigned_to_id},
        ),
    }


def _render_case(request, concern, **bound):
    from .cases import _render_case as render_case

    return render_case(request, concern, **bound)


@hidden_from_non_leads
@require_POST
def case_categories(request, concern_id):
    """Set the categories of a case (the chronology records from what to what)."""
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    form = CaseCategoriesForm(
        request.POST, prefix="categories", categories=_category_choices(concern)
    )
    if form.is_valid():
        try:
            services.concern_categories_change(
                concern=concern, user=request.user, categories=form.cleaned_data["categories"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Categories saved."))
            return _see_other(concern.get_absolute_url())
    return _render_case(request, concern, categories_form=form)


@hidden_from_non_leads
@require_POST
def case_assign(request, concern_id):
    """Give the case to a DSL or deputy of the school (they are told), or to nobody."""
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    form = AssignForm(
        request.POST, prefix="assign", leads=services.assignable_leads(school=concern.school)
    )
    if form.is_valid():
        assignee = form.chosen_lead()
        try:
            services.concern_assign(concern=concern, user=request.user, assignee=assignee)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if assignee is None:
                messages.success(request, _("The case is not assigned to anyone now."))
            elif assignee.pk == request.user.pk:
                messages.success(request, _("The case is assigned to you."))
            else:
                messages.success(request, _("Assigned. They have been told."))
            return _see_other(concern.get_absolute_url())
    return _render_case(request, concern, assign_form=form)
