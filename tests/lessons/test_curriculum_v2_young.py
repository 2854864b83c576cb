"""Curriculum v2 for the younger modules (issue 12 §1 and §2), and every band's never-list.

- Each band's never-list (the "never" column of CURRICULUM.md) refuses every word on it, through
  the loader's own safety check, and a file using one is refused before anything is written.
- The shipped 4–7 and 8–10 modules: the old wordings are gone; where going live, blocking,
  reporting, evidence or bystanding comes up, the advice CURRICULUM.md asks for is there; every
  lesson has the "say 'someone'" ground rule; the reading level holds; and the quiz and activity
  fairness rules of the helpers' brief hold.
"""

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from lessons.loader import (
    BANNED_WORDS,
    CURRICULUM_DIR,
    CurriculumError,
    banned_words_in,
    curriculum_load,
    read_curriculum_file,
    safety_problems,
)
from lessons.models import LessonPage
from tests.lessons.conftest import FIXTURE_CURRICULUM

BAND_NAMES = {"4-7": "4–7", "8-10": "8–10", "11-13": "11–13", "14-16": "14–16"}


def _module(band: str, summary: str) -> tuple[dict, str]:
    """The smallest module the safety check accepts, with `summary` as its only free text."""
    lesson = {
        "slug": "a-lesson",
        "ground_rules": ["We say 'someone', not real names."],
        "steps": [{"title": "Help", "blocks": [{"type": "help"}]}],
    }
    data = {"module": {"slug": f"ages-{band}", "age_band": band, "summary": summary}}
    data["lessons"] = [lesson]
    return data, yaml.safe_dump(data, allow_unicode=True)


# --- The never-lists ----------------------------------------------------------------------------

BAND_WORDS = [(band, word) for band, words in BANNED_WORDS.items() for word in words]


@pytest.mark.parametrize(("band", "word"), BAND_WORDS, ids=[f"{b}:{w}" for b, w in BAND_WORDS])
def test_each_band_refuses_each_word_on_its_list(band, word):
    data, text = _module(band, f"A story. Then {word.upper()} comes up in the middle.")
    problems = safety_problems(data, text, name="m.yaml")
    assert f"m.yaml: uses “{word}”, which must never appear for ages {BAND_NAMES[band]}" in problems


@pytest.mark.parametrize("band", BANNED_WORDS)
def test_a_clean_module_passes_every_band(band):
    data, text = _module(band, "Tell a trusted adult. It's not your fault, and you can get help.")
    assert safety_problems(data, text, name="m.yaml") == []


@pytest.mark.parametrize(
    ("band", "must_have"),
    [
        # CURRICULUM.md: no mention of offenders, sex, bodies, gifts for money, blackmail.
        ("4-7", {"offender", "predator", "sex", "body", "bodies", "money", "gift", "blackmail"}),
        # No sexual detail; no frightening stories.
        ("8-10", {"sexual", "naked", "nude", "kidnap", "kill", "dead", "blackmail", "predator"}),
        # No graphic detail; no victim blaming.
        ("11-13", {"porn", "rape", "you should have", "it's your fault", "your own fault"}),
        # No shock tactics; no "you should have known".
        ("14-16", {"you should have", "should have known", "ruin your life", "suicide"}),
    ],
)
def test_every_never_item_of_the_curriculum_has_words_on_the_band_list(band, must_have):
    assert must_have <= set(BANNED_WORDS[band])


@pytest.mark.parametrize(
    ("band", "text", "found"),
    [
        ("11-13", "It’s your fault, she said.", ["it's your fault"]),  # curly apostrophe
        ("14-16", "You  should\nhave known.", ["you should have", "should have known"]),
        ("11-13", "It's not your fault. None of this is your fault.", []),
        ("14-16", "It was never your fault, and you will not be in trouble.", []),
        ("8-10", "A grown-up can call 999 if a child is in danger right now.", []),
        ("4-7", "Nobody is a body; a tipster tips.", ["body", "tips"]),
    ],
)
def test_phrases_match_whole_words_across_spaces_and_apostrophes(band, text, found):
    assert banned_words_in(text, band) == found


@pytest.mark.parametrize(
    ("band", "phrase"), [("8-10", "killed"), ("11-13", "you should have"), ("14-16", "terrifying")]
)
def test_a_file_using_a_never_word_is_refused_before_anything_is_written(
    db, tmp_path, band, phrase
):
    target = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_CURRICULUM, target)
    path = target / "ages-8-10.yaml"
    data = yaml.safe_load(path.read_text())
    data["module"].update(age_band=band, summary=f"A calm summary, then {phrase}.")
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    with pytest.raises(CurriculumError, match=f"must never appear for ages {BAND_NAMES[band]}"):
        curriculum_load(directory=target)
    assert not LessonPage.objects.exists()


# --- The shipped 4–7 and 8–10 modules -----------------------------------------------------------

YOUNG = ["ages-4-7.yaml", "ages-8-10.yaml"]
PUPIL_KEYS = {"title", "intro", "summary", "text", "question", "scenario", "prompt", "feedback"}
PUPIL_KEYS |= {"explanation", "front", "back", "left", "right", "label", "character"}


def _load(name):
    data, text = read_curriculum_file(CURRICULUM_DIR / name)
    return data, text


def _strings(node, key=None):
    """Every string pupils read, with the key it sits under (teacher notes are not pupils')."""
    if isinstance(node, dict):
        if node.get("type") == "ordering":  # another helper is reworking ordering questions
            return
        for k, value in node.items():
            if k != "teacher_notes":
                yield from _strings(value, k)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value, key)
    elif isinstance(node, str) and key in PUPIL_KEYS:
        yield node


def _lesson_text(lesson) -> str:
    return "\n".join(_strings(lesson))


def _units(node):
    """Small units a pupil reads together: a scene, a choice, a card, a statement, a question."""
    if isinstance(node, dict):
        if node.get("type") == "ordering":
            return
        if any(k in node for k in ("feedback", "back", "explanation", "options")) or (
            node.get("type") == "text"
        ):
            yield "\n".join(_strings(node))
        for value in node.values():
            yield from _units(value)
    elif isinstance(node, list):
        for value in node:
            yield from _units(value)


OLD_WORDINGS = {
    "ages-4-7.yaml": [
        "A **camera** can show you to other people",
        "It means people can see you right now",
        "I will put it on the tablet for people to see",
        "He doesn't know who can see him",
        "A grown-up can help Milo choose who sees him",
        "Good thinking about who will see it",
        '"Go live now!"',
        "Ama helps Kofi make a show",
        "Here are the messages on Kofi's show",
        "I will make sure Player77 can't send you messages",
    ],
    "ages-8-10.yaml": [
        "Dad set it up so only people Priya accepts can watch",
        "draw live while people watch and comment",
        "Dev streams Sam's tricks",
        "sometimes lets Ruby go live",
        "This is the chat from Priya's live drawing",
        "watching you on that app",
        "Block, report and tell a trusted adult.",
        "Blocking, reporting and telling work better",
        "it's your fault for replying",
        "It's a little bit her fault",
        "Alex is playing a game on a live stream",
        "and how to block, report and tell",
    ],
}


@pytest.mark.parametrize("name", YOUNG)
def test_the_old_wordings_are_gone(name):
    _data, text = _load(name)
    assert [old for old in OLD_WORDINGS[name] if old in text] == []


@pytest.mark.parametrize("name", YOUNG)
def test_every_lesson_has_the_say_someone_ground_rule(name):
    data, _text = _load(name)
    for lesson in data["lessons"]:
        rules = " ".join(lesson["ground_rules"])
        assert "'someone'" in rules and "real names" in rules, lesson["slug"]


GOING_LIVE = re.compile(r"\b(go|goes|going)\s+live\b", re.IGNORECASE)


def test_no_4_to_7_text_talks_of_going_live_and_shows_for_everyone_are_for_grown_ups():
    data, _text = _load("ages-4-7.yaml")
    text = "\n".join(_strings(data))  # what pupils read; the teacher notes explain the rule
    assert not GOING_LIVE.search(text)
    # A camera takes photos and videos; it does not show a child to the world by itself.
    assert not re.search(r"camera[^.]*\b(shows?|sees?)\b[^.]*\byou\b", text, re.IGNORECASE)
    for slug in ("ask-first", "tell-a-grown-up"):  # where a child wants to make a show
        (lesson,) = [lesson for lesson in data["lessons"] if lesson["slug"] == slug]
        assert "Shows for everyone are for grown-ups" in _lesson_text(lesson), slug


def test_where_8_to_10_mentions_going_live_the_lesson_says_why_children_do_not():
    data, _text = _load("ages-8-10.yaml")
    mentioned = 0
    for lesson in data["lessons"]:
        text = _lesson_text(lesson)
        if GOING_LIVE.search(text):
            mentioned += 1
            assert "13 and over" in text, lesson["slug"]
            assert re.search(r"going live is often only for adults", text, re.I), lesson["slug"]
            assert re.search(r"doesn't go live (himself|herself)", text), lesson["slug"]
    assert mentioned >= 3


def test_8_to_10_teaches_tell_first_and_does_not_over_promise_blocking_or_reporting():
    data, text = _load("ages-8-10.yaml")
    pupil = "\n".join(_strings(data))
    # Never "block and report" / "block, report": telling comes first, reporting before blocking.
    assert not re.search(r"\bblock(s|ed|ing)?,?\s+(and\s+)?report", pupil, re.I)
    assert not re.search(r"\bblock\w*[^.]*\b(watch\w*|see\w*)\s+you\b", pupil, re.I)
    assert "Tell a trusted adult first. Then report and block." in pupil
    assert "Blocking first can lose the messages" in pupil
    assert "It may not stop them seeing things you share for everyone" in pupil
    assert "Reports are not always kept private" in pupil
    (lesson,) = [lesson for lesson in data["lessons"] if lesson["slug"] == "block-report-tell"]
    assert lesson["title"] == "Tell, then report and block"


KEEPS_MESSAGES = re.compile(r"\bkeep(s|ing)?\b[^.]*\bmessages\b|\bdelet", re.IGNORECASE)


@pytest.mark.parametrize("name", YOUNG)
def test_wherever_keeping_messages_comes_up_pictures_are_never_kept_or_sent(name):
    data, _text = _load(name)
    for lesson in data["lessons"]:
        text = _lesson_text(lesson)
        if KEEPS_MESSAGES.search(text):
            assert re.search(r"never save or send on a picture", text, re.I), lesson["slug"]


def test_8_to_10_bystanders_tell_a_trusted_adult_at_once_and_never_share():
    data, _text = _load("ages-8-10.yaml")
    units = [u for u in _units(data) if "happen to a child" in u]
    assert len(units) >= 4  # the text, a reveal card, a true-or-false statement, a quiz question
    for unit in units:
        assert "trusted adult" in unit and "straight away" in unit, unit
        assert re.search(r"\b(never|don't) share it\b", unit, re.I), unit
        assert "a grown-up can call 999" in unit, unit


@pytest.mark.parametrize("name", YOUNG)
def test_feedback_never_blames_the_child(name):
    data, _text = _load(name)
    pupil = "\n".join(_strings(data))
    assert not re.search(r"\bat risk\b|\brisky\b|your fault for|bit (her|his|your) fault", pupil)


def test_no_wrong_choice_is_praised_in_4_to_7():
    data, _text = _load("ages-4-7.yaml")
    praise = re.compile(r"^(yes|great|good|well done|brilliant|that's right|correct)\b", re.I)
    wrong = []
    for lesson in data["lessons"]:
        for step in lesson["steps"]:
            for block in step["blocks"]:
                for scene in block.get("scenes", []):
                    wrong += [c for c in scene["choices"] if not c["safe"]]
        for question in lesson.get("quiz", {}).get("questions", []):
            wrong += [o for o in question.get("options", []) if not o["correct"]]
    assert wrong
    assert [c["feedback"] for c in wrong if praise.search(c["feedback"])] == []


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])['\"]?\s+|\n+", text) if s.strip()]


@pytest.mark.parametrize(
    ("name", "intro_words", "any_words"), [("ages-4-7.yaml", 12, 18), ("ages-8-10.yaml", 16, 22)]
)
def test_sentences_are_short_for_the_band(name, intro_words, any_words):
    data, _text = _load(name)
    firsts = [data["module"]["summary"], *(lesson["intro"] for lesson in data["lessons"])]
    for text in firsts:
        for sentence in _sentences(text):
            assert len(sentence.split()) <= intro_words, sentence
    for text in _strings(data):
        for sentence in _sentences(text):
            assert len(sentence.split()) <= any_words, sentence
            assert sentence.count(",") + sentence.count(";") <= 3, sentence  # no long lists


# --- Fairness (the shared rules of the helpers' brief) ------------------------------------------


def fairness_problems(data: dict) -> list[str]:
    problems, answers, safe_first = [], [], []
    for lesson in data["lessons"]:
        questions = lesson.get("quiz", {}).get("questions", [])
        choice = [q for q in questions if q["type"] in ("single_choice", "scenario")]
        if len(choice) >= 3:
            positions, longest = {}, 0
            for question in choice:
                options = question["options"]
                right = next(i for i, o in enumerate(options) if o["correct"])
                positions[right] = positions.get(right, 0) + 1
                longest += len(options[right]["text"]) == max(len(o["text"]) for o in options)
            if max(positions.values()) * 2 > len(choice):
                problems.append(f"{lesson['slug']}: correct answers mostly in one position")
            if longest * 2 > len(choice):
                problems.append(f"{lesson['slug']}: correct answers mostly the longest")
        answers += [q["answer"] for q in questions if q["type"] == "true_false"]
        for step in lesson["steps"]:
            for block in step["blocks"]:
                if block["type"] == "true_or_false":
                    answers += [s["answer"] for s in block["statements"]]
                if block["type"] == "what_would_you_do":
                    for scene in block["scenes"]:
                        safe_first.append(scene["choices"][0]["safe"] is True)
    if len(answers) >= 4 and not 0.3 <= sum(answers) / len(answers) <= 0.7:
        problems.append(f"{sum(answers)} of {len(answers)} true-or-false answers are true")
    if sum(safe_first) * 2 > len(safe_first):
        problems.append(f"the safe choice is first in {sum(safe_first)} of {len(safe_first)}")
    return problems


@pytest.mark.parametrize("name", YOUNG)
def test_the_young_modules_are_fair(name):
    data, _text = _load(name)
    assert fairness_problems(data) == []


def test_the_fairness_check_can_fail():
    data, _text = _load("ages-8-10.yaml")
    for lesson in data["lessons"]:
        for step in lesson["steps"]:
            for block in step["blocks"]:
                for scene in block.get("scenes", []):
                    scene["choices"].sort(key=lambda c: not c["safe"])
    assert any("the safe choice is first" in p for p in fairness_problems(data))


def test_the_8_10_h5p_chat_has_alex_watching_not_going_live():
    root = Path(__file__).resolve().parents[2] / "h5p" / "demo_content"
    content = root / "spot-the-signs-in-the-chat" / "content" / "content.json"
    intro = json.loads(content.read_text())["intro"]
    assert "Alex is playing a game on a live stream" not in intro
    assert "watching a grown-up" in intro
