"""Reading the curriculum files, and the rules a file must keep before anything is written.

`safety_problems` checks every lesson has ground rules and ends with help and signposting, and
that a module uses none of the words and phrases its age band must never use (`BANNED_WORDS`);
`coverage_problems` checks the curriculum's shape; `quiz_problems` and `h5p_problems` ask the
quizzes and H5P apps whether a file's quizzes and activities would be accepted. The loader
(`lessons.loader.curriculum_load`) refuses a file that breaks any of them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from h5p.models import H5PContent
from quizzes.services import quiz_spec_problems
from schools.models import AgeBand

# Words and phrases that must never appear in a module for each band: the "never" column of
# CURRICULUM.md, spelt out (lessons/curriculum/README.md lists them for authors). Matching is
# case-insensitive and on whole words, so inflections are listed one by one.
_ABUSERS = (
    *("offender", "offenders", "predator", "predators", "paedophile", "paedophiles"),
    *("pedophile", "pedophiles", "abuse", "abused", "abuser", "abusers"),
)
_OFFENDERS = (
    *_ABUSERS,
    *("groom", "groomed", "groomer", "groomers", "grooming", "stranger danger", "bad man"),
    "bad men",
)
_SEXUAL = (
    *("sex", "sexy", "sexual", "sexually", "nude", "nudes", "nudity", "naked", "topless"),
    *("porn", "pornography", "pornographic", "rape", "raped", "underwear", "undress"),
    *("undressed", "undressing", "private parts", "genitals", "sextortion"),
)
_FRIGHTENING = (
    *("blackmail", "blackmailed", "kidnap", "kidnapped", "kidnapping", "kill", "killed"),
    *("killing", "murder", "murdered", "die", "died", "dead", "death", "torture", "tortured"),
    *("suicide", "self-harm", "stalker", "stalking", "trafficking", "trafficked"),
)
_GRAPHIC = (
    *("porn", "pornography", "pornographic", "rape", "raped", "raping", "genital", "genitals"),
    *("penis", "vagina", "breasts", "masturbate", "masturbating", "masturbation", "orgasm"),
    *("erection", "intercourse", "oral sex", "sex act", "sex acts", "torture", "tortured"),
    *("gore", "gory", "mutilated"),
)
# Blame aimed at the pupil, or the idioms of blame; a lesson says what the adult did wrong.
_VICTIM_BLAMING = (
    *("you should have", "you should've", "you shouldn't have", "should have known"),
    *("should've known", "it's your fault", "it is your fault", "it was your fault"),
    *("your own fault", "all your fault", "you are to blame", "you're to blame"),
    *("you were to blame", "only yourself to blame", "was asking for it", "were asking for it"),
    *("brought it on yourself", "brought it on herself", "brought it on himself"),
    *("brought it on themselves", "you let it happen", "what were you thinking"),
)
_SHOCK_TACTICS = (
    *("ruin your life", "ruined your life", "ruin your future", "your life is over"),
    *("your life will be over", "you will go to prison", "you'll go to prison"),
    *("you could go to prison", "you will go to jail", "you'll go to jail"),
    *("you could go to jail", "you will be arrested", "you'll be arrested"),
    *("you could be arrested", "you'll get a criminal record", "you will get a criminal record"),
    *("you could get a criminal record", "sex offenders register", "suicide"),
    *("killed himself", "killed herself", "killed themselves", "took his own life"),
    *("took her own life", "took their own life", "horrifying", "terrifying", "nightmare"),
    *("online forever", "out there forever"),
)
BANNED_WORDS = {
    # No offenders, sex, bodies, gifts for money, blackmail (and nothing frightening).
    AgeBand.AGES_4_7.value: [
        *_OFFENDERS,
        *_SEXUAL,
        *("body", "bodies", "swimsuit", "swimsuits", "kiss", "kissed", "kissing"),
        *("money", "cash", "tips", "tipped", "tipping", "gift", "gifts", "coins", "gems"),
        *("tokens", "pay", "paid", "paying", "payment", "pounds", "reward", "rewards"),
        *_FRIGHTENING,
        *("threat", "threats", "threaten", "threatened", "police"),
    ],
    # No sexual detail; no frightening stories.
    AgeBand.AGES_8_10.value: [*_SEXUAL, *_ABUSERS, *_FRIGHTENING],
    # No graphic detail; no victim blaming.
    AgeBand.AGES_11_13.value: [*_GRAPHIC, *_VICTIM_BLAMING],
    # No shock tactics; no "you should have known".
    AgeBand.AGES_14_16.value: [*_SHOCK_TACTICS, *_VICTIM_BLAMING],
}
BAND_NAMES = {"4-7": "4–7", "8-10": "8–10", "11-13": "11–13", "14-16": "14–16"}

ACTIVITY_TYPES = {"what_would_you_do", "sort_it", "spot_the_signs", "true_or_false", "reveal_cards"}
CONTENT_TYPES = {"text", "story", "key_message", "help"}
H5P_TYPE = "h5p"  # an installed H5P activity; not counted among ACTIVITY_TYPES for coverage
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CurriculumError(Exception):
    """A curriculum file that cannot be loaded; the message says which file and where."""


def read_curriculum_file(path: Path) -> tuple[dict, str]:
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CurriculumError(f"{path.name}: not valid YAML ({error})") from error
    if not isinstance(data, dict) or not isinstance(data.get("module"), dict):
        raise CurriculumError(f"{path.name}: expected a `module:` section and `lessons:`")
    return data, text


def banned_words_in(text: str, age_band: str) -> list[str]:
    """Words from the band's never-list that appear in `text` (case-insensitive, whole words)."""
    text = text.replace("\u2019", "'")  # a curly apostrophe counts as a straight one
    found = []
    for word in dict.fromkeys(BANNED_WORDS.get(age_band, ())):
        pattern = r"\s+".join(re.escape(part) for part in word.split())
        if re.search(rf"\b{pattern}\b", text, flags=re.IGNORECASE):
            found.append(word)
    return found


def step_blocks(step: Any) -> list:
    """A step's `blocks:` list as written (empty when the step has none or is malformed)."""
    blocks = step.get("blocks") if isinstance(step, dict) else None
    return blocks if isinstance(blocks, list) else []


def safety_problems(data: dict, text: str, *, name: str) -> list[str]:
    """Rules no lesson may break: ground rules, help at the end, and the band's never-words."""
    problems = []
    module = data.get("module") or {}
    band = str(module.get("age_band", ""))
    for word in banned_words_in(text, band):
        problems.append(
            f"{name}: uses “{word}”, which must never appear for ages {BAND_NAMES.get(band, band)}"
        )
    for lesson in data.get("lessons") or []:
        where = f"{name} › {lesson.get('slug', '?')}"
        rules = lesson.get("ground_rules")
        if not isinstance(rules, list) or not [r for r in rules if str(r).strip()]:
            problems.append(f"{where}: has no ground rules")
        steps = lesson.get("steps") or []
        if not steps or not any(
            isinstance(b, dict) and b.get("type") == "help" for b in step_blocks(steps[-1])
        ):
            problems.append(f"{where}: the last step has no help and signposting block")
    return problems


def coverage_problems(data: dict, *, name: str) -> list[str]:
    """The curriculum's shape: four or more lessons, each with two activities of two types."""
    problems = []
    lessons = data.get("lessons") or []
    if len(lessons) < 4:
        problems.append(f"{name}: has {len(lessons)} lessons; a module needs at least four")
    for lesson in lessons:
        types = [
            block.get("type")
            for step in lesson.get("steps") or []
            for block in step_blocks(step)
            if isinstance(block, dict) and block.get("type") in ACTIVITY_TYPES
        ]
        if len(types) < 2 or len(set(types)) < 2:
            problems.append(
                f"{name} › {lesson.get('slug', '?')}: needs at least two activities of two types"
            )
    return problems


def quiz_key(module_slug: str, lesson_slug: str) -> str:
    """The key a lesson's quiz is kept under in the quizzes app, so a reload updates it."""
    return f"{module_slug}/{lesson_slug}"


def quiz_problems(data: dict, *, name: str) -> list[str]:
    """Everything wrong with the lessons' `quiz:` sections, as the quizzes app sees them."""
    module = data.get("module") or {}
    lessons = data.get("lessons")
    problems = []
    for lesson in lessons if isinstance(lessons, list) else []:
        if not isinstance(lesson, dict) or "quiz" not in lesson:
            continue
        key = quiz_key(str(module.get("slug", "?")), str(lesson.get("slug", "?")))
        age_band = module.get("age_band")
        problems += [
            f"{name}: {problem}"
            for problem in quiz_spec_problems(
                key=key, spec=lesson["quiz"], age_band=str(age_band) if age_band else None
            )
        ]
    return problems


def h5p_problems(data: dict, *, name: str) -> list[str]:
    """H5P blocks that name no activity, or one that is not installed here."""
    wanted: dict[str, str] = {}
    problems = []
    lessons = data.get("lessons")
    for lesson in lessons if isinstance(lessons, list) else []:
        steps = lesson.get("steps") if isinstance(lesson, dict) else None
        for step in steps if isinstance(steps, list) else []:
            for block in step_blocks(step):
                if not isinstance(block, dict) or block.get("type") != H5P_TYPE:
                    continue
                where = f"{name} › {lesson.get('slug', '?')}"
                slug = block.get("activity")
                if not isinstance(slug, str) or not slug.strip():
                    problems.append(f"{where}: an h5p block needs `activity: <slug>`")
                else:
                    wanted.setdefault(slug.strip(), where)
    installed = set(H5PContent.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    for slug, where in wanted.items():
        if slug not in installed:
            problems.append(
                f"{where}: the H5P activity “{slug}” is not installed (run "
                "`python manage.py load_h5p_demo`, or upload it under H5P activities in the admin "
                "and give it that slug)"
            )
    return problems


class CurriculumReader:
    """Reads one lesson's YAML, raising CurriculumError that says exactly where."""

    def __init__(self, where: str):
        self.where = where

    def fail(self, message: str):
        raise CurriculumError(f"{self.where}: {message}")

    def get(self, mapping: Any, key: str, kind: type | tuple = str, *, required: bool = True):
        if not isinstance(mapping, dict):
            self.fail(f"expected a mapping with `{key}`")
        value = mapping.get(key)
        if value is None or value == "":
            if required:
                self.fail(f"missing `{key}`")
            return None
        if kind is str and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, kind):
            self.fail(f"`{key}` has the wrong type")
        return value.strip() if isinstance(value, str) else value

    def items(self, mapping: Any, key: str) -> list:
        value = self.get(mapping, key, list)
        if not value:
            self.fail(f"`{key}` is empty")
        return value
