"""What pupils answered: activity answers and quiz attempts, in words a teacher reads.

`answer_rows()` lists every answer and attempt behind a progress grid (the drill-down shows one
pupil's, the export the whole class's), and `pupil_timeline()` puts one pupil's in time order
with the lessons they started, the steps they reached and the lessons they completed. Both cost
a fixed number of queries on top of the grid's.

Lessons keep each pupil's latest answer to an activity and how many times they answered it
(`ActivityResponse.attempts`), not every earlier answer, so that is what is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from lessons.models import Activity, ActivityResponse, LessonProgress
from lessons.player import display_order, pupil_seed
from lessons.receivers import QUIZ_ACTIVITY_TYPE
from quizzes.models import Attempt, ReflectionPicture
from quizzes.review import attempt_lines
from schools.models import Pupil

from .progress import Column, ProgressGrid

# --- Answers in words ---------------------------------------------------------------------------


def _right(flag: bool) -> str:
    return _("right") if flag else _("not right")


# Each describer lists the parts in the order the pupil saw them (`order(part, items)`).


def _true_or_false(value, result, order) -> list[str]:
    lines = []
    for item in order("statements", result.feedback.get("statements", [])):
        if item["chosen"] is None:
            continue
        text = value["statements"][item["index"]]["text"]
        lines.append(
            _("“%(text)s”: %(chosen)s (%(right)s)")
            % {
                "text": text,
                "chosen": _("true") if item["chosen"] else _("false"),
                "right": _right(item["correct"]),
            }
        )
    return lines


def _sort_it(value, result, order) -> list[str]:
    lines = []
    for item in order("cards", result.feedback.get("cards", [])):
        if not item["placed"]:
            continue
        text = value["cards"][item["index"]]["text"]
        if item["correct"]:
            lines.append(
                _("“%(text)s” → %(group)s (right)") % {"text": text, "group": item["placed_label"]}
            )
        else:
            lines.append(
                _("“%(text)s” → %(group)s (belongs in %(right)s)")
                % {"text": text, "group": item["placed_label"], "right": item["right_label"]}
            )
    return lines


def _spot_the_signs(value, result, order) -> list[str]:
    lines = []
    for item in order("messages", result.feedback.get("messages", [])):
        text = value["messages"][item["index"]]["text"]
        if item["tapped"]:
            note = _("a warning sign") if item["warning"] else _("not a warning sign")
            lines.append(_("Tapped “%(text)s” (%(note)s)") % {"text": text, "note": note})
        elif item["warning"]:
            lines.append(_("Missed “%(text)s” (a warning sign)") % {"text": text})
    return lines


def _what_would_you_do(value, result, order) -> list[str]:
    lines = []
    for item in result.feedback.get("shown", []):
        choices = item["scene"]["choices"]
        pinned = [bool(c.get("pinned")) for c in choices]
        shown = order(f"scene:{item['scene']['key']}", list(range(len(choices))), pinned)
        lines.append(
            _("Chose “%(choice)s” (%(note)s; shown %(place)s of %(count)s)")
            % {
                "choice": item["choice"]["text"],
                "note": _("the choice we hope for")
                if item["choice"]["safe"]
                else _("a risky choice"),
                "place": shown.index(item["choice_index"]) + 1,
                "count": len(choices),
            }
        )
    return lines


def _reveal_cards(value, result, order) -> list[str]:
    total = len(value["cards"])
    turned = total - result.feedback.get("remaining", total)
    return [_("Turned over %(turned)s of %(total)s cards") % {"turned": turned, "total": total}]


def _h5p(value, result, order) -> list[str]:
    """H5P results are the scores the player reported (clamped on intake), not a checked answer."""
    raw, most = result.feedback.get("raw"), result.feedback.get("max")
    if raw is None or most is None or most <= 0:
        return [_("Finished the activity")]
    return [
        _("Scored %(raw)s out of %(max)s (%(passed)s)")
        % {
            "raw": f"{raw:g}",
            "max": f"{most:g}",
            "passed": _("passed") if result.correct else _("not passed"),
        }
    ]


DESCRIBERS: dict[str, Callable] = {
    "true_or_false": _true_or_false,
    "sort_it": _sort_it,
    "spot_the_signs": _spot_the_signs,
    "what_would_you_do": _what_would_you_do,
    "reveal_cards": _reveal_cards,
    "h5p": _h5p,
}


def describe_answer(
    activity: Activity | None, answer: dict, *, seed: int | None = None
) -> list[str]:
    """A stored answer as short sentences, checked against the lesson as it is now.

    `seed` is the pupil's shuffle seed for the lesson (`lessons.player.pupil_seed`): the parts
    are listed in the order that pupil saw them (None: the authored order).

    Activity types without a describer here and activities that have since been removed from
    the lesson get no sentences: their correctness and score still show.
    """
    if activity is None:
        return []
    describer = DESCRIBERS.get(activity.block_type)
    if describer is None:
        return []

    def order(part: str, items: list, pinned=()) -> list:
        return [items[i] for i in display_order(seed, activity.id, part, len(items), pinned)]

    try:
        result = activity.block.check_answer(activity.value, answer or {})
        return describer(activity.value, result, order)
    except (KeyError, IndexError, TypeError, ValueError):
        # An answer stored before the content changed shape: show what can be shown.
        return []


# --- Rows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    """One activity answer, or one quiz attempt, by one pupil."""

    pupil: Pupil
    column: Column
    is_quiz: bool
    step: int | None
    title: str
    kind: str
    finished: bool
    correct: bool | None
    score: int | None
    tries: int
    lines: list[str]
    when: datetime | None
    # The "say or draw" drawings handed in with a quiz attempt (ReflectionPicture ids).
    drawings: tuple[int, ...] = ()

    @property
    def finished_text(self) -> str:
        if self.is_quiz:
            return _("Submitted") if self.finished else _("Not submitted yet")
        return _("Answered") if self.finished else _("Not finished")

    @property
    def correct_text(self) -> str:
        if self.correct is None:
            return ""
        if self.is_quiz:
            return _("Passed") if self.correct else _("Not passed")
        return _("All right") if self.correct else _("Some not right")

    @property
    def score_text(self) -> str:
        return "" if self.score is None else f"{self.score}%"

    @property
    def answer_text(self) -> str:
        return "; ".join(self.lines)


def _activity_type_label(activity: Activity | None, fallback: str) -> str:
    if activity is None:
        return fallback.replace("_", " ").capitalize()
    return str(activity.block.meta.label or activity.block_type)


def _activity_rows(grid: ProgressGrid, pupils: dict[int, Pupil]) -> list[AnswerRow]:
    columns = {column.lesson_id: column for column in grid.columns}
    responses = (
        ActivityResponse.objects.filter(pupil_id__in=list(pupils), lesson_id__in=list(columns))
        # A lesson's quiz result is stored among its answers too; attempts are listed instead.
        .exclude(activity_type=QUIZ_ACTIVITY_TYPE)
        .order_by("pk")
    )
    seeds = {
        (pupil_id, lesson_id): seed
        for pupil_id, lesson_id, seed in LessonProgress.objects.filter(
            pupil_id__in=list(pupils), lesson_id__in=list(columns)
        ).values_list("pupil_id", "lesson_id", "shuffle_seed")
    }
    rows = []
    for response in responses:
        column = columns[response.lesson_id]
        key = (response.pupil_id, response.lesson_id)
        seed = (
            seeds[key]
            if key in seeds
            else pupil_seed(column.lesson, pupil=pupils[response.pupil_id], progress=None)
        )
        activity = column.lesson.activities.get(response.activity_id)
        rows.append(
            AnswerRow(
                pupil=pupils[response.pupil_id],
                column=column,
                is_quiz=False,
                step=activity.step if activity else None,
                title=activity.title if activity else _("An activity no longer in the lesson"),
                kind=_activity_type_label(activity, response.activity_type),
                finished=response.is_complete,
                correct=response.correct,
                score=None if response.score is None else round(100 * response.score),
                tries=response.attempts,
                lines=describe_answer(activity, response.answer, seed=seed),
                when=response.updated_at,
            )
        )
    return rows


def _quiz_rows(grid: ProgressGrid, pupils: dict[int, Pupil]) -> list[AnswerRow]:
    by_quiz = {column.quiz_id: column for column in grid.columns if column.quiz_id}
    if not by_quiz or not pupils:
        return []
    attempts = (
        Attempt.objects.filter(pupil_id__in=list(pupils), quiz_id__in=list(by_quiz))
        .select_related("quiz")
        .only(
            "pk",
            "pupil_id",
            "quiz_id",
            "quiz__title",
            "number",
            "score",
            "passed",
            "correct_count",
            "scored_count",
            "started_at",
            "submitted_at",
            "question_order",
            "option_orders",
        )
        .order_by("number")
    )
    # Question by question, with the options in the order this pupil's attempt showed them.
    details = attempt_lines(list(attempts))
    drawings = _drawings_by_attempt([attempt.pk for attempt in attempts])
    rows = []
    for attempt in attempts:
        lines = []
        if attempt.scored_count:
            lines.append(
                _("%(right)s of %(total)s questions right")
                % {"right": attempt.correct_count or 0, "total": attempt.scored_count}
            )
        lines += details.get(attempt.pk, [])
        rows.append(
            AnswerRow(
                pupil=pupils[attempt.pupil_id],
                column=by_quiz[attempt.quiz_id],
                is_quiz=True,
                step=None,
                title=_("%(quiz)s, attempt %(number)s")
                % {"quiz": attempt.quiz.title, "number": attempt.number},
                kind=_("Quiz"),
                finished=attempt.submitted_at is not None,
                correct=attempt.passed if attempt.submitted_at else None,
                score=attempt.score if attempt.submitted_at else None,
                tries=attempt.number,
                lines=lines,
                when=attempt.submitted_at or attempt.started_at,
                drawings=drawings.get(attempt.pk, ()),
            )
        )
    return rows


def _drawings_by_attempt(attempt_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """{attempt id: ids of the drawings handed in with it}, in question order; one query that
    leaves the pictures themselves in the database."""
    found: dict[int, tuple[int, ...]] = {}
    pictures = (
        ReflectionPicture.objects.filter(answer__attempt_id__in=attempt_ids)
        .exclude(drawing=b"")
        .order_by("answer__question__sort_order", "pk")
        .values_list("answer__attempt_id", "pk")
    )
    for attempt_id, pk in pictures:
        found[attempt_id] = (*found.get(attempt_id, ()), pk)
    return found


def answer_rows(grid: ProgressGrid) -> list[AnswerRow]:
    """Every answer and quiz attempt of the grid's pupils in its lessons.

    In the grid's row order, then lesson order, then step (quiz attempts after the lesson's
    activities, by attempt number). One query for answers and one for attempts (when any
    lesson has a quiz).
    """
    pupils = {row.pupil.pk: row.pupil for row in grid.rows}
    if not pupils or not grid.columns:
        return []
    order = {pupil_id: index for index, pupil_id in enumerate(pupils)}
    rows = _activity_rows(grid, pupils) + _quiz_rows(grid, pupils)
    return sorted(
        rows,
        key=lambda r: (
            order[r.pupil.pk],
            r.column.number,
            r.is_quiz,
            r.step if r.step is not None else 10_000,
            r.tries if r.is_quiz else 0,
        ),
    )


# --- The timeline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime
    column: Column
    text: str
    answer: AnswerRow | None = None


def pupil_timeline(grid: ProgressGrid, answers: list[AnswerRow]) -> list[TimelineEvent]:
    """One pupil's grid row and answers as a time line, oldest first.

    `grid` is the pupil's one-row grid (`progress_grid(..., pupil=…)`), `answers` their
    `answer_rows(grid)`. Each lesson gives "started", "reached step n" (at their last activity
    in it) and "completed"; each answer and quiz attempt is an event of its own.
    """
    events = []
    for row in grid.rows:
        for cell in row.cells:
            column = cell.column
            if cell.started_at:
                events.append(
                    TimelineEvent(
                        when=cell.started_at,
                        column=column,
                        text=_("Started lesson %(lesson)s") % {"lesson": column.heading},
                    )
                )
            if cell.last_active_at and not cell.is_completed and cell.step:
                events.append(
                    TimelineEvent(
                        when=cell.last_active_at,
                        column=column,
                        text=_("Reached step %(step)s of %(last)s in lesson %(lesson)s")
                        % {"step": cell.step, "last": column.last_step, "lesson": column.heading},
                    )
                )
            if cell.completed_at:
                if cell.completed_in_class:
                    text = _("Completed lesson %(lesson)s: done together in class")
                else:
                    text = _("Completed lesson %(lesson)s")
                events.append(
                    TimelineEvent(
                        when=cell.completed_at,
                        column=column,
                        text=text % {"lesson": column.heading},
                    )
                )
            if cell.taught_at and not cell.completed_in_class:
                events.append(
                    TimelineEvent(
                        when=cell.taught_at,
                        column=column,
                        text=_("Was there when lesson %(lesson)s was taught in class")
                        % {"lesson": column.heading},
                    )
                )
    for answer in answers:
        if answer.when is None:
            continue
        if answer.is_quiz:
            text = _("Quiz: %(title)s") % {"title": answer.title}
        else:
            text = _("Answered “%(title)s” (%(kind)s) in lesson %(lesson)s") % {
                "title": answer.title,
                "kind": answer.kind,
                "lesson": answer.column.heading,
            }
        events.append(
            TimelineEvent(when=answer.when, column=answer.column, text=text, answer=answer)
        )
    return sorted(events, key=lambda event: (event.when, event.column.number))
