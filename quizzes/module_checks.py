"""Module checks: the same short quiz before a module and after it (learning gains).

A module check is an ordinary `Quiz` with `purpose=MODULE_CHECK`, taken through the ordinary
question engine (`quizzes.services`): each attempt is recorded with its `phase` (before or
after). The quizzes app does not know about modules; whoever offers a check (the lessons app,
on the module page) decides which phase is due and calls `check_start`.

Rules kept here:
- a pupil takes each phase at most once (a second start of a finished phase is refused kindly);
- an unfinished "before" attempt is dropped when the "after" check starts, so answers given
  before the module never count as "after" (a check has no free text, so nothing to screen);
- the generic "start a quiz" route refuses checks (`quizzes.views.attempt_start`), so an
  attempt at a check always has a phase.
"""

from __future__ import annotations

import copy

from django.db import transaction
from django.utils.translation import gettext as _

from schools.models import Pupil

from . import services
from .models import Attempt, CheckPhase, FeedbackTiming, QuestionType, Quiz, QuizPurpose

# What a check may ask: a short scenario or a choice, or a true/false statement.
CHECK_TYPES = (QuestionType.SCENARIO, QuestionType.SINGLE_CHOICE, QuestionType.TRUE_FALSE)
MIN_ITEMS, MAX_ITEMS = 5, 8


class CheckAlreadyTaken(services.QuizError):
    pass


def _check_spec(spec: dict) -> dict:
    """The spec as a check is always loaded: no per-question feedback (nothing to mark),
    options shuffled per attempt, no attempt limit (the phase rule limits it instead)."""
    spec = copy.deepcopy(spec)
    spec["feedback"] = FeedbackTiming.AT_END
    spec["shuffle_options"] = True
    spec["attempts_allowed"] = "unlimited"
    spec["pass_mark"] = 0
    return spec


def check_spec_problems(*, key: str, spec, age_band: str) -> list[str]:
    """Everything wrong with one module check's spec, writing nothing."""
    if not isinstance(spec, dict):
        return [f"{key}: the check must be a mapping"]
    problems = []
    questions = spec.get("questions")
    if isinstance(questions, list):
        if not MIN_ITEMS <= len(questions) <= MAX_ITEMS:
            problems.append(f"{key}: a check has {MIN_ITEMS} to {MAX_ITEMS} items")
        for q in questions:
            if isinstance(q, dict) and q.get("type") not in CHECK_TYPES:
                problems.append(
                    f"{key} › question {q.get('id', '?')}: a check uses only "
                    f"{', '.join(CHECK_TYPES)} items"
                )
    existing = Quiz.objects.filter(key=key).exclude(purpose=QuizPurpose.MODULE_CHECK)
    if existing.exists():
        problems.append(f"{key}: that key belongs to a lesson quiz")
    return problems + services.quiz_spec_problems(
        key=key, spec=_check_spec(spec), age_band=age_band
    )


@transaction.atomic
def check_upsert_from_spec(*, key: str, title: str, spec: dict, age_band: str) -> Quiz:
    """Create or update one module check (questions matched by id, so answers survive)."""
    quiz = services.quiz_upsert_from_spec(
        key=key, title=title, spec=_check_spec(spec), age_band=age_band
    )
    if quiz.purpose != QuizPurpose.MODULE_CHECK:
        quiz.purpose = QuizPurpose.MODULE_CHECK
        quiz.save(update_fields=["purpose"])
    return quiz


def submitted_phases(*, pupil: Pupil, quiz: Quiz) -> dict[str, Attempt]:
    """The pupil's finished attempt at each phase taken (the latest, should there be two)."""
    found: dict[str, Attempt] = {}
    for attempt in Attempt.objects.submitted().filter(pupil=pupil, quiz=quiz).exclude(phase=""):
        if attempt.phase not in found or attempt.number > found[attempt.phase].number:
            found[attempt.phase] = attempt
    return found


@transaction.atomic
def check_start(*, pupil: Pupil, quiz: Quiz, phase: str) -> Attempt:
    """Start (or resume) the pupil's attempt at one phase of a module check."""
    if not quiz.is_module_check or phase not in CheckPhase.values:
        raise services.QuizNotAvailable(_("This check isn't available."))
    # One pupil at a time, as in `attempt_start`.
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    attempts = Attempt.objects.filter(pupil=pupil, quiz=quiz)
    if attempts.submitted().filter(phase=phase).exists():
        raise CheckAlreadyTaken(_("You have already done this check. Thank you!"))
    open_attempt = attempts.open().first()
    if open_attempt is not None and open_attempt.phase == phase:
        return open_attempt
    if open_attempt is not None:
        open_attempt.delete()
    attempt = services.attempt_start(pupil=pupil, quiz=quiz, check_phase=phase)
    return attempt
