"""Build the lesson library from the curriculum files in `lessons/curriculum/`.

The file format is described in `lessons/curriculum/README.md`. Loading is idempotent: modules
and lessons are matched by slug, StreamField block ids are derived from the slugs and activity
ids (uuid5), so re-running updates pages in place, publishes a revision only when something
changed, and keeps every pupil's progress and answers attached to the same activities.

Safety rules are checked before anything is written (`safety_problems`): every lesson has
ground rules and ends with help and signposting, and each module uses none of the words and
phrases its age band must never use (`BANNED_WORDS`). A file that breaks them is refused.

A lesson's `quiz:` section is handed to the quizzes app (`quiz_upsert_from_spec`, keyed
"<module slug>/<lesson slug>", so a reload updates the same quiz and keeps pupils' attempts)
and the quiz is attached to the lesson. Every quiz is checked (`quiz_spec_problems`) together
with the safety rules, before anything is written. A lesson without `quiz:` has no quiz.

An `h5p` block names an installed H5P activity by its slug (`manage.py load_h5p_demo` installs
Streamwise's examples); a file naming one that is not installed is refused the same way.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import escape
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site
from wagtail.utils.file import hash_filelike
from willow.image import Image as WillowImage

from h5p.models import H5PContent
from quizzes.services import QuizSpecError, quiz_spec_problems, quiz_upsert_from_spec
from schools.models import AgeBand

from .fairness import module_warnings
from .models import KeyStage, LessonLibraryPage, LessonPage, ModulePage
from .plan_loader import plans_read

CURRICULUM_DIR = Path(__file__).resolve().parent / "curriculum"
# Streamwise's own artwork, named by `picture:` keys (built by scripts/build_illustrations.py).
ILLUSTRATIONS_DIR = Path(__file__).resolve().parent / "illustrations"
PICTURE_EXTENSIONS = {".svg", ".png"}
PICTURE_TITLE_PREFIX = "Streamwise illustration: "

# Never change: block ids (and so pupils' stored answers) are derived from it.
BLOCK_ID_NAMESPACE = uuid.UUID("6f1c1a0e-5b8e-4c55-9d7a-2f4f3b1e9c41")

LIBRARY_SLUG = "lessons"
LIBRARY_TITLE = "Streamwise: staying safe on live streams"
LIBRARY_INTRO = (
    "<p>Short, interactive lessons about live-streaming for ages 4 to 16, with a module for "
    "each age group. Pupils log in with their class code; teachers can preview every lesson.</p>"
)

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


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pictures_imported: list[str] = field(default_factory=list)


# --- Reading and checking files --------------------------------------------------------------


def curriculum_files(directory: Path | None = None) -> list[Path]:
    directory = Path(directory or CURRICULUM_DIR)
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


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


def _blocks_of(step: Any) -> list:
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
            isinstance(b, dict) and b.get("type") == "help" for b in _blocks_of(steps[-1])
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
            for block in _blocks_of(step)
            if isinstance(block, dict) and block.get("type") in ACTIVITY_TYPES
        ]
        if len(types) < 2 or len(set(types)) < 2:
            problems.append(
                f"{name} › {lesson.get('slug', '?')}: needs at least two activities of two types"
            )
    return problems


def _quiz_key(module_slug: str, lesson_slug: str) -> str:
    return f"{module_slug}/{lesson_slug}"


def quiz_problems(data: dict, *, name: str) -> list[str]:
    """Everything wrong with the lessons' `quiz:` sections, as the quizzes app sees them."""
    module = data.get("module") or {}
    lessons = data.get("lessons")
    problems = []
    for lesson in lessons if isinstance(lessons, list) else []:
        if not isinstance(lesson, dict) or "quiz" not in lesson:
            continue
        key = _quiz_key(str(module.get("slug", "?")), str(lesson.get("slug", "?")))
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
            for block in _blocks_of(step):
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


def _picture_parts(raw: Any) -> tuple[Any, Any]:
    """(file name, alt text) from a `picture:` key: `name.svg` or `{file: name.svg, alt: …}`."""
    if isinstance(raw, dict):
        return raw.get("file"), raw.get("alt")
    return raw, None


def _picture_problem(raw: Any, *, where: str, alt_required: bool, directory: Path) -> str | None:
    filename, alt = _picture_parts(raw)
    if not isinstance(filename, str) or not filename.strip():
        return f"{where}: `picture` needs a file name (`picture: {{file: name.svg, alt: …}}`)"
    filename = filename.strip()
    if Path(filename).name != filename or Path(filename).suffix.lower() not in PICTURE_EXTENSIONS:
        return f"{where}: picture “{filename}” must be an .svg or .png file name, with no folder"
    if not (directory / filename).is_file():
        return (
            f"{where}: picture “{filename}” is not in lessons/illustrations/ (add the file, or "
            "run `python scripts/build_illustrations.py`)"
        )
    if alt_required and not (isinstance(alt, str) and alt.strip()):
        return f"{where}: picture “{filename}” needs `alt:`, a short description for the band"
    return None


def picture_problems(data: dict, *, name: str, directory: Path | None = None) -> list[str]:
    """`picture:` keys on steps, choices and sort cards that name no usable file or lack alt."""
    directory = Path(directory or ILLUSTRATIONS_DIR)
    problems = []
    lessons = data.get("lessons")
    for lesson in lessons if isinstance(lessons, list) else []:
        steps = lesson.get("steps") if isinstance(lesson, dict) else None
        for number, step in enumerate(steps if isinstance(steps, list) else [], start=1):
            where = f"{name} › {lesson.get('slug', '?')} › step {number}"
            places = []
            if isinstance(step, dict) and "picture" in step:
                places.append((step["picture"], True))
            for block in _blocks_of(step):
                if not isinstance(block, dict):
                    continue
                scenes = block.get("scenes") if block.get("type") == "what_would_you_do" else []
                for scene in scenes if isinstance(scenes, list) else []:
                    choices = scene.get("choices") if isinstance(scene, dict) else None
                    for choice in choices if isinstance(choices, list) else []:
                        if isinstance(choice, dict) and "picture" in choice:
                            places.append((choice["picture"], False))
                cards = block.get("cards") if block.get("type") == "sort_it" else []
                for card in cards if isinstance(cards, list) else []:
                    if isinstance(card, dict) and "picture" in card:
                        places.append((card["picture"], False))
            for raw, alt_required in places:
                problem = _picture_problem(
                    raw, where=where, alt_required=alt_required, directory=directory
                )
                if problem:
                    problems.append(problem)
    return problems


def _ensure_root_collection() -> None:
    """Wagtail files every image in a collection; its migration makes the root, but a database
    emptied since (a flushed test database, a hand-cleaned site) may have none."""
    if not Collection.objects.exists():
        Collection.add_root(name="Root")


class PictureLibrary:
    """Imports the curriculum's pictures into Wagtail's image library, once each.

    A picture is matched by the SHA-1 of its file (Wagtail's `file_hash`), so re-loading reuses
    the same image and an editor may retitle it or move it to another collection; failing that,
    by its title ("Streamwise illustration: <name>"), so an image whose file an editor replaced
    in the image library keeps the editor's file. (To ship new artwork under an old name, delete
    or retitle the old image first.) Editors replace or add pictures through the image library
    and the step's image chooser.
    """

    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory or ILLUSTRATIONS_DIR)
        self._by_name: dict[str, int] = {}
        self.imported: list[str] = []

    def image_id(self, filename: str, r: _Reader) -> int:
        filename = filename.strip()
        if filename in self._by_name:
            return self._by_name[filename]
        path = self.directory / filename
        if Path(filename).name != filename or not path.is_file():
            r.fail(f"picture “{filename}” is not in lessons/illustrations/")
        data = path.read_bytes()
        digest = hash_filelike(BytesIO(data))  # Wagtail's own `file_hash` (SHA-1)
        image_model = get_image_model()
        title = f"{PICTURE_TITLE_PREFIX}{Path(filename).stem}"
        image = (
            image_model.objects.filter(file_hash=digest).order_by("pk").first()
            # An editor may have replaced the file in the image library: theirs is kept.
            or image_model.objects.filter(title=title).order_by("pk").first()
        )
        if image is None:
            _ensure_root_collection()  # a new site's library may not have its root yet
            width, height = WillowImage.open(BytesIO(data)).get_size()
            image = image_model(title=title)
            image.file.save(filename, ContentFile(data), save=False)
            # After the file: Django's image field cannot measure an SVG, Willow can.
            image.width, image.height = width, height
            image.file_size = len(data)
            image.file_hash = digest
            image.save()
            self.imported.append(filename)
        self._by_name[filename] = image.pk
        return image.pk

    def value(self, raw: Any, r: _Reader) -> tuple[int | None, str]:
        """(image id, alt text) for a `picture:` key, or (None, "") when there is none."""
        if raw is None:
            return None, ""
        filename, alt = _picture_parts(raw)
        if not isinstance(filename, str) or not filename.strip():
            r.fail("`picture` needs a file name")
        return self.image_id(filename, r), str(alt or "").strip()


# --- Turning YAML into page fields ---------------------------------------------------------


def block_id(*parts: object) -> str:
    """A stable StreamField block id for a place in the curriculum."""
    return str(uuid.uuid5(BLOCK_ID_NAMESPACE, "/".join(str(p) for p in parts)))


def rich_text(text: str) -> str:
    """Plain paragraphs (blank-line separated) with **bold**, as Wagtail rich text HTML."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", str(text or "").strip()) if p.strip()]
    html = []
    for paragraph in paragraphs:
        escaped = str(escape(paragraph))
        escaped = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escaped)
        escaped = "<br/>".join(line.strip() for line in escaped.splitlines())
        html.append(f"<p>{escaped}</p>")
    return "".join(html)


class _Reader:
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


def _list_value(items: list, parent_id: str, name: str) -> list[dict]:
    return [
        {"type": "item", "value": value, "id": block_id(parent_id, name, index)}
        for index, value in enumerate(items)
    ]


def _activity_value(block: dict, bid: str, r: _Reader, pictures: PictureLibrary) -> dict:
    kind = block["type"]
    if kind == "what_would_you_do":
        scenes = []
        for scene in r.items(block, "scenes"):
            choices = [
                {
                    "text": r.get(choice, "text"),
                    "safe": bool(r.get(choice, "safe", bool, required=False)),
                    "pinned": bool(r.get(choice, "pinned", bool, required=False)),
                    "feedback": r.get(choice, "feedback"),
                    "next": r.get(choice, "next", required=False) or "",
                    "picture": pictures.value(choice.get("picture"), r)[0],
                }
                for choice in r.items(scene, "choices")
            ]
            skey = r.get(scene, "id")
            scenes.append(
                {
                    "key": skey,
                    "text": r.get(scene, "text"),
                    "question": r.get(scene, "question"),
                    "choices": _list_value(choices, bid, f"scene-{skey}-choices"),
                }
            )
        return {"required": True, "scenes": _list_value(scenes, bid, "scenes")}
    if kind == "sort_it":
        groups = [
            {"key": r.get(g, "key"), "label": r.get(g, "label")} for g in r.items(block, "groups")
        ]
        cards = [
            {
                "text": r.get(c, "text"),
                "picture": pictures.value(c.get("picture"), r)[0],
                "group": r.get(c, "group"),
                "feedback": r.get(c, "feedback"),
            }
            for c in r.items(block, "cards")
        ]
        return {
            "required": True,
            "prompt": r.get(block, "prompt"),
            "groups": _list_value(groups, bid, "groups"),
            "cards": _list_value(cards, bid, "cards"),
        }
    if kind == "spot_the_signs":
        messages = [
            {
                "author": r.get(m, "author"),
                "text": r.get(m, "text"),
                "warning": bool(r.get(m, "warning", bool, required=False)),
                "explanation": r.get(m, "explanation"),
            }
            for m in r.items(block, "messages")
        ]
        return {
            "required": True,
            "prompt": r.get(block, "prompt"),
            "streamer": r.get(block, "streamer"),
            "messages": _list_value(messages, bid, "messages"),
        }
    if kind == "true_or_false":
        statements = []
        for s in r.items(block, "statements"):
            answer = s.get("answer") if isinstance(s, dict) else None
            if not isinstance(answer, bool):
                r.fail("each statement needs `answer: true` or `answer: false`")
            statements.append(
                {"text": r.get(s, "text"), "answer": answer, "feedback": r.get(s, "feedback")}
            )
        return {"required": True, "statements": _list_value(statements, bid, "statements")}
    # reveal_cards
    cards = [
        {"front": r.get(c, "front"), "back": r.get(c, "back")} for c in r.items(block, "cards")
    ]
    return {
        "required": True,
        "prompt": r.get(block, "prompt"),
        "cards": _list_value(cards, bid, "cards"),
    }


def _h5p_value(block: dict, r: _Reader) -> dict:
    slug = r.get(block, "activity")
    content = H5PContent.objects.filter(slug=slug).first()
    if content is None:  # checked before writing (h5p_problems); kept as a safety net
        r.fail(f"the H5P activity “{slug}” is not installed")
    return {
        "required": True,
        "activity": content.pk,
        "title": r.get(block, "title", required=False) or "",
    }


def _content_value(block: dict, r: _Reader) -> Any:
    kind = block["type"]
    if kind == "text":
        return rich_text(r.get(block, "text"))
    if kind == "story":
        return {"character": r.get(block, "character"), "text": rich_text(r.get(block, "text"))}
    if kind == "key_message":
        return {"text": r.get(block, "text")}
    return {"text": r.get(block, "text", required=False) or ""}  # help


def lesson_body(
    module_slug: str, lesson: dict, *, where: str, pictures: PictureLibrary | None = None
) -> list[dict]:
    """The raw StreamField data for a lesson's steps, with deterministic block ids."""
    slug = lesson["slug"]
    pictures = pictures or PictureLibrary()
    steps, seen_activities = [], set()
    for number, step in enumerate(_Reader(where).items(lesson, "steps"), start=1):
        r = _Reader(f"{where} › step {number}")
        content = []
        for index, block in enumerate(r.items(step, "blocks")):
            kind = r.get(block, "type")
            if kind in ACTIVITY_TYPES or kind == H5P_TYPE:
                # An h5p block's id defaults to the slug of the activity it plays.
                activity_id = r.get(block, "id", required=kind != H5P_TYPE) or r.get(
                    block, "activity"
                )
                if not SLUG_RE.match(activity_id):
                    r.fail(f"activity id “{activity_id}” must be lowercase-with-dashes")
                if activity_id in seen_activities:
                    r.fail(f"activity id “{activity_id}” is used twice in this lesson")
                seen_activities.add(activity_id)
                bid = block_id(module_slug, slug, "activity", activity_id)
                ar = _Reader(f"{where} › {activity_id}")
                if kind == H5P_TYPE:
                    value = _h5p_value(block, ar)
                else:
                    value = _activity_value(block, bid, ar, pictures)
                content.append({"type": kind, "value": value, "id": bid})
            elif kind in CONTENT_TYPES:
                bid = block_id(module_slug, slug, "step", number, "block", index)
                content.append({"type": kind, "value": _content_value(block, r), "id": bid})
            else:
                r.fail(f"unknown block type “{kind}”")
        picture, picture_alt = pictures.value(step.get("picture"), r)
        steps.append(
            {
                "type": "step",
                "value": {
                    "title": r.get(step, "title"),
                    "picture": picture,
                    "picture_alt": picture_alt,
                    "content": content,
                },
                "id": block_id(module_slug, slug, "step", number),
            }
        )
    return steps


def _strings_stream(items: Any, block_type: str, parent_id: str, r: _Reader) -> list[dict]:
    if items is None:
        return []
    if not isinstance(items, list):
        r.fail(f"expected a list of {block_type}s")
    return [
        {"type": block_type, "value": str(text).strip(), "id": block_id(parent_id, block_type, i)}
        for i, text in enumerate(items)
    ]


# --- Writing pages ---------------------------------------------------------------------------


def _normalised(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _field_state(page: Page, names: list[str]) -> str:
    state = {}
    for name in names:
        model_field = page._meta.get_field(name)
        value = getattr(page, name)
        if hasattr(model_field, "stream_block"):
            value = model_field.get_prep_value(value)
        state[name] = value
    return _normalised(state)


def _validate_streams(page: Page, names: list[str], where: str) -> None:
    for name in names:
        stream_block = page._meta.get_field(name).stream_block
        try:
            stream_block.clean(stream_block.to_python(json.loads(json.dumps(page_raw(page, name)))))
        except ValidationError as error:
            detail = error.as_json_data() if hasattr(error, "as_json_data") else error.messages
            raise CurriculumError(f"{where}: {name} is not valid: {_normalised(detail)}") from error


def page_raw(page: Page, name: str) -> Any:
    return page._meta.get_field(name).get_prep_value(getattr(page, name))


def _save_page(parent: Page, page_class, slug: str, values: dict, where: str, report) -> Page:
    """Create or update one page under `parent`; publish a revision only if something changed."""
    page = page_class.objects.child_of(parent).filter(slug=slug).first()
    names = list(values)
    if page is None:
        if Page.objects.child_of(parent).filter(slug=slug).exists():
            raise CurriculumError(f"{where}: a different kind of page already uses “{slug}”")
        page = page_class(slug=slug, **values)
        _validate_streams(page, [n for n in names if n in _STREAM_FIELDS], where)
        parent.add_child(instance=page)
        page.save_revision(log_action=False).publish(log_action=False)
        report.created.append(where)
        return page
    before = _field_state(page, names)
    for name, value in values.items():
        setattr(page, name, value)
    if _field_state(page, names) == before and page.live and not page.has_unpublished_changes:
        report.unchanged.append(where)
        return page
    _validate_streams(page, [n for n in names if n in _STREAM_FIELDS], where)
    page.save_revision(log_action=False).publish(log_action=False)
    report.updated.append(where)
    return page


_STREAM_FIELDS = {"learning_outcomes", "ground_rules", "body"}


def _ensure_library(report: LoadReport, *, make_site_root: bool) -> LessonLibraryPage:
    library = LessonLibraryPage.objects.first()
    if library is None:
        root = _tree_root()
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site and not make_site_root and not _is_stock_welcome_page(site.root_page):
            # As a plugin: the library goes under the host site's own home page, so its pages
            # have addresses on that site (/lessons/…) and the home page stays as it is.
            root = site.root_page
        slug = LIBRARY_SLUG
        if Page.objects.child_of(root).filter(slug=slug).exists():
            slug = f"{LIBRARY_SLUG}-library"
        library = LessonLibraryPage(title=LIBRARY_TITLE, slug=slug, intro=LIBRARY_INTRO)
        root.add_child(instance=library)
        library.save_revision(log_action=False).publish(log_action=False)
        report.created.append("library")
    _site_root_update(library, report, force=make_site_root)
    return library


def _tree_root() -> Page:
    """The page tree's root, created if the database has none (Wagtail's initial data flushed)."""
    root = Page.get_first_root_node()
    if root is None:
        try:
            Locale.get_default()
        except Locale.DoesNotExist:
            Locale.objects.create(
                language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
            )
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root


def _is_stock_welcome_page(page: Page) -> bool:
    """Wagtail's "Welcome to your new Wagtail site!" page: a plain Page at the top level."""
    return page.specific_class is Page and page.depth == 2


def _site_root_update(library: LessonLibraryPage, report: LoadReport, *, force: bool) -> None:
    """Make the library the default site's home page, replacing Wagtail's welcome page.

    A site whose home page is something an editor built is left alone unless `force` is set
    (as a plugin, Streamwise does not take over someone else's home page uninvited).
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=library, is_default_site=True)
        return
    if site.root_page_id == library.pk:
        return
    old_root = site.root_page
    if not (force or _is_stock_welcome_page(old_root)):
        report.warnings.append(
            f"The default site's home page is “{old_root.title}”, so the lesson library was not "
            "made the home page (use --site-root to do that); it is served below that page."
        )
        return
    site.root_page = library
    site.save()
    if (
        _is_stock_welcome_page(old_root)
        and old_root.is_leaf()
        and not Site.objects.filter(root_page=old_root).exists()
    ):
        old_root.delete()


def _module_values(module: dict, r: _Reader) -> dict:
    band = r.get(module, "age_band")
    if band not in AgeBand.values:
        r.fail(f"age_band must be one of {', '.join(AgeBand.values)}")
    key_stage = r.get(module, "key_stage")
    if key_stage not in KeyStage.values:
        r.fail(f"key_stage must be one of {', '.join(KeyStage.values)}")
    slug = module["slug"]
    return {
        "title": r.get(module, "title"),
        "age_band": band,
        "key_stage": key_stage,
        "summary": r.get(module, "summary"),
        "learning_outcomes": _strings_stream(
            module.get("learning_outcomes"), "outcome", block_id(slug, "outcomes"), r
        ),
        "estimated_minutes": int(r.get(module, "estimated_minutes", int)),
        "teacher_notes": rich_text(r.get(module, "teacher_notes", required=False) or ""),
    }


def _lesson_quiz_id(module: dict, lesson: dict, title: str, r: _Reader) -> int | None:
    """Create or update the lesson's quiz from its `quiz:` section; None if it has none."""
    if "quiz" not in lesson:
        return None
    try:
        quiz = quiz_upsert_from_spec(
            key=_quiz_key(module["slug"], lesson["slug"]),
            title=title,
            spec=lesson["quiz"],
            age_band=module["age_band"],
        )
    except QuizSpecError as error:  # checked before writing; kept as a safety net
        r.fail(str(error))
    return quiz.pk


def _lesson_values(module: dict, lesson: dict, r: _Reader, pictures: PictureLibrary) -> dict:
    module_slug, slug = module["slug"], lesson["slug"]
    topics = lesson.get("topics") or []
    if not isinstance(topics, list) or not all(isinstance(t, int) and 1 <= t <= 8 for t in topics):
        r.fail("topics must be a list of numbers from 1 to 8")
    title = r.get(lesson, "title")
    return {
        "title": title,
        "intro": r.get(lesson, "intro"),
        "estimated_minutes": int(r.get(lesson, "estimated_minutes", int)),
        "topics": ",".join(str(t) for t in topics),
        "learning_outcomes": _strings_stream(
            lesson.get("learning_outcomes"), "outcome", block_id(module_slug, slug, "outcomes"), r
        ),
        "ground_rules": _strings_stream(
            r.items(lesson, "ground_rules"), "rule", block_id(module_slug, slug, "rules"), r
        ),
        "body": lesson_body(module_slug, lesson, where=r.where, pictures=pictures),
        "quiz_id": _lesson_quiz_id(module, lesson, title, r),
    }


def _band_position(data: dict) -> int:
    band = str((data.get("module") or {}).get("age_band", ""))
    return AgeBand.values.index(band) if band in AgeBand.values else len(AgeBand.values)


def _order_children(parent: Page, slugs: list[str]) -> None:
    """Put the lessons in the order the file lists them (moving pages only when needed)."""
    current = list(parent.get_children().values_list("slug", flat=True))
    listed = [s for s in current if s in slugs]
    if listed == slugs:
        return
    for slug in slugs:
        page = parent.get_children().get(slug=slug)
        page.move(parent, pos="last-child")


@transaction.atomic
def curriculum_load(
    *,
    directory: Path | None = None,
    make_site_root: bool = False,
    strict: bool = False,
    illustrations: Path | None = None,
) -> LoadReport:
    """Create or update the library, modules and lessons from the curriculum files.

    Raises CurriculumError (and writes nothing) if any file is malformed, breaks a safety rule,
    names a picture that is missing, or has a quiz the quizzes app would refuse. Each lesson's
    `quiz:` becomes its quiz; pictures are imported into the image library once
    (`PictureLibrary`), from `illustrations` (default `lessons/illustrations/`).
    Fairness warnings (`lessons.fairness`) are reported; with `strict` they refuse the files.
    """
    report = LoadReport()
    files = curriculum_files(directory)
    parsed = []
    problems = []
    fairness = []
    for path in files:
        data, text = read_curriculum_file(path)
        problems += safety_problems(data, text, name=path.name)
        problems += quiz_problems(data, name=path.name)
        problems += h5p_problems(data, name=path.name)
        fairness += module_warnings(data, name=path.name)
        problems += picture_problems(data, name=path.name, directory=illustrations)
        parsed.append((path, data))
    plans = plans_read(parsed, directory=Path(directory or CURRICULUM_DIR))  # lessons/plans.py
    problems += plans.problems
    if strict:
        problems += fairness
    if problems:
        raise CurriculumError("Curriculum refused:\n  " + "\n  ".join(problems))
    parsed.sort(key=lambda item: _band_position(item[1]))

    library = _ensure_library(report, make_site_root=make_site_root)
    pictures = PictureLibrary(illustrations)
    seen_modules: list[str] = []
    for path, data in parsed:
        module = data["module"]
        r = _Reader(path.name)
        slug = r.get(module, "slug")
        if not SLUG_RE.match(slug) or slug in seen_modules:
            r.fail(f"module slug “{slug}” must be unique and lowercase-with-dashes")
        seen_modules.append(slug)
        module_page = _save_page(library, ModulePage, slug, _module_values(module, r), slug, report)
        lesson_slugs = []
        lessons = data.get("lessons")
        if not isinstance(lessons, list) or not lessons:
            r.fail("`lessons:` is empty")
        for lesson in lessons:
            name = lesson.get("slug", "?") if isinstance(lesson, dict) else "?"
            lr = _Reader(f"{path.name} › {name}")
            lesson_slug = lr.get(lesson, "slug")
            if not SLUG_RE.match(lesson_slug) or lesson_slug in lesson_slugs:
                lr.fail(f"lesson slug “{lesson_slug}” must be unique and lowercase-with-dashes")
            lesson_slugs.append(lesson_slug)
            _save_page(
                module_page,
                LessonPage,
                lesson_slug,
                {**_lesson_values(module, lesson, lr, pictures), **plans.values(slug, lesson_slug)},
                f"{slug}/{lesson_slug}",
                report,
            )
        _order_children(module_page, lesson_slugs)
        extra = (
            LessonPage.objects.child_of(module_page)
            .exclude(slug__in=lesson_slugs)
            .values_list("slug", flat=True)
        )
        report.warnings += [
            f"{slug}/{extra_slug}: not in {path.name}; left as it is" for extra_slug in extra
        ]
    _order_children(library, seen_modules)
    report.warnings += fairness
    report.pictures_imported = pictures.imported
    return report
