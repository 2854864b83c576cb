"""What the lesson player shows: steps, activity states and progress summaries.

Read-only helpers shared by the lesson page, the module page and the pupil's home. Each takes
data already fetched (a fixed number of queries per page, whatever the lesson length).
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from quizzes.models import Attempt, Quiz, counted_attempt
from quizzes.permissions import pupil_may_take

from .blocks import ActivityResult
from .completion import counts_as_passed, unmet_requirements
from .models import (
    ActivityResponse,
    LessonPage,
    LessonProgress,
    ProgressStatus,
    Step,
    shuffle_seed_for,
)

# --- The order a pupil sees an activity's parts in ---------------------------------------------


def display_order(
    seed: int | None, activity_id: str, part: str, count: int, pinned: Sequence[bool] = ()
) -> list[int]:
    """The order (authored indexes) a pupil sees `count` choices, cards, messages or statements.

    Derived from the pupil's seed for the lesson, the activity and the part (a scene's choices,
    the cards…), so the same pupil always sees the same order: when answering, in the feedback
    and in their teacher's view. Pinned items keep their authored places. No seed (staff
    previews, pupils who started before shuffling): the authored order.
    """
    order = list(range(count))
    if seed is None or count < 2:
        return order
    places = [i for i in order if not (i < len(pinned) and pinned[i])]
    free = list(places)
    random.Random(f"{seed}:{activity_id}:{part}").shuffle(free)
    for place, item in zip(places, free, strict=True):
        order[place] = item
    return order


def pupil_seed(lesson: LessonPage, *, pupil, progress: LessonProgress | None) -> int | None:
    """The seed a pupil's activity orders come from (None: the authored order)."""
    if pupil is None:
        return None
    if progress is not None:
        return progress.shuffle_seed
    return shuffle_seed_for(pupil.pk, lesson.pk)


@dataclass
class ActivityState:
    """Everything an activity template needs besides the block's own value."""

    id: str
    action: str
    result: ActivityResult | None = None
    error: str = ""
    draft: dict = field(default_factory=dict)
    preview: bool = False
    seed: int | None = None

    def display_order(self, part: str, count: int, pinned: Sequence[bool] = ()) -> list[int]:
        """This pupil's order for one part of the activity (see `display_order`)."""
        return display_order(self.seed, self.id, part, count, pinned)

    @property
    def dom_id(self) -> str:
        return f"activity-{self.id}"

    @property
    def answer_json(self) -> str:
        """The current answer, carried in the form only for previews (nothing is stored)."""
        return json.dumps(self.result.answer) if self.result else ""


def activity_state(
    lesson: LessonPage,
    activity_id: str,
    *,
    base_url: str,
    response: ActivityResponse | None = None,
    submission=None,
    preview: bool = False,
    seed: int | None = None,
) -> ActivityState:
    activity = lesson.activities[activity_id]
    action = base_url + lesson.reverse_subpage("lesson_activity", args=[activity_id])
    state = ActivityState(id=activity_id, action=action, preview=preview, seed=seed)
    if submission is not None:
        state.result = submission.result
        if submission.error is not None:
            state.error = submission.error.message
            state.draft = submission.error.draft
            if state.draft:
                state.result = None
    elif response is not None:
        state.result = activity.block.check_answer(activity.value, response.answer)
    return state


def step_items(
    lesson: LessonPage,
    step: Step,
    *,
    base_url: str,
    responses: dict[str, ActivityResponse],
    submissions: dict | None = None,
    preview: bool = False,
    seed: int | None = None,
) -> list[tuple]:
    """(block, state) pairs for one step; `state` is None for blocks that are not activities."""
    submissions = submissions or {}
    items = []
    for child in step.children:
        state = None
        if child.id in lesson.activities:
            state = activity_state(
                lesson,
                child.id,
                base_url=base_url,
                response=responses.get(child.id),
                submission=submissions.get(child.id),
                preview=preview,
                seed=seed,
            )
        items.append((child, state))
    return items


@dataclass(frozen=True)
class Unmet:
    label: str
    url: str


def unmet_for(
    lesson: LessonPage,
    progress: LessonProgress | None,
    responses: dict[str, ActivityResponse],
    *,
    base_url: str,
) -> list[Unmet]:
    """Required activities still to do, with links to their steps (the last step lists them)."""
    if progress is None or progress.is_completed:
        return []
    answered = frozenset(rid for rid, r in responses.items() if r.is_complete)
    unmet = unmet_requirements(
        lesson.completion_requirements(), progress=progress, answered=answered
    )
    result = []
    for requirement in unmet:
        step = getattr(requirement, "step", None)
        if step is None or step >= lesson.last_step:
            continue
        url = base_url + lesson.reverse_subpage("lesson_step", args=[step])
        result.append(Unmet(label=str(requirement.label), url=url))
    return result


@dataclass(frozen=True)
class LessonQuiz:
    """The lesson's quiz as the last step shows it to a pupil."""

    quiz: Quiz
    url: str  # the quiz, with "Back" on its pages returning to this step
    may_take: bool
    counted: Attempt | None  # the attempt that counts so far (the quiz's best/latest rule)
    attempts_left: int | None  # None: unlimited
    in_progress: bool  # an attempt is open (a closed tab)

    @property
    def passed(self) -> bool:
        return counts_as_passed(self.counted, self.quiz)

    @property
    def can_take(self) -> bool:
        return self.may_take and (
            self.in_progress or self.attempts_left is None or self.attempts_left > 0
        )


def lesson_quiz(lesson: LessonPage, *, pupil, request) -> LessonQuiz | None:
    """The lesson's quiz and how the pupil has got on with it, or None (two queries at most)."""
    if lesson.quiz_id is None or pupil is None:
        return None
    quiz = lesson.quiz
    attempts = list(Attempt.objects.for_pupil(pupil).filter(quiz=quiz))
    submitted = [a for a in attempts if a.is_submitted]
    left = None
    if quiz.attempts_allowed is not None:
        left = max(quiz.attempts_allowed - len(submitted), 0)
    back = lesson.step_url(lesson.last_step, request=request)
    return LessonQuiz(
        quiz=quiz,
        url=f"{quiz.get_absolute_url()}?{urlencode({'next': back})}",
        may_take=pupil_may_take(pupil, quiz),
        counted=counted_attempt(submitted, rule=quiz.counted_attempt),
        attempts_left=left,
        in_progress=len(submitted) < len(attempts),
    )


def progress_percent(progress: LessonProgress | None, last_step: int) -> int:
    """How far through a lesson a pupil is, for progress bars (100 only when completed)."""
    if progress is None:
        return 0
    if progress.is_completed:
        return 100
    if last_step <= 0:
        return 0
    return min(99, round(100 * progress.current_step / last_step))


@dataclass(frozen=True)
class LessonCard:
    lesson: LessonPage
    url: str
    status: str
    status_label: str
    action_label: str
    percent: int
    step: int
    last_step: int
    last_active_at: datetime | None


def lesson_cards(lessons, *, pupil, request) -> list[LessonCard]:
    """Lessons with the pupil's progress: two queries, whatever the number of lessons."""
    lessons = list(lessons)
    progress_by_lesson = {}
    if pupil is not None and lessons:
        progress_by_lesson = {
            p.lesson_id: p
            for p in LessonProgress.objects.for_pupil(pupil).filter(lesson__in=lessons)
        }
    cards = []
    for lesson in lessons:
        progress = progress_by_lesson.get(lesson.pk)
        status = progress.status if progress else ProgressStatus.NOT_STARTED
        if status == ProgressStatus.COMPLETED:
            action = _("Look again")
        elif status == ProgressStatus.IN_PROGRESS and progress.current_step > 0:
            action = _("Carry on where you left off")
        else:
            action = _("Start")
        cards.append(
            LessonCard(
                lesson=lesson,
                url=lesson.get_url(request),
                status=status,
                status_label=ProgressStatus(status).label,
                action_label=action,
                percent=progress_percent(progress, lesson.last_step),
                step=progress.current_step if progress else 0,
                last_step=lesson.last_step,
                last_active_at=progress.last_active_at if progress else None,
            )
        )
    return cards
