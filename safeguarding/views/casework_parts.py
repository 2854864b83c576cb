"""The casework parts of the case page (actions, attachments, related cases): their forms and
their data, given to the case page by `views.cases` and re-shown with errors by
`views.casework`."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from schools.models import SAFEGUARDING_ROLES

from ..casework_forms import (
    ActionCompleteForm,
    ActionForm,
    AttachmentForm,
    OutcomeForm,
    RelatedCaseForm,
)
from ..models import CaseAction, CaseAttachment, CaseLink, Concern, EntryKind


def school_leads(school):
    """The people an action can be given to: the school's DSLs and deputies."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_memberships__school=school,
            staff_memberships__role__in=SAFEGUARDING_ROLES,
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def related_case_choices(user, concern):
    return (
        Concern.objects.visible_to(user)
        .filter(school=concern.school)
        .exclude(pk=concern.pk)
        .select_related("pupil")
        .order_by("-created_at")
    )


def casework_forms(request, concern) -> dict:
    return {
        "action_form": ActionForm(prefix="action", leads=school_leads(concern.school)),
        "attachment_form": AttachmentForm(prefix="attachment"),
        "related_form": RelatedCaseForm(
            prefix="related", cases=related_case_choices(request.user, concern)
        ),
    }


def casework_data(request, concern, bound: dict | None = None) -> dict:
    """The case's actions, attachments and related cases; each open action and each referral
    gets its own form (its own prefix, so ids never clash), or the one sent back with errors."""
    bound = bound or {}
    actions = list(
        CaseAction.objects.visible_to(request.user)
        .filter(concern=concern)
        .select_related("owner", "created_by", "completed_by")
        .order_by("completed_at", "due_at", "pk")
    )
    for action in actions:
        prefix = f"complete-{action.pk}"
        action.complete_form = bound.get(prefix) or ActionCompleteForm(prefix=prefix)
    for entry in concern.entries.all():
        if entry.kind == EntryKind.REFERRAL:
            prefix = f"outcome-{entry.pk}"
            entry.outcome_form = bound.get(prefix) or OutcomeForm(prefix=prefix)
    links = list(
        CaseLink.objects.visible_to(request.user)
        .touching(concern)
        .select_related("from_concern__pupil", "to_concern__pupil", "created_by")
    )
    return {
        "case_actions": actions,
        "case_attachments": CaseAttachment.objects.visible_to(request.user)
        .filter(concern=concern)
        .select_related("uploaded_by"),
        "related_cases": [{"link": link, "case": link.other(concern)} for link in links],
    }
