"""Overviews across classes: overdue work for a teacher, completion for a school admin.

Both cost a fixed number of queries whatever the number of classes, pupils and lessons; the
school overview counts completed lessons in the database rather than loading progress rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q
from django.utils import timezone

from lessons.models import Assignment, LessonPage, LessonProgress, ProgressStatus
from schools.models import Pupil, School, TeachingGroup, YearGroup

Membership = TeachingGroup.pupils.through
Selection = Assignment.pupils.through


def lessons_by_assignment(assignments) -> dict[int, list[int]]:
    """{assignment id: [live lesson id, …] in lesson order}, in one query."""
    assignments = list(assignments)
    modules = {a.module_id: a.module for a in assignments if a.module_id}
    lesson_ids = {a.lesson_id for a in assignments if a.lesson_id}
    if not modules and not lesson_ids:
        return {}
    condition = Q(pk__in=lesson_ids)
    for module in modules.values():
        condition |= Q(path__startswith=module.path, depth=module.depth + 1)
    found = list(
        LessonPage.objects.live().filter(condition).order_by("path").values_list("pk", "path")
    )
    result = {}
    for assignment in assignments:
        if assignment.module_id:
            prefix = modules[assignment.module_id].path
            result[assignment.pk] = [pk for pk, path in found if path.startswith(prefix)]
        else:
            result[assignment.pk] = [pk for pk, _path in found if pk == assignment.lesson_id]
    return result


def _selected_members(assignments) -> dict[int, set[int]]:
    """{assignment id: {pupil id}} for assignments with pupils chosen: the chosen pupils who
    are still active members of the class."""
    selected = defaultdict(set)
    for assignment_id, pupil_id in Selection.objects.filter(
        assignment__in=[a.pk for a in assignments],
        pupil__archived_at__isnull=True,
        pupil__teaching_groups=F("assignment__teaching_group"),
    ).values_list("assignment_id", "pupil_id"):
        selected[assignment_id].add(pupil_id)
    return selected


def _has_selection(assignments) -> set[int]:
    return set(
        Selection.objects.filter(assignment__in=[a.pk for a in assignments]).values_list(
            "assignment_id", flat=True
        )
    )


# --- Overdue work ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueItem:
    """An assignment past its due date, with the pupils who have not finished it."""

    assignment: Assignment
    pupils: list[Pupil]  # not finished, by name
    assigned: int
    lessons: int
    today: date

    @property
    def days_late(self) -> int:
        return (self.today - self.assignment.due_on).days


def overdue_overview(*, user, today: date | None = None) -> list[OverdueItem]:
    """Work past its due date in the classes a user sees, with who has not finished it.

    Oldest due date first; work everyone has finished is left out. Six queries.
    """
    today = today or timezone.localdate()
    assignments = list(
        Assignment.objects.visible_to(user)
        .overdue(today=today)
        .filter(teaching_group__archived_at__isnull=True)
        .select_related("teaching_group", "module", "lesson")
        .order_by("due_on", "teaching_group__name", "pk")
    )
    if not assignments:
        return []
    lessons = lessons_by_assignment(assignments)
    chosen = _selected_members(assignments)
    with_selection = _has_selection(assignments)
    members = defaultdict(list)
    for membership in (
        Membership.objects.filter(
            teachinggroup_id__in={a.teaching_group_id for a in assignments},
            pupil__archived_at__isnull=True,
        )
        .select_related("pupil")
        .order_by("pupil__display_name")
    ):
        members[membership.teachinggroup_id].append(membership.pupil)
    all_lessons = {pk for ids in lessons.values() for pk in ids}
    all_pupils = {p.pk for group in members.values() for p in group}
    completed = set(
        LessonProgress.objects.completed()
        .filter(pupil_id__in=all_pupils, lesson_id__in=all_lessons)
        .values_list("pupil_id", "lesson_id")
    )
    items = []
    for assignment in assignments:
        assigned = members[assignment.teaching_group_id]
        if assignment.pk in with_selection:
            assigned = [p for p in assigned if p.pk in chosen[assignment.pk]]
        lesson_ids = lessons.get(assignment.pk, [])
        if not lesson_ids:
            continue
        behind = [
            pupil
            for pupil in assigned
            if any((pupil.pk, lesson_id) not in completed for lesson_id in lesson_ids)
        ]
        if behind:
            items.append(
                OverdueItem(
                    assignment=assignment,
                    pupils=behind,
                    assigned=len(assigned),
                    lessons=len(lesson_ids),
                    today=today,
                )
            )
    return items


# --- School overview ------------------------------------------------------------------------


@dataclass
class Completion:
    """Completed lessons out of all the lessons set (each pupil × each lesson of their work)."""

    label: str
    pupils: int = 0
    assignments: int = 0
    done: int = 0
    possible: int = 0
    group: TeachingGroup | None = None

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.possible) if self.possible else None


@dataclass
class SchoolOverview:
    school: School
    classes: list[Completion] = field(default_factory=list)
    year_groups: list[Completion] = field(default_factory=list)
    whole_school: Completion | None = None


def school_overview(*, school: School, today: date | None = None) -> SchoolOverview:
    """Completion of the work set, class by class and year group by year group.

    For each active class: its active pupils, the open assignments, and how many of the lessons
    set (each assigned pupil × each lesson of the work) are completed. A year group's figures
    are its classes' added up. Six queries, whatever the size of the school.
    """
    today = today or timezone.localdate()
    groups = list(
        TeachingGroup.objects.filter(school=school)
        .active()
        .annotate(pupil_count=Count("pupils", filter=Q(pupils__archived_at__isnull=True)))
        .order_by("year_group", "name")
    )
    assignments = list(
        Assignment.objects.filter(school=school, teaching_group__in=[g.pk for g in groups])
        .open(today=today)
        .select_related("module")
        .only(
            "pk",
            "teaching_group_id",
            "module_id",
            "lesson_id",
            "module__path",
            "module__depth",
        )
    )
    lessons = lessons_by_assignment(assignments)
    chosen = _selected_members(assignments)
    with_selection = _has_selection(assignments)
    all_lessons = {pk for ids in lessons.values() for pk in ids}
    # Completed lessons per class and lesson, counted in the database.
    per_group_lesson = {
        (row["teachinggroup_id"], row["lesson_id"]): row["n"]
        for row in Membership.objects.filter(
            teachinggroup_id__in=[g.pk for g in groups],
            pupil__archived_at__isnull=True,
            pupil__lesson_progress__status=ProgressStatus.COMPLETED,
            pupil__lesson_progress__lesson_id__in=all_lessons,
        )
        .values("teachinggroup_id", lesson_id=F("pupil__lesson_progress__lesson_id"))
        .annotate(n=Count("*"))
        .order_by()
    }
    # Only pupils chosen for some work need counting one by one.
    chosen_pupils = {p for ids in chosen.values() for p in ids}
    chosen_done = (
        set(
            LessonProgress.objects.completed()
            .filter(pupil_id__in=chosen_pupils, lesson_id__in=all_lessons)
            .values_list("pupil_id", "lesson_id")
        )
        if chosen_pupils
        else set()
    )
    by_group = defaultdict(list)
    for assignment in assignments:
        by_group[assignment.teaching_group_id].append(assignment)
    overview = SchoolOverview(school=school)
    years: dict[int, Completion] = {}
    whole = Completion(label=school.name)
    for group in groups:
        row = Completion(label=group.name, pupils=group.pupil_count, group=group)
        for assignment in by_group[group.pk]:
            lesson_ids = lessons.get(assignment.pk, [])
            row.assignments += 1
            if assignment.pk in with_selection:
                pupils = chosen[assignment.pk]
                row.possible += len(pupils) * len(lesson_ids)
                row.done += sum(
                    1 for p in pupils for lesson in lesson_ids if (p, lesson) in chosen_done
                )
            else:
                row.possible += group.pupil_count * len(lesson_ids)
                row.done += sum(
                    per_group_lesson.get((group.pk, lesson), 0) for lesson in lesson_ids
                )
        overview.classes.append(row)
        year = years.setdefault(
            group.year_group, Completion(label=str(YearGroup(group.year_group).label))
        )
        for total in (year, whole):
            total.pupils += row.pupils
            total.assignments += row.assignments
            total.done += row.done
            total.possible += row.possible
    overview.year_groups = [years[key] for key in sorted(years)]
    overview.whole_school = whole
    return overview
