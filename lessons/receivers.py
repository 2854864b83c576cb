"""How results from other apps reach lessons' progress. Connected in `LessonsConfig.ready()`.

Receivers only translate another app's signal into a call to `lessons.services`; what counts as
complete is decided there and in `LessonPage.completion_requirements()`.
"""

from __future__ import annotations

import hashlib
import logging

from django.db import transaction
from django.utils.translation import gettext

from schools.permissions import get_pupil

from . import services
from .blocks import H5PBlock, h5p_context_parse
from .models import LessonPage, ModulePage
from .permissions import pupil_can_open

QUIZ_ACTIVITY_TYPE = "quiz"
logger = logging.getLogger(__name__)


def quiz_activity_id(quiz) -> str:
    """The id a lesson's quiz result is stored under among the pupil's activity responses."""
    return f"quiz-{quiz.pk}"


def quiz_attempt_submitted(sender, *, attempt, pupil, quiz, counted_score, passed, **kwargs):
    """A pupil handed in a quiz: record the result in each of their lessons that ends with it.

    Runs inside the quizzes app's scoring transaction, so the result and the lesson progress
    commit (or roll back) together. The stored response is the counted result under the quiz's
    rule (best or latest); `progress_record_activity` then re-checks the lesson's completion.
    """
    modules = ModulePage.objects.for_pupil(pupil)
    for lesson in LessonPage.objects.in_modules(modules).filter(quiz=quiz):
        lesson.quiz = quiz  # already loaded: saves a query when requirements are checked
        services.progress_record_activity(
            pupil=pupil,
            lesson=lesson,
            activity_id=quiz_activity_id(quiz),
            activity_type=QUIZ_ACTIVITY_TYPE,
            answer={"attempt": attempt.pk, "number": attempt.number, "score": attempt.score},
            is_complete=True,
            correct=passed,
            score=counted_score / 100,
        )


def h5p_result_recorded(
    sender, *, user, content, raw, max, scaled, completed, passed, clamped, context_id, **kwargs
):
    """A pupil finished an H5P activity in a lesson: record the result as that activity's answer.

    Runs inside the h5p app's transaction that stored the statement, so the statement and the
    lesson progress commit (or roll back) together. `context_id` was signed by the server when
    the lesson step was rendered (`H5PBlock.get_h5p_context_id`), so it names the lesson and
    activity truthfully; what it names must still be an H5P block of a live lesson the pupil
    may open, playing this very content. Only a finished result counts: completed (answered)
    or passed (correct). A clamped result (an impossible score, forged or broken) never counts,
    whatever it claims. Anything else changes nothing.
    """
    if clamped or not (completed or passed):
        return
    place = h5p_context_parse(context_id)
    pupil = get_pupil(user)
    if place is None or pupil is None:
        return
    lesson_id, activity_id = place
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None or not pupil_can_open(pupil, lesson):
        return
    activity = lesson.activities.get(activity_id)
    if activity is None or not isinstance(activity.block, H5PBlock):
        return
    if getattr(activity.value.get("activity"), "pk", None) != content.pk:
        return
    services.progress_record_activity(
        pupil=pupil,
        lesson=lesson,
        activity_id=activity_id,
        activity_type=H5PBlock.activity_type,
        answer={
            "content": str(content.key),
            "raw": raw,
            "max": max,
            "scaled": scaled,
            "passed": bool(passed),
        },
        is_complete=True,
        correct=bool(passed),
        score=scaled,
    )


def h5p_text_answered(sender, *, user, content, statement, text, context_id, **kwargs):
    """A pupil typed words into an H5P activity: screen them for a possible disclosure.

    Issue 11 (detect): every free text a pupil writes goes through the safeguarding app's one
    screening service, `safeguarding.services.pupil_text_screen`, which flags it for the DSL when
    it may be a disclosure. Runs inside the h5p app's transaction; a screening failure is logged
    (ids only) and never costs the pupil their statement. Staff and anyone who is not a pupil
    are not screened.
    """
    pupil = get_pupil(user)
    if pupil is None:
        return
    try:
        from safeguarding.services import pupil_text_screen
    except ImportError:
        logger.warning("H5P statement %s not screened: screening is unavailable.", statement.pk)
        return
    place = h5p_context_parse(context_id)
    lesson = LessonPage.objects.filter(pk=place[0]).first() if place else None
    source = gettext("Activity “%(activity)s” (typed answer)") % {"activity": content.title}
    if lesson is not None:
        source = gettext("Lesson “%(lesson)s”, activity “%(activity)s” (typed answer)") % {
            "lesson": lesson.title,
            "activity": content.title,
        }
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    try:
        with transaction.atomic():
            pupil_text_screen(
                pupil=pupil, text=text, source=source, source_key=f"h5p:{content.key}:{digest}"
            )
    except Exception:
        logger.exception("H5P statement %s could not be screened.", statement.pk)
