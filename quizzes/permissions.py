"""Who may take which quiz, decided in one place.

Views and services ask `pupil_may_take`; the rule itself is a setting
(STREAMWISE_QUIZ_ACCESS_POLICY, see `quizzes.conf`) so the teacher portal's assignments can
replace the default without the quizzes app knowing about them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import conf

if TYPE_CHECKING:
    from schools.models import Pupil

    from .models import Quiz


def same_age_band(pupil: Pupil, quiz: Quiz) -> bool:
    """The default policy: a pupil may take the quizzes written for their age band.

    Override it (STREAMWISE_QUIZ_ACCESS_POLICY) to restrict pupils to assigned quizzes.
    """
    return bool(quiz.age_band) and quiz.age_band == pupil.age_band.value


def pupil_may_take(pupil: Pupil | None, quiz: Quiz) -> bool:
    """Whether this pupil may start, answer and submit this quiz."""
    if pupil is None or pupil.archived_at is not None:
        return False
    return bool(conf.access_policy()(pupil, quiz))
