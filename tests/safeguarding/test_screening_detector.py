"""The disclosure detector: each normalisation step, each concept, and the evaluation targets.

No database: the detector is plain Python over the packaged lexicons.
"""

import pytest

from safeguarding.screening import DEFAULT_SCREENING_PHRASES, ScreeningResult, screen
from safeguarding.screening.detector import concepts, detect
from safeguarding.screening.evaluation import (
    BENIGN_FLAG_RATE_TARGET,
    RECALL_TARGET,
    evaluate,
    load,
)
from safeguarding.screening.normalise import expand, fold, squeeze, stems, words

# --- Normalisation, step by step ------------------------------------------------------------


def test_fold_drops_case_apostrophes_and_punctuation():
    assert fold("DON’T tell...ANYONE!!") == "dont tell anyone"
    assert fold("  he  said:\n'no'  ") == "he said no"
    assert fold("ｐｉｃｓ") == "pics"  # full-width letters (NFKC)


def test_fold_reads_a_currency_sign_as_money():
    assert fold("£100") == "money 100"


@pytest.mark.parametrize(
    ("word", "squeezed"),
    [("pleeeease", "pleease"), ("sooooo", "soo"), ("scaaared", "scaared"), ("secret", "secret")],
)
def test_squeeze_cuts_letters_repeated_for_feeling(word, squeezed):
    assert squeeze(word) == squeezed


@pytest.mark.parametrize(
    ("tokens", "expanded"),
    [
        (["u"], ["you"]),
        (["n"], ["and"]),
        (["pics"], ["pictures"]),
        (["ppl"], ["people"]),
        (["idk"], ["i", "dont", "know"]),
        (["bc"], ["because"]),
        (["rn"], ["right", "now"]),
        (["nudez"], ["nudes"]),
        (["evry1"], ["everyone"]),
        (["sum1"], ["someone"]),
        (["any1"], ["anyone"]),
        (["secrit"], ["secret"]),
        (["kms"], ["kill", "myself"]),
        (["hello"], ["hello"]),
    ],
)
def test_expand_reads_text_speak_as_plain_words(tokens, expanded):
    assert expand(tokens) == expanded


def test_expand_after_squeeze_meets_the_table():
    assert words("picsss") == ["pictures"]  # "picsss" → "picss" → "pics" → "pictures"


def test_stems_meet_across_word_forms():
    assert len(set(stems(["threatened", "threatening", "threatens", "threaten"]))) == 1
    assert stems(["pictures"]) == stems(["picture"])


def test_words_runs_every_step():
    assert words("Sum1 has my PICS n says hell send them 2 evry1") == [
        "someone", "has", "my", "pictures", "and", "says", "he", "will", "send", "them", "2",
        "everyone",
    ]  # fmt: skip


# --- Spelling tolerance ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("he threatend me", "threat"),  # one letter missing
        ("someone blackmaled me", "threat"),
        ("i am frigthened", "fear"),  # two letters swapped
        ("on the camra", "request"),  # via the text-speak table
    ],
)
def test_misspellings_still_find_the_concept(text, concept):
    assert concept in detect(text).concepts


def test_short_words_need_exact_spelling():
    # "hat" is one letter from "hit", "say" from "pay": short words are never guessed.
    assert "harm" not in detect("my hat me").concepts
    assert "money" not in detect("i say").concepts


# --- Each concept and how they combine ------------------------------------------------------


def test_every_concept_has_a_label_and_terms():
    for concept in concepts().values():
        assert concept.label and concept.terms


@pytest.mark.parametrize(
    ("text", "explanation"),
    [
        ("he has my pics and says he will post them unless i pay", "images + a threat or demand"),
        ("a man said its our secret", "a secret + an adult"),
        ("someone on the game asked me to take my top off", "undress"),
        ("a guy keeps asking me to go private on snapchat", "go private"),
        ("a man sends me robux if i go on camera", "money or gifts"),
        ("i want to kill myself", "self-harm or suicide"),
        ("my mums boyfriend hits me", "being hurt"),
        ("i think im being groomed", "grooming, blackmail or abuse"),
        ("tbh this happened to me", "this happened to me"),
        ("my friend is talking to an older man who asks her for photos", "friend"),
        ("he is 19 and says im mature for my age", "romantic or special interest"),
        ("i paid him and he wants more", "made to pay"),
        ("i keep having bad secrets", "a secret of their own"),
    ],
)
def test_each_concept_flags_and_explains_itself(text, explanation):
    result = screen(text=text)
    assert result.flagged, text
    assert 2 <= result.strength <= 5
    assert explanation in result.explanation.lower()


@pytest.mark.parametrize(
    "text",
    [
        "he could share the pictures so tell someone",
        "never send pics to people online",
        "if someone online asks for pics tell a trusted adult",
        "dont pay, block and report, and tell an adult",
        "you are not in trouble, the person blackmailing you is",
        "a surprise is happy and a bad secret makes you feel sad",
        "ask mum before you go online",
        "settings keep you safe",
    ],
)
def test_advice_that_names_a_risk_is_not_a_disclosure(text):
    assert not screen(text=text).flagged


def test_a_single_risk_word_alone_is_a_faint_sign_not_a_flag():
    result = screen(text="pictures")
    assert not result.flagged and result.strength <= 1


def test_images_and_a_threat_are_stronger_than_either_alone():
    both = screen(text="he has my pics and says he will send them to everyone")
    assert both.flagged and both.strength >= 3
    assert not screen(text="i took some pics of my dog").flagged


def test_a_school_phrase_is_a_flag_on_its_own():
    result = screen(text="purple giraffe", phrases=["Purple giraffe"])
    assert result.flagged and result.matched_phrases == ("Purple giraffe",)
    assert "“Purple giraffe”" in result.explanation


def test_phrases_and_concepts_add_up():
    result = screen(text="he said its our secret", phrases=DEFAULT_SCREENING_PHRASES)
    assert "our secret" in result.matched_phrases
    assert "a secret + an adult" in result.explanation.lower()


def test_nothing_written_is_nothing_found():
    assert screen(text="") == ScreeningResult()
    assert screen(text=" ?! ") == ScreeningResult()
    assert not ScreeningResult()


# --- The labelled evaluation set ------------------------------------------------------------


def test_the_evaluation_set_is_big_enough_and_covers_every_band():
    disclosures = load("disclosures.yaml") + load("heldout_disclosures.yaml")
    benign = load("benign.yaml") + load("heldout_benign.yaml")
    assert len(disclosures) >= 250 and len(benign) >= 250
    assert len(load("heldout_disclosures.yaml")) >= 60 and len(load("heldout_benign.yaml")) >= 60
    bands = {"4-7", "8-10", "11-13", "14-16"}
    assert {band for band, _ in disclosures} == bands
    assert {band for band, _ in benign} == bands
    assert not {t for _, t in disclosures} & {t for _, t in benign}


def test_the_detector_meets_its_targets_on_the_whole_set():
    """Recall ≥ 95 % with a benign flag rate ≤ 10 %; a regression fails CI."""
    results = evaluate()
    for name in ("all", "held-out", "development"):
        scores = results[name]
        assert scores.recall >= RECALL_TARGET, (name, scores.misses)
        assert scores.benign_flag_rate <= BENIGN_FLAG_RATE_TARGET, (name, scores.false_flags)


def test_the_benchmark_command_prints_every_figure(capsys):
    from bench.screening import main

    assert main([]) == 0
    out = capsys.readouterr().out
    assert "recall:" in out and "benign flag rate:" in out and "held-out" in out


CONCEPT_EXAMPLES = {
    "image": "he has a video of me",
    "threat": "he threatened to leak it",
    "demand": "he keeps asking me to send more",
    "money": "she gave me robux",
    "secret": "he said dont tell anyone",
    "adult": "an older man from the game",
    "person": "somebody from the game",
    "undress": "take my top off",
    "private": "go private on snapchat",
    "request": "he asked me to do a handstand",
    "self_harm": "i have been self harming",
    "harm": "he hits me",
    "harm_named": "i was catfished",
    "fear": "i am terrified",
    "happened": "ngl this is literally me",
    "third_party": "my best friend",
    "romance": "he says im mature for my age",
    "own_secret": "i have a bad secret",
    "extortion": "i paid him and he wants more",
}


def test_every_concept_has_an_example_that_finds_it():
    assert set(CONCEPT_EXAMPLES) == set(concepts())
    for name, text in CONCEPT_EXAMPLES.items():
        assert name in detect(text).concepts, (name, text)


def test_fear_of_someone_is_a_flag():
    result = screen(text="i am scared of him")
    assert result.flagged and "feeling scared of someone" in result.explanation.lower()
