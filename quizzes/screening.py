"""Screening pupils' free-text answers for safeguarding phrases, through the safeguarding app.

The phrase list (editable by the DSL), the matching rules and the flags all belong to the
safeguarding app; this module is the one place the quizzes app reaches it, imported lazily and
through its services only (never its models). What it uses:

    safeguarding.screening.screen_text(*, school, text) -> list[str]
        The school's phrases found in `text` (case, punctuation and spacing ignored; whole
        words only); an empty list when nothing matches.

    safeguarding.services.flag_raise(*, pupil, source, text_excerpt, reason,
                                     matched_phrases=(), source_key="")
        Puts the text in front of the school's DSLs as "needs review". The same source_key for
        the same pupil raises one flag, so screening the same answer twice is harmless.

Nothing about screening is ever shown to the pupil. An answer's `screened_at` is set only when
screening ran; if the safeguarding app is unavailable or fails, the answer keeps its text with
`screened_at` empty and `manage.py quiz_screen_pending` screens it later, so no answer is
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
    """(screen_text, flag_raise) from the safeguarding app, or None if it does not offer them."""
    try:
        from safeguarding.screening import screen_text
        from safeguarding.services import flag_raise
    except ImportError:
        return None
    return screen_text, flag_raise


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
    """Screen one free-text answer and raise a flag for the DSL if a phrase matches.

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
    screen_text, flag_raise = api
    pupil = answer.attempt.pupil
    try:
        with transaction.atomic():
            matched = list(screen_text(school=pupil.school, text=answer.text) or [])
            if matched:
                flag_raise(
                    pupil=pupil,
                    source=answer_source(answer),
                    text_excerpt=answer.text,
                    reason=gettext(
                        "A free-text quiz answer matched the school's screening phrases."
                    ),
                    matched_phrases=matched,
                    source_key=answer_source_key(answer),
                )
            answer.screened_at = timezone.now()
            answer.save(update_fields=["screened_at"])
    except Exception:
        # The answer is kept and stays pending; screening it must never cost the pupil their
        # answer, and a failure must never be silent.
        logger.exception("Quiz answer %s could not be screened; it stays pending.", answer.pk)
        return None
    return bool(matched)
