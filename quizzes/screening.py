"""Screening pupils' free-text answers for possible disclosures, through the safeguarding app.

The detector, the phrase list (editable by the DSL) and the flags all belong to the
safeguarding app; this module is the one place the quizzes app reaches it, imported lazily and
through its services only (never its models). What it uses:

    safeguarding.services.pupil_text_screen(*, pupil, text, source, source_key="")
        Screens `text` with the disclosure detector and the school's phrases and, when it may be
        a disclosure, puts it in front of the school's DSLs as "needs review", with an
        explanation in words as the flag's reason. Returns a result whose `flagged` says so.
        The same source_key for the same pupil raises one flag, so screening the same answer
        twice is harmless.

A flagged answer is marked `flagged`, and the pupil is then told, calmly, that a trusted adult
at school will read what they wrote (the result page). An answer's `screened_at` is set only
when screening ran; if the safeguarding app is unavailable or fails, the answer keeps its text
with `screened_at` empty and `manage.py quiz_screen_pending` screens it later, so no answer is
skipped. Log lines name the answer's id only, never what the pupil wrote.
"""

from __future__ import annotations

import hashlib
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

logger = logging.getLogger(__name__)


def safeguarding_api():
    """`pupil_text_screen` from the safeguarding app, or None if it does not offer it."""
    try:
        from safeguarding.services import pupil_text_screen
    except ImportError:
        return None
    return pupil_text_screen


def answer_source_key(answer) -> str:
    """Identifies one version of one answer: re-screening it raises no second flag, while a
    pupil who changes their answer to something else worrying raises a new one."""
    digest = hashlib.sha256(answer.text.encode()).hexdigest()[:16]
    return f"quizzes.answer:{answer.pk}:{digest}"


def answer_source(answer) -> str:
    question = answer.question
    return gettext("Quiz “%(quiz)s”, question %(number)s (free-text reflection)") % {
        "quiz": question.quiz.title,
        "number": question.key,
    }


def free_text_screen(*, answer) -> bool | None:
    """Screen one free-text answer and raise a flag for the DSL if it may be a disclosure.

    Returns True if a flag was raised, False if the answer was screened and nothing matched,
    None if it could not be screened now (it stays pending).
    """
    api = safeguarding_api()
    if api is None:
        logger.warning(
            "Quiz answer %s not screened yet: safeguarding screening is not available.",
            answer.pk,
        )
        return None
    pupil_text_screen = api
    pupil = answer.attempt.pupil
    try:
        with transaction.atomic():
            result = pupil_text_screen(
                pupil=pupil,
                text=answer.text,
                source=answer_source(answer),
                source_key=answer_source_key(answer),
            )
            flagged = bool(result.flagged)
            answer.screened_at = timezone.now()
            answer.flagged = flagged
            answer.save(update_fields=["screened_at", "flagged"])
    except Exception:
        # The answer is kept and stays pending; screening it must never cost the pupil their
        # answer, and a failure must never be silent.
        logger.exception("Quiz answer %s could not be screened; it stays pending.", answer.pk)
        return None
    return flagged
