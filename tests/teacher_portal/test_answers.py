"""Answers in words: what a teacher reads in the drill-down and the attempts export."""

import pytest

from lessons.blocks import H5PBlock
from lessons.models import Activity
from teacher_portal.answers import describe_answer


def _h5p_activity() -> Activity:
    return Activity(id="a1", step=2, block=H5PBlock(), value={}, title="Spot the fake", child=None)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"raw": 3, "max": 4, "passed": True}, ["Scored 3 out of 4 (passed)"]),
        ({"raw": 1.5, "max": 4, "passed": False}, ["Scored 1.5 out of 4 (not passed)"]),
        # The player sent no usable score: say only that it was finished.
        ({"raw": None, "max": 0}, ["Finished the activity"]),
        ({}, ["Finished the activity"]),
    ],
)
def test_an_h5p_result_is_described_from_its_score(answer, expected):
    assert describe_answer(_h5p_activity(), answer) == expected


def test_an_activity_removed_from_the_lesson_gets_no_sentences():
    assert describe_answer(None, {"raw": 3, "max": 4}) == []
