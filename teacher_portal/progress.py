"""The progress grid: a class's pupils × an assignment's lessons, one status per cell.

`progress_grid()` is the one place that decides what a cell says (`cell_status()`); the grid
page, its exports, its charts and the API all read what it returns. It costs a fixed number of
queries whatever the size of the class or the module:

1. the pupils the work is set for;
2. the lessons it covers;
3. their progress rows;
4. the mean activity score per pupil and lesson (quiz results left out);
5. submitted quiz attempts, when some of the lessons end with a quiz (`lesson_quiz_ids()`).
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db.models import Avg, Exists, OuterRef
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lessons.models import (
    ActivityResponse,
    Assignment,
    CompletionKind,
    LessonPage,
    LessonProgress,
    ProgressStatus,
)
from lessons.receivers import QUIZ_ACTIVITY_TYPE
from quizzes.models import Attempt, counted_attempt
from schools.models import Pupil, TeachingGroup


class CellStatus(enum.Enum):
    """What a cell of the grid says, with a shape as well as a word (never colour alone)."""

    NOT_STARTED = ("not_started", _("Not started"), "○")
    IN_PROGRESS = ("in_progress", _("In progress"), "◐")
    COMPLETED = ("completed", _("Completed"), "✓")
    IN_CLASS = ("in_class", _("Done together in class"), "◆")
    PASSED = ("passed", _("Quiz passed"), "★")
    FAILED = ("failed", _("Quiz not passed"), "✗")
    OVERDUE = ("overdue", _("Overdue"), "!")

    def __init__(self, slug: str, label: Promise, icon: str):
        self.slug = slug
        self.label = label
        self.icon = icon

    @classmethod
    def from_slug(cls, slug: str) -> CellStatus | None:
        return next((status for status in cls if status.slug == slug), None)


def cell_status(
    *, progress: str, quiz_passed: bool | None, past_due: bool, in_class: bool = False
) -> CellStatus:
    """The status of one pupil's lesson, from what they did and the assignment's due date.

    - `progress`: the lesson's `ProgressStatus` for the pupil (not started without a row);
    - `quiz_passed`: whether the attempt that counts at the lesson's quiz passed, or None when
      there is no quiz or no submitted attempt;
    - `past_due`: the assignment's due date has passed;
    - `in_class`: the lesson was completed by being taught to the class (teach mode).

    A quiz not passed is said first, because it is what a teacher acts on; then a completed
    lesson (passed, when its quiz was); then overdue work; then how far the pupil got.
    """
    if quiz_passed is False:
        return CellStatus.FAILED
    if progress == ProgressStatus.COMPLETED:
        if quiz_passed:
            return CellStatus.PASSED
        return CellStatus.IN_CLASS if in_class else CellStatus.COMPLETED
    if past_due:
        return CellStatus.OVERDUE
    if progress == ProgressStatus.IN_PROGRESS:
        return CellStatus.IN_PROGRESS
    return CellStatus.NOT_STARTED


# --- Quizzes --------------------------------------------------------------------------------


def lesson_quiz_ids(lessons) -> dict[int, int]:
    """{lesson id: quiz id} for the lessons that end with a quiz (`LessonPage.quiz`).

    The one place the grid learns which quizzes belong to which lessons: override it (or
    extend it, say for an end-of-module quiz) and the grid, its exports, charts and the API
    follow. Reads the key already loaded on each lesson: no query.
    """
    return {lesson.pk: lesson.quiz_id for lesson in lessons if lesson.quiz_id is not None}


@dataclass(frozen=True)
class QuizResult:
    """A pupil's result at one quiz: the attempt that counts and how many they submitted."""

    quiz_id: int
    score: int | None
    passed: bool | None
    attempts: int
    submitted_at: datetime | None


class _AttemptRow(NamedTuple):
    number: int
    score: int | None
    passed: bool | None
    submitted_at: datetime | None


def quiz_results(*, pupil_ids, quiz_ids) -> dict[tuple[int, int], QuizResult]:
    """{(pupil id, quiz id): QuizResult} from submitted attempts, in one query.

    The attempt that counts is chosen by the quizzes app's own rule (`counted_attempt`).
    """
    if not pupil_ids or not quiz_ids:
        return {}
    by_key = defaultdict(list)
    rules = {}
    for pupil_id, quiz_id, rule, number, score, passed, submitted_at in (
        Attempt.objects.submitted()
        .filter(pupil_id__in=pupil_ids, quiz_id__in=set(quiz_ids))
        .values_list(
            "pupil_id",
            "quiz_id",
            "quiz__counted_attempt",
            "number",
            "score",
            "passed",
            "submitted_at",
        )
    ):
        by_key[(pupil_id, quiz_id)].append(_AttemptRow(number, score, passed, submitted_at))
        rules[quiz_id] = rule
    results = {}
    for key, found in by_key.items():
        counted = counted_attempt(found, rule=rules[key[1]])
        results[key] = QuizResult(
            quiz_id=key[1],
            score=counted.score,
            passed=counted.passed,
            attempts=len(found),
            submitted_at=counted.submitted_at,
        )
    return results


# --- The grid -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A lesson of the assignment, as a column of the grid."""

    number: int
    lesson: LessonPage
    last_step: int
    quiz_id: int | None

    @property
    def lesson_id(self) -> int:
        return self.lesson.pk

    @property
    def title(self) -> str:
        return self.lesson.title

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.lesson.title}"


@dataclass(slots=True)
class Cell:
    """One pupil's progress in one lesson.

    `label` and `detail` are the words shown (translated once per grid, not once per cell:
    a grid can have thousands of cells).
    """

    column: Column
    status: CellStatus
    progress: str  # lessons.models.ProgressStatus
    step: int
    started_at: datetime | None
    completed_at: datetime | None
    last_active_at: datetime | None
    activity_score: int | None  # mean score of the scored activities answered, 0–100
    quiz: QuizResult | None
    completion_kind: str = ""  # lessons.models.CompletionKind, once completed
    taught_at: datetime | None = None  # when the lesson was taught to the class with them there
    label: str = ""
    detail: str = ""  # how far an unfinished lesson got, e.g. "Step 2 of 5"

    @property
    def score(self) -> int | None:
        """The score shown: the quiz's counted score once there is one, else the activities'."""
        if self.quiz is not None and self.quiz.score is not None:
            return self.quiz.score
        return self.activity_score

    @property
    def score_text(self) -> str:
        score = self.score
        return "" if score is None else f"{score}%"

    @property
    def score_is_quiz(self) -> bool:
        return self.quiz is not None and self.quiz.score is not None

    @property
    def is_completed(self) -> bool:
        return self.progress == ProgressStatus.COMPLETED

    @property
    def completed_in_class(self) -> bool:
        return self.is_completed and self.completion_kind == CompletionKind.IN_CLASS

    @property
    def fraction(self) -> float:
        """How much of the lesson is done, 0–1, for sorting by progress."""
        if self.is_completed:
            return 1.0
        if not self.column.last_step:
            return 0.0
        return min(self.step / self.column.last_step, 0.99)


@dataclass(frozen=True)
class Row:
    pupil: Pupil
    cells: list[Cell]

    @property
    def completed(self) -> int:
        return sum(1 for cell in self.cells if cell.is_completed)

    @property
    def total(self) -> int:
        return len(self.cells)

    @property
    def completed_text(self) -> str:
        return str(_("%(done)s of %(total)s")) % {"done": self.completed, "total": self.total}

    @property
    def progress(self) -> float:
        return sum(cell.fraction for cell in self.cells)

    @property
    def statuses(self) -> set[CellStatus]:
        return {cell.status for cell in self.cells}

    @property
    def is_overdue(self) -> bool:
        return CellStatus.OVERDUE in self.statuses


class Sort(enum.Enum):
    NAME = ("name", _("Name, A to Z"))
    NAME_DESC = ("-name", _("Name, Z to A"))
    PROGRESS = ("progress", _("Least progress first"))
    PROGRESS_DESC = ("-progress", _("Most progress first"))

    def __init__(self, slug: str, label: Promise):
        self.slug = slug
        self.label = label

    @classmethod
    def from_slug(cls, slug: str | None) -> Sort:
        return next((sort for sort in cls if sort.slug == slug), cls.NAME)


@dataclass(frozen=True)
class ProgressGrid:
    group: TeachingGroup
    assignment: Assignment
    columns: list[Column]
    rows: list[Row]
    today: date
    status: CellStatus | None = None  # the filter applied, if any
    sort: Sort = Sort.NAME
    pupil_count: int = 0  # before filtering
    computed_at: datetime = field(default_factory=timezone.now)

    @property
    def past_due(self) -> bool:
        return self.assignment.is_past_due(self.today)

    @property
    def has_quizzes(self) -> bool:
        return any(column.quiz_id for column in self.columns)

    def filtered(self, status: CellStatus | None) -> ProgressGrid:
        """Only the pupils with at least one lesson in `status` (all of them for None)."""
        if status is None:
            return replace(self, status=None)
        return replace(self, rows=[r for r in self.rows if status in r.statuses], status=status)

    def sorted(self, sort: Sort) -> ProgressGrid:
        """Rows by name, or by progress (lessons completed, then how far through the rest)."""
        by_name = sorted(self.rows, key=lambda r: (r.pupil.display_name.casefold(), r.pupil.pk))
        if sort in (Sort.PROGRESS, Sort.PROGRESS_DESC):
            rows = sorted(
                by_name,
                key=lambda r: (r.completed, r.progress),
                reverse=sort is Sort.PROGRESS_DESC,
            )
        else:
            rows = by_name[::-1] if sort is Sort.NAME_DESC else by_name
        return replace(self, rows=rows, sort=sort)

    def status_counts(self) -> dict[CellStatus, int]:
        """How many cells of the (filtered) grid have each status."""
        counts = dict.fromkeys(CellStatus, 0)
        for row in self.rows:
            for cell in row.cells:
                counts[cell.status] += 1
        return counts

    def row_for(self, pupil_id: int) -> Row | None:
        return next((row for row in self.rows if row.pupil.pk == pupil_id), None)


def assigned_pupils(assignment: Assignment, *, group: TeachingGroup | None = None):
    """The active pupils of the class the work is set for: all of them, or those selected."""
    group = group or assignment.teaching_group
    selected = Assignment.pupils.through.objects.filter(assignment_id=assignment.pk)
    return (
        group.pupils.active()
        .filter(~Exists(selected) | Exists(selected.filter(pupil_id=OuterRef("pk"))))
        .order_by("display_name", "pk")
    )


def grid_columns(assignment: Assignment) -> list[Column]:
    """The assignment's live lessons, numbered in lesson order (one query)."""
    lessons = list(assignment.lessons())
    quizzes = lesson_quiz_ids(lessons)
    return [
        # The number of steps is the length of the stored stream: no block conversion needed.
        Column(
            number=n,
            lesson=lesson,
            last_step=len(lesson.body.raw_data),
            quiz_id=quizzes.get(lesson.pk),
        )
        for n, lesson in enumerate(lessons, start=1)
    ]


def progress_grid(
    *,
    group: TeachingGroup,
    assignment: Assignment,
    pupil: Pupil | None = None,
    today: date | None = None,
) -> ProgressGrid:
    """Every assigned pupil's status in every lesson of an assignment (sorted by name).

    `pupil` limits the grid to one pupil (the drill-down). A fixed number of queries: see the
    module docstring. Filter and sort the result with `.filtered()` and `.sorted()`.
    """
    today = today or timezone.localdate()
    pupils_qs = assigned_pupils(assignment, group=group)
    if pupil is not None:
        pupils_qs = pupils_qs.filter(pk=pupil.pk)
    pupils = list(pupils_qs)
    columns = grid_columns(assignment)
    pupil_ids = [p.pk for p in pupils]
    lesson_ids = [column.lesson_id for column in columns]
    progress = {}
    scores = {}
    if pupil_ids and lesson_ids:
        # Tuples, not model instances: a big grid has thousands of rows.
        progress = {
            (pupil_id, lesson_id): rest
            for pupil_id, lesson_id, *rest in LessonProgress.objects.filter(
                pupil_id__in=pupil_ids, lesson_id__in=lesson_ids
            ).values_list(
                "pupil_id",
                "lesson_id",
                "status",
                "current_step",
                "started_at",
                "completed_at",
                "last_active_at",
                "completion_kind",
                "taught_at",
            )
        }
        scores = {
            (pupil_id, lesson_id): round(100 * mean)
            for pupil_id, lesson_id, mean in ActivityResponse.objects.filter(
                pupil_id__in=pupil_ids,
                lesson_id__in=lesson_ids,
                is_complete=True,
                score__isnull=False,
            )
            # A lesson's quiz result is stored among its answers too; it is shown on its own.
            .exclude(activity_type=QUIZ_ACTIVITY_TYPE)
            .values("pupil_id", "lesson_id")
            .annotate(mean=Avg("score"))
            .values_list("pupil_id", "lesson_id", "mean")
            .order_by()
        }
    quizzes = quiz_results(pupil_ids=pupil_ids, quiz_ids=[c.quiz_id for c in columns if c.quiz_id])
    past_due = assignment.is_past_due(today)
    labels = {status: str(status.label) for status in CellStatus}
    step_text = str(_("Step %(step)s of %(last)s"))
    nothing = (ProgressStatus.NOT_STARTED, 0, None, None, None, "", None)
    rows = []
    for each in pupils:
        cells = []
        for column in columns:
            status, step, started_at, completed_at, last_active_at, kind, taught_at = progress.get(
                (each.pk, column.lesson_id), nothing
            )
            quiz = quizzes.get((each.pk, column.quiz_id)) if column.quiz_id else None
            shown = cell_status(
                progress=status,
                quiz_passed=quiz.passed if quiz else None,
                past_due=past_due,
                in_class=kind == CompletionKind.IN_CLASS,
            )
            detail = ""
            if status == ProgressStatus.IN_PROGRESS and column.last_step:
                detail = step_text % {"step": step, "last": column.last_step}
            cells.append(
                Cell(
                    column=column,
                    status=shown,
                    progress=status,
                    step=step,
                    started_at=started_at,
                    completed_at=completed_at,
                    last_active_at=last_active_at,
                    activity_score=scores.get((each.pk, column.lesson_id)),
                    quiz=quiz,
                    completion_kind=kind,
                    taught_at=taught_at,
                    label=labels[shown],
                    detail=detail,
                )
            )
        rows.append(Row(pupil=each, cells=cells))
    return ProgressGrid(
        group=group,
        assignment=assignment,
        columns=columns,
        rows=rows,
        today=today,
        pupil_count=len(rows),
    )


# --- Charts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonCompletion:
    column: Column
    completed: int
    in_progress: int
    not_started: int

    @property
    def total(self) -> int:
        return self.completed + self.in_progress + self.not_started

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


@dataclass(frozen=True)
class DayCompletion:
    day: date
    completed: int  # lessons completed that day
    cumulative: int  # lessons completed up to and including that day
    percent: int  # cumulative, as a share of every pupil × lesson


MAX_DAYS = 92


def completion_per_lesson(grid: ProgressGrid) -> list[LessonCompletion]:
    """For each lesson: how many pupils completed it, are part-way, have not started."""
    result = []
    for index, column in enumerate(grid.columns):
        cells = [row.cells[index] for row in grid.rows]
        completed = sum(1 for c in cells if c.is_completed)
        in_progress = sum(1 for c in cells if c.progress == ProgressStatus.IN_PROGRESS)
        result.append(
            LessonCompletion(
                column=column,
                completed=completed,
                in_progress=in_progress,
                not_started=len(cells) - completed - in_progress,
            )
        )
    return result


def completion_over_time(grid: ProgressGrid) -> list[DayCompletion]:
    """Lessons completed day by day, from the open date (or the first completion) to today.

    At most the last `MAX_DAYS` days are listed; completions before them count in the first
    day's running total.
    """
    per_day: dict[date, int] = defaultdict(int)
    for row in grid.rows:
        for cell in row.cells:
            if cell.is_completed and cell.completed_at:
                per_day[timezone.localdate(cell.completed_at)] += 1
    start = min([grid.assignment.opens_on, *per_day])
    end = max([grid.today, *per_day])
    if (end - start).days >= MAX_DAYS:
        start = end - timedelta(days=MAX_DAYS - 1)
    possible = len(grid.rows) * len(grid.columns)
    running = sum(n for day, n in per_day.items() if day < start)
    days = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        running += per_day.get(day, 0)
        days.append(
            DayCompletion(
                day=day,
                completed=per_day.get(day, 0),
                cumulative=running,
                percent=round(100 * running / possible) if possible else 0,
            )
        )
    return days
