"""Concerns: raising one, working on the case, and escalation when nobody acknowledges it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schools.models import Pupil
from schools.permissions import get_pupil, is_staff_member

from .. import conf
from ..models import (
    Agency,
    Alert,
    AlertKind,
    ChronologyEntry,
    Concern,
    ConcernCategory,
    ConcernPupilLink,
    ConcernSource,
    ConcernStatus,
    DeliveryKind,
    EntryKind,
    Flag,
)
from .common import (
    DSL_ENTRY_KINDS,
    _check_length,
    _concern_save,
    _display_name,
    _entry_add,
    _lock,
    _require_lead,
    logger,
    safeguarding_leads,
    save_once,
    text_too_long_message,
)
from .escalation import escalation_next_due, escalation_notify, escalation_repeat
from .notifications import _delivery_create, alerts_clear, deliveries_requeue_stale

# --- Raising a concern --------------------------------------------------------------------------


def _check_raiser(*, raised_by, pupil: Pupil, source: str) -> None:
    if source == ConcernSource.PUPIL:
        own = get_pupil(raised_by)
        if own is None or own.pk != pupil.pk:
            raise PermissionDenied(_("A pupil can only ask for help for themself."))
    elif source == ConcernSource.FLAG:
        _require_lead(raised_by, pupil.school)
    elif not (
        is_staff_member(raised_by)
        and Pupil.objects.visible_to(raised_by).filter(pk=pupil.pk).exists()
    ):
        raise PermissionDenied(_("You can only raise a concern about a pupil you teach."))


def _raised_text(concern: Concern) -> str:
    if concern.source == ConcernSource.PUPIL:
        return _("The pupil asked to talk to someone, using “Talk to someone”.")
    if concern.source == ConcernSource.FLAG:
        return _("Made into a concern by %(name)s from flag %(flag)s (free-text screening).") % {
            "name": _display_name(concern.raised_by),
            "flag": concern.flag_id,
        }
    return _("Raised by %(name)s.") % {"name": _display_name(concern.raised_by)}


@transaction.atomic
def concern_raise(
    *,
    raised_by,
    pupil: Pupil,
    source: str = ConcernSource.STAFF,
    what_happened: str = "",
    occurred_at: datetime | None = None,
    location: str = "",
    categories: Iterable[ConcernCategory] = (),
    immediate_danger: bool = False,
    told_dsl_in_person: bool = False,
    feeling: str = "",
    about: str = "",
    talk_to: str = "",
    idempotency_key: uuid.UUID | None = None,
    flag: Flag | None = None,
) -> Concern:
    """Raise a concern about a pupil and tell the school's safeguarding leads.

    In one transaction: the concern, its first chronology entry, an in-app alert and an email
    task for every DSL and deputy DSL, and the escalation check that runs after
    STREAMWISE_ESCALATE_AFTER_MINUTES. Staff may raise concerns about pupils they can see; a
    pupil (source PUPIL) only about themself, and every field may be empty.

    Raising again with the same `idempotency_key` (a double submit) returns the first concern.
    """
    if idempotency_key is not None:
        existing = Concern.objects.filter(
            raised_by=raised_by, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing
    _check_raiser(raised_by=raised_by, pupil=pupil, source=source)
    limit = conf.pupil_text_max_chars() if source == ConcernSource.PUPIL else conf.text_max_chars()
    _check_length(what_happened, field_name="what_happened", limit=limit)
    if len(location) > 200:
        raise ValidationError({"location": text_too_long_message(limit=200, length=len(location))})
    categories = list(categories)
    if any(category.school_id != pupil.school_id for category in categories):
        raise ValidationError({"categories": _("Choose categories of the pupil's school.")})

    concern = Concern(
        school=pupil.school,
        pupil=pupil,
        source=source,
        raised_by=raised_by,
        what_happened=what_happened.strip(),
        occurred_at=occurred_at,
        location=location.strip(),
        immediate_danger=immediate_danger,
        told_dsl_in_person=told_dsl_in_person,
        feeling=feeling,
        about=about,
        talk_to=talk_to,
        idempotency_key=idempotency_key,
        flag=flag,
    )
    # The same form submitted twice at once: the submission that saved first wins.
    key = {"raised_by": raised_by, "idempotency_key": idempotency_key} if idempotency_key else None
    saved = save_once(concern, key=key)
    if saved is not concern:
        return saved
    if categories:
        concern.categories.set(categories)
    _entry_add(concern=concern, kind=EntryKind.RAISED, author=raised_by, text=_raised_text(concern))
    _notify_new_concern(concern)
    _escalation_schedule(concern)
    logger.info("Safeguarding concern %s raised", concern.pk)
    return concern


def _notify_new_concern(concern: Concern) -> None:
    leads = safeguarding_leads(school=concern.school)
    if not leads:
        # Nobody to tell: escalate at once rather than wait for nobody to acknowledge it.
        _escalate(concern, reason=_("This school has no DSL or deputy DSL on Streamwise."))
        return
    for user in leads:
        Alert.objects.create(
            recipient=user, school=concern.school, kind=AlertKind.NEW_CONCERN, concern=concern
        )
        _delivery_create(recipient=user, kind=DeliveryKind.NEW_CONCERN, concern=concern)


def _escalation_schedule(concern: Concern, run_after: datetime | None = None) -> None:
    from ..tasks import concern_escalation_check

    concern_escalation_check.using(run_after=run_after or concern.escalation_due_at).enqueue(
        concern_id=concern.pk
    )


# --- Working on a case --------------------------------------------------------------------------


@transaction.atomic
def concern_acknowledge(*, concern: Concern, user) -> Concern:
    """Record that a DSL has seen the concern. Acknowledging twice records it once."""
    _require_lead(user, concern.school)
    concern = _lock(concern)
    if concern.acknowledged_at is None:
        concern.acknowledged_at = timezone.now()
        concern.acknowledged_by = user
        fields = ["acknowledged_at", "acknowledged_by"]
        if concern.status == ConcernStatus.NEW:
            concern.status = ConcernStatus.OPEN
            fields.append("status")
        _concern_save(concern, *fields)
        _entry_add(concern=concern, kind=EntryKind.ACKNOWLEDGED, author=user)
        # Dealt with: nobody needs to be alerted about it any more.
        alerts_clear(concern=concern)
    return concern


def _validate_entry(
    *,
    concern: Concern,
    kind: str,
    text: str,
    reason: str,
    agency: str,
    agency_name: str,
    event_date: date | None,
    reference: str,
    corrects: ChronologyEntry | None,
) -> None:
    errors: dict[str, str] = {}
    if kind not in DSL_ENTRY_KINDS:
        errors["kind"] = _("Choose what kind of entry this is.")
    for name, value in (("text", text), ("reason", reason)):
        if len(value) > conf.text_max_chars():
            errors[name] = text_too_long_message(limit=conf.text_max_chars(), length=len(value))
    if kind == EntryKind.REFERRAL:
        if agency not in Agency.values:
            errors["agency"] = _("Choose the agency the referral went to.")
        elif agency == Agency.OTHER and not agency_name.strip():
            errors["agency_name"] = _("Name the agency.")
        if event_date is None:
            errors["event_date"] = _("Enter the date of the referral.")
    elif not text.strip():
        errors["text"] = _("Write what happened.")
    if kind == EntryKind.DECISION and not reason.strip():
        errors["reason"] = _("Give the reason for the decision.")
    if kind == EntryKind.CORRECTION and (corrects is None or corrects.concern_id != concern.pk):
        errors["corrects"] = _("Choose the entry this corrects.")
    elif kind == EntryKind.CORRECTION and not corrects.is_correctable:
        errors["corrects"] = _("Entries Streamwise wrote itself can't be corrected; add a note.")
    if len(reference) > 100:
        errors["reference"] = text_too_long_message(limit=100, length=len(reference))
    if len(agency_name) > 200:
        errors["agency_name"] = text_too_long_message(limit=200, length=len(agency_name))
    if event_date is not None and event_date > timezone.localdate() + timedelta(days=1):
        errors["event_date"] = _("The date can't be in the future.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def chronology_add(
    *,
    concern: Concern,
    user,
    kind: str,
    text: str = "",
    reason: str = "",
    agency: str = "",
    agency_name: str = "",
    event_date: date | None = None,
    reference: str = "",
    corrects: ChronologyEntry | None = None,
    outcome: str = "",
    outcome_at: datetime | None = None,
) -> ChronologyEntry:
    """Append a DSL's entry to a concern's chronology: a note, an action, a decision with its
    reason, an external referral (agency, date, reference), contact with parents, an outcome,
    or a correction of an earlier entry. Entries are never edited; a correction is a new entry
    that points at the one it corrects.

    A referral moves the case to "referred", and may carry its outcome (with the date and time)
    if it is known already. Working on a concern acknowledges it.
    """
    _require_lead(user, concern.school)
    if kind == EntryKind.REFERRAL and (outcome or outcome_at):
        from .casework import _check_outcome

        outcome_errors: dict[str, str] = {}
        _check_outcome(outcome, outcome_at, outcome_errors)
        if outcome_errors:
            raise ValidationError(outcome_errors)
    _validate_entry(
        concern=concern,
        kind=kind,
        text=text,
        reason=reason,
        agency=agency,
        agency_name=agency_name,
        event_date=event_date,
        reference=reference,
        corrects=corrects,
    )
    concern = concern_acknowledge(concern=concern, user=user)
    if concern.status == ConcernStatus.CLOSED and kind not in (
        EntryKind.NOTE,
        EntryKind.CORRECTION,
    ):
        raise ValidationError(
            _("This case is closed. Reopen it to record anything other than a note.")
        )
    entry = _entry_add(
        concern=concern,
        kind=kind,
        author=user,
        text=text.strip(),
        reason=reason.strip(),
        agency=agency if kind == EntryKind.REFERRAL else "",
        agency_name=agency_name.strip() if agency == Agency.OTHER else "",
        event_date=event_date,
        reference=reference.strip(),
        corrects=corrects if kind == EntryKind.CORRECTION else None,
        outcome=outcome if kind == EntryKind.REFERRAL else "",
        outcome_at=outcome_at if kind == EntryKind.REFERRAL and outcome else None,
    )
    if kind == EntryKind.REFERRAL and concern.status != ConcernStatus.CLOSED:
        concern.status = ConcernStatus.REFERRED
        _concern_save(concern, "status")
    else:
        _concern_save(concern)
    return entry


@transaction.atomic
def concern_close(*, concern: Concern, user, reason: str) -> Concern:
    """Close a case with a summary of the outcome and why it can close."""
    _require_lead(user, concern.school)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case can close.")})
    _check_length(reason, field_name="reason")
    concern = concern_acknowledge(concern=concern, user=user)
    if concern.status == ConcernStatus.CLOSED:
        raise ValidationError(_("This case is already closed."))
    concern.status = ConcernStatus.CLOSED
    concern.closed_at = timezone.now()
    _concern_save(concern, "status", "closed_at")
    _entry_add(concern=concern, kind=EntryKind.CLOSED, author=user, reason=reason.strip())
    return concern


@transaction.atomic
def concern_reopen(*, concern: Concern, user, reason: str) -> Concern:
    """Reopen a closed case, with the reason. It goes back to "referred" if it had a referral."""
    _require_lead(user, concern.school)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is being reopened.")})
    _check_length(reason, field_name="reason")
    concern = _lock(concern)
    if concern.status != ConcernStatus.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    referred = concern.entries.filter(kind=EntryKind.REFERRAL).exists()
    concern.status = ConcernStatus.REFERRED if referred else ConcernStatus.OPEN
    concern.closed_at = None
    _concern_save(concern, "status", "closed_at")
    _entry_add(concern=concern, kind=EntryKind.REOPENED, author=user, reason=reason.strip())
    return concern


@transaction.atomic
def concern_link_pupil(*, concern: Concern, pupil: Pupil, user, note: str = "") -> ConcernPupilLink:
    """Link another pupil involved in a concern; the pupil's record then shows the concern."""
    _require_lead(user, concern.school)
    if pupil.school_id != concern.school_id:
        raise ValidationError({"pupil": _("Choose a pupil of this school.")})
    if pupil.pk == concern.pupil_id:
        raise ValidationError({"pupil": _("This concern is already about that pupil.")})
    _check_length(note, field_name="note")
    concern = _lock(concern)
    existing = ConcernPupilLink.objects.filter(concern=concern, pupil=pupil).first()
    if existing is not None:
        return existing
    link = ConcernPupilLink.objects.create(concern=concern, pupil=pupil, added_by=user)
    text = _("%(name)s is involved in this concern.") % {"name": pupil.display_name}
    if note.strip():
        text = f"{text}\n{note.strip()}"
    _entry_add(concern=concern, kind=EntryKind.PUPIL_LINKED, author=user, text=text)
    _concern_save(concern)
    return link


# --- Escalation ---------------------------------------------------------------------------------


def _escalate(concern: Concern, *, reason: str) -> None:
    """One escalation round: everyone told again, written in the chronology, next round
    scheduled (see services.escalation)."""
    entries = concern.entries.filter(kind=EntryKind.ESCALATED)
    round = entries.count() + 1
    if concern.escalated_at is None:
        concern.escalated_at = timezone.now()
        _concern_save(concern, "escalated_at")
    recipients = escalation_notify(school=concern.school, round=round, concern=concern)
    told = ", ".join(_display_name(user) for user in recipients.everyone) or _("nobody")
    _entry_add(
        concern=concern,
        kind=EntryKind.ESCALATED,
        author=None,
        text=_("%(reason)s Escalated to: %(told)s.") % {"reason": reason, "told": told},
        created_at=timezone.now(),  # the next round counts from here
    )
    _escalation_schedule(concern, run_after=timezone.now() + escalation_repeat(concern.school))
    logger.warning("Safeguarding concern %s escalated (round %s)", concern.pk, round)


@transaction.atomic
def concern_escalate_if_unacknowledged(*, concern_id: int) -> bool:
    """Escalate a concern nobody has acknowledged in time; returns whether it did.

    Run by the escalation task scheduled when the concern was raised, and again every
    repeat interval of the school until someone acknowledges: each round tells every DSL and
    deputy DSL again (in-app and by email), emails the school admins and the head teacher the
    school chose (with the case number only), and records that in the chronology.
    """
    concern = Concern.objects.select_for_update().filter(pk=concern_id).first()
    if concern is None or concern.acknowledged_at:
        return False
    last = (
        concern.entries.filter(kind=EntryKind.ESCALATED)
        .order_by("-number")
        .values_list("created_at", flat=True)
        .first()
    )
    due = escalation_next_due(first_due=concern.escalation_due_at, last=last, school=concern.school)
    if timezone.now() < due:
        # Run early (a setting changed, or a check was queued twice): check again when due.
        _escalation_schedule(concern, run_after=due)
        return False
    if last is None:
        minutes = conf.escalate_after_minutes()
        reason = ngettext(
            "Not acknowledged within %(minutes)s minute.",
            "Not acknowledged within %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes}
    else:
        reason = _("Still not acknowledged.")
    _escalate(concern, reason=reason)
    deliveries_requeue_stale(concern=concern)
    return True
