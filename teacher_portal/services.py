"""Teacher portal workflows. Writes to schools' models go through schools.services."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from schools.models import School, TeachingGroup
from schools.permissions import is_safeguarding_lead
from schools.services import (
    NewPupil,
    PupilCredentials,
    pupil_login_reset,
    pupils_bulk_create,
    staff_member_invite,
)

from .models import API_TOKEN_PREFIX, ApiToken, OnlineSafetyReview, hash_api_token
from .roster import RosterRow, RowStatus, roster_check
from .tasks import staff_welcome_send

# How stale last_used_at may get: saves a write on every API call of a busy sync job.
API_TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass
class RosterImportResult:
    """What a roster import did."""

    created: list = field(default_factory=list)  # Pupil
    not_added: list[RosterRow] = field(default_factory=list)
    groups: list[TeachingGroup] = field(default_factory=list)  # the classes pupils joined


@transaction.atomic
def roster_import(*, school: School, entries) -> RosterImportResult:
    """Add the pupils of a confirmed roster preview, all in one transaction.

    The entries are checked again first, so a row that became a duplicate or lost its class
    since the preview is left out, and importing the same file twice adds nobody twice.
    """
    rows = roster_check(school=school, entries=entries)
    to_add = [row for row in rows if row.status == RowStatus.ADD]
    created = pupils_bulk_create(
        school=school,
        pupils=[
            NewPupil(display_name=row.name, year_group=row.year_group, teaching_group=row.group)
            for row in to_add
        ],
    )
    groups = {row.group.pk: row.group for row in to_add}
    return RosterImportResult(
        created=created,
        not_added=[row for row in rows if row.status != RowStatus.ADD],
        groups=sorted(groups.values(), key=lambda group: (group.year_group, group.name)),
    )


@transaction.atomic
def class_passwords_renew(*, group: TeachingGroup) -> dict[int, PupilCredentials]:
    """Passwords for the pupils of a class who log in with a password (11+) and have none yet.

    Passwords are stored hashed, so a new one is the only way to print it; pupils who already
    have one keep it (printing cards must not lock a whole class out of the password they
    know). A single pupil gets a new one with "Reset login" on their page.
    Returns {pupil id: credentials}; the passwords must be shown once and never stored.
    """
    renewed = {}
    for pupil in group.pupils.active().filter(password_hash="").order_by("display_name"):
        if not pupil.uses_picture_password:
            renewed[pupil.pk] = pupil_login_reset(pupil=pupil)
    return renewed


@transaction.atomic
def staff_member_add(
    *, school: School, email: str, roles, first_name: str = "", last_name: str = ""
):
    """Add a staff member to a school and email them, in the same transaction.

    A new account gets a "set your password" email; someone who already has an account (say,
    at another school) is told they have been added. Returns (user, created).
    """
    user, created = staff_member_invite(
        school=school, email=email, roles=roles, first_name=first_name, last_name=last_name
    )
    staff_welcome_send.enqueue(user_id=user.pk, school_id=school.pk, new_account=created)
    return user, created


def api_token_create(*, school: School, name: str, created_by) -> tuple[ApiToken, str]:
    """Make a token for a school's IT systems. Returns (token, secret): show the secret once."""
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        school=school,
        name=name.strip(),
        token_hash=hash_api_token(raw),
        prefix=raw[: len(API_TOKEN_PREFIX) + 6],
        created_by=created_by,
    )
    return token, raw


def api_token_revoke(*, token: ApiToken) -> None:
    """Stop a token working, for good. The record stays so the school can see its history."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The active token for a secret sent by a client, or None."""
    if not raw.startswith(API_TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.active()
        .select_related("school")
        .filter(token_hash=hash_api_token(raw))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - API_TOKEN_TOUCH_INTERVAL)
    ).update(last_used_at=now)
    return token


@transaction.atomic
def online_safety_review_record(
    *, school: School, recorded_by, reviewed_on, governor_name: str, what_changed: str, actions: str
):
    """Keep the record of a yearly online-safety review with the school's evidence.

    Only a DSL or deputy DSL of the school records it (PermissionDenied otherwise); the record
    is never edited afterwards (a correction is a new record).
    """
    if not is_safeguarding_lead(recorded_by, school=school):
        raise PermissionDenied("Only the school's DSL or deputy DSL records the review.")
    return OnlineSafetyReview.objects.create(
        school=school,
        recorded_by=recorded_by,
        reviewed_on=reviewed_on,
        governor_name=governor_name.strip(),
        what_changed=what_changed.strip(),
        actions=actions.strip(),
    )
