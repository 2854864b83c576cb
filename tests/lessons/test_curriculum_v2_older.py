"""Issue 12 §1–2 for the two older modules (ages 11–13 and 14–16), checked over the shipped YAML.

The advice must follow ../shared/CURRICULUM.md exactly: wherever evidence is mentioned, keep the
messages but never the image; tell a trusted adult before reporting and blocking, without
promising what blocking or reporting cannot do; bystanders call 999, report to the IWF and the
app, tell, and never share; under-13s never go live to the public; feedback never puts the
responsibility on the child. Quizzes and activities must also pass the fairness rules.

Ordering questions are owned elsewhere and are left out of the wording checks.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from lessons.blocks import HelpBlock
from lessons.loader import CURRICULUM_DIR, read_curriculum_file

FILES = {band: CURRICULUM_DIR / f"ages-{band}.yaml" for band in ("11-13", "14-16")}
H5P_MAYA = Path(CURRICULUM_DIR).parent.parent / "h5p/demo_content/mayas-live-stream"


def _data(band):
    return read_curriculum_file(FILES[band])[0]


# --- Units of text: the smallest pieces a pupil (or teacher) reads together ----------------------


def _join(*parts):
    return "\n".join(str(p) for p in parts if p)


def units(data):
    """(where, kind, text, answer) for every piece of text, smallest meaningful unit first.

    `answer` is the true/false answer for statements (None elsewhere). Quiz ordering questions
    are skipped (another helper owns them).
    """
    module = data["module"]
    yield "summary", "summary", module["summary"], None
    for outcome in module.get("learning_outcomes", []):
        yield "module outcomes", "outcome", outcome, None
    for paragraph in module.get("teacher_notes", "").split("\n\n"):
        yield "teacher notes", "notes", paragraph, None
    for lesson in data["lessons"]:
        slug = lesson["slug"]
        yield slug, "intro", lesson["intro"], None
        for outcome in lesson.get("learning_outcomes", []):
            yield slug, "outcome", outcome, None
        for step in lesson["steps"]:
            for block in step["blocks"]:
                where = f"{slug} › {block.get('id', block['type'])}"
                kind = block["type"]
                if kind in ("story", "text", "key_message", "help"):
                    yield where, kind, block.get("text", ""), None
                elif kind == "reveal_cards":
                    for card in block["cards"]:
                        yield where, "card", _join(card["front"], card["back"]), None
                elif kind == "sort_it":
                    for card in block["cards"]:
                        yield where, "card", _join(card["text"], card["feedback"]), None
                elif kind == "spot_the_signs":
                    for message in block["messages"]:
                        yield where, "chat", _join(message["text"], message["explanation"]), None
                elif kind == "true_or_false":
                    for statement in block["statements"]:
                        text = _join(statement["text"], statement["feedback"])
                        yield where, "statement", text, statement["answer"]
                elif kind == "what_would_you_do":
                    for scene in block["scenes"]:
                        yield where, "scene", _join(scene["text"], scene["question"]), None
                        for choice in scene["choices"]:
                            yield where, "choice", _join(choice["text"], choice["feedback"]), None
        for question in lesson["quiz"]["questions"]:
            where = f"{slug} › quiz {question['id']}"
            kind = question["type"]
            if kind == "ordering":
                continue
            if kind == "true_false":
                text = _join(question["text"], question.get("feedback"))
                yield where, "statement", text, question["answer"]
            elif kind == "matching":
                pairs = [_join(p["left"], p["right"]) for p in question["pairs"]]
                yield where, "question", _join(question["text"], *pairs, question["feedback"]), None
            elif kind in ("single_choice", "scenario", "multiple_select"):
                stem = _join(question.get("scenario"), question["text"])
                yield where, "stem", stem, None
                for option in question["options"]:
                    yield where, "option", _join(option["text"], option.get("feedback")), None
            else:
                yield where, kind, question["text"], None


def whole_questions(data):
    """Each quiz question and each activity item as one text (for advice a pupil reads whole)."""
    for lesson in data["lessons"]:
        for question in lesson["quiz"]["questions"]:
            if question["type"] in ("single_choice", "scenario", "multiple_select"):
                parts = [question.get("scenario"), question["text"]]
                for option in question["options"]:
                    parts += [option["text"], option.get("feedback")]
                yield f"{lesson['slug']} › quiz {question['id']}", _join(*parts)
    for band_data_unit in units(data):
        where, kind, text, _answer = band_data_unit
        if kind in ("card", "choice", "text", "story"):
            yield where, text


def all_units():
    for band in FILES:
        for where, kind, text, answer in units(_data(band)):
            yield band, where, kind, text, answer


def _flat(text):
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


def sentences(text):
    found = []
    for line in str(text).split("\n"):
        found += re.split(r"(?<=[.!?])[\"”’']?\s+", _flat(line))
    return [s for s in found if s.strip()]


# --- Evidence: keep the messages, never the image ------------------------------------------------

EVIDENCE = re.compile(
    r"\bevidence\b|payment details|\bkeep(s|ing)? the (messages|chat|username)"
    r"|\bscreenshot(s|ting)?( of)? (the|this|his|her) (messages?|chat|username|account|new)",
    re.IGNORECASE,
)
NEVER_THE_IMAGE = re.compile(
    r"\b(not|never),? (of )?(the |any |an |a )?(image|photo|picture|video)s?\b"
    r"|\b(never|don't|do not)\b (to )?(screenshot|save|record|forward|share|copy)\b",
    re.IGNORECASE,
)

OLD_WORDINGS = [
    "screenshot the messages, the username and any payment details",
    "block the account once you have kept the evidence",
    "apps keep reports private",
    "apps don't tell the person who reported them",
    "a parent helped her set up the account",
    "block, report, tell",
    "block, report and tell",
    "report and block skye in the app, and tell his dad",
    "screenshot the chat, report and block jamie",
    "keep screenshots, report the account",
    "screenshot the messages and the account name, and tell someone",
    "screenshots, usernames and payment details all help.",
    "leo is 12",
    "ellie is 12",
]


@pytest.mark.parametrize("band", FILES)
def test_the_old_defective_wordings_are_gone(band):
    text = _flat(FILES[band].read_text(encoding="utf-8")).lower()
    for old in OLD_WORDINGS:
        assert old not in text, f"ages-{band}.yaml still says “{old}”"


def test_wherever_evidence_is_mentioned_it_says_never_the_image():
    checked = 0
    for band, where, _kind, text, _answer in all_units():
        if EVIDENCE.search(text):
            checked += 1
            assert NEVER_THE_IMAGE.search(text), (
                f"ages-{band}: {where} mentions evidence without saying never the image: {text!r}"
            )
    assert checked >= 15  # evidence comes up all through both modules


def test_the_sextortion_lesson_gives_the_full_advice():
    lesson = next(
        lesson
        for lesson in _data("14-16")["lessons"]
        if lesson["slug"] == "if-someone-makes-threats"
    )
    text = _flat(json.dumps(lesson, ensure_ascii=False)).lower()
    for needed in (
        "don't pay",
        "stop replying",
        "tell someone",
        "profile link",
        "payment details",
        "never screenshot, save or forward the image",
        "report remove",
        "take it down",
        "don't need to tell an adult first",
        "999",
        "101",
        "ceop",
    ):
        assert needed in text, needed


# --- Order of actions and what blocking and reporting really do ----------------------------------

BLOCK_BEFORE = re.compile(
    r"\bblock(s|ed|ing)?\b(?![- ]pack)[^.!?]*?"
    r"\b(tell|tells|telling|report(?! remove)|reports|reporting|keep the messages|screenshot)",
    re.IGNORECASE,
)
OVER_PROMISES = [
    re.compile(r"\breports? (are|is|stay|stays) (always )?(kept )?(private|anonymous)", re.I),
    re.compile(r"\bkeep reports private", re.I),
    re.compile(r"\bapps? (don't|do not|never|won't) tell (the person|them) who reported", re.I),
    re.compile(r"\bblock\w*\b[^.!?]*\b(stops?|prevents?|keeps?)\b[^.!?]*\b(watch|see)\w*", re.I),
    re.compile(r"\bblocking and telling an adult keeps\b", re.I),
]


def test_no_sentence_puts_blocking_before_telling_reporting_or_keeping_messages():
    for band, where, _kind, text, _answer in all_units():
        for sentence in sentences(text):
            assert not BLOCK_BEFORE.search(sentence), f"ages-{band}: {where}: {sentence!r}"


def test_nothing_promises_that_blocking_stops_watching_or_that_reports_stay_private():
    for band, where, kind, text, answer in all_units():
        if kind == "notes":
            continue  # the teacher notes say what the lessons do not promise
        if kind == "statement" and answer is False:
            text = text.split("\n", 1)[-1]  # a false statement may say it; the feedback may not
        for pattern in OVER_PROMISES:
            assert not pattern.search(text), f"ages-{band}: {where}: {text!r}"


def test_the_11_to_13_module_says_what_blocking_and_reporting_really_do():
    cards = {
        card["front"]: card["back"]
        for lesson in _data("11-13")["lessons"]
        for step in lesson["steps"]
        for block in step["blocks"]
        if block["type"] == "reveal_cards" and block["id"] == "who-can-help"
        for card in block["cards"]
    }
    fronts = list(cards)
    assert fronts.index("A trusted adult") < fronts.index("Keep the messages")
    assert fronts.index("Keep the messages") < fronts.index("Report in the app")
    assert fronts.index("Report in the app") < fronts.index("Block")
    assert "new account" in cards["Block"] and "may not stop them watching" in cards["Block"]
    assert "not every app promises this" in cards["Report in the app"]


@pytest.mark.parametrize("band", FILES)
def test_key_messages_and_outcomes_teach_tell_first(band):
    data = _data(band)
    texts = [*data["module"]["learning_outcomes"]]
    for lesson in data["lessons"]:
        texts += lesson["learning_outcomes"]
    for text in texts:
        lowered = text.lower()
        if "block" in lowered and "tell" in lowered:
            assert lowered.index("tell") < lowered.index("block"), text


# --- Bystanders ----------------------------------------------------------------------------------

BYSTANDER = re.compile(r"\bcomes? across\b|\blands on a (live )?stream\b", re.IGNORECASE)


def test_bystanders_call_999_report_to_the_iwf_and_the_app_tell_and_never_share():
    found = 0
    for band in FILES:
        for where, text in whole_questions(_data(band)):
            if not BYSTANDER.search(text):
                continue
            found += 1
            flat = _flat(text)
            assert "999" in flat, where
            assert "Internet Watch Foundation" in flat, where
            assert re.search(r"\bin the app\b|\bthe app\b", flat), where
            assert "trusted adult" in flat, where
            assert re.search(r"\b(never|don't)\b[^.]*\bshare\b", flat, re.I), where
    assert found >= 3  # the sort card, the reveal card and Ade's scenario


# --- Responsibility is the adult's ---------------------------------------------------------------

BLAME = re.compile(
    r"\bput\w*\s+(\w+\s+){0,2}at risk\b|\byou should have\b|\b(?<!not )(?<!never )your fault\b"
    r"|\bhis own fault\b|\bher own fault\b|\btheir own fault\b",
    re.IGNORECASE,
)


def test_no_text_blames_the_child():
    for band, where, kind, text, answer in all_units():
        if kind == "statement" and answer is False:
            text = text.split("\n", 1)[-1]
        assert not BLAME.search(text), f"ages-{band}: {where}: {text!r}"


def test_the_h5p_endings_put_the_responsibility_on_the_adult():
    content = json.loads((H5P_MAYA / "content/content.json").read_text(encoding="utf-8"))
    endings = content["ending"]
    for text in endings.values():
        assert not BLAME.search(text), text
    assert "never Maya's fault" in endings["someUnsafe"]
    assert "trusted adult" in endings["someUnsafe"]
    assert "Maya is 11" not in content["intro"]
    for scene in content["scenes"]:
        for choice in scene["choices"]:
            for sentence in sentences(choice["text"] + " " + choice["feedback"]):
                assert not BLOCK_BEFORE.search(sentence), sentence
            for pattern in OVER_PROMISES:
                assert not pattern.search(choice["feedback"]), choice["feedback"]


# --- Under-13s watch, or share privately with family ---------------------------------------------

AGE = re.compile(r"\b(?:is|who is|aged) (\d{1,2})\b")
STREAMS_IN_PUBLIC = re.compile(
    r"\bstreams (himself|herself)\b|\b(his|her) (streams?|viewers)\b|\b(goes|went|is) live\b",
    re.IGNORECASE,
)


def test_no_character_under_13_goes_live_to_the_public():
    for band, where, kind, text, _answer in all_units():
        if kind not in ("story", "scene", "stem", "text"):
            continue
        ages = [int(age) for age in AGE.findall(text)]
        if ages and min(ages) < 13:
            assert not STREAMS_IN_PUBLIC.search(text), f"ages-{band}: {where}: {text!r}"


def test_the_going_live_lesson_says_why_under_13s_do_not_go_live():
    lesson = _data("11-13")["lessons"][0]
    text = _flat(json.dumps(lesson["steps"], ensure_ascii=False))
    assert "13 and up" in text and "over-18s" in text
    assert "A parent saying yes doesn't change who can watch a public stream" in text
    assert "share privately with family while an adult is there" in text
    sort = next(b for s in lesson["steps"] for b in s["blocks"] if b.get("id") == "settings-sort")
    parent_card = next(c for c in sort["cards"] if "parent" in c["text"])
    assert parent_card["group"] == "less-control"


# --- Report Remove in 11–13 ----------------------------------------------------------------------


def test_report_remove_is_explained_for_11_to_13():
    cards = [
        _join(card["front"], card["back"])
        for lesson in _data("11-13")["lessons"]
        for step in lesson["steps"]
        for block in step["blocks"]
        if block["type"] == "reveal_cards"
        for card in block["cards"]
    ]
    card = next(text for text in cards if text.startswith("Report Remove"))
    assert "Childline and the Internet Watch Foundation" in card
    assert "under 18" in card
    assert "You don't have to tell an adult first" in card
    assert "taken down" in card  # what it can do
    assert "can't delete copies" in card  # and what it can't
    assert "Take It Down" in card


# --- Ground rules and reading level --------------------------------------------------------------


@pytest.mark.parametrize("band", FILES)
def test_every_lesson_has_the_someone_not_real_names_rule(band):
    for lesson in _data(band)["lessons"]:
        assert any(
            "'someone'" in rule and "not real names" in rule for rule in lesson["ground_rules"]
        ), lesson["slug"]


def _syllables(word):
    word = re.sub(r"[^a-z]", "", word.lower())
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", word)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", re.sub(r"^y", "", word))))


def reading_grade(text):
    """Flesch–Kincaid grade (reading age is about grade + 5)."""
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
    syllables = sum(_syllables(word) for word in words)
    return 0.39 * len(words) / len(sentences(text)) + 11.8 * syllables / len(words) - 15.59


@pytest.mark.parametrize(("band", "grade"), [("11-13", 7.5), ("14-16", 9.5)])
def test_summaries_and_intros_are_at_the_bands_reading_level(band, grade):
    data = _data(band)
    for text in [data["module"]["summary"], *(lesson["intro"] for lesson in data["lessons"])]:
        assert reading_grade(text) <= grade, text


@pytest.mark.parametrize("band", FILES)
def test_no_long_sentences_where_pupils_read(band):
    for _where, kind, text, _answer in units(_data(band)):
        if kind == "notes":
            continue
        for sentence in sentences(text):
            assert len(sentence.split()) <= 25, sentence


# --- Fairness rules (BRIEF; thresholds exact) ----------------------------------------------------


def _correct_index(question):
    return next(i for i, option in enumerate(question["options"]) if option.get("correct"))


@pytest.mark.parametrize("band", FILES)
def test_quiz_answers_are_not_always_in_one_position_or_the_longest(band):
    for lesson in _data(band)["lessons"]:
        questions = [
            q for q in lesson["quiz"]["questions"] if q["type"] in ("single_choice", "scenario")
        ]
        if len(questions) < 3:
            continue
        positions = Counter(_correct_index(q) for q in questions)
        assert max(positions.values()) <= len(questions) / 2, (lesson["slug"], positions)
        longest = 0
        for question in questions:
            lengths = [len(option["text"]) for option in question["options"]]
            longest += lengths[_correct_index(question)] == max(lengths)
        assert longest <= len(questions) / 2, lesson["slug"]


@pytest.mark.parametrize("band", FILES)
def test_true_false_answers_are_balanced_over_the_module(band):
    answers = []
    for lesson in _data(band)["lessons"]:
        answers += [q["answer"] for q in lesson["quiz"]["questions"] if q["type"] == "true_false"]
        for step in lesson["steps"]:
            for block in step["blocks"]:
                if block["type"] == "true_or_false":
                    answers += [statement["answer"] for statement in block["statements"]]
    assert len(answers) >= 4
    assert 0.3 <= sum(answers) / len(answers) <= 0.7, (sum(answers), len(answers))


@pytest.mark.parametrize("band", FILES)
def test_the_safe_choice_is_first_in_at_most_half_the_scenes(band):
    firsts = []
    for lesson in _data(band)["lessons"]:
        for step in lesson["steps"]:
            for block in step["blocks"]:
                if block["type"] == "what_would_you_do":
                    for scene in block["scenes"]:
                        safe = [i for i, c in enumerate(scene["choices"]) if c.get("safe")]
                        firsts.append(bool(safe) and safe[0] == 0)
    assert firsts and sum(firsts) <= len(firsts) / 2, (sum(firsts), len(firsts))


# --- Help and signposting: Report Remove for 11+ -------------------------------------------------


@pytest.mark.parametrize(("band", "shown"), [("8-10", False), ("11-13", True), ("14-16", True)])
def test_the_lesson_help_block_shows_report_remove_from_11(band, shown):
    html = HelpBlock().render({"text": ""}, context={"age_band": band})
    assert ("Report Remove" in html) is shown
    if shown:
        assert "under 18" in html and "tell an adult first" in html


@pytest.mark.django_db
@pytest.mark.parametrize(("year_group", "shown"), [(4, False), (7, True), (10, True)])
def test_talk_to_someone_help_list_shows_report_remove_from_11(client, year_group, shown):
    from django.urls import reverse

    from tests import factories

    school = factories.SchoolFactory()
    group = factories.TeachingGroupFactory(school=school, year_group=year_group)
    pupil = factories.pupil(group).pupil
    client.force_login(pupil.user)
    html = client.get(reverse("safeguarding:talk_sent")).content.decode()
    assert "Childline" in html
    assert ("Report Remove" in html) is shown
    if shown:
        assert "under 18" in html
