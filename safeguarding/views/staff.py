"""Staff: raising a concern and seeing its status."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from schools.models import Pupil, School
from schools.permissions import staff_required

from .. import services
from ..forms import (
    RaiseConcernForm,
)
from ..models import (
    Concern,
    ConcernCategory,
    ConcernSource,
)
from .common import _see_other
from .not_sent import forget_unsent, raise_not_sent, submission_id_for_form

# --- Staff: raising a concern and seeing its status -----------------------------------------


@never_cache
@staff_required
def raise_concern(request):
    """Raise a concern about a pupil the staff member can see (pre-selected by ?pupil=<id>)."""
    pupils = (
        Pupil.objects.visible_to(request.user)
        .active()
        .select_related("school")
        .order_by("display_name")
    )
    schools = list(School.objects.filter(pk__in=pupils.values("school_id")))
    for school in schools:
        services.concern_categories_ensure(school=school)
    categories = ConcernCategory.objects.active().filter(school__in=schools)
    form_kwargs = {"pupils": pupils, "categories": categories}
    if request.method == "POST":
        form = RaiseConcernForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                concern = services.concern_raise(
                    raised_by=request.user,
                    pupil=data["pupil"],
                    source=ConcernSource.STAFF,
                    what_happened=data["what_happened"],
                    occurred_at=data["occurred_at"] or timezone.now(),
                    location=data["location"],
                    categories=data["categories"],
                    immediate_danger=data["immediate_danger"],
                    told_dsl_in_person=data["told_dsl_in_person"],
                    idempotency_key=data["submission"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            except DatabaseError:
                # Nothing was saved: say so plainly, and give back what they wrote.
                return raise_not_sent(request)
            else:
                done = _see_other(reverse("safeguarding:raised_detail", args=[concern.pk]))
                return forget_unsent(done, form="raise")
    else:
        initial = {"submission": submission_id_for_form(request, form="raise")}
        pupil_id = request.GET.get("pupil", "")
        if pupil_id.isdecimal() and pupils.filter(pk=pupil_id).exists():
            initial["pupil"] = int(pupil_id)
        form = RaiseConcernForm(initial=initial, **form_kwargs)
    return render(request, "safeguarding/raise.html", {"form": form, "has_pupils": bool(schools)})


@never_cache
@staff_required
def raised_list(request):
    """The concerns this person raised, with their status only."""
    concerns = Concern.objects.raised_by(request.user).select_related("pupil")
    return render(request, "safeguarding/raised_list.html", {"concerns": concerns})


@never_cache
@staff_required
def raised_detail(request, concern_id):
    """The status of one concern this person raised: received, then acknowledged."""
    concern = get_object_or_404(
        Concern.objects.raised_by(request.user).select_related("pupil"), pk=concern_id
    )
    return render(request, "safeguarding/raised_detail.html", {"concern": concern})
