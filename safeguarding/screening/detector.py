"""The disclosure detector: concepts that combine, in children's own words.

A text is normalised (see `normalise`), each concept of concepts.yaml is looked for on word
stems with spelling tolerance (rapidfuzz), and then the concepts are combined by the rules in
`_RULES`: an image + a threat or demand, a secret + an adult, a request to undress, going private,
money or gifts for doing things, self-harm wording, "this happened to me" after a risk topic,
"my friend…". A combination counts as a disclosure when the text is about the writer or someone
they know (first person, "my friend"), not when it is advice about a character ("tell a grown
up", "never send pics"). Self-harm wording and "this happened to me" always count: missing a
disclosure is worse than a DSL reading an answer that was fine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from .normalise import stem, stems, words

GAP = "*"
MAX_GAP = 3


@dataclass(frozen=True)
class Concept:
    name: str
    label: str
    terms: tuple[tuple[str, ...], ...]  # each term as a sequence of stems (GAP for a gap)


@cache
def concepts() -> dict[str, Concept]:
    path = Path(__file__).with_name("concepts.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = {}
    for name, spec in data.items():
        terms = []
        for term in spec["terms"]:
            parts = str(term).split()
            terms.append(
                tuple(GAP if p == GAP else stem(w) for p in parts for w in words(p) or [p])
            )
        found[name] = Concept(name=name, label=spec["label"], terms=tuple(terms))
    return found


@cache
def _vocabulary() -> tuple[str, ...]:
    """Every stem the concepts use, for spelling tolerance."""
    return tuple(sorted({s for c in concepts().values() for t in c.terms for s in t if s != GAP}))


def _allowed_edits(word: str) -> int:
    """How many letters may be wrong: none in short words (too many real words lie one letter
    from "pay" or "hit"), one in words of five to seven letters, two in longer ones."""
    if len(word) < 5:
        return 0
    return 1 if len(word) < 8 else 2


@cache
def _tolerant(token_stem: str) -> str:
    """The concept stem a (possibly misspelt) stem stands for, or the stem itself."""
    vocabulary = _vocabulary()
    limit = _allowed_edits(token_stem)
    if not limit or token_stem in vocabulary or token_stem.isdigit():
        return token_stem
    best = extractOne(token_stem, vocabulary, scorer=Levenshtein.distance, score_cutoff=limit)
    if best is None or abs(len(best[0]) - len(token_stem)) > limit or len(best[0]) < 5:
        return token_stem
    return best[0]


def _match_at(seq: list[str], start: int, term: tuple[str, ...]) -> bool:
    i = start
    k = 0
    while k < len(term):
        part = term[k]
        if part == GAP:
            nxt = term[k + 1]
            for skip in range(1, MAX_GAP + 1):
                if i + skip < len(seq) and seq[i + skip] == nxt:
                    i, k = i + skip, k + 1
                    break
            else:
                return False
            continue
        if i >= len(seq) or seq[i] != part:
            return False
        i += 1
        k += 1
    return True


@cache
def _terms_by_first_stem() -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """(concept, term) pairs by the stem each term starts with, so that a long text is checked
    only against terms that could start at each word."""
    index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for name, concept in concepts().items():
        for term in concept.terms:
            index.setdefault(term[0], []).append((name, term))
    return {first: tuple(pairs) for first, pairs in index.items()}


def _concepts_in(seq: list[str]) -> set[str]:
    index = _terms_by_first_stem()
    found: set[str] = set()
    for start, word in enumerate(seq):
        for name, term in index.get(word, ()):
            if name not in found and _match_at(seq, start, term):
                found.add(name)
    return found


# --- Who the text is about ------------------------------------------------------------------

_FIRST_PERSON = frozenset({"i", "me", "my", "myself", "mine", "our", "us"})
# First-person words that belong to advice or a friendly offer, not to something that happened.
_OFFERS = re.compile(
    r"\b(talk to me|tell me|with me|i would (tell|show) my \w+|i would|i will|i am here|"
    r"i am on your side|i think|i noticed|"
    r"i drew|i love you|i need to talk|i need some|can i|i am worried about (you|something)|"
    r"help me with|i want to keep my|my settings|my choice|my account|i am not old enough|"
    r"i am gonna check|i need to turn|i will check|my live|my mum said|i would rather|"
    r"i am not going to|i could get|i want to be safe|my idea)\b"
)
_ADVICE = re.compile(
    r"\b(should|could|never|if (someone|somebody|a|an|he|she|they|it|its|it is|you|the|anyone|"
    r"people|connor|someone online)|tell (a|an|your|someone|the)|report|block|"
    r"you are not|you are the victim|not your fault|you are not alone|people who|anyone who|"
    r"are criminals|is a crime|"
    r"trusted adult|not ok|red flag|you can|we can|lets|is anyone|has someone|has he|does he|"
    r"is someone|is somebody|are you|is connor|does connor|you dont|dont (send|pay|delete)|"
    r"when its|bad secret|a surprise|surprises)\b"
)
_CHARACTERS = frozenset(
    {"priya", "rosa", "ellie", "jordan", "maya", "theo", "asha", "jade", "connor", "milo", "zara"}
)


@dataclass
class Detection:
    """What the detector found in one text."""

    concepts: list[str] = field(default_factory=list)
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return self.score >= 2


_RULE_TEXT = {
    "image_threat": "mentions images + a threat or demand",
    "secret_adult": "a secret + an adult or someone",
    "undress": "a request to undress or show their body",
    "private": "being asked to go private, move room or meet",
    "money_acts": "money or gifts for doing things",
    "self_harm": "self-harm or suicide wording",
    "harm": "being hurt by someone",
    "harm_named": "names grooming, blackmail or abuse",
    "fear": "feeling scared of someone",
    "threat": "a threat",
    "happened": "says “this happened to me” in an answer about a risk topic",
    "third_party": "about a friend or family member",
    "image_request": "being asked for images",
    "extortion": "being made to pay",
    "romance": "an adult showing romantic or special interest",
    "own_secret": "a secret of their own",
}


def detect(text: str) -> Detection:
    """Find concepts in text and decide whether it reads as a disclosure."""
    tokens = words(text)
    raw = stems(tokens)
    seq = [_tolerant(s) for s in raw]
    found = _concepts_in(seq) | _concepts_in(raw)
    plain = " ".join(tokens)
    first_person = any(t in _FIRST_PERSON for t in tokens)
    advice = bool(_ADVICE.search(plain)) or bool(_CHARACTERS & set(tokens))
    person = bool(found & {"adult", "person", "third_party"})

    event = first_person_event(tokens)
    rules: list[tuple[str, int]] = []
    if "image" in found and found & {"threat", "demand", "extortion"}:
        rules.append(("image_threat", 3))
    elif "image" in found and "request" in found:
        rules.append(("image_request", 2))
    if "extortion" in found:
        rules.append(("extortion", 2))
    if "secret" in found and person:
        rules.append(("secret_adult", 2))
    if "undress" in found and (found & {"request", "image", "private", "demand"} or person):
        rules.append(("undress", 2))
    if "private" in found and (found & {"request", "secret", "money", "adult", "undress"}):
        rules.append(("private", 2))
    if "money" in found and found & {"request", "image", "undress", "private", "demand", "adult"}:
        rules.append(("money_acts", 2))
    if "romance" in found and found & {"adult", "person"}:
        rules.append(("romance", 2))
    if "harm" in found and (person or event):
        rules.append(("harm", 2))
    if "harm_named" in found:
        rules.append(("harm_named", 2))
    if "fear" in found and (person or event):
        rules.append(("fear", 2))
    if "threat" in found and (person or first_person) and "image_threat" not in dict(rules):
        rules.append(("threat", 2))

    detection = Detection(concepts=sorted(found))
    always = []
    if "self_harm" in found and (first_person or person):
        always.append(("self_harm", 3))
    if "happened" in found and first_person:
        always.append(("happened", 2 + bool(rules)))
    if "own_secret" in found and first_person:
        always.append(("own_secret", 2))
    if always or (rules and (event or "third_party" in found or not advice)):
        chosen = always + rules
        if "third_party" in found:
            chosen.append(("third_party", 0))
        detection.score = min(5, max(w for _, w in chosen) + (len(chosen) > 1))
        detection.reasons = [_RULE_TEXT[name] for name, _ in chosen]
    elif rules:
        detection.score = 1
        detection.reasons = [_RULE_TEXT[name] for name, _ in rules]
    return detection


_EVENT = re.compile(
    r"\b(me|my|i am|i was|i have|i sent|i did|i paid|i got|i get|i keep|i feel|i cant|"
    r"i dont|i want)\b"
)


# "…if someone asked me for pics": a clause about what might happen, not what did.
_HYPOTHETICAL = re.compile(
    r"\bif (someone|somebody|anyone|a person|a stranger|people|they|he|she)\b.*$"
)


def first_person_event(tokens: list[str]) -> bool:
    """Whether the text tells of something happening to the writer (outside offers of help
    and "if someone…" clauses)."""
    text = _HYPOTHETICAL.sub(" ", _OFFERS.sub(" ", " ".join(tokens)))
    return bool(_EVENT.search(text))
