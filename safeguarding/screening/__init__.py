"""Free-text screening: could what a pupil wrote be a disclosure?

Two things look at every text, and either can flag it:

- the **detector** (`detector.detect`), which understands children's writing (text-speak,
  misspellings, word forms) and looks for concepts that combine (images + a threat, a secret +
  an adult, a request to undress, self-harm wording, "this happened to me"…);
- the **school's phrase list** (`phrases_for_school`), which the DSLs keep; a phrase found is a
  flag too.

`screen_text(*, school, text)` returns a `ScreeningResult`: whether to flag, the concepts and
phrases found, a strength (1–5) and an explanation in words for the DSL, such as "mentions
images + a threat or demand". It has no side effects: the caller raises the flag
(`services.flag_raise`, or `services.pupil_text_screen`, which does both).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .detector import concepts, detect
from .normalise import fold
from .phrases import DEFAULT_SCREENING_PHRASES, match_phrases, normalise, phrases_for_school

__all__ = [
    "DEFAULT_SCREENING_PHRASES",
    "ScreeningResult",
    "match_phrases",
    "normalise",
    "phrases_for_school",
    "screen",
    "screen_text",
]

PHRASE_STRENGTH = 2


@dataclass(frozen=True)
class ScreeningResult:
    """What screening found in one text."""

    flagged: bool = False
    strength: int = 0  # 0 nothing, 1 a faint sign (not flagged), 2–5 flagged, 5 the strongest
    concepts: tuple[str, ...] = ()
    matched_phrases: tuple[str, ...] = ()
    reasons: tuple[str, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return self.flagged

    @property
    def explanation(self) -> str:
        """For the DSL, in words: "Mentions images + a threat or demand; …"."""
        parts = list(self.reasons)
        if self.matched_phrases:
            quoted = ", ".join(f"“{p}”" for p in self.matched_phrases[:5])
            parts.append(f"matches the school's phrases {quoted}")
        if not parts:
            return ""
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."

    @property
    def phrases(self) -> list[str]:
        """The school's phrases found, in list order (what `screen_text` returned before)."""
        return list(self.matched_phrases)

    @property
    def concept_labels(self) -> list[str]:
        table = concepts()
        return [table[name].label for name in self.concepts if name in table]


def screen(*, text: str, phrases: Sequence[str] = ()) -> ScreeningResult:
    """Screen one text with the detector and the given phrases."""
    if not text or not fold(text):
        return ScreeningResult()
    detection = detect(text)
    matched = tuple(match_phrases(phrases=phrases, text=text))
    strength = detection.score
    if matched:
        strength = max(strength, PHRASE_STRENGTH) + (detection.flagged and strength < 5)
    return ScreeningResult(
        flagged=detection.flagged or bool(matched),
        strength=min(strength, 5),
        concepts=tuple(detection.concepts),
        matched_phrases=matched,
        reasons=tuple(detection.reasons) if detection.flagged or matched else (),
    )


def screen_text(*, school, text: str) -> ScreeningResult:
    """Screen what a pupil wrote with the detector and the school's phrase list."""
    if not text or not text.strip():
        return ScreeningResult()
    return screen(text=text, phrases=phrases_for_school(school))
