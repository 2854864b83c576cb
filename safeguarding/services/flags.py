"""Flags from free-text screening: raised for review, made into a concern, or dismissed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import Pupil

from ..models import (
    Alert,
    AlertKind,
    Concern,
    ConcernCategory,
    ConcernSource,
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
)
from .concerns import concern_acknowledge, concern_raise

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
