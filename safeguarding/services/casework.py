"""Casework on a case: actions and their reminders, attachments, referral outcomes, and links
between related children's cases.

Every change is written to the case's chronology in the same transaction, and only the
school's safeguarding leads may make one. An action's reminder is a task scheduled for its
due time in the same transaction as the action (the outbox): when it runs it gives the owner an
in-app alert and an email that says only that an action on case N is due.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.permissions import is_safeguarding_lead

from ..filecheck import check_upload
from ..models import (
    AccessAction,
    Alert,
    AlertKind,
    CaseAction,
    CaseAttachment,
    CaseLink,
    CaseRelationship,
    ChronologyEntry,
    Concern,
    ConcernStatus,
    DeliveryKind,
    EntryKind,
    ReferralOutcome,
)
from ..storage import attachment_storage
from .access_log import access_log_record
from .common import (
    _check_length,
    _concern_save,
    _display_name,
    _entry_add,
    _lock,
    _require_lead,
    logger,
    save_once,
    text_too_long_message,
)
from .concerns import concern_acknowledge
from .notifications import _delivery_create

TITLE_MAX = 200


def _require_open(concern: Concern) -> None:
    if concern.status == ConcernStatus.CLOSED:
        raise ValidationError(_("This case is closed. Reopen it to do this."))


# --- Actions ------------------------------------------------------------------------------------


def _reminder_schedule(action: CaseAction) -> None:
    from ..tasks import case_action_reminder

    case_action_reminder.using(run_after=max(action.due_at, timezone.now())).enqueue(
        action_id=action.pk
    )


@transaction.atomic
def case_action_add(
    *,
    concern: Concern,
    user,
    title: str,
    owner,
    due_at: datetime,
    idempotency_key: uuid.UUID | None = None,
) -> CaseAction:
    """Set an action on a case for one of the school's leads, due at a time.

    In one transaction: the action, its chronology entry, and the reminder task that runs at
    `due_at`. Sending the same form twice (`idempotency_key`) returns the first action.
    """
    _require_lead(user, concern.school)
    if idempotency_key is not None:
        existing = CaseAction.objects.filter(
            created_by=user, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing
    errors = {}
    title = title.strip()
    if not title:
        errors["title"] = _("Say what needs doing.")
    elif len(title) > TITLE_MAX:
        errors["title"] = text_too_long_message(limit=TITLE_MAX, length=len(title))
    if owner is None or not is_safeguarding_lead(owner, school=concern.school):
        errors["owner"] = _("Choose a DSL or deputy DSL of this school.")
    if due_at is None:
        errors["due_at"] = _("Enter when it is due.")
    if errors:
        raise ValidationError(errors)
    concern = concern_acknowledge(concern=concern, user=user)
    _require_open(concern)
    action = CaseAction(
        concern=concern,
        title=title,
        owner=owner,
        due_at=due_at,
        created_by=user,
        idempotency_key=idempotency_key,
    )
    key = {"created_by": user, "idempotency_key": idempotency_key} if idempotency_key else None
    saved = save_once(action, key=key)
    if saved is not action:
        return saved
    _entry_add(
        concern=concern,
        kind=EntryKind.ACTION_ADDED,
        author=user,
        text=_("%(title)s — for %(owner)s, due %(due)s.")
        % {
            "title": title,
            "owner": _display_name(owner),
            "due": timezone.localtime(due_at).strftime("%d %b %Y, %H:%M"),
        },
    )
    _concern_save(concern)
    _reminder_schedule(action)
    logger.info("Safeguarding action %s set on concern %s", action.pk, concern.pk)
    return action


@transaction.atomic
def case_action_complete(*, action: CaseAction, user, note: str) -> CaseAction:
    """Mark an action done, with a note of what was done. Completing twice records it once."""
    _require_lead(user, action.concern.school)
    if not note.strip():
        raise ValidationError({"note": _("Write what was done.")})
    _check_length(note, field_name="note")
    concern = _lock(action.concern)
    action = CaseAction.objects.select_for_update().get(pk=action.pk)
    if action.completed_at is not None:
        return action
    action.completed_at = timezone.now()
    action.completed_by = user
    action.completion_note = note.strip()
    action.save(update_fields=["completed_at", "completed_by", "completion_note"])
    _entry_add(
        concern=concern,
        kind=EntryKind.ACTION_DONE,
        author=user,
        text=_("Done: %(title)s\n%(note)s") % {"title": action.title, "note": note.strip()},
    )
    _concern_save(concern)
    Alert.objects.filter(
        kind=AlertKind.ACTION_DUE, concern=concern, recipient=action.owner, read_at__isnull=True
    ).update(read_at=timezone.now())
    return action


@transaction.atomic
def case_action_remind_if_due(*, action_id: int) -> str:
    """Remind an action's owner that it is due: an in-app alert and an email with no details.

    Run by the task scheduled for the due time. Returns "reminded", or "skipped" when the
    action is done, was already reminded, or is not due yet (a task run early reschedules).
    """
    found = CaseAction.objects.filter(pk=action_id).values_list("concern_id", flat=True).first()
    if found is None:
        return "skipped"
    # The case first, then the action: the same order as completing one, so never a deadlock.
    concern = _lock(Concern(pk=found))
    action = CaseAction.objects.select_for_update().select_related("owner").get(pk=action_id)
    if action.completed_at is not None or action.reminded_at is not None:
        return "skipped"
    if action.due_at > timezone.now():
        _reminder_schedule(action)
        return "skipped"
    action.reminded_at = timezone.now()
    action.save(update_fields=["reminded_at"])
    if is_safeguarding_lead(action.owner, school=concern.school):
        Alert.objects.create(
            recipient=action.owner,
            school=concern.school,
            kind=AlertKind.ACTION_DUE,
            concern=concern,
        )
        # One reminder per action: the delivery's round is the action's number, so two actions
        # due on one case are two emails, and a reminder run twice is still one.
        _delivery_create(
            recipient=action.owner, kind=DeliveryKind.ACTION_DUE, concern=concern, round=action.pk
        )
        told = _display_name(action.owner)
    else:
        # The owner is no longer a lead here: tell the school's leads instead.
        from .common import safeguarding_leads

        leads = safeguarding_leads(school=concern.school)
        for lead in leads:
            Alert.objects.create(
                recipient=lead, school=concern.school, kind=AlertKind.ACTION_DUE, concern=concern
            )
            _delivery_create(
                recipient=lead, kind=DeliveryKind.ACTION_DUE, concern=concern, round=action.pk
            )
        told = ", ".join(_display_name(lead) for lead in leads) or _("nobody")
    _entry_add(
        concern=concern,
        kind=EntryKind.ACTION_DUE,
        author=None,
        text=_("“%(title)s” is due. Reminded: %(told)s.") % {"title": action.title, "told": told},
    )
    logger.info("Safeguarding action %s due: reminder sent", action.pk)
    return "reminded"


# --- Attachments --------------------------------------------------------------------------------


def case_attachment_add(*, concern: Concern, user, upload, description: str = "") -> CaseAttachment:
    """Keep a file with a case, in the private storage under a random name.

    The file's type is decided from its content (`filecheck.check_upload`); anything not
    allowed, too big or damaged is refused with a ValidationError and nothing is stored. The
    upload is written to the chronology. If the database write fails, the stored file is
    removed again.
    """
    _require_lead(user, concern.school)
    description = description.strip()
    if len(description) > 300:
        raise ValidationError(
            {"description": text_too_long_message(limit=300, length=len(description))}
        )
    try:
        checked = check_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    storage = attachment_storage()
    stored_name = f"{secrets.token_hex(16)}.{checked.extension}"
    saved_as = storage.save(stored_name, upload)
    try:
        with transaction.atomic():
            locked = concern_acknowledge(concern=concern, user=user)
            _require_open(locked)
            attachment = CaseAttachment.objects.create(
                concern=locked,
                stored_name=saved_as,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=upload.size,
                sha256=digest.hexdigest(),
                description=description,
                uploaded_by=user,
            )
            text = _("%(name)s (%(type)s, %(size)s KB)") % {
                "name": checked.original_name,
                "type": checked.content_type,
                "size": f"{max(upload.size // 1024, 1):,}",
            }
            if description:
                text = f"{text}\n{description}"
            _entry_add(concern=locked, kind=EntryKind.ATTACHMENT, author=user, text=text)
            _concern_save(locked)
    except BaseException:
        storage.delete(saved_as)
        raise
    logger.info("Safeguarding attachment %s added to concern %s", attachment.pk, concern.pk)
    return attachment


def case_attachment_open(*, attachment: CaseAttachment, user):
    """Open an attachment to read, after writing who opened it to the access log."""
    _require_lead(user, attachment.concern.school)
    access_log_record(
        user=user,
        action=AccessAction.VIEW_ATTACHMENT,
        concern=attachment.concern,
        detail=f"attachment {attachment.pk}",
    )
    return attachment_storage().open(attachment.stored_name, "rb")


# --- Referral outcomes --------------------------------------------------------------------------


def _check_outcome(outcome: str, outcome_at: datetime | None, errors: dict) -> None:
    if outcome and outcome not in ReferralOutcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if outcome and outcome_at is None:
        errors["outcome_at"] = _("Enter the date and time of the outcome.")
    if outcome_at is not None and outcome_at > timezone.now() + timedelta(minutes=5):
        errors["outcome_at"] = _("The time can't be in the future.")


@transaction.atomic
def referral_outcome_record(
    *,
    referral: ChronologyEntry,
    user,
    outcome: str,
    outcome_at: datetime | None,
    reference: str = "",
    text: str = "",
) -> ChronologyEntry:
    """Record what came of a referral when it arrives: a new "outcome" entry that points at
    the referral (the referral itself is not changed, and this is not a correction)."""
    concern = referral.concern
    _require_lead(user, concern.school)
    errors: dict[str, str] = {}
    if referral.kind != EntryKind.REFERRAL:
        errors["referral"] = _("Choose a referral.")
    if not outcome:
        errors["outcome"] = _("Choose the outcome.")
    _check_outcome(outcome, outcome_at, errors)
    if len(reference) > 100:
        errors["reference"] = text_too_long_message(limit=100, length=len(reference))
    if errors:
        raise ValidationError(errors)
    _check_length(text, field_name="text")
    concern = _lock(concern)
    entry = _entry_add(
        concern=concern,
        kind=EntryKind.OUTCOME,
        author=user,
        text=text.strip(),
        outcome=outcome,
        outcome_at=outcome_at,
        reference=reference.strip(),
        referral=referral,
        agency=referral.agency,
        agency_name=referral.agency_name,
    )
    _concern_save(concern)
    return entry


# --- Links between related children's cases -----------------------------------------------------


@transaction.atomic
def case_link_add(
    *, concern: Concern, other: Concern, user, relationship: str, note: str = ""
) -> CaseLink:
    """Link two cases of one school about related children; an entry goes on both.

    Linking a pair again (either way round) returns the existing link.
    """
    _require_lead(user, concern.school)
    errors = {}
    if other is None or other.school_id != concern.school_id:
        errors["other"] = _("Choose a case of this school.")
    elif other.pk == concern.pk:
        errors["other"] = _("Choose another case, not this one.")
    if relationship not in CaseRelationship.values:
        errors["relationship"] = _("Choose how the children are related.")
    if len(note) > 300:
        errors["note"] = text_too_long_message(limit=300, length=len(note))
    if errors:
        raise ValidationError(errors)
    # Lock both cases in id order, so two leads linking the same pair can't deadlock.
    first, second = sorted([concern, other], key=lambda c: c.pk)
    _lock(first)
    _lock(second)
    existing = CaseLink.objects.filter(from_concern=concern, to_concern=other).first() or (
        CaseLink.objects.filter(from_concern=other, to_concern=concern).first()
    )
    if existing is not None:
        return existing
    link = CaseLink.objects.create(
        from_concern=concern,
        to_concern=other,
        relationship=relationship,
        note=note.strip(),
        created_by=user,
    )
    label = CaseRelationship(relationship).label
    for here, there in ((concern, other), (other, concern)):
        text = _("Linked to case %(number)s (%(pupil)s): %(relationship)s.") % {
            "number": there.pk,
            "pupil": there.pupil.display_name,
            "relationship": label,
        }
        if note.strip():
            text = f"{text}\n{note.strip()}"
        _entry_add(concern=here, kind=EntryKind.CASE_LINKED, author=user, text=text)
        _concern_save(here)
    return link
