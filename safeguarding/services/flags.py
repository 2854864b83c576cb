"""Flags from free-text screening: raised for review, made into a concern, or dismissed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import Pupil

from ..models import (
    Alert,
    AlertKind,
    Concern,
    ConcernCategory,
    ConcernSource,
    DeliveryKind,
    EntryKind,
    Flag,
    FlagStatus,
)
from .common import (
    FLAG_EXCERPT_MAX_CHARS,
    _check_length,
    _entry_add,
    _require_lead,
    logger,
    safeguarding_leads,
    save_once,
)
from .concerns import concern_acknowledge, concern_raise
from .escalation import escalation_next_due, escalation_notify, escalation_repeat
from .notifications import _delivery_create, alerts_clear, deliveries_requeue_stale

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
    strength: int = 0,
    explanation: str = "",
    concepts: Sequence[str] = (),
) -> Flag:
    """Put something a pupil wrote in front of the school's DSLs as "needs review".

    For free-text screening (see `pupil_text_screen`, which calls this). `source` says where it was
    written (e.g. the quiz and question), `reason` why it was flagged. A flag changes nothing a
    pupil can see. The same `source_key` for the same pupil (e.g. one answer screened twice)
    raises one flag. The excerpt is cut to FLAG_EXCERPT_MAX_CHARS. `strength` (0–5),
    `explanation` and `concepts` come from the disclosure detector (`pupil_text_screen`).
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
        strength=max(0, min(int(strength), 5)),
        explanation=explanation[:500],
        concepts=[str(concept)[:50] for concept in concepts][:30],
    )
    saved = save_once(flag, key={"pupil": pupil, "source_key": source_key} if source_key else None)
    if saved is not flag:
        return saved
    _notify_new_flag(flag)
    logger.info("Safeguarding flag %s raised", flag.pk)
    return flag


# --- Telling the leads, and escalating a flag nobody looks at -----------------------------------


def _notify_new_flag(flag: Flag) -> None:
    """Every DSL and deputy DSL: an in-app alert and an email with no details, committed
    with the flag; and the escalation check for when nobody has looked at it."""
    leads = safeguarding_leads(school=flag.school)
    for user in leads:
        Alert.objects.create(recipient=user, school=flag.school, kind=AlertKind.NEW_FLAG, flag=flag)
        _delivery_create(recipient=user, kind=DeliveryKind.NEW_FLAG, flag=flag)
    if not leads:
        _flag_escalate(flag)
    _flag_escalation_schedule(flag, run_after=flag.escalation_due_at)


def _flag_escalation_schedule(flag: Flag, *, run_after) -> None:
    from ..tasks import flag_escalation_check

    flag_escalation_check.using(run_after=run_after).enqueue(flag_id=flag.pk)


def _flag_escalate(flag: Flag) -> None:
    round = (flag.escalation_count or 0) + 1
    escalation_notify(school=flag.school, round=round, flag=flag)
    flag.escalated_at = timezone.now()
    flag.escalation_count = round
    flag.save(update_fields=["escalated_at", "escalation_count"])
    _flag_escalation_schedule(flag, run_after=flag.escalated_at + escalation_repeat(flag.school))
    logger.warning("Safeguarding flag %s escalated (round %s)", flag.pk, round)


@transaction.atomic
def flag_escalate_if_unreviewed(*, flag_id: int) -> bool:
    """Escalate a flag that no safeguarding lead has opened or reviewed in time; returns
    whether it did. Repeats every school-set interval, like a concern (services.escalation)."""
    flag = (
        Flag.objects.select_for_update(of=("self",))
        .select_related("school")
        .filter(pk=flag_id)
        .first()
    )
    if flag is None or flag.is_reviewed or flag.opened_at is not None:
        return False
    due = escalation_next_due(
        first_due=flag.escalation_due_at, last=flag.escalated_at, school=flag.school
    )
    if timezone.now() < due:
        _flag_escalation_schedule(flag, run_after=due)
        return False
    _flag_escalate(flag)
    deliveries_requeue_stale(flag=flag)
    return True


@transaction.atomic
def flag_open(*, flag: Flag, user) -> Flag:
    """Record that a safeguarding lead has opened the flag: it no longer escalates."""
    _require_lead(user, flag.school)
    if flag.opened_at is None:
        Flag.objects.filter(pk=flag.pk, opened_at__isnull=True).update(opened_at=timezone.now())
        flag.refresh_from_db(fields=["opened_at"])
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
    alerts_clear(flag=flag)
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
    alerts_clear(flag=flag)
    return flag
