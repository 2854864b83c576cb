"""The trust overview: per school, completion by year group and module, overdue work, staff
training and safeguarding activity as counts.

For a trust's central team (`schools.TrustMembership`). Figures only: no class, no pupil, no
concern is named. Every figure is counted in the database, so the page costs the same fixed
number of queries for a trust of two schools or of forty (tests/teacher_portal/test_trust.py
asserts it; bench/trust_scale.py times it).

Completion follows the school overview's rule (teacher_portal.overview): of the lessons set
(each assigned pupil × each live lesson of the module), how many are completed, for the module
work that is open now. A pupil counts in their own year group.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.lookups import Exact
from django.utils import timezone

from lessons.models import Assignment, LessonPage, LessonProgress, ModulePage, ProgressStatus
from safeguarding.services.trust_counts import (
    SchoolConcernCounts,
    TrustConcernCounts,
    trust_concern_counts,
)
from schools.models import Pupil, School, StaffRole, TeachingGroup, Trust, YearGroup
from schools.permissions import all_roles_by_school

from .evidence import TrainingCompliance
from .trust_training import trust_training

Membership = TeachingGroup.pupils.through


@dataclass
class ModuleCompletion:
    module: ModulePage
    pupils: int = 0  # pupils of the year group who have this module set
    done: int = 0
    possible: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.possible) if self.possible else None


@dataclass
class YearFigures:
    year_group: int
    pupils: int
    modules: list[ModuleCompletion] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(YearGroup(self.year_group).label)


@dataclass
class SchoolFigures:
    school: School
    pupils: int = 0
    years: list[YearFigures] = field(default_factory=list)
    overdue: int = 0  # pieces of work past their due date, in active classes
    is_safeguarding_lead: bool = False  # the viewer leads safeguarding here
    concerns: SchoolConcernCounts | None = None
    training: TrainingCompliance | None = None  # counts, as on the school's evidence page


@dataclass
class TrustOverview:
    trust: Trust
    schools: list[SchoolFigures]
    concerns: TrustConcernCounts
    today: date


def _open_module_work(school_ids, today):
    return Assignment.objects.filter(
        school_id__in=school_ids,
        module__isnull=False,
        teaching_group__archived_at__isnull=True,
    ).open(today=today)


def _assigned_memberships(school_ids, today):
    """Class memberships of active pupils with open module work that includes them (work for
    the whole class, or work they were chosen for). The conditions on the work sit in one
    filter() call, so that they all apply to the same joined row."""
    return Membership.objects.filter(
        Q(teachinggroup__assignments__pupils__isnull=True)
        | Q(teachinggroup__assignments__pupils=F("pupil_id")),
        teachinggroup__school_id__in=school_ids,
        teachinggroup__archived_at__isnull=True,
        pupil__archived_at__isnull=True,
        teachinggroup__assignments__module__isnull=False,
        teachinggroup__assignments__withdrawn_at__isnull=True,
        teachinggroup__assignments__opens_on__lte=today,
    )


def _completion(school_ids, today, lessons_of):
    """Pupils set each module and lessons of it they completed, by (school, year group,
    module), in one query.

    Each pupil is counted once per (school, year group, module) however many classes or
    pieces of work set them the module: the inner query lists those distinct rows, each with
    the pupil's completed lessons of the module (counted from `LessonProgress` by pupil, which
    its (pupil, lesson) index serves); the outer one adds them up. Counting distinct progress
    rows over every membership × work × progress row instead sorted ~400,000 rows for a trust
    of 20,000 pupils (bench/results/trust-scale.md).

    The ORM cannot group the rows of a subquery, so the outer query is written here; the
    inner one is the ORM's, with its parameters.
    """
    completed = Value(0)
    if lessons_of:
        # The module is the outer row's: each branch is decided once per row, not per lesson.
        lesson_of_module = Q()
        for module_id, lesson_ids in lessons_of.items():
            lesson_of_module |= Q(Exact(OuterRef("module"), module_id), lesson_id__in=lesson_ids)
        # COUNT as a plain function, so that the subquery has no GROUP BY: one row, 0 or more.
        completed = Subquery(
            LessonProgress.objects.filter(
                lesson_of_module, pupil_id=OuterRef("pupil_id"), status=ProgressStatus.COMPLETED
            )
            .order_by()
            .annotate(n=Func(F("pk"), function="COUNT"))
            .values("n"),
            output_field=IntegerField(),
        )
    rows = (
        _assigned_memberships(school_ids, today)
        .values(
            "pupil_id",
            school=F("teachinggroup__school_id"),
            year=F("pupil__year_group"),
            module=F("teachinggroup__assignments__module_id"),
        )
        .annotate(done=completed)
        .order_by()
        .distinct()
    )
    sql, params = rows.query.sql_with_params()  # the ORM's SQL; the values stay parameters
    outer = "SELECT school, year, module, COUNT(*), SUM(done) FROM ({}) AS assigned "
    with connection.cursor() as cursor:
        cursor.execute(outer.format(sql) + "GROUP BY school, year, module", params)
        found = cursor.fetchall()
    assigned = {(school, year, module): n for school, year, module, n, _done in found}
    # int(): PostgreSQL's SUM of integers is a numeric.
    done = {(school, year, module): int(d) for school, year, module, _n, d in found}
    return assigned, done


def trust_overview(*, trust: Trust, user, today: date | None = None) -> TrustOverview:
    """Everything the trust overview shows, in a fixed number of queries."""
    today = today or timezone.localdate()
    schools = list(trust.schools.order_by("name", "pk"))
    school_ids = [school.pk for school in schools]
    pupils = defaultdict(dict)
    for row in (
        Pupil.objects.active()
        .filter(school_id__in=school_ids)
        .values("school_id", "year_group")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        pupils[row["school_id"]][row["year_group"]] = row["n"]

    work = _open_module_work(school_ids, today)
    modules = {
        module.pk: module
        for module in ModulePage.objects.filter(pk__in=work.values("module_id")).order_by("path")
    }
    lessons_of = defaultdict(list)
    if modules:
        condition = Q()
        for module in modules.values():
            condition |= Q(path__startswith=module.path, depth=module.depth + 1)
        by_path = sorted(modules.values(), key=lambda m: m.path)
        for pk, path in LessonPage.objects.live().filter(condition).values_list("pk", "path"):
            owner = next(m for m in by_path if path.startswith(m.path))
            lessons_of[owner.pk].append(pk)

    assigned, done = _completion(school_ids, today, lessons_of)
    overdue = dict(
        Assignment.objects.filter(
            school_id__in=school_ids, teaching_group__archived_at__isnull=True
        )
        .overdue(today=today)
        .values("school_id")
        .annotate(n=Count("pk"))
        .values_list("school_id", "n")
        .order_by()
    )
    roles = all_roles_by_school(user)
    leads = {StaffRole.DSL, StaffRole.DEPUTY_DSL}
    concerns = trust_concern_counts(school_ids=school_ids, today=today)
    training = trust_training(school_ids, today=today)

    figures = []
    for school in schools:
        entry = SchoolFigures(
            school=school,
            pupils=sum(pupils[school.pk].values()),
            overdue=overdue.get(school.pk, 0),
            is_safeguarding_lead=bool(roles.get(school.pk, set()) & leads),
            concerns=concerns.schools[school.pk],
            training=training[school.pk],
        )
        years = set(pupils[school.pk]) | {y for (s, y, _m) in assigned if s == school.pk}
        for year in sorted(years):
            figures_for_year = YearFigures(year_group=year, pupils=pupils[school.pk].get(year, 0))
            for module_id, module in modules.items():
                n = assigned.get((school.pk, year, module_id), 0)
                if not n:
                    continue
                figures_for_year.modules.append(
                    ModuleCompletion(
                        module=module,
                        pupils=n,
                        done=done.get((school.pk, year, module_id), 0),
                        possible=n * len(lessons_of[module_id]),
                    )
                )
            entry.years.append(figures_for_year)
        figures.append(entry)
    return TrustOverview(
        trust=trust,
        schools=figures,
        concerns=concerns,
        today=today,
    )
