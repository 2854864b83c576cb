"""Turning what a child typed into plain words the detector can compare.

Each step is its own function (and tested on its own):

1. `fold`: Unicode forms, case, apostrophes ("don't" → "dont"), punctuation to spaces.
2. `squeeze`: letters repeated for feeling ("pleeease", "sooo") are cut to two.
3. `expand`: text-speak and common misspellings ("u", "n", "pics", "idk", "evry1") become the
   words they stand for (see textspeak.yaml).
4. `stem`: each word's stem (snowballstemmer, English), so "threatened", "threatening" and
   "threatens" meet at "threaten".

`words(text)` runs steps 1–3; `stems(words)` runs step 4.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import snowballstemmer
import yaml

_APOSTROPHES = re.compile(r"['’‘`´]")
_CURRENCY = re.compile(r"[£$€]")
_NOT_WORD = re.compile(r"[\W_]+")
_REPEATS = re.compile(r"(\w)\1{2,}")
_DIGIT_ONE = re.compile(r"^([a-z]+)1$")  # "sum1", "evry1": a number standing for "one"


def fold(text: str) -> str:
    """Lower case, apostrophes dropped, currency signs as the word "money", other punctuation
    and spacing as single spaces."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = _APOSTROPHES.sub("", text)
    text = _CURRENCY.sub(" money ", text)
    return _NOT_WORD.sub(" ", text).strip()


def squeeze(word: str) -> str:
    """A letter written three or more times in a row is cut to two: "pleeease" → "pleease"
    (spelling tolerance then meets "please"); "sooo" → "soo"."""
    return _REPEATS.sub(r"\1\1", word)


@cache
def textspeak() -> dict[str, str]:
    path = Path(__file__).with_name("textspeak.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(key): str(value) for key, value in data.items()}


def expand(tokens: list[str]) -> list[str]:
    """Text-speak and short misspellings as plain words: ["idk", "u"] → ["i", "dont", "know",
    "you"]. A word ending in "1" that is otherwise letters reads as "one" ("some1" → "someone")."""
    table = textspeak()
    out: list[str] = []
    for token in tokens:
        replacement = table.get(token)
        if replacement is None and (match := _DIGIT_ONE.match(token)):
            replacement = table.get(token, match.group(1) + "one")
        if replacement is None:
            # "pleease" is not in the table but "please" may be; so may "sooo" as "so".
            single = re.sub(r"(\w)\1", r"\1", token)
            replacement = table.get(single, token)
        out.extend(replacement.split())
    return out


def words(text: str) -> list[str]:
    """Normalised words of a text (steps 1–3)."""
    return expand([squeeze(token) for token in fold(text).split()])


_stemmer = snowballstemmer.stemmer("english")


@cache
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def stems(tokens: list[str]) -> list[str]:
    """Each word's stem (step 4)."""
    return [stem(token) for token in tokens]
