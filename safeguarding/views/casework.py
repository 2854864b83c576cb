"""Casework on a case: actions and "My actions", attachments (upload and the one way to open
them), referral outcomes, and links between related children's cases.

Like every view of the area: look the case up through `visible_to`, call a service, redirect;
on a refusal, show the case again with the form's errors and nothing lost but the file.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from .. import services
from ..casework_forms import (
    ActionCompleteForm,
    ActionForm,
    AttachmentForm,
    OutcomeForm,
    RelatedCaseForm,
)
from ..filecheck import too_big_message
from ..models import CaseAction, CaseAttachment, ChronologyEntry, Concern, EntryKind
from ..permissions import dsl_required, hidden_from_non_leads
from ..uploads import AttachmentLimitHandler
from .cases import _render_case
from .casework_parts import related_case_choices, school_leads
from .common import _area_context, _get_visible_or_404, _see_other

# Attachments are opened as downloads, never rendered in our origin: the browser must not
# guess another type, and if it did render one, the document could run nothing and reach
# nothing.
ATTACHMENT_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'; form-action 'none'"


def _case(request, concern_id) -> Concern:
    return _get_visible_or_404(request, Concern.objects, Concern, concern_id)


def _errors_again(request, concern, form, name):
    response = _render_case(request, concern, **{name: form})
    response.status_code = 400
    return response


# --- Actions ------------------------------------------------------------------------------------


@hidden_from_non_leads
@require_POST
def case_action_add(request, concern_id):
    concern = _case(request, concern_id)
    form = ActionForm(request.POST, prefix="action", leads=school_leads(concern.school))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_action_add(
                concern=concern,
                user=request.user,
                title=data["title"],
                owner=data["owner"],
                due_at=data["due_at"],
                idempotency_key=data.get("submission"),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Action set. Its owner will be reminded when it is due."))
            return _see_other(concern.get_absolute_url() + "#actions")
    return _errors_again(request, concern, form, "action_form")


@hidden_from_non_leads
@require_POST
def case_action_complete(request, concern_id, action_id):
    concern = _case(request, concern_id)
    action = get_object_or_404(
        CaseAction.objects.visible_to(request.user), pk=action_id, concern=concern
    )
    form = ActionCompleteForm(request.POST, prefix=f"complete-{action.pk}")
    if form.is_valid():
        try:
            services.case_action_complete(
                action=action, user=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Action completed and added to the chronology."))
            return _see_other(concern.get_absolute_url() + "#actions")
    response = _render_case(request, concern, **{f"complete-{action.pk}": form})
    response.status_code = 400
    return response


@dsl_required
def my_actions(request):
    """A lead's own open actions, soonest due (so overdue) first, and those done lately."""
    mine = CaseAction.objects.owned_by(request.user).select_related("concern", "created_by")
    return render(
        request,
        "safeguarding/my_actions.html",
        {
            **_area_context(request),
            "open_actions": mine.open().overdue_first(),
            "done_actions": mine.filter(completed_at__isnull=False).order_by("-completed_at")[:20],
        },
    )


# --- Attachments --------------------------------------------------------------------------------


@csrf_exempt  # only so the size limit can be set before the body is read: see below
@hidden_from_non_leads
@require_POST
def case_attachment_add(request, concern_id):
    # The limit must count the bytes before anything reads the body (the CSRF check reads
    # it), so CSRF is checked here, straight after, instead of by the middleware.
    request.upload_handlers.insert(0, AttachmentLimitHandler(request))
    return csrf_protect(_attachment_add)(request, concern_id)


def _attachment_add(request, concern_id):
    concern = _case(request, concern_id)
    form = AttachmentForm(request.POST, request.FILES, prefix="attachment")
    if getattr(request, "attachment_too_big", False):
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", too_big_message())
    elif form.is_valid():
        try:
            services.case_attachment_add(
                concern=concern,
                user=request.user,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("File attached and added to the chronology."))
            return _see_other(concern.get_absolute_url() + "#attachments")
    return _errors_again(request, concern, form, "attachment_form")


@hidden_from_non_leads
def case_attachment(request, concern_id, attachment_id):
    """The one way to read an attachment: as a download, after the access log has it."""
    concern = _case(request, concern_id)
    attachment = (
        CaseAttachment.objects.visible_to(request.user)
        .filter(pk=attachment_id, concern=concern)
        .select_related("concern__school")
        .first()
    )
    if attachment is None:
        raise Http404
    try:
        handle = services.case_attachment_open(attachment=attachment, user=request.user)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


# --- Referral outcomes --------------------------------------------------------------------------


@hidden_from_non_leads
@require_POST
def case_referral_outcome(request, concern_id, entry_id):
    concern = _case(request, concern_id)
    referral = get_object_or_404(
        ChronologyEntry.objects.visible_to(request.user),
        pk=entry_id,
        concern=concern,
        kind=EntryKind.REFERRAL,
    )
    form = OutcomeForm(request.POST, prefix=f"outcome-{referral.pk}")
    if form.is_valid():
        try:
            services.referral_outcome_record(
                referral=referral, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Outcome recorded."))
            return _see_other(concern.get_absolute_url() + f"#entry-{referral.pk}")
    response = _render_case(request, concern, **{f"outcome-{referral.pk}": form})
    response.status_code = 400
    return response


# --- Related cases ------------------------------------------------------------------------------


@hidden_from_non_leads
@require_POST
def case_related_add(request, concern_id):
    concern = _case(request, concern_id)
    form = RelatedCaseForm(
        request.POST, prefix="related", cases=related_case_choices(request.user, concern)
    )
    if form.is_valid():
        try:
            services.case_link_add(concern=concern, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Cases linked. Both chronologies show it."))
            return _see_other(concern.get_absolute_url() + "#related")
    return _errors_again(request, concern, form, "related_form")
