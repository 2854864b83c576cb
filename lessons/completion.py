"""What a pupil must do to complete a lesson.

`LessonPage.completion_requirements()` returns a list of requirements; the one completion
service (`lessons.services.lesson_completion_update`) marks a lesson complete when every one is
met. A requirement is any object with a `label` and an `is_met(progress=…, answered=…)` method,
so other kinds (a quiz pass mark, an H5P activity) can be added without touching the service.

Completion is one-way: the service checks requirements only while a lesson is not yet complete.
So a requirement that can stop being met (a quiz whose *latest* attempt counts, retaken with a
worse score) can delay completion, but never undo it once reached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.utils.translation import gettext_lazy as _

from quizzes.models import Attempt

if TYPE_CHECKING:
    from quizzes.models import Quiz

    from .models import LessonProgress


class CompletionRequirement(Protocol):
    label: str

    def is_met(self, *, progress: LessonProgress, answered: frozenset[str]) -> bool:
        """`answered` holds the ids of this lesson's activities the pupil has answered fully."""


@dataclass(frozen=True)
class ActivityAnswered:
    """An activity in the lesson body has been answered (whether or not correctly)."""

    activity_id: str
    step: int
    label: str

    def is_met(self, *, progress, answered) -> bool:
        return self.activity_id in answered


@dataclass(frozen=True)
class StepReached:
    """The pupil has reached a step (normally the last, "where to get help")."""

    step: int
    label: str = _("Reach the last step")

    def is_met(self, *, progress, answered) -> bool:
        return progress.current_step >= self.step


def unmet_requirements(
    requirements, *, progress: LessonProgress, answered: frozenset[str]
) -> list[CompletionRequirement]:
    return [r for r in requirements if not r.is_met(progress=progress, answered=answered)]


def all_met(
    requirements, *, progress: LessonProgress, answered: Callable[[], frozenset[str]]
) -> bool:
    """Whether every requirement is met: the same answer as "no unmet requirements", cheaper.

    The step reached is checked first (it needs no query) and checking stops at the first
    requirement not met, so an answer before the last step costs no completion queries.
    `answered` is called (once) only when a requirement needs the answered activities.
    """
    found: list[frozenset[str]] = []
    for requirement in sorted(requirements, key=lambda r: not isinstance(r, StepReached)):
        if isinstance(requirement, StepReached):
            met = requirement.is_met(progress=progress, answered=frozenset())
        else:
            if not found:
                found.append(answered())
            met = requirement.is_met(progress=progress, answered=found[0])
        if not met:
            return False
    return True


@dataclass(frozen=True)
class QuizPassed:
    """The lesson's quiz: the attempt that counts reaches the quiz's pass mark.

    "The attempt that counts" is the quiz's own rule (best or latest), asked of the quizzes app
    each time, so it always matches what the pupil's result screen says. Before the lesson is
    complete, a worse later attempt under "latest counts" means this is no longer met; after,
    the lesson stays complete (see the module docstring).
    """

    quiz: Quiz
    label: str = _("Pass the quiz")

    def is_met(self, *, progress, answered) -> bool:
        counted = Attempt.objects.counted_for(pupil=progress.pupil, quiz=self.quiz)
        return counts_as_passed(counted, self.quiz)


def counts_as_passed(counted: Attempt | None, quiz: Quiz) -> bool:
    """Whether the attempt that counts reaches the quiz's pass mark (as it is now)."""
    return counted is not None and counted.score is not None and counted.score >= quiz.pass_mark
