"""The child's safeguarding details, retention review and legal holds (DSL area)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schools.models import School

from .. import services
from ..models import (
    AccessAction,
    ImportedRecord,
    LegalHold,
    RecordTransfer,
    lead_school_ids,
)
from ..permissions import dsl_required, hidden_from_non_leads
from ..transfer_forms import (
    CarerFormSet,
    ChildDetailsForm,
    LegalHoldForm,
    LiftHoldForm,
    RetentionPolicyForm,
)
from .cases import _pupil_or_404
from .common import _area_context, _see_other


def child_context(pupil) -> dict:
    """What the pupil's record page shows of the child's details, transfers, imported files,
    retention and legal hold (the record view has checked access and logged the view)."""
    details = services.child_details_current(pupil=pupil)
    return {
        "child": details,
        "child_history": services.child_details_changes(pupil=pupil),
        "retention": services.retention_for(details=details),
        "legal_hold": services.legal_hold_active(pupil=pupil),
        "hold_form": LegalHoldForm(prefix="hold"),
        "lift_form": LiftHoldForm(prefix="lift"),
        "transfers": list(
            RecordTransfer.objects.filter(pupil=pupil)
            .select_related("sent_by")
            .defer("pdf", "json", "manifest")
        ),
        "imported": list(ImportedRecord.objects.filter(pupil=pupil).select_related("imported_by")),
    }


def _initial(details) -> tuple[dict, list[dict]]:
    if details is None:
        return {}, []
    fields = ChildDetailsForm.base_fields
    return {name: getattr(details, name) for name in fields}, list(details.carers)


@hidden_from_non_leads
def child_details_edit(request, pupil_id):
    """The DSL enters or changes the child's details; each save is a new version."""
    pupil = _pupil_or_404(request, pupil_id)
    current = services.child_details_current(pupil=pupil)
    initial, carers = _initial(current)
    if request.method == "POST":
        form = ChildDetailsForm(request.POST, prefix="child")
        carer_forms = CarerFormSet(request.POST, prefix="carers")
        if form.is_valid() and carer_forms.is_valid():
            try:
                services.child_details_update(
                    pupil=pupil,
                    user=request.user,
                    carers=[f.cleaned_data for f in carer_forms if f.cleaned_data],
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("The child's details are saved."))
                return _see_other(reverse("safeguarding:pupil_record", args=[pupil.pk]))
    else:
        # One "viewed" line per visit: a form post that comes back with errors adds none.
        services.access_log_record(
            user=request.user, action=AccessAction.VIEW_CHILD_DETAILS, pupil=pupil
        )
        form = ChildDetailsForm(prefix="child", initial=initial)
        carer_forms = CarerFormSet(prefix="carers", initial=carers)
    return render(
        request,
        "safeguarding/child_details.html",
        {**_area_context(request), "pupil": pupil, "form": form, "carer_forms": carer_forms},
    )


@hidden_from_non_leads
@require_POST
def legal_hold_place(request, pupil_id):
    pupil = _pupil_or_404(request, pupil_id)
    form = LegalHoldForm(request.POST, prefix="hold")
    if form.is_valid():
        try:
            services.legal_hold_place(
                pupil=pupil, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Legal hold placed. Nothing on this record is deleted."))
            return _see_other(reverse("safeguarding:pupil_record", args=[pupil.pk]) + "#retention")
    messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return _see_other(reverse("safeguarding:pupil_record", args=[pupil.pk]) + "#retention")


@hidden_from_non_leads
@require_POST
def legal_hold_lift(request, pupil_id):
    pupil = _pupil_or_404(request, pupil_id)
    hold = LegalHold.objects.visible_to(request.user).active().filter(pupil=pupil).first()
    if hold is None:
        raise Http404
    form = LiftHoldForm(request.POST, prefix="lift")
    if form.is_valid():
        services.legal_hold_lift(hold=hold, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Legal hold lifted."))
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return _see_other(reverse("safeguarding:pupil_record", args=[pupil.pk]) + "#retention")


def _lead_school(user) -> School:
    return School.objects.filter(pk__in=lead_school_ids(user)).order_by("pk").first()


@dsl_required
def retention_review(request):
    """Records past their keep-until date, for a DSL to review. Nothing is deleted here."""
    school = _lead_school(request.user)
    policy = services.retention_policy_for(school=school)
    form = RetentionPolicyForm(
        request.POST if request.method == "POST" else None,
        prefix="policy",
        initial={"years_after_leaving": policy.years_after_leaving},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.retention_policy_set(school=school, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Retention setting saved."))
            return _see_other(reverse("safeguarding:retention"))
    rows = services.retention_review_list(school=school)
    return render(
        request,
        "safeguarding/retention.html",
        {**_area_context(request), "school": school, "rows": rows, "policy_form": form},
    )
