"""Retention of safeguarding records, and legal holds.

A child-protection record is kept until the pupil's 25th birthday. Without a date of birth it is
kept for the school's `RetentionPolicy.years_after_leaving` after the leaving date. Once that
date has passed the record is listed for a DSL to review. Nothing is ever deleted automatically,
and Streamwise has no delete at all yet: review means a person decides, outside the site. A
legal hold marks a record that must not be deleted whatever its date; it is recorded in the
chronology of every case of the pupil.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import Pupil, School

from ..models import ChildDetails, Concern, EntryKind, LegalHold, RetentionPolicy
from .common import _check_length, _entry_add, _lock, _require_lead


def retention_policy_for(*, school: School) -> RetentionPolicy:
    policy = RetentionPolicy.objects.filter(school=school).first()
    return policy or RetentionPolicy(school=school)


@transaction.atomic
def retention_policy_set(*, school: School, user, years_after_leaving: int) -> RetentionPolicy:
    """Set how many years after leaving a record is kept when the date of birth is unknown."""
    _require_lead(user, school)
    if not 1 <= years_after_leaving <= 50:
        raise ValidationError(
            {"years_after_leaving": _("Choose a number of years between 1 and 50.")}
        )
    policy, _created = RetentionPolicy.objects.update_or_create(
        school=school,
        defaults={"years_after_leaving": years_after_leaving, "updated_by": user},
    )
    return policy


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Retention:
    """When a pupil's record may be reviewed for deletion, and why."""

    keep_until: date | None
    basis: str  # "birthday", "leaving", or "unknown"

    @property
    def due(self) -> bool:
        return self.keep_until is not None and self.keep_until <= timezone.localdate()


def retention_for(
    *, details: ChildDetails | None, policy: RetentionPolicy | None = None
) -> Retention:
    """The keep-until date from the child's current details and the school's policy."""
    if details is not None and details.date_of_birth:
        return Retention(_add_years(details.date_of_birth, 25), "birthday")
    if details is not None and details.leaving_date:
        years = (policy or retention_policy_for(school=details.school)).years_after_leaving
        return Retention(_add_years(details.leaving_date, years), "leaving")
    return Retention(None, "unknown")


@dataclass(frozen=True)
class ReviewRow:
    pupil: Pupil
    retention: Retention
    hold: LegalHold | None


def retention_review_list(*, school: School) -> list[ReviewRow]:
    """Pupils of a school whose records have passed their keep-until date, oldest first.

    Records under legal hold are listed too, marked, so the DSL sees why they stay. One query
    for the details, one for the holds, one for the pupils, whatever the number of pupils.
    """
    policy = retention_policy_for(school=school)
    current: dict[int, ChildDetails] = {}
    for details in ChildDetails.objects.filter(school=school).order_by("pupil_id", "version"):
        current[details.pupil_id] = details
    due = {}
    for pupil_id, details in current.items():
        retention = retention_for(details=details, policy=policy)
        if retention.due:
            due[pupil_id] = retention
    holds = {
        hold.pupil_id: hold
        for hold in LegalHold.objects.active().filter(school=school, pupil_id__in=due)
    }
    pupils = Pupil.objects.filter(pk__in=due).select_related("school")
    rows = [ReviewRow(pupil, due[pupil.pk], holds.get(pupil.pk)) for pupil in pupils]
    return sorted(rows, key=lambda row: row.retention.keep_until)


def legal_hold_active(*, pupil: Pupil) -> LegalHold | None:
    return LegalHold.objects.active().filter(pupil=pupil).first()


def _entry_on_cases(*, pupil: Pupil, user, text: str, reason: str = "") -> None:
    for concern in Concern.objects.filter(pupil=pupil).order_by("pk"):
        _entry_add(
            concern=_lock(concern),
            kind=EntryKind.LEGAL_HOLD,
            author=user,
            text=text,
            reason=reason,
            event_date=timezone.localdate(),
        )


@transaction.atomic
def legal_hold_place(*, pupil: Pupil, user, reason: str) -> LegalHold:
    """Place a legal hold on a pupil's record (a chronology entry on each of their cases).

    A second hold while one is in place returns the one in place (a double submit is harmless).
    """
    _require_lead(user, pupil.school)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the record must be kept.")})
    _check_length(reason, field_name="reason")
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    existing = legal_hold_active(pupil=pupil)
    if existing is not None:
        return existing
    hold = LegalHold.objects.create(school=pupil.school, pupil=pupil, reason=reason, placed_by=user)
    _entry_on_cases(
        pupil=pupil,
        user=user,
        text=_("Legal hold placed: nothing on this record may be deleted."),
        reason=reason,
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, user, reason: str) -> LegalHold:
    """Lift a legal hold, with a reason (a chronology entry on each of the pupil's cases)."""
    _require_lead(user, hold.school)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the hold can be lifted.")})
    _check_length(reason, field_name="reason")
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        return hold
    hold.lifted_at, hold.lifted_by, hold.lift_reason = timezone.now(), user, reason
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    _entry_on_cases(pupil=hold.pupil, user=user, text=_("Legal hold lifted."), reason=reason)
    return hold
