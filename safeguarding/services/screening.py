"""Screening what a pupil writes: one function for every place a pupil types free text.

`pupil_text_screen` screens a text with the disclosure detector and the school's phrase list
(`safeguarding.screening.screen_text`) and, when it reads as a possible disclosure, raises a
flag for the school's DSLs (`flag_raise`) with the explanation as its reason. Quiz free-text
answers and H5P text answers come through here; a new activity type that lets a pupil type
only has to call it. Nothing here logs what the pupil wrote.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from schools.models import Pupil

from ..screening import ScreeningResult, screen_text
from .flags import flag_raise


@transaction.atomic
def pupil_text_screen(
    *, pupil: Pupil, text: str, source: str, source_key: str = ""
) -> ScreeningResult:
    """Screen something a pupil wrote and flag it for the DSLs if it may be a disclosure.

    `source` says where it was written (shown to the DSL); `source_key` identifies this text,
    so screening the same text twice raises one flag. Returns what screening found
    (`result.flagged` says whether a flag was raised).
    """
    result = screen_text(school=pupil.school, text=text)
    if result.flagged:
        flag_raise(
            pupil=pupil,
            source=source,
            text_excerpt=text,
            reason=result.explanation
            or _("A free-text answer matched the school's screening phrases."),
            matched_phrases=result.matched_phrases,
            source_key=source_key,
            strength=result.strength,
            explanation=result.explanation,
            concepts=result.concepts,
        )
    return result
