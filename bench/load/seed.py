"""The load school: classes of pupils, their teachers, two DSLs with two-step verification.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.load.seed --out var/load/roster.json \
        [--classes 10] [--pupils 300] [--teachers 10] [--leads 2]

Run against a fresh, migrated database (the runner does that). Every class gets one teacher (a
teacher may have two classes when there are fewer teachers than classes) and its age band's
module as an assignment; half the pupils come back to a lesson they started in an earlier
session, so quizzes are taken from the first minutes of the run. All pupils of an age band share
one known picture password or password, written with the class codes to the roster the load
clients read (like the login cards a teacher prints). The DSLs use the demo TOTP secret, so the
clients can compute codes.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

STAFF_DOMAIN = "load-academy.example"
STAFF_PASSWORD = "load-run-staff-password"  # noqa: S105 - a throwaway school for the load run
FIRST_NAMES = [
    "Amara", "Ben", "Chloe", "Dylan", "Ellie", "Finn", "Grace", "Harry", "Isla", "Jack",
    "Keira", "Leo", "Maya", "Noah", "Olivia", "Priya", "Quinn", "Rosa", "Sami", "Tara",
    "Umar", "Vera", "Will", "Yasmin", "Zane", "Aisha", "Bilal", "Cara", "Dan", "Esme",
]  # fmt: skip
# Year groups spread over the four age bands, so every module and both login kinds are used.
YEAR_GROUPS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]


@dataclass
class ClassCard:
    code: str
    name: str
    year_group: int
    pictures: list[str]  # empty for 11+ pupils, who type `password`
    password: str
    pupils: list[str]
    group_id: int
    assignment_id: int


@dataclass
class Roster:
    staff_password: str
    totp_secret: str
    teachers: list[dict] = field(default_factory=list)  # {"email", "groups": [(pk, assignment)]}
    leads: list[str] = field(default_factory=list)
    classes: list[ClassCard] = field(default_factory=list)


def _pupil_names(count: int, *, class_index: int) -> list[str]:
    """Names unique in the school (as it requires): first name, the class's initial, a number
    when a class has more pupils than there are first names."""
    initial = chr(65 + class_index % 26)
    return [
        f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {initial}."
        + (f" {i // len(FIRST_NAMES) + 1}" if i >= len(FIRST_NAMES) else "")
        for i in range(count)
    ]


def _staff(email: str, first: str, last: str):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(
        username=email, email=email, first_name=first, last_name=last
    )
    user.set_password(STAFF_PASSWORD)
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def _with_known_secrets(pupils, *, password_hash: str, pictures: str) -> None:
    """Give every pupil the roster's secret (one hash computed once, not 300 times)."""
    from schools.models import Pupil

    for pupil in pupils:
        if pupil.uses_picture_password:
            pupil.picture_password, pupil.password_hash = pictures, ""
        else:
            pupil.picture_password, pupil.password_hash = "", password_hash
    Pupil.objects.bulk_update(pupils, ["picture_password", "password_hash"])


def _resume_first_lesson(pupils, module) -> None:
    """These pupils did the first lesson's steps in an earlier session: today they come back
    to its last step ("carry on where you left off"), where its quiz is."""
    from lessons.services import progress_step_reach

    lesson = module.lessons().first()
    for pupil in pupils:
        progress_step_reach(pupil=pupil, lesson=lesson, step=lesson.last_step)


def seed(*, classes: int, pupils: int, teachers: int, leads: int, resume_every: int = 2) -> Roster:
    """Create the load school in one transaction and return its roster. Every
    `resume_every`-th pupil of a class is part-way through the first lesson already."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from lessons.models import ModulePage
    from lessons.services import assignment_create
    from schools.demo import DEMO_PICTURE_PASSWORD, DEMO_PUPIL_PASSWORD, DEMO_TOTP_SECRET
    from schools.models import AgeBand, StaffRole
    from schools.services import (
        NewPupil,
        pupils_bulk_create,
        school_create,
        staff_role_grant,
        teaching_group_create,
    )

    roster = Roster(staff_password=STAFF_PASSWORD, totp_secret=DEMO_TOTP_SECRET)
    password_hash = make_password(DEMO_PUPIL_PASSWORD)
    today = timezone.localdate()
    with transaction.atomic():
        school = school_create(name="Load Test Academy", slug="load-academy")
        staff = []
        for number in range(1, teachers + 1):
            user = _staff(f"teacher{number:02}@{STAFF_DOMAIN}", "Teacher", f"{number:02}")
            staff_role_grant(user=user, school=school, role=StaffRole.TEACHER)
            staff.append(user)
            roster.teachers.append({"email": user.email, "groups": []})
        for number in range(1, leads + 1):
            role = StaffRole.DSL if number == 1 else StaffRole.DEPUTY_DSL
            user = _staff(f"dsl{number}@{STAFF_DOMAIN}", "Lead", f"{number}")
            staff_role_grant(user=user, school=school, role=role)
            TOTP.activate(user, DEMO_TOTP_SECRET)
            roster.leads.append(user.email)

        per_class = [pupils // classes + (i < pupils % classes) for i in range(classes)]
        for index, size in enumerate(per_class):
            year_group = YEAR_GROUPS[index % len(YEAR_GROUPS)]
            teacher = staff[index % len(staff)]
            group = teaching_group_create(
                school=school, name=f"Year {year_group} ({index + 1})", year_group=year_group,
                teachers=[teacher],
            )  # fmt: skip
            names = _pupil_names(size, class_index=index)
            created = pupils_bulk_create(
                school=school,
                pupils=[NewPupil(name, year_group, group) for name in names],
            )
            _with_known_secrets(
                created, password_hash=password_hash, pictures=DEMO_PICTURE_PASSWORD
            )
            band = AgeBand.for_year_group(year_group)
            module = ModulePage.objects.live().for_age_band(band.value).order_by("path").first()
            if module is None:
                raise SystemExit(f"No module for ages {band.value}: load the curriculum first.")
            assignment = assignment_create(
                group=group, module=module, opens_on=today, due_on=today, created_by=teacher
            )
            _resume_first_lesson(created[::resume_every], module)
            roster.classes.append(
                ClassCard(
                    code=group.code,
                    name=group.name,
                    year_group=year_group,
                    pictures=DEMO_PICTURE_PASSWORD.split("-") if band.uses_picture_password else [],
                    password="" if band.uses_picture_password else DEMO_PUPIL_PASSWORD,
                    pupils=names,
                    group_id=group.pk,
                    assignment_id=assignment.pk,
                )
            )
            roster.teachers[index % len(staff)]["groups"].append([group.pk, assignment.pk])
    return roster


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the roster JSON")
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--pupils", type=int, default=300)
    parser.add_argument("--teachers", type=int, default=10)
    parser.add_argument("--leads", type=int, default=2)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "streamwise.settings")
    import django

    django.setup()
    roster = seed(
        classes=args.classes, pupils=args.pupils, teachers=args.teachers, leads=args.leads
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(asdict(roster), indent=2))
    print(f"Load school: {len(roster.classes)} classes, {args.pupils} pupils -> {args.out}")


if __name__ == "__main__":
    main()
