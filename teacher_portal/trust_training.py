"""Staff training compliance for every school of a trust, as counts, in a fixed number of queries.

The figures are those of `training.services.compliance_summary` for each school (the same
statuses, from the same rules: `course_cell`, the latest certificate, the audiences of assigned
courses and the Part one rule), gathered for all the schools at once instead of one school at a
time, so that the trust overview costs the same number of queries for two schools or forty.
tests/teacher_portal/test_trust_training.py checks that each school's figures equal
`compliance_summary(school)`.

The `training` app is optional for a host site (as for the evidence page): without it there is
nothing to count and no query is made.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import StaffMembership

from .evidence import TrainingCompliance, TrainingRow


@dataclass(frozen=True)
class _Certificate:
    """What `course_cell` reads of a `CourseCompletion`: its expiry, and whether it has expired
    (the model's own rule, borrowed)."""

    expires_on: date

    def is_expired(self, today: date) -> bool:
        from training.models import CourseCompletion

        return CourseCompletion.is_expired(self, today)


def trust_compliance(school_ids, *, today: date | None = None) -> dict[int, dict]:
    """`compliance_summary` for each of the schools, by school id, in six queries."""
    from training.models import (
        Audience,
        CourseAssignment,
        CourseCompletion,
        PartOneSignoff,
        SchoolTrainingSettings,
        staff_courses,
    )
    from training.services import DONE, DUE, OVERDUE, Cell, course_cell, status_counts

    today = today or timezone.localdate()
    courses = [(course.pk, course) for course in staff_courses().only("slug", "title")]
    roles = defaultdict(lambda: defaultdict(set))  # school → user → roles
    for school_id, user_id, role in StaffMembership.objects.filter(
        school_id__in=school_ids, user__is_active=True
    ).values_list("school_id", "user_id", "role"):
        roles[school_id][user_id].add(role)
    # The latest certificate of each (school, member of staff, course). Plain rows, not model
    # instances: a trust has thousands, and only the expiry date matters here.
    latest = {}
    for school_id, user_id, course_id, expires_on in (
        CourseCompletion.objects.filter(school_id__in=school_ids)
        .order_by("passed_on", "pk")
        .values_list("school_id", "user_id", "course_id", "expires_on")
    ):
        latest[(school_id, user_id, course_id)] = _Certificate(expires_on)
    # Who each assigned course is for, and by when: (due date, roles) by school and course.
    due = defaultdict(lambda: defaultdict(list))
    for school_id, course_id, audience, due_on in CourseAssignment.objects.filter(
        school_id__in=school_ids
    ).values_list("school_id", "course_id", "audience", "due_on"):
        due[school_id][course_id].append((due_on, Audience(audience).roles()))
    settings = {
        found.school_id: found
        for found in SchoolTrainingSettings.objects.filter(school_id__in=school_ids)
    }
    # Sign-offs of each school's current version of Part one (other versions are history).
    signed = set(
        PartOneSignoff.objects.filter(
            school_id__in=school_ids, version=F("school__training_settings__part_one_version")
        ).values_list("school_id", "user_id")
    )

    summaries = {}
    for school_id in school_ids:
        staff = roles[school_id]
        training = settings.get(school_id) or SchoolTrainingSettings()
        version = training.part_one_version
        course_counts = []
        for course_id, course in courses:
            cells = []
            for user_id, user_roles in staff.items():
                rules = due[school_id][course_id]
                due_dates = [due_on for due_on, roles_for in rules if user_roles & roles_for]
                cells.append(
                    course_cell(
                        completion=latest.get((school_id, user_id, course_id)),
                        due_on=min(due_dates, default=None),
                        today=today,
                    )
                )
            course_counts.append(
                {"slug": course.slug, "title": course.title, **status_counts(cells)}
            )
        part_one = []
        if version:
            for user_id in staff:
                if (school_id, user_id) in signed:
                    part_one.append(Cell(DONE))
                elif training.part_one_due_on and training.part_one_due_on < today:
                    part_one.append(Cell(OVERDUE))
                else:
                    part_one.append(Cell(DUE))
        summaries[school_id] = {
            "staff_total": len(staff),
            "courses": course_counts,
            "part_one": {"version": version, **status_counts(part_one)},
        }
    return summaries


def _row(label, counts: dict) -> TrainingRow:
    return TrainingRow(
        label=str(label),
        staff=counts["staff"],
        done=counts["done"],
        due_soon=counts["due_soon"],
        overdue=counts["overdue"],
    )


def trust_training(school_ids, *, today: date | None = None) -> dict[int, TrainingCompliance]:
    """Each school's staff training as the evidence page shows it (a row per course, and one
    for Part one once the school has chosen a version), by school id."""
    if not apps.is_installed("training"):
        return {pk: TrainingCompliance(available=False) for pk in school_ids}
    found = {}
    for school_id, summary in trust_compliance(school_ids, today=today).items():
        rows = [_row(course["title"], course) for course in summary["courses"]]
        part_one = summary["part_one"]
        if part_one["version"]:
            label = _("Read Keeping Children Safe in Education Part one (%(version)s)") % {
                "version": part_one["version"]
            }
            rows.append(_row(label, part_one))
        found[school_id] = TrainingCompliance(available=True, rows=rows)
    return found
