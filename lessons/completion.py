"""What a pupil must do to complete a lesson.

`LessonPage.completion_requirements()` returns a list of requirements; the one completion
service (`lessons.services.lesson_completion_update`) marks a lesson complete when every one is
met. A requirement is any object with a `label` and an `is_met(progress=…, answered=…)` method,
so other kinds (a quiz pass mark, an H5P activity) can be added without touching the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
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
