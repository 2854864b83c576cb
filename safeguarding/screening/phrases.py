"""The school's own screening phrases: does what a pupil typed contain one of them?

The DSLs keep the list (or the defaults apply); a phrase found is a flag on its own, added to
what the detector finds (see the package's `screen_text`). Matching ignores case, punctuation
and spacing, and only matches whole words: "secret" matches "It's a SECRET!" but not
"secretary".
"""

from __future__ import annotations

import re
import unicodedata

DEFAULT_SCREENING_PHRASES = (
    # Secrets
    "our secret",
    "our little secret",
    "keep it a secret",
    "it's a secret",
    "don't tell anyone",
    "don't tell your mum",
    "don't tell your dad",
    "don't tell your parents",
    "don't tell your teacher",
    "nobody will believe you",
    # Gifts and favours
    "sent me a gift",
    "gave me a gift",
    "bought me",
    "gift card",
    "free robux",
    "free v-bucks",
    "sent me money",
    "give me money",
    # Being asked to show or do things on camera
    "asked me to show",
    "wanted me to show",
    "asked me to send",
    "made me send",
    "send a picture of yourself",
    "pictures of myself",
    "photos of myself",
    "turn your camera on",
    "take off my",
    "take your top off",
    "asked me to undress",
    "nudes",
    "private chat",
    "meet up",
    "come and meet",
    # Threats
    "said they would share",
    "going to share it",
    "send it to everyone",
    "threatened me",
    "threatening me",
    "or else",
    "pay them",
    "blackmail",
    "hurt me",
    # Feeling scared or unsafe
    "i'm scared",
    "i am scared",
    "scared of him",
    "scared of her",
    "scared of them",
    "frightened",
    "i feel unsafe",
    "afraid to go home",
    "hurt myself",
    "kill myself",
    "want to die",
)

_APOSTROPHES = re.compile(r"['’‘`]")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower case, apostrophes dropped (so "don't" is "dont"), any other punctuation or
    spacing turned into a single space, padded with a space at each end."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _APOSTROPHES.sub("", text)
    return " " + _NOT_WORD.sub(" ", text).strip() + " "


def match_phrases(*, phrases, text: str) -> list[str]:
    """The phrases (as written in the list) found in text as whole words, in list order."""
    haystack = normalise(text)
    found = []
    for phrase in phrases:
        needle = normalise(phrase)
        if needle.strip() and needle in haystack and phrase not in found:
            found.append(phrase)
    return found


def phrases_for_school(school) -> list[str]:
    """The school's screening phrases: the list its DSLs keep, or the defaults."""
    from ..models import ScreeningPhraseList

    phrase_list = ScreeningPhraseList.objects.filter(school=school).first()
    if phrase_list is None:
        return list(DEFAULT_SCREENING_PHRASES)
    return phrase_list.phrase_list


def phrases_in_text(*, school, text: str) -> list[str]:
    """The school's screening phrases that appear in text; an empty list means nothing matched."""
    if not text or not text.strip():
        return []
    return match_phrases(phrases=phrases_for_school(school), text=text)
