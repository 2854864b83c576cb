"""Staff training rules: marking a course quiz, certificates' expiry, Part one sign-off, and
who is done, due or overdue.

Statuses, per member of staff and course (the same words on every page, export and summary):

- **done**: passed, and the certificate is not within `reminder_days()` of expiring;
- **due soon**: the certificate expires within `reminder_days()`, or the course is assigned to
  them with a due date still ahead and they have not passed it;
- **overdue**: the certificate has expired, or an assigned course's due date has passed;
- **not assigned**: never passed, and no assignment covers them (not counted as required).

Part one of *Keeping Children Safe in Education*: signed for the school's current version is
done; unsigned is due, and overdue once the school's "sign by" date has passed. A school that
has not set a version asks nobody.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.models import School, StaffMembership
from schools.permissions import staff_school

from . import conf
from .models import (
    Audience,
    CourseAssignment,
    CourseCompletion,
    PartOneSignoff,
    SchoolTrainingSettings,
    StaffCoursePage,
    staff_courses,
)

DONE, DUE, OVERDUE, NOT_ASSIGNED = "done", "due", "overdue", "not_assigned"
STATUS_LABELS = {
    DONE: _("Done"),
    DUE: _("Due soon"),
    OVERDUE: _("Overdue"),
    NOT_ASSIGNED: _("Not assigned"),
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def settings_for(school: School) -> SchoolTrainingSettings:
    """The school's training settings (the defaults, unsaved, until an admin changes them)."""
    found = SchoolTrainingSettings.objects.filter(school=school).first()
    return found or SchoolTrainingSettings(school=school)


@transaction.atomic
def settings_update(
    *, school: School, renewal_months: int, part_one_version: str, part_one_due_on: date | None
) -> SchoolTrainingSettings:
    """Save the school's choices. A new Part one version asks every member of staff again
    (sign-offs are per version, so nothing is deleted)."""
    current, _created = SchoolTrainingSettings.objects.select_for_update().get_or_create(
        school=school
    )
    current.renewal_months = renewal_months
    current.part_one_version = part_one_version.strip()
    current.part_one_due_on = part_one_due_on
    current.full_clean()
    current.save()
    return current


# --- Staff ------------------------------------------------------------------------------------


@dataclass
class StaffMember:
    user: object
    roles: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.email


def staff_members(school: School) -> list[StaffMember]:
    """Every active member of the school's staff, with their roles, by name."""
    members: dict[int, StaffMember] = {}
    memberships = StaffMembership.objects.filter(school=school, user__is_active=True)
    for membership in memberships.select_related("user"):
        members.setdefault(membership.user_id, StaffMember(membership.user)).roles.add(
            membership.role
        )
    return sorted(members.values(), key=lambda m: (m.name.lower(), m.user.pk))


# --- The quiz ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    number: int
    text: str
    options: list
    chosen: int | None
    correct: bool
    feedback: str


@dataclass(frozen=True)
class QuizResult:
    questions: list[QuestionResult]
    score: int  # per cent
    passed: bool
    completion: CourseCompletion | None = None

    @property
    def unanswered(self) -> int:
        return sum(1 for q in self.questions if q.chosen is None)


def quiz_mark(*, course: StaffCoursePage, data) -> QuizResult:
    """Mark a posted quiz on the server: `question-<n>` holds the chosen answer's index."""
    results = []
    for number, child in enumerate(course.questions, start=1):
        options = list(child.value["options"])
        try:
            chosen = int(data.get(f"question-{number}", ""))
        except (TypeError, ValueError):
            chosen = None
        if chosen is not None and not 0 <= chosen < len(options):
            chosen = None
        correct = chosen is not None and bool(options[chosen]["correct"])
        results.append(
            QuestionResult(
                number=number,
                text=child.value["text"],
                options=options,
                chosen=chosen,
                correct=correct,
                feedback=options[chosen]["feedback"] if chosen is not None else "",
            )
        )
    score = round(100 * sum(r.correct for r in results) / len(results)) if results else 0
    return QuizResult(
        questions=results, score=score, passed=bool(results) and score >= course.pass_mark
    )


@transaction.atomic
def quiz_submit(*, user, school: School, course: StaffCoursePage, data) -> QuizResult:
    """Mark the quiz; a pass records a completion whose expiry is the school's renewal period
    from today. Passing again (a renewal) adds a new completion; the latest one counts."""
    result = quiz_mark(course=course, data=data)
    if not result.passed or result.unanswered:
        return result
    today = timezone.localdate()
    completion = CourseCompletion.objects.create(
        user=user,
        school=school,
        course=course,
        passed_on=today,
        expires_on=add_months(today, settings_for(school).renewal_months),
        score=result.score,
    )
    return QuizResult(
        questions=result.questions, score=result.score, passed=True, completion=completion
    )


# --- Part one ---------------------------------------------------------------------------------


def part_one_sign(*, user, school: School) -> PartOneSignoff:
    """Record that `user` has read the school's current version of Part one (once)."""
    version = settings_for(school).part_one_version
    if not version:
        raise ValidationError(_("Your school has not chosen a version of Part one to read yet."))
    try:
        with transaction.atomic():
            return PartOneSignoff.objects.create(user=user, school=school, version=version)
    except IntegrityError:  # signed already (a double click)
        return PartOneSignoff.objects.get(user=user, school=school, version=version)


def part_one_prompt(user) -> str:
    """The Part one version a staff member still has to sign, or "" when there is none."""
    school = staff_school(user)
    if school is None:
        return ""
    version = settings_for(school).part_one_version
    if (
        not version
        or PartOneSignoff.objects.filter(user=user, school=school, version=version).exists()
    ):
        return ""
    return version


# --- Assignments ------------------------------------------------------------------------------


def assignment_create(
    *, school: School, course: StaffCoursePage, audience: str, due_on: date, by
) -> CourseAssignment:
    """Set a course for a group of the school's staff, to be done by `due_on`."""
    if audience not in Audience.values:
        raise ValidationError({"audience": _("Choose who the course is for.")})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("Choose a date from today on.")})
    return CourseAssignment.objects.create(
        school=school, course=course, audience=audience, due_on=due_on, created_by=by
    )


# --- Who is done, due, overdue ----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    status: str
    completion: CourseCompletion | None = None
    due_on: date | None = None  # the assignment's due date, or the certificate's expiry

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class StaffRow:
    member: StaffMember
    courses: dict[int, Cell]
    part_one: Cell | None


@dataclass
class TrainingTable:
    school: School
    courses: list[StaffCoursePage]
    part_one_version: str
    rows: list[StaffRow]
    today: date


def course_cell(*, completion: CourseCompletion | None, due_on: date | None, today: date) -> Cell:
    """One member of staff's status for one course (see the module docstring)."""
    if completion is not None:
        if completion.is_expired(today):
            return Cell(OVERDUE, completion, completion.expires_on)
        if (completion.expires_on - today).days <= conf.reminder_days():
            return Cell(DUE, completion, completion.expires_on)
        return Cell(DONE, completion, completion.expires_on)
    if due_on is None:
        return Cell(NOT_ASSIGNED)
    return Cell(OVERDUE if due_on < today else DUE, None, due_on)


def training_table(school: School, *, today: date | None = None) -> TrainingTable:
    """Every member of staff × every live course and Part one, in a fixed number of queries."""
    today = today or timezone.localdate()
    courses = list(staff_courses())
    members = staff_members(school)
    latest: dict[tuple[int, int], CourseCompletion] = {}
    completions = CourseCompletion.objects.filter(school=school).order_by("passed_on", "pk")
    for completion in completions:
        latest[(completion.user_id, completion.course_id)] = completion
    assignments = list(CourseAssignment.objects.filter(school=school))
    training = settings_for(school)
    version = training.part_one_version
    signed = set(
        PartOneSignoff.objects.filter(school=school, version=version).values_list(
            "user_id", flat=True
        )
    )
    rows = []
    for member in members:
        cells = {}
        for course in courses:
            due_dates = [
                a.due_on
                for a in assignments
                if a.course_id == course.pk and member.roles & Audience(a.audience).roles()
            ]
            cells[course.pk] = course_cell(
                completion=latest.get((member.user.pk, course.pk)),
                due_on=min(due_dates, default=None),
                today=today,
            )
        part_one = None
        if version:
            if member.user.pk in signed:
                part_one = Cell(DONE)
            elif training.part_one_due_on and training.part_one_due_on < today:
                part_one = Cell(OVERDUE, None, training.part_one_due_on)
            else:
                part_one = Cell(DUE, None, training.part_one_due_on)
        rows.append(StaffRow(member=member, courses=cells, part_one=part_one))
    return TrainingTable(
        school=school, courses=courses, part_one_version=version, rows=rows, today=today
    )


def status_counts(cells: list[Cell | None]) -> dict[str, int]:
    """How many staff a course (or Part one) is required of, and how many are done, due soon
    and overdue, from their cells (`course_cell`). Counts only: used wherever names may not
    appear (the evidence page, the trust overview)."""
    required = [c for c in cells if c is not None and c.status != NOT_ASSIGNED]
    return {
        "staff": len(required),
        "done": sum(c.status == DONE for c in required),
        "due_soon": sum(c.status == DUE for c in required),
        "overdue": sum(c.status == OVERDUE for c in required),
    }


def compliance_summary(school: School, *, today: date | None = None) -> dict:
    """Counts for a school's evidence of staff training (no names), e.g.::

        {"staff_total": 12,
         "courses": [{"slug": "…", "title": "…", "staff": 12, "done": 9, "due_soon": 2,
                      "overdue": 1}, …],
         "part_one": {"version": "September 2025", "staff": 12, "done": 11, "due_soon": 1,
                      "overdue": 0}}

    "staff" counts the members of staff the course is required of (assigned, or passed
    before); for Part one, everyone once the school has set a version (else "version" is ""
    and every count 0).
    """
    table = training_table(school, today=today)
    return {
        "staff_total": len(table.rows),
        "courses": [
            {
                "slug": course.slug,
                "title": course.title,
                **status_counts([row.courses[course.pk] for row in table.rows]),
            }
            for course in table.courses
        ],
        "part_one": {
            "version": table.part_one_version,
            **status_counts([row.part_one for row in table.rows]),
        },
    }


def my_training(user, school: School, *, today: date | None = None) -> StaffRow | None:
    """The signed-in member of staff's own row of the table."""
    table = training_table(school, today=today)
    return next((row for row in table.rows if row.member.user.pk == user.pk), None)
