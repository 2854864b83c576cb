"""Workflows that change schools, classes and pupils.

Every function here is keyword-only and transactional; views and commands call these and never
write the models directly.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from . import conf
from .cards import card_tokens_revoke
from .hashers import pupil_password_check, pupil_password_make
from .models import (
    Pupil,
    School,
    StaffMembership,
    StaffRole,
    TeachingGroup,
    generate_class_code,
)
from .pictures import PICTURES, PICTURES_PER_PASSWORD

logger = logging.getLogger(__name__)

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
    pupil.password_hash = pupil_password_make(password)
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
    """Give a pupil a new picture password or password and lift any lock.

    Their QR cards stop working too: a reset is what a teacher does when a card is lost.
    """
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    card_tokens_revoke(pupil=pupil)
    credentials = _set_secret(pupil)
    pupil.failed_logins = 0
    pupil.locked_until = None
    pupil.save(update_fields=["picture_password", "password_hash", "failed_logins", "locked_until"])
    return credentials


class PupilLoginResult:
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


def _secret_matches(pupil: Pupil, secret: str) -> bool:
    if pupil.uses_picture_password:
        return bool(pupil.picture_password) and secrets.compare_digest(
            pupil.picture_password, secret
        )
    return bool(pupil.password_hash) and pupil_password_check(secret.strip(), pupil.password_hash)


def _unlocked(now) -> Q:
    return Q(locked_until__isnull=True) | Q(locked_until__lte=now)


def _reserve_attempt(pupil: Pupil) -> int | None:
    """Count a try before it is checked; returns its number, or None if the pupil is locked.

    The count goes up in one conditional UPDATE (only while under the limit and not locked),
    so however many guesses arrive at once, no more than the limit are ever checked: the
    database, not this process, decides who gets a try. A right answer sets the count back.
    """
    limit = conf.pupil_login_max_failures()
    with transaction.atomic():
        reserved = (
            Pupil.objects.filter(pk=pupil.pk, failed_logins__lt=limit)
            .filter(_unlocked(timezone.now()))
            .update(failed_logins=F("failed_logins") + 1)
        )
        if not reserved:
            return None
        # Still inside the transaction: the row is ours until it commits.
        return Pupil.objects.filter(pk=pupil.pk).values_list("failed_logins", flat=True).get()


def pupil_login_check(*, pupil: Pupil, secret: str) -> str:
    """Check a pupil's picture password or password, counting failures towards a lock.

    Returns one of PupilLoginResult's values. After STREAMWISE_PUPIL_LOGIN_MAX_FAILURES wrong
    tries in a row the pupil is locked for STREAMWISE_PUPIL_LOGIN_LOCK_MINUTES, or until a
    teacher unlocks them.
    """
    attempt = _reserve_attempt(pupil)
    if attempt is None:
        return PupilLoginResult.LOCKED
    if _secret_matches(pupil, secret):
        Pupil.objects.filter(pk=pupil.pk).update(failed_logins=0, locked_until=None)
        return PupilLoginResult.OK
    if attempt >= conf.pupil_login_max_failures():
        # The last allowed try was wrong: pause. The count starts again when the pause ends.
        Pupil.objects.filter(pk=pupil.pk).update(
            failed_logins=0,
            locked_until=timezone.now() + timedelta(minutes=conf.pupil_login_lock_minutes()),
        )
        return PupilLoginResult.LOCKED
    return PupilLoginResult.WRONG


@transaction.atomic
def pupil_login_unlock(*, pupil: Pupil, by) -> bool:
    """Lift a pupil's pause after wrong tries, keeping their pictures or password.

    Returns whether they were paused. Logged (ids only) so a school can see who unlocked whom.
    """
    was_locked = Pupil.objects.filter(pk=pupil.pk).filter(~_unlocked(timezone.now())).exists()
    Pupil.objects.filter(pk=pupil.pk).update(failed_logins=0, locked_until=None)
    logger.info("Pupil %s login unlocked by user %s", pupil.pk, getattr(by, "pk", None))
    return was_locked


@transaction.atomic
def pupil_archive(*, pupil: Pupil) -> None:
    pupil.archived_at = timezone.now()
    pupil.save(update_fields=["archived_at"])
    pupil.user.is_active = False
    pupil.user.save(update_fields=["is_active"])


# --- School administration --------------------------------------------------------------------
# Used by the teacher portal's school-admin pages. Safeguarding roles are deliberately not in
# SCHOOL_ADMIN_MANAGED_ROLES: a school admin must not be able to make anyone (least of all
# themself) a DSL, because that would open every concern record of the school.

SCHOOL_ADMIN_MANAGED_ROLES = (StaffRole.TEACHER, StaffRole.SCHOOL_ADMIN)


def _check_teachers(*, school: School, teachers) -> None:
    staff_ids = set(StaffMembership.objects.filter(school=school).values_list("user_id", flat=True))
    if any(teacher.pk not in staff_ids for teacher in teachers):
        raise ValidationError(gettext("Only staff of this school can teach its classes."))


def _check_groups(*, school: School, teaching_groups) -> None:
    if any(group.school_id != school.pk for group in teaching_groups):
        raise ValidationError(gettext("A pupil can only be in classes of their own school."))


@transaction.atomic
def teaching_group_update(
    *, group: TeachingGroup, name: str, year_group: int, teachers
) -> TeachingGroup:
    """Rename a class, change its year group and set who teaches it. The class code stays."""
    teachers = list(teachers)
    _check_teachers(school=group.school, teachers=teachers)
    group.name = name.strip()
    group.year_group = year_group
    group.save(update_fields=["name", "year_group"])
    group.teachers.set(teachers)
    return group


@transaction.atomic
def teaching_group_archive(*, group: TeachingGroup) -> None:
    """Archive a class: its code stops working and it leaves every list, but nothing is deleted."""
    if group.archived_at is None:
        group.archived_at = timezone.now()
        group.save(update_fields=["archived_at"])


@transaction.atomic
def teaching_group_restore(*, group: TeachingGroup) -> None:
    """Bring an archived class back, with the same code, pupils and teachers."""
    group.archived_at = None
    group.save(update_fields=["archived_at"])


@transaction.atomic
def pupil_update(
    *, pupil: Pupil, display_name: str, year_group: int, teaching_groups
) -> PupilCredentials | None:
    """Change a pupil's name, year group and classes.

    Moving into an age band that logs in differently (picture password for 4–10s, password for
    11+) makes the old secret useless, so the pupil gets a new one: it is returned, to be shown
    to the teacher once. Otherwise returns None.
    """
    teaching_groups = list(teaching_groups)
    _check_groups(school=pupil.school, teaching_groups=teaching_groups)
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    used_pictures = pupil.uses_picture_password
    pupil.display_name = display_name.strip()
    pupil.year_group = year_group
    credentials = None
    if pupil.uses_picture_password != used_pictures:
        credentials = _set_secret(pupil)
        pupil.failed_logins = 0
        pupil.locked_until = None
    pupil.save()
    pupil.teaching_groups.set(teaching_groups)
    return credentials


@transaction.atomic
def pupil_move(*, pupil: Pupil, from_group: TeachingGroup, to_group: TeachingGroup) -> None:
    """Move a pupil from one class to another class of the same school."""
    _check_groups(school=pupil.school, teaching_groups=[from_group, to_group])
    pupil.teaching_groups.remove(from_group)
    pupil.teaching_groups.add(to_group)


def _user_by_email(email: str):
    User = get_user_model()
    matches = list(User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))[:2])
    if len(matches) > 1:
        raise ValidationError(
            gettext(
                "More than one account uses this email address. Ask Streamwise support for help."
            )
        )
    return matches[0] if matches else None


@transaction.atomic
def staff_member_invite(
    *, school: School, email: str, roles, first_name: str = "", last_name: str = ""
) -> tuple[object, bool]:
    """Give someone staff roles in a school, creating their account if they have none.

    A new account gets an unusable password: the person sets their own from the emailed link.
    Returns (user, created). Only SCHOOL_ADMIN_MANAGED_ROLES may be granted this way.
    """
    roles = set(roles)
    if not roles or not roles <= set(SCHOOL_ADMIN_MANAGED_ROLES):
        raise ValidationError(gettext("Choose at least one role: teacher or school admin."))
    email = get_user_model().objects.normalize_email(email.strip())
    user = _user_by_email(email)
    created = user is None
    if created:
        user = get_user_model().objects.create(
            username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip()
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif hasattr(user, "pupil"):
        raise ValidationError(gettext("That account belongs to a pupil."))
    for role in sorted(roles):
        staff_role_grant(user=user, school=school, role=role)
    return user, created


def _school_admins(school: School) -> set[int]:
    return set(
        StaffMembership.objects.filter(school=school, role=StaffRole.SCHOOL_ADMIN).values_list(
            "user_id", flat=True
        )
    )


@transaction.atomic
def staff_roles_set(*, school: School, user, roles) -> None:
    """Set which of SCHOOL_ADMIN_MANAGED_ROLES a staff member holds in a school.

    Safeguarding roles are left as they are. A school always keeps at least one school admin.
    Someone left with neither role is also taken off the classes they taught here.
    """
    roles = set(roles)
    if not roles <= set(SCHOOL_ADMIN_MANAGED_ROLES):
        raise ValidationError(gettext("Safeguarding roles cannot be changed here."))
    # Lock the school's memberships so two admins cannot each demote the other at once.
    list(StaffMembership.objects.select_for_update().filter(school=school))
    admins = _school_admins(school)
    if user.pk in admins and StaffRole.SCHOOL_ADMIN not in roles and not admins - {user.pk}:
        raise ValidationError(
            gettext(
                "Every school needs at least one school admin. Make someone else an admin first."
            )
        )
    StaffMembership.objects.filter(
        school=school, user=user, role__in=set(SCHOOL_ADMIN_MANAGED_ROLES) - roles
    ).delete()
    for role in sorted(roles):
        staff_role_grant(user=user, school=school, role=role)
    if StaffRole.TEACHER not in roles and StaffRole.SCHOOL_ADMIN not in roles:
        user.teaching_groups.remove(*TeachingGroup.objects.filter(school=school, teachers=user))


@transaction.atomic
def staff_member_remove(*, school: School, user) -> None:
    """Take a staff member out of a school: their teacher and admin roles and their classes.

    Safeguarding roles stay (they are changed by whoever manages safeguarding), as does the
    account itself, which may belong to other schools too.
    """
    staff_roles_set(school=school, user=user, roles=())


@dataclass(frozen=True)
class NewPupil:
    """One pupil to add with pupils_bulk_create."""

    display_name: str
    year_group: int
    teaching_group: TeachingGroup


@transaction.atomic
def pupils_bulk_create(*, school: School, pupils) -> list[Pupil]:
    """Create many pupils at once, all or nothing (a roster import), in a handful of queries.

    4–10s get a picture password as usual. 11+ pupils get no password yet: a password is only
    ever shown when it is made, so they get theirs when their login cards are printed
    (pupil_login_reset). Hashing hundreds of passwords nobody will see would take minutes.
    """
    pupils = list(pupils)
    _check_groups(school=school, teaching_groups=[new.teaching_group for new in pupils])
    User = get_user_model()
    users = []
    for _new in pupils:
        user = User(username=f"pupil-{uuid.uuid4().hex[:20]}")
        user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users)
    created = []
    for new, user in zip(pupils, users, strict=True):
        pupil = Pupil(
            school=school,
            user=user,
            display_name=new.display_name.strip(),
            year_group=new.year_group,
        )
        if pupil.uses_picture_password:
            pupil.picture_password = generate_picture_password()
        created.append(pupil)
    created = Pupil.objects.bulk_create(created)
    Membership = Pupil.teaching_groups.through
    Membership.objects.bulk_create(
        Membership(pupil_id=pupil.pk, teachinggroup_id=new.teaching_group.pk)
        for pupil, new in zip(created, pupils, strict=True)
    )
    return created


@transaction.atomic
def pupil_restore(*, pupil: Pupil) -> None:
    """Bring an archived pupil back (say, a returning pupil): their login and records as before."""
    pupil.archived_at = None
    pupil.save(update_fields=["archived_at"])
    pupil.user.is_active = True
    pupil.user.save(update_fields=["is_active"])
