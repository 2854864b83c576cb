"""Escalation, shared by concerns nobody acknowledges and flags nobody looks at.

An escalation round tells every DSL and deputy DSL again (in-app and by email), emails the
school admins and, when the school has chosen one, the head teacher (both with nothing but
the case number), and repeats every `SchoolSafeguardingSettings.escalation_repeat_minutes`
until somebody acknowledges the concern or opens or reviews the flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from schools.models import SAFEGUARDING_ROLES, School, StaffRole

from ..models import (
    Alert,
    AlertKind,
    Concern,
    DeliveryKind,
    Flag,
    SchoolSafeguardingSettings,
)
from .common import _users_with_roles
from .notifications import _delivery_create


@dataclass(frozen=True)
class EscalationRecipients:
    leads: list
    admins: list
    head_teacher: object | None

    @property
    def everyone(self) -> list:
        return [*self.leads, *self.admins, *([self.head_teacher] if self.head_teacher else [])]


def escalation_recipients(school: School) -> EscalationRecipients:
    """Who an escalation reaches: leads first; nobody is told twice in one round."""
    leads = _users_with_roles(school, *SAFEGUARDING_ROLES)
    seen = {user.pk for user in leads}
    admins = [u for u in _users_with_roles(school, StaffRole.SCHOOL_ADMIN) if u.pk not in seen]
    seen |= {user.pk for user in admins}
    head = SchoolSafeguardingSettings.for_school(school).head_teacher
    if head is not None:
        staff_ids = {u.pk for u in _users_with_roles(school, *StaffRole.values)}
        if head.pk in seen or head.pk not in staff_ids:
            head = None
    return EscalationRecipients(leads=leads, admins=admins, head_teacher=head)


def escalation_repeat(school: School) -> timedelta:
    """How long after one escalation round the next one comes, for this school."""
    minutes = SchoolSafeguardingSettings.for_school(school).escalation_repeat_minutes
    return timedelta(minutes=minutes)


def escalation_notify(
    *, school: School, round: int, concern: Concern | None = None, flag: Flag | None = None
) -> EscalationRecipients:
    """Alert and email everyone an escalation round reaches (round 1, 2, …)."""
    recipients = escalation_recipients(school)
    subject = {"concern": concern} if concern is not None else {"flag": flag}
    for user in recipients.leads:
        Alert.objects.create(recipient=user, school=school, kind=AlertKind.ESCALATION, **subject)
        _delivery_create(recipient=user, kind=DeliveryKind.ESCALATION_LEAD, round=round, **subject)
    for user in recipients.admins:
        _delivery_create(recipient=user, kind=DeliveryKind.ESCALATION_ADMIN, round=round, **subject)
    if recipients.head_teacher is not None:
        _delivery_create(
            recipient=recipients.head_teacher,
            kind=DeliveryKind.ESCALATION_HEAD,
            round=round,
            **subject,
        )
    return recipients


def escalation_next_due(*, first_due: datetime, last: datetime | None, school: School):
    """When the next round is due: the first when none has happened, else a repeat later."""
    if last is None:
        return first_due
    return last + escalation_repeat(school)
