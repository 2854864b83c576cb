"""Workflows that change schools, classes and pupils.

Every function here is keyword-only and transactional; views and commands call these and never
write the models directly.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from . import conf
from .models import (
    Pupil,
    School,
    StaffMembership,
    TeachingGroup,
    generate_class_code,
)
from .pictures import PICTURES, PICTURES_PER_PASSWORD

# Short, friendly words for 11+ passwords: three words and a number are easy to type and to
# read off a card, and far stronger than anything a child would choose.
PASSWORD_WORDS = [
    "amber",
    "apple",
    "badger",
    "beach",
    "cactus",
    "canal",
    "cloud",
    "comet",
    "coral",
    "daisy",
    "delta",
    "ember",
    "falcon",
    "fern",
    "forest",
    "galaxy",
    "garden",
    "harbour",
    "hazel",
    "island",
    "jasper",
    "kayak",
    "lemon",
    "lily",
    "maple",
    "meadow",
    "meteor",
    "mint",
    "nectar",
    "ocean",
    "olive",
    "orbit",
    "otter",
    "panda",
    "pebble",
    "pepper",
    "planet",
    "quartz",
    "raven",
    "river",
    "robin",
    "rocket",
    "saffron",
    "shadow",
    "silver",
    "spruce",
    "storm",
    "summit",
    "thistle",
    "tiger",
    "topaz",
    "tulip",
    "valley",
    "violet",
    "walnut",
    "willow",
    "winter",
    "zebra",
]


def school_create(*, name: str, slug: str | None = None) -> School:
    return School.objects.create(name=name, slug=slug or slugify(name))


def staff_role_grant(*, user, school: School, role: str) -> StaffMembership:
    membership, _ = StaffMembership.objects.get_or_create(user=user, school=school, role=role)
    return membership


@transaction.atomic
def teaching_group_create(
    *, school: School, name: str, year_group: int, teachers=()
) -> TeachingGroup:
    """Create a class with a fresh, unique class code."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                group = TeachingGroup.objects.create(
                    school=school, name=name, year_group=year_group, code=generate_class_code()
                )
            break
        except IntegrityError:
            if TeachingGroup.objects.filter(school=school, name=name).exists():
                raise
    else:  # pragma: no cover - 5 collisions in a space of 8.5e11 codes
        raise RuntimeError("Could not generate a unique class code.")
    if teachers:
        group.teachers.add(*teachers)
    return group


def generate_picture_password() -> str:
    return "-".join(secrets.choice(PICTURES).slug for _ in range(PICTURES_PER_PASSWORD))


def generate_text_password() -> str:
    words = [secrets.choice(PASSWORD_WORDS) for _ in range(3)]
    return "-".join(words) + str(secrets.randbelow(90) + 10)


@dataclass(frozen=True)
class PupilCredentials:
    """What a pupil needs to log in, shown to a teacher once (on screen or a login card)."""

    pupil: Pupil
    picture_password: str = ""
    password: str = ""


def _set_secret(pupil: Pupil) -> PupilCredentials:
    if pupil.uses_picture_password:
        pupil.picture_password = generate_picture_password()
        pupil.password_hash = ""
        return PupilCredentials(pupil=pupil, picture_password=pupil.picture_password)
    password = generate_text_password()
    pupil.password_hash = make_password(password)
    pupil.picture_password = ""
    return PupilCredentials(pupil=pupil, password=password)


@transaction.atomic
def pupil_create(
    *, school: School, display_name: str, year_group: int, teaching_groups=()
) -> PupilCredentials:
    """Create a pupil with their own (passwordless) user account and a fresh login secret."""
    user = get_user_model().objects.create(username=f"pupil-{uuid.uuid4().hex[:20]}")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    pupil = Pupil(
        school=school, user=user, display_name=display_name.strip(), year_group=year_group
    )
    credentials = _set_secret(pupil)
    pupil.save()
    if teaching_groups:
        pupil.teaching_groups.add(*teaching_groups)
    return credentials


@transaction.atomic
def pupil_login_reset(*, pupil: Pupil) -> PupilCredentials:
    """Give a pupil a new picture password or password and lift any lock."""
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    credentials = _set_secret(pupil)
    pupil.failed_logins = 0
    pupil.locked_until = None
    pupil.save(update_fields=["picture_password", "password_hash", "failed_logins", "locked_until"])
    return credentials


class PupilLoginResult:
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


def pupil_login_check(*, pupil: Pupil, secret: str) -> str:
    """Check a pupil's picture password or password, counting failures towards a lock.

    Returns one of PupilLoginResult's values. After STREAMWISE_PUPIL_LOGIN_MAX_FAILURES wrong
    tries in a row the pupil is locked for STREAMWISE_PUPIL_LOGIN_LOCK_MINUTES, or until a
    teacher resets their login.
    """
    pupil.refresh_from_db(fields=["locked_until", "failed_logins"])
    if pupil.is_locked:
        return PupilLoginResult.LOCKED
    if pupil.uses_picture_password:
        ok = bool(pupil.picture_password) and secrets.compare_digest(pupil.picture_password, secret)
    else:
        ok = bool(pupil.password_hash) and check_password(secret.strip(), pupil.password_hash)
    if ok:
        if pupil.failed_logins or pupil.locked_until:
            Pupil.objects.filter(pk=pupil.pk).update(failed_logins=0, locked_until=None)
        return PupilLoginResult.OK
    with transaction.atomic():
        # Count in the database so two tabs cannot each get a fresh set of tries.
        Pupil.objects.filter(pk=pupil.pk).update(failed_logins=F("failed_logins") + 1)
        pupil.refresh_from_db(fields=["failed_logins"])
        if pupil.failed_logins >= conf.pupil_login_max_failures():
            Pupil.objects.filter(pk=pupil.pk).update(
                failed_logins=0,
                locked_until=timezone.now() + timedelta(minutes=conf.pupil_login_lock_minutes()),
            )
            return PupilLoginResult.LOCKED
    return PupilLoginResult.WRONG


@transaction.atomic
def pupil_archive(*, pupil: Pupil) -> None:
    pupil.archived_at = timezone.now()
    pupil.save(update_fields=["archived_at"])
    pupil.user.is_active = False
    pupil.user.save(update_fields=["is_active"])
