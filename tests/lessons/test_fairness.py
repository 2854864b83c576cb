"""The fairness check (lessons/fairness.py): each rule at its exact threshold, the loader's use
of it, and the shipped curriculum passing it."""

import shutil
from pathlib import Path

import pytest
import yaml

from lessons import fairness
from lessons.loader import CurriculumError, curriculum_files, curriculum_load
from tests.lessons.conftest import FIXTURE_CURRICULUM


def choice(right_at: int, *, count: int = 3, right_text="Tell", wrong_text="Something else"):
    """A single-choice question with the right answer at `right_at` (0-based)."""
    return {
        "type": "single_choice",
        "options": [
            {"text": right_text if i == right_at else wrong_text, "correct": i == right_at}
            for i in range(count)
        ],
    }


# --- (a) position ----------------------------------------------------------------------------


def test_a_position_holding_more_than_half_the_right_answers_warns():
    questions = [choice(0), choice(0), choice(1)]  # 2 of 3 first
    warnings = fairness.position_warnings(questions, where="quiz")
    assert warnings == [
        "quiz: the right answer is the 1st option in 2 of 3 choice questions (more than half). "
        "Move some right answers to other places."
    ]


def test_exactly_half_in_one_position_is_fine():
    assert fairness.position_warnings([choice(0), choice(0), choice(1), choice(2)], where="q") == []


def test_scenario_questions_count_and_other_types_do_not():
    scenario = {**choice(0), "type": "scenario"}
    multiple = {**choice(0), "type": "multiple_select"}
    assert fairness.position_warnings([choice(0), scenario, choice(1)], where="q")
    assert fairness.position_warnings([choice(0), multiple, choice(0)], where="q") == []  # 2 < 3


def test_fewer_than_three_choice_questions_are_not_judged():
    assert fairness.position_warnings([choice(0), choice(0)], where="q") == []


# --- (b) length ------------------------------------------------------------------------------


def test_the_right_answer_longest_in_more_than_half_warns():
    long = "Tell a trusted adult straight away"
    questions = [
        choice(0, right_text=long),
        choice(1, right_text=long),
        choice(2, right_text="No"),
    ]
    warnings = fairness.length_warnings(questions, where="quiz")
    assert len(warnings) == 1
    assert "longest option (or joint longest) in 2 of 3 choice questions" in warnings[0]


def test_jointly_longest_counts_as_longest():
    same = "Twelve chars"
    questions = [choice(i % 3, right_text=same, wrong_text=same) for i in range(3)]
    assert fairness.length_warnings(questions, where="q")


def test_longest_in_half_or_fewer_is_fine():
    long = "Tell a trusted adult straight away"
    questions = [
        choice(0, right_text=long),
        choice(1, right_text=long),
        choice(2, right_text="No"),
        choice(0, right_text="No"),
    ]
    assert fairness.length_warnings(questions, where="q") == []


# --- true / false ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "warns"),
    [
        ([True, False, False, False], True),  # 25 %
        ([False] * 7 + [True] * 3, False),  # 30 % exactly
        ([True] * 7 + [False] * 3, False),  # 70 % exactly
        ([True] * 8 + [False] * 2, True),  # 80 %
        ([False, False, False], False),  # fewer than four: not judged
    ],
)
def test_the_share_of_true_statements_is_between_30_and_70_percent(answers, warns):
    assert bool(fairness.true_false_warnings(answers, where="m")) is warns


def test_quiz_questions_and_activity_statements_count_together():
    module = {
        "lessons": [
            {
                "slug": "one",
                "steps": [
                    {
                        "blocks": [
                            {
                                "type": "true_or_false",
                                "statements": [{"answer": False}, {"answer": False}],
                            }
                        ]
                    }
                ],
                "quiz": {"questions": [{"type": "true_false", "answer": False}] * 2},
            }
        ]
    }
    warnings = fairness.module_warnings(module, name="m.yaml")
    assert any("0 of 4 true-or-false statements are true" in w for w in warnings)
    module["lessons"][0]["quiz"]["questions"] = [{"type": "true_false", "answer": True}] * 2
    assert fairness.module_warnings(module, name="m.yaml") == []


# --- what would you do? ------------------------------------------------------------------------


def scene(safe_at: int | None, count: int = 3):
    return {"choices": [{"text": str(i), "safe": i == safe_at} for i in range(count)]}


def test_the_safe_choice_first_in_more_than_half_the_scenes_warns():
    warnings = fairness.safe_first_warnings([scene(0), scene(0), scene(2)], where="m")
    assert warnings and "listed first in 2 of 3" in warnings[0]


def test_the_safe_choice_first_in_half_the_scenes_is_fine():
    assert fairness.safe_first_warnings([scene(0), scene(1)], where="m") == []


def test_scenes_without_a_safe_choice_do_not_dilute_the_count():
    assert fairness.safe_first_warnings([scene(0), scene(None), scene(None)], where="m")


# --- The loader ------------------------------------------------------------------------------


def _unfair_copy(tmp_path: Path) -> Path:
    """The test curriculum, with a first quiz whose right answers are all first (and longest)."""
    folder = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_CURRICULUM, folder)
    path = folder / "ages-8-10.yaml"
    data = yaml.safe_load(path.read_text())
    data["lessons"][0]["quiz"] = {
        "title": "Check",
        "questions": [
            {
                "type": "single_choice",
                "id": f"fair{n}",
                "strand": "online_relationships",
                "text": f"Question {n}?",
                "options": [
                    {"text": "Tell a trusted adult you know", "correct": True},
                    {"text": "Keep it", "correct": False},
                ],
            }
            for n in range(3)
        ],
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return folder


@pytest.mark.django_db
def test_the_loader_reports_warnings_and_strict_refuses(tmp_path):
    folder = _unfair_copy(tmp_path)
    with pytest.raises(CurriculumError, match="the right answer is the 1st option in 3 of 3"):
        curriculum_load(directory=folder, strict=True)
    report = curriculum_load(directory=folder)
    assert any("the right answer is the 1st option in 3 of 3" in w for w in report.warnings)
    assert any("longest option" in w for w in report.warnings)


# --- The shipped curriculum --------------------------------------------------------------------


@pytest.mark.parametrize("path", curriculum_files(), ids=lambda p: p.name)
def test_the_shipped_curriculum_is_fair(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert fairness.module_warnings(data, name=path.name) == []
