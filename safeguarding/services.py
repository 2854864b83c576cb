"""Safeguarding workflows. Views, commands, tasks and other apps call these, never the models.

Every function is keyword-only and transactional. A concern is committed together with its
first chronology entry, its in-app alerts, its email tasks and its escalation check
(django-tasks-db stores tasks in the same database transaction: an outbox), so a concern can
never exist without the work that tells the DSL about it.

Nothing here logs concern details: log lines carry record ids only.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schools.models import SAFEGUARDING_ROLES, Pupil, School, StaffRole
from schools.permissions import get_pupil, is_safeguarding_lead, is_staff_member

from . import conf
from .models import (
    DEFAULT_CATEGORIES,
    AccessAction,
    AccessLogEntry,
    AccessLogHead,
    Agency,
    Alert,
    AlertKind,
    ChronologyEntry,
    Concern,
    ConcernCategory,
    ConcernPupilLink,
    ConcernSource,
    ConcernStatus,
    Delivery,
    DeliveryKind,
    EntryKind,
    Flag,
    FlagStatus,
    ScreeningPhraseList,
)
from .screening import screen_text  # noqa: F401  (part of this module's public API)

logger = logging.getLogger("streamwise.safeguarding")

FLAG_EXCERPT_MAX_CHARS = 2000
# How long one attempt to send an email may hold its delivery before another may try.
DELIVERY_CLAIM = timedelta(minutes=5)
# A delivery whose retry is this late is taken to have lost its task (a worker killed
# mid-task) and is given a new one by `deliveries_requeue_stale`.
DELIVERY_STALE_AFTER = timedelta(minutes=5)
ACCESS_LOG_GENESIS = "0" * 64

DSL_ENTRY_KINDS = (
    EntryKind.NOTE,
    EntryKind.ACTION,
    EntryKind.DECISION,
    EntryKind.REFERRAL,
    EntryKind.PARENT_CONTACT,
    EntryKind.OUTCOME,
    EntryKind.CORRECTION,
)


# --- Helpers ----------------------------------------------------------------------------------


def text_too_long_message(*, limit: int, length: int) -> str:
    return _(
        "This is too long to save: %(length)s characters, and the most is %(limit)s. Please "
        "shorten it; nothing has been saved yet."
    ) % {"length": f"{length:,}", "limit": f"{limit:,}"}


def _check_length(value: str, *, field_name: str, limit: int | None = None) -> None:
    limit = limit or conf.text_max_chars()
    if value and len(value) > limit:
        raise ValidationError({field_name: text_too_long_message(limit=limit, length=len(value))})


def _users_with_roles(school: School, *roles: str) -> list:
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_memberships__school=school,
            staff_memberships__role__in=roles,
        )
        .distinct()
        .order_by("pk")
    )


def safeguarding_leads(*, school: School) -> list:
    """The school's DSLs and deputy DSLs: everyone told about a new concern."""
    return _users_with_roles(school, *SAFEGUARDING_ROLES)


def _require_lead(user, school: School) -> None:
    if not is_safeguarding_lead(user, school=school):
        raise PermissionDenied(_("Only the school's safeguarding leads can do this."))


def _lock(concern: Concern) -> Concern:
    return Concern.objects.select_for_update().get(pk=concern.pk)


def _entry_add(*, concern: Concern, kind: str, author, **fields) -> ChronologyEntry:
    """Append an entry (the caller holds the concern's row lock, so numbers never clash)."""
    last = ChronologyEntry.objects.filter(concern=concern).aggregate(last=Max("number"))["last"]
    return ChronologyEntry.objects.create(
        concern=concern, number=(last or 0) + 1, kind=kind, author=author, **fields
    )


def _concern_save(concern: Concern, *fields: str) -> None:
    concern.updated_at = timezone.now()
    concern.save(update_fields=[*fields, "updated_at"])


def _display_name(user) -> str:
    if user is None:
        return _("Streamwise")
    return user.get_full_name() or user.email or user.get_username()


# --- Per-school settings ------------------------------------------------------------------------


@transaction.atomic
def concern_categories_ensure(*, school: School):
    """The school's active concern categories, creating the default list the first time."""
    if not ConcernCategory.objects.filter(school=school).exists():
        for position, name in enumerate(DEFAULT_CATEGORIES):
            ConcernCategory.objects.get_or_create(
                school=school, name=str(name), defaults={"position": position}
            )
    return ConcernCategory.objects.filter(school=school).active()


@transaction.atomic
def concern_categories_set(*, school: School, names: Sequence[str], user) -> None:
    """Set a school's categories, in order. Categories left out are archived, never deleted,
    so concerns filed under them keep them."""
    _require_lead(user, school)
    cleaned: list[str] = []
    for raw in names:
        name = " ".join(raw.split())
        if not name or name.casefold() in {n.casefold() for n in cleaned}:
            continue
        if len(name) > 100:
            raise ValidationError(
                {"categories": _("A category name can be at most 100 characters.")}
            )
        cleaned.append(name)
    if not cleaned:
        raise ValidationError({"categories": _("Keep at least one category.")})
    concern_categories_ensure(school=school)
    existing = {
        category.name.casefold(): category
        for category in ConcernCategory.objects.select_for_update().filter(school=school)
    }
    keep = set()
    for position, name in enumerate(cleaned):
        category = existing.get(name.casefold())
        if category is None:
            category = ConcernCategory.objects.create(school=school, name=name, position=position)
        else:
            category.name, category.position, category.archived_at = name, position, None
            category.save(update_fields=["name", "position", "archived_at"])
        keep.add(category.pk)
    ConcernCategory.objects.filter(school=school, archived_at__isnull=True).exclude(
        pk__in=keep
    ).update(archived_at=timezone.now())


@transaction.atomic
def screening_phrases_set(*, school: School, phrases: Sequence[str], user) -> ScreeningPhraseList:
    """Replace the phrases the school's quiz free text is screened for."""
    _require_lead(user, school)
    cleaned: list[str] = []
    for raw in phrases:
        phrase = " ".join(raw.split())
        if phrase and phrase.casefold() not in {p.casefold() for p in cleaned}:
            if len(phrase) > 200:
                raise ValidationError({"phrases": _("A phrase can be at most 200 characters.")})
            cleaned.append(phrase)
    phrase_list, _created = ScreeningPhraseList.objects.update_or_create(
        school=school, defaults={"phrases": "\n".join(cleaned), "updated_by": user}
    )
    return phrase_list


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
    try:
        with transaction.atomic():
            concern.save()
    except IntegrityError:
        if idempotency_key is None:
            raise
        # The same form was submitted twice at once; the other submission won.
        return Concern.objects.get(raised_by=raised_by, idempotency_key=idempotency_key)
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
    from .tasks import concern_escalation_check

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
) -> ChronologyEntry:
    """Append a DSL's entry to a concern's chronology: a note, an action, a decision with its
    reason, an external referral (agency, date, reference), contact with parents, an outcome,
    or a correction of an earlier entry. Entries are never edited; a correction is a new entry
    that points at the one it corrects.

    A referral moves the case to "referred". Working on a concern acknowledges it.
    """
    _require_lead(user, concern.school)
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
    concern.escalated_at = timezone.now()
    _concern_save(concern, "escalated_at")
    deputies = _users_with_roles(concern.school, StaffRole.DEPUTY_DSL)
    # With no deputy, the DSLs themselves are reminded.
    leads = deputies or _users_with_roles(concern.school, StaffRole.DSL)
    lead_ids = {user.pk for user in leads}
    admins = [
        user
        for user in _users_with_roles(concern.school, StaffRole.SCHOOL_ADMIN)
        if user.pk not in lead_ids
    ]
    for user in leads:
        Alert.objects.create(
            recipient=user, school=concern.school, kind=AlertKind.ESCALATION, concern=concern
        )
        _delivery_create(recipient=user, kind=DeliveryKind.ESCALATION_LEAD, concern=concern)
    for user in admins:
        _delivery_create(recipient=user, kind=DeliveryKind.ESCALATION_ADMIN, concern=concern)
    told = ", ".join(_display_name(user) for user in [*leads, *admins]) or _("nobody")
    _entry_add(
        concern=concern,
        kind=EntryKind.ESCALATED,
        author=None,
        text=_("%(reason)s Escalated to: %(told)s.") % {"reason": reason, "told": told},
    )
    logger.warning("Safeguarding concern %s escalated", concern.pk)


@transaction.atomic
def concern_escalate_if_unacknowledged(*, concern_id: int) -> bool:
    """Escalate a concern nobody has acknowledged in time, once; returns whether it did.

    Run by the escalation task scheduled when the concern was raised. It tells the deputy
    DSLs (in-app and by email) and the school admins (by email, with no details at all), and
    records that in the chronology.
    """
    concern = Concern.objects.select_for_update().filter(pk=concern_id).first()
    if concern is None or concern.acknowledged_at or concern.escalated_at:
        return False
    if timezone.now() < concern.escalation_due_at:
        # Run early (the setting was shortened and lengthened again): check again when due.
        _escalation_schedule(concern)
        return False
    minutes = conf.escalate_after_minutes()
    _escalate(
        concern,
        reason=ngettext(
            "Not acknowledged within %(minutes)s minute.",
            "Not acknowledged within %(minutes)s minutes.",
            minutes,
        )
        % {"minutes": minutes},
    )
    deliveries_requeue_stale(concern=concern)
    return True


# --- Flags from free-text screening ---------------------------------------------------------


@transaction.atomic
def flag_raise(
    *,
    pupil: Pupil,
    source: str,
    text_excerpt: str,
    reason: str,
    matched_phrases: Sequence[str] = (),
    source_key: str = "",
) -> Flag:
    """Put something a pupil wrote in front of the school's DSLs as "needs review".

    For the quizzes app's free-text screening (see `screen_text`). `source` says where it was
    written (e.g. the quiz and question), `reason` why it was flagged. A flag changes nothing a
    pupil can see. The same `source_key` for the same pupil (e.g. one answer screened twice)
    raises one flag. The excerpt is cut to FLAG_EXCERPT_MAX_CHARS.
    """
    if source_key:
        existing = Flag.objects.filter(pupil=pupil, source_key=source_key).first()
        if existing is not None:
            return existing
    excerpt = text_excerpt.strip()
    if len(excerpt) > FLAG_EXCERPT_MAX_CHARS:
        excerpt = excerpt[: FLAG_EXCERPT_MAX_CHARS - 1] + "…"
    flag = Flag(
        school=pupil.school,
        pupil=pupil,
        source=source[:200],
        source_key=source_key[:200],
        text_excerpt=excerpt,
        reason=reason[:500],
        matched_phrases=[str(phrase)[:200] for phrase in matched_phrases][:50],
    )
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        if not source_key:
            raise
        return Flag.objects.get(pupil=pupil, source_key=source_key)
    for user in safeguarding_leads(school=pupil.school):
        Alert.objects.create(
            recipient=user, school=pupil.school, kind=AlertKind.NEW_FLAG, flag=flag
        )
    logger.info("Safeguarding flag %s raised", flag.pk)
    return flag


def _lock_flag_for_review(flag: Flag, user) -> Flag:
    _require_lead(user, flag.school)
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != FlagStatus.NEEDS_REVIEW:
        raise ValidationError(_("This flag has already been reviewed."))
    return flag


@transaction.atomic
def flag_promote(
    *, flag: Flag, user, categories: Iterable[ConcernCategory] = (), note: str = ""
) -> Concern:
    """Make a flag into a concern raised (and acknowledged) by the reviewing DSL."""
    flag = _lock_flag_for_review(flag, user)
    _check_length(note, field_name="note")
    concern = concern_raise(
        raised_by=user,
        pupil=flag.pupil,
        source=ConcernSource.FLAG,
        what_happened=flag.text_excerpt,
        location=flag.source,
        categories=categories,
        flag=flag,
    )
    concern = concern_acknowledge(concern=concern, user=user)
    if note.strip():
        _entry_add(concern=concern, kind=EntryKind.NOTE, author=user, text=note.strip())
    flag.status = FlagStatus.PROMOTED
    flag.resolved_by, flag.resolved_at = user, timezone.now()
    flag.resolution_reason = note.strip()
    flag.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_reason"])
    return concern


@transaction.atomic
def flag_dismiss(*, flag: Flag, user, reason: str) -> Flag:
    """Dismiss a flag, with the reason (kept with the flag for good)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this needs no action.")})
    _check_length(reason, field_name="reason")
    flag = _lock_flag_for_review(flag, user)
    flag.status = FlagStatus.DISMISSED
    flag.resolved_by, flag.resolved_at = user, timezone.now()
    flag.resolution_reason = reason.strip()
    flag.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_reason"])
    return flag


# --- In-app alerts ------------------------------------------------------------------------------


def alerts_mark_read(*, user, concern: Concern | None = None, flag: Flag | None = None) -> int:
    """Mark a lead's alerts about one concern or flag as read (they have opened it)."""
    alerts = Alert.objects.filter(recipient=user, read_at__isnull=True)
    if concern is not None:
        alerts = alerts.filter(concern=concern)
    if flag is not None:
        alerts = alerts.filter(flag=flag)
    return alerts.update(read_at=timezone.now())


# --- Email delivery -----------------------------------------------------------------------------


def _delivery_create(*, recipient, kind: str, concern: Concern) -> Delivery | None:
    if not recipient.email:
        logger.warning("Safeguarding notice for user %s skipped: no email address", recipient.pk)
        return None
    delivery = Delivery.objects.create(
        recipient=recipient, to_email=recipient.email, kind=kind, concern=concern
    )
    _delivery_enqueue(delivery)
    return delivery


def _delivery_enqueue(delivery: Delivery) -> None:
    from .tasks import delivery_send

    task = delivery_send
    if delivery.next_attempt_at > timezone.now():
        task = delivery_send.using(run_after=delivery.next_attempt_at)
    task.enqueue(delivery_id=delivery.pk, token=str(delivery.token))


def retry_delay(attempts: int) -> timedelta:
    """The wait after the given number of failed attempts: doubling, up to the maximum."""
    seconds = conf.email_retry_base_seconds() * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, conf.email_retry_max_seconds()))


def _email_context(delivery: Delivery) -> dict:
    return {
        "case_url": conf.site_url() + reverse("safeguarding:case", args=[delivery.concern_id]),
        "school": delivery.concern.school.name,
        "minutes": conf.escalate_after_minutes(),
        "urgent": delivery.concern.immediate_danger,
    }


def _email_send(delivery: Delivery) -> None:
    """Send one notice. It holds a link to the case and nothing about the pupil or concern."""
    context = _email_context(delivery)
    subject = " ".join(
        render_to_string(f"safeguarding/email/{delivery.kind}_subject.txt", context).split()
    )
    body = render_to_string(f"safeguarding/email/{delivery.kind}_message.txt", context)
    EmailMessage(subject=subject, body=body, to=[delivery.to_email]).send()


def delivery_attempt(*, delivery_id: int, token: str) -> str:
    """Try to send one notification email; on failure, schedule the next try.

    Returns "sent", "retry" or "skipped" (already sent, superseded, or being sent). Only the
    task holding the delivery's current token may send it, so a message is sent once even if
    its task was scheduled twice.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("concern__school")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.sent_at is not None or str(delivery.token) != token:
            return "skipped"
        if delivery.claimed_until is not None and delivery.claimed_until > now:
            return "skipped"
        delivery.attempts += 1
        delivery.claimed_until = now + DELIVERY_CLAIM
        delivery.save(update_fields=["attempts", "claimed_until"])
    try:
        _email_send(delivery)
    except Exception as exc:  # any failure to hand over the message: try again later
        with transaction.atomic():
            delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
            delivery.last_error = type(exc).__name__[:200]
            delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
            delivery.claimed_until = None
            delivery.token = uuid.uuid4()
            delivery.save(update_fields=["last_error", "next_attempt_at", "claimed_until", "token"])
            _delivery_enqueue(delivery)
        logger.warning(
            "Safeguarding email %s not sent (attempt %s, %s); next try at %s",
            delivery.pk,
            delivery.attempts,
            delivery.last_error,
            delivery.next_attempt_at.isoformat(),
        )
        return "retry"
    Delivery.objects.filter(pk=delivery_id).update(
        sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    logger.info("Safeguarding email %s sent (attempt %s)", delivery_id, delivery.attempts)
    return "sent"


@transaction.atomic
def deliveries_requeue_stale(*, concern: Concern | None = None) -> int:
    """Give a new task to every unsent email whose retry is overdue (its task was lost, e.g.
    a worker killed mid-task). The old task, if it ever runs, finds its token stale."""
    cutoff = timezone.now() - DELIVERY_STALE_AFTER
    stale = Delivery.objects.select_for_update().filter(
        sent_at__isnull=True, next_attempt_at__lt=cutoff
    )
    if concern is not None:
        stale = stale.filter(concern=concern)
    count = 0
    for delivery in stale:
        if delivery.claimed_until is not None and delivery.claimed_until > timezone.now():
            continue
        delivery.token = uuid.uuid4()
        delivery.claimed_until = None
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["token", "claimed_until", "next_attempt_at"])
        _delivery_enqueue(delivery)
        count += 1
    return count


# --- Access log ---------------------------------------------------------------------------------


def _access_hash(entry: AccessLogEntry) -> str:
    payload = json.dumps(
        [
            entry.seq,
            entry.created_at.astimezone(UTC).isoformat(),
            entry.user_id,
            entry.user_label,
            entry.superuser,
            entry.school_id,
            entry.action,
            entry.concern_id,
            entry.pupil_id,
            entry.flag_id,
            entry.detail,
            entry.prev_hash,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return salted_hmac(
        "streamwise.safeguarding.access-log",
        payload,
        secret=conf.access_log_key(),
        algorithm="sha256",
    ).hexdigest()


def _access_log_head() -> AccessLogHead:
    """The chain's head, locked: holding it makes appends happen one at a time."""
    head = AccessLogHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        last = AccessLogEntry.objects.order_by("-seq").first()
        try:
            with transaction.atomic():
                AccessLogHead.objects.create(
                    pk=1,
                    seq=last.seq if last else 0,
                    entry_hash=last.entry_hash if last else "",
                )
        except IntegrityError:
            pass  # created by a concurrent append
        head = AccessLogHead.objects.select_for_update().get(pk=1)
    return head


@transaction.atomic
def access_log_record(
    *,
    user,
    action: str,
    concern: Concern | None = None,
    pupil: Pupil | None = None,
    flag: Flag | None = None,
    school: School | None = None,
    detail: str = "",
) -> AccessLogEntry:
    """Append who viewed, searched or exported what to the hash-chained access log.

    Call it before showing the record: no view without its log entry.
    """
    if school is None:
        owner = concern or pupil or flag
        school = owner.school if owner is not None else None
    head = _access_log_head()
    entry = AccessLogEntry(
        seq=head.seq + 1,
        created_at=timezone.now(),
        user=user,
        user_label=(user.email or user.get_username())[:300],
        superuser=bool(user.is_superuser),
        school=school,
        action=action,
        concern=concern,
        pupil=pupil,
        flag=flag,
        detail=detail[:300],
        prev_hash=head.entry_hash or ACCESS_LOG_GENESIS,
    )
    entry.entry_hash = _access_hash(entry)
    entry.save()
    head.seq, head.entry_hash = entry.seq, entry.entry_hash
    head.save(update_fields=["seq", "entry_hash"])
    if action == AccessAction.DENIED or entry.superuser:
        logger.warning("Safeguarding access log %s: %s by user %s", entry.seq, action, user.pk)
    return entry


@dataclass
class AccessLogVerification:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def access_log_verify() -> AccessLogVerification:
    """Recompute the whole chain: any changed, removed, inserted or reordered entry shows up."""
    result = AccessLogVerification()
    previous, expected = ACCESS_LOG_GENESIS, 1
    for entry in AccessLogEntry.objects.order_by("seq").iterator():
        if entry.seq != expected:
            result.problems.append(
                f"Entries {expected}–{entry.seq - 1} are missing."
                if entry.seq > expected
                else f"Entry {entry.seq} is out of order."
            )
        if entry.prev_hash != previous:
            result.problems.append(f"Entry {entry.seq} does not follow the entry before it.")
        if _access_hash(entry) != entry.entry_hash:
            result.problems.append(f"Entry {entry.seq} has been changed.")
        previous, expected = entry.entry_hash, entry.seq + 1
        result.checked += 1
    head = AccessLogHead.objects.filter(pk=1).first()
    last_seq = expected - 1
    if head is None:
        if result.checked:
            result.problems.append("The record of the log's last entry is missing.")
    elif head.seq != last_seq or (head.entry_hash or ACCESS_LOG_GENESIS) != previous:
        result.problems.append(
            f"The log should end at entry {head.seq} but ends at entry {last_seq}: "
            "entries have been removed or changed at the end."
        )
    return result
