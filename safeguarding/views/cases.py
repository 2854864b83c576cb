"""The DSL's case record: reading, working on, exporting; the pupil's record."""

from __future__ import annotations

from itertools import chain

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schools.models import Pupil

from .. import services
from ..forms import (
    CloseForm,
    CorrectionForm,
    DecisionForm,
    EntryForm,
    LinkPupilForm,
    ReferralForm,
    ReopenForm,
)
from ..models import (
    AccessAction,
    AccessLogEntry,
    ChronologyEntry,
    Concern,
    ConcernPupilLink,
    EntryKind,
    Flag,
)
from ..permissions import hidden_from_non_leads, record_denied_access, record_pupils
from .casework_parts import casework_data, casework_forms
from .common import _area_context, _get_visible_or_404, _see_other
from .triage import case_triage_forms


def _case_queryset():
    return Concern.objects.select_related(
        "pupil", "school", "raised_by", "acknowledged_by", "flag", "assigned_to"
    ).prefetch_related(
        "categories",
        Prefetch("links", queryset=ConcernPupilLink.objects.select_related("pupil", "added_by")),
        Prefetch(
            "entries",
            queryset=ChronologyEntry.objects.select_related(
                "author", "corrects", "referral"
            ).prefetch_related("corrections", "outcomes"),
        ),
    )


def _case_forms(request, concern, **bound):
    link_pupils = (
        record_pupils(request.user)
        .filter(school=concern.school)
        .exclude(pk=concern.pupil_id)
        .order_by("display_name")
    )
    forms = {
        "entry_form": EntryForm(prefix="entry"),
        "decision_form": DecisionForm(prefix="decision"),
        "referral_form": ReferralForm(prefix="referral"),
        "close_form": CloseForm(prefix="close"),
        "reopen_form": ReopenForm(prefix="reopen"),
        "link_form": LinkPupilForm(prefix="link", pupils=link_pupils),
        **case_triage_forms(request, concern),
    }
    forms.update(casework_forms(request, concern))
    forms.update(bound)
    return forms


# A visit to a case: from opening it until another case is opened, or this long has passed.
CASE_VISIT_SESSION_KEY = "safeguarding_case_visit"
CASE_VISIT_SECONDS = 30 * 60


def _log_case_visit(request, concern) -> None:
    """Write one "viewed" line per visit, not one per page load: the page a form posts back to
    (with errors, or after a redirect) belongs to the visit already logged."""
    if request.method != "GET":
        return
    now = timezone.now().timestamp()
    last = request.session.get(CASE_VISIT_SESSION_KEY)
    if last and last[0] == concern.pk and now - last[1] < CASE_VISIT_SECONDS:
        return
    services.access_log_record(user=request.user, action=AccessAction.VIEW_CASE, concern=concern)
    request.session[CASE_VISIT_SESSION_KEY] = [concern.pk, now]


def _render_case(request, concern, **bound_forms):
    if request.method == "GET":
        # A form sent back with its errors writes nothing: not a view, not an alert read.
        _log_case_visit(request, concern)
        services.alerts_mark_read(user=request.user, concern=concern)
    concern = _case_queryset().get(pk=concern.pk)
    viewers = (
        AccessLogEntry.objects.visible_to(request.user)
        .filter(concern=concern)
        .select_related("user")
        .order_by("-seq")[:50]
    )
    return render(
        request,
        "safeguarding/case.html",
        {
            **_area_context(request),
            **_case_forms(request, concern, **bound_forms),
            "concern": concern,
            "entries": concern.entries.all(),
            "viewers": viewers,
            **casework_data(request, concern, bound_forms),
        },
    )


@hidden_from_non_leads
def case(request, concern_id):
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    return _render_case(request, concern)


@hidden_from_non_leads
@require_POST
def case_acknowledge(request, concern_id):
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    services.concern_acknowledge(concern=concern, user=request.user)
    messages.success(request, _("Acknowledged. The person who raised it can now see that."))
    return _see_other(concern.get_absolute_url())


@hidden_from_non_leads
@require_POST
def case_entry_add(request, concern_id):
    """Add a note / action / parent contact / outcome, a decision, or a referral."""
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    which = request.POST.get("form")
    form_classes = {"entry": EntryForm, "decision": DecisionForm, "referral": ReferralForm}
    if which not in form_classes:
        raise Http404
    form = form_classes[which](request.POST, prefix=which)
    if form.is_valid():
        data = form.cleaned_data
        kind = {"decision": EntryKind.DECISION, "referral": EntryKind.REFERRAL}.get(
            which, data.get("kind")
        )
        try:
            services.chronology_add(
                concern=concern,
                user=request.user,
                kind=kind,
                text=data.get("text", ""),
                reason=data.get("reason", ""),
                agency=data.get("agency", ""),
                agency_name=data.get("agency_name", ""),
                event_date=data.get("event_date"),
                reference=data.get("reference", ""),
                outcome=data.get("outcome", ""),
                outcome_at=data.get("outcome_at"),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Added to the chronology."))
            return _see_other(concern.get_absolute_url() + "#chronology")
    return _render_case(request, concern, **{f"{which}_form": form})


@hidden_from_non_leads
def case_entry_correct(request, concern_id, entry_id):
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    entry = get_object_or_404(
        ChronologyEntry.objects.select_related("author"), pk=entry_id, concern=concern
    )
    if not entry.is_correctable:  # system entries (an escalation, a new category) aren't
        raise Http404
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.chronology_add(
                concern=concern,
                user=request.user,
                kind=EntryKind.CORRECTION,
                text=form.cleaned_data["text"],
                corrects=entry,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Correction added. The original entry is unchanged."))
            return _see_other(concern.get_absolute_url() + "#chronology")
    _log_case_visit(request, concern)
    return render(
        request,
        "safeguarding/case_correct.html",
        {**_area_context(request), "concern": concern, "entry": entry, "form": form},
    )


def _simple_case_action(request, concern_id, *, form_class, prefix, service, done):
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            service(concern=concern, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, done)
            return _see_other(concern.get_absolute_url())
    return _render_case(request, concern, **{f"{prefix}_form": form})


@hidden_from_non_leads
@require_POST
def case_close(request, concern_id):
    return _simple_case_action(
        request,
        concern_id,
        form_class=CloseForm,
        prefix="close",
        service=services.concern_close,
        done=_("The case is closed."),
    )


@hidden_from_non_leads
@require_POST
def case_reopen(request, concern_id):
    return _simple_case_action(
        request,
        concern_id,
        form_class=ReopenForm,
        prefix="reopen",
        service=services.concern_reopen,
        done=_("The case is open again."),
    )


@hidden_from_non_leads
@require_POST
def case_link(request, concern_id):
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    pupils = record_pupils(request.user).filter(school=concern.school).exclude(pk=concern.pupil_id)
    form = LinkPupilForm(request.POST, prefix="link", pupils=pupils)
    if form.is_valid():
        try:
            services.concern_link_pupil(
                concern=concern,
                pupil=form.cleaned_data["pupil"],
                user=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Pupil linked."))
            return _see_other(concern.get_absolute_url())
    return _render_case(request, concern, link_form=form)


@hidden_from_non_leads
def case_export(request, concern_id):
    """The case as a printable document, for transfer to an agency or a new school."""
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    services.access_log_record(user=request.user, action=AccessAction.EXPORT_CASE, concern=concern)
    concern = _case_queryset().get(pk=concern.pk)
    return render(
        request,
        "safeguarding/export.html",
        {
            "title": _("Safeguarding case %(number)s") % {"number": concern.pk},
            "pupil": concern.pupil,
            "school": concern.school,
            "concerns": [concern],
            "flags": [],
            "child": services.child_details_current(pupil=concern.pupil),
            "exported_at": timezone.now(),
        },
    )


def _child_context(pupil) -> dict:
    from .child import child_context

    return child_context(pupil)


def _pupil_or_404(request, pupil_id):
    pupil = record_pupils(request.user).select_related("school").filter(pk=pupil_id).first()
    if pupil is None:
        if Pupil.objects.filter(pk=pupil_id).exists():
            record_denied_access(request, pupil_id=pupil_id)
        raise Http404
    return pupil


def _pupil_record(pupil):
    concerns = list(
        _case_queryset()
        .filter(Q(pupil=pupil) | Q(links__pupil=pupil))
        .distinct()
        .order_by("created_at")
    )
    flags = list(Flag.objects.filter(pupil=pupil).select_related("resolved_by"))
    return concerns, flags


@hidden_from_non_leads
def pupil_record(request, pupil_id):
    """Everything on a pupil's safeguarding record, in one chronology."""
    pupil = _pupil_or_404(request, pupil_id)
    services.access_log_record(
        user=request.user, action=AccessAction.VIEW_PUPIL_RECORD, pupil=pupil
    )
    concerns, flags = _pupil_record(pupil)
    timeline = sorted(
        chain(
            (
                {"at": entry.created_at, "entry": entry, "concern": concern}
                for concern in concerns
                for entry in concern.entries.all()
            ),
            ({"at": f.created_at, "flag": f} for f in flags),
        ),
        key=lambda item: item["at"],
    )
    return render(
        request,
        "safeguarding/pupil_record.html",
        {
            **_area_context(request),
            "pupil": pupil,
            "concerns": concerns,
            "flags": flags,
            "timeline": timeline,
            **_child_context(pupil),  # the child's details, transfers, retention (transfer part)
        },
    )


@hidden_from_non_leads
def pupil_export(request, pupil_id):
    pupil = _pupil_or_404(request, pupil_id)
    services.access_log_record(
        user=request.user, action=AccessAction.EXPORT_PUPIL_RECORD, pupil=pupil
    )
    concerns, flags = _pupil_record(pupil)
    return render(
        request,
        "safeguarding/export.html",
        {
            "title": _("Safeguarding record of %(name)s") % {"name": pupil.display_name},
            "pupil": pupil,
            "school": pupil.school,
            "concerns": concerns,
            "flags": flags,
            "whole_record": True,
            "child": services.child_details_current(pupil=pupil),
            "exported_at": timezone.now(),
        },
    )
