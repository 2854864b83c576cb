"""Server-side checking of every activity type, and the content rules the blocks enforce."""

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from lessons.blocks import (
    ActivityAnswerError,
    LessonBodyBlock,
    SortItBlock,
    SpotTheSignsBlock,
    WhatWouldYouDoBlock,
)
from lessons.loader import block_id


def activity(lesson, yaml_id):
    return lesson.activities[block_id("test-8-10", lesson.slug, "activity", yaml_id)]


def submit(act, data, previous=None):
    query = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            query.setlist(key, [str(v) for v in value])
        else:
            query[key] = str(value)
    answer = act.block.answer_from_data(act.value, query, previous)
    return act.block.check_answer(act.value, answer)


class TestWhatWouldYouDo:
    def test_a_safe_ending_choice_completes_the_activity(self, lesson):
        act = activity(lesson, "jas-gets-a-message")
        result = submit(act, {"scene": "start", "choice": 0})
        assert result.is_complete and result.correct and result.score == 1
        assert result.feedback["shown"][0]["choice"]["feedback"] == "Yes, telling is right."

    def test_a_choice_with_next_branches_to_another_scene(self, lesson):
        act = activity(lesson, "jas-gets-a-message")
        first = submit(act, {"scene": "start", "choice": 1})
        assert not first.is_complete
        assert first.feedback["next_scene"]["key"] == "asks-again"
        second = submit(act, {"scene": "asks-again", "choice": 0}, previous=first.answer)
        assert second.answer == {
            "path": [{"scene": "start", "choice": 1}, {"scene": "asks-again", "choice": 0}]
        }
        assert second.is_complete
        assert second.correct is False  # one unsafe choice on the way
        assert second.score == 0.5

    def test_changing_an_earlier_choice_cuts_the_story_there(self, lesson):
        act = activity(lesson, "jas-gets-a-message")
        first = submit(act, {"scene": "start", "choice": 1})
        second = submit(act, {"scene": "asks-again", "choice": 1}, previous=first.answer)
        again = submit(act, {"scene": "start", "choice": 0}, previous=second.answer)
        assert again.answer == {"path": [{"scene": "start", "choice": 0}]}

    def test_a_scene_the_story_has_not_reached_is_refused(self, lesson):
        act = activity(lesson, "jas-gets-a-message")
        with pytest.raises(ActivityAnswerError):
            submit(act, {"scene": "asks-again", "choice": 0})

    @pytest.mark.parametrize(
        "data", [{}, {"scene": "start"}, {"scene": "start", "choice": 9}, {"scene": "nope"}]
    )
    def test_nonsense_is_refused(self, lesson, data):
        with pytest.raises(ActivityAnswerError):
            submit(activity(lesson, "jas-gets-a-message"), data)

    def test_a_stored_path_that_no_longer_fits_the_content_is_trimmed(self, lesson):
        act = activity(lesson, "jas-gets-a-message")
        stale = {"path": [{"scene": "start", "choice": 0}, {"scene": "gone", "choice": 3}]}
        result = act.block.check_answer(act.value, stale)
        assert result.answer == {"path": [{"scene": "start", "choice": 0}]}


class TestSortIt:
    def test_every_card_is_checked_against_its_group(self, lesson):
        act = activity(lesson, "ok-or-not")
        result = submit(act, {"card-0": "ok", "card-1": "ask", "card-2": "ask"})
        assert result.is_complete
        assert result.correct is False
        assert result.score == pytest.approx(2 / 3, abs=1e-4)
        cards = result.feedback["cards"]
        assert [c["correct"] for c in cards] == [True, False, True]
        assert cards[1]["right_label"] == "Not OK"

    def test_all_right(self, lesson):
        result = submit(
            activity(lesson, "ok-or-not"), {"card-0": "ok", "card-1": "not-ok", "card-2": "ask"}
        )
        assert result.correct and result.score == 1

    def test_an_unsorted_card_is_refused_and_the_rest_kept(self, lesson):
        with pytest.raises(ActivityAnswerError) as caught:
            submit(activity(lesson, "ok-or-not"), {"card-0": "ok", "card-1": "made-up"})
        assert caught.value.draft == {"placements": {"0": "ok"}}


class TestSpotTheSigns:
    def test_tapping_exactly_the_warning_signs_is_right(self, lesson):
        result = submit(activity(lesson, "chat-signs"), {"flag": [1, 3]})
        assert result.correct and result.score == 1
        assert result.feedback["found"] == 2 and result.feedback["warnings"] == 2

    def test_a_missed_sign_and_a_wrong_tap_both_count(self, lesson):
        result = submit(activity(lesson, "chat-signs"), {"flag": [0, 1]})
        assert result.correct is False
        assert result.score == pytest.approx(3 / 5)
        assert result.feedback["found"] == 1

    def test_out_of_range_taps_are_ignored_and_nothing_tapped_is_refused(self, lesson):
        with pytest.raises(ActivityAnswerError):
            submit(activity(lesson, "chat-signs"), {"flag": [-1, 99, "x"]})


class TestTrueOrFalse:
    def test_each_statement_is_checked(self, lesson):
        result = submit(
            activity(lesson, "quick-check"), {"statement-0": "true", "statement-1": "true"}
        )
        assert [s["correct"] for s in result.feedback["statements"]] == [False, True]
        assert result.is_complete and result.correct is False and result.score == 0.5

    def test_every_statement_needs_an_answer(self, lesson):
        with pytest.raises(ActivityAnswerError):
            submit(activity(lesson, "quick-check"), {"statement-0": "false"})


class TestRevealCards:
    def test_cards_build_up_until_all_are_turned_over(self, lesson):
        act = activity(lesson, "key-facts")
        first = submit(act, {"card": 1})
        assert first.answer == {"revealed": [1]} and not first.is_complete
        second = submit(act, {"card": 0}, previous=first.answer)
        assert second.answer == {"revealed": [0, 1]} and second.is_complete
        assert second.correct is None

    def test_a_card_that_does_not_exist_is_refused(self, lesson):
        with pytest.raises(ActivityAnswerError):
            submit(activity(lesson, "key-facts"), {"card": 5})


def _wwyd(scenes):
    return WhatWouldYouDoBlock().to_python({"required": True, "scenes": scenes})


def _choice(text, next_scene=""):
    return {"text": text, "safe": False, "feedback": "f", "next": next_scene}


class TestContentRules:
    def test_a_branch_must_lead_to_another_existing_scene(self):
        block = WhatWouldYouDoBlock()
        value = _wwyd(
            [
                {
                    "key": "start",
                    "text": "t",
                    "question": "q",
                    "choices": [_choice("a", "nowhere"), _choice("b")],
                }
            ]
        )
        with pytest.raises(ValidationError):
            block.clean(value)

    def test_scenes_may_not_go_round_in_a_circle(self):
        block = WhatWouldYouDoBlock()
        value = _wwyd(
            [
                {
                    "key": "a",
                    "text": "t",
                    "question": "q",
                    "choices": [_choice("x", "b"), _choice("y")],
                },
                {
                    "key": "b",
                    "text": "t",
                    "question": "q",
                    "choices": [_choice("x", "a"), _choice("y")],
                },
            ]
        )
        with pytest.raises(ValidationError):
            block.clean(value)

    def test_sort_cards_must_use_a_real_group(self):
        block = SortItBlock()
        value = block.to_python(
            {
                "required": True,
                "prompt": "p",
                "groups": [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
                "cards": [
                    {"text": "1", "group": "a", "feedback": "f"},
                    {"text": "2", "group": "c", "feedback": "f"},
                ],
            }
        )
        with pytest.raises(ValidationError):
            block.clean(value)

    def test_a_chat_needs_at_least_one_warning_sign(self):
        block = SpotTheSignsBlock()
        messages = [{"author": "a", "text": "t", "warning": False, "explanation": "e"}] * 3
        value = block.to_python(
            {"required": True, "prompt": "p", "streamer": "Jas", "messages": messages}
        )
        with pytest.raises(ValidationError):
            block.clean(value)

    def test_the_last_step_must_carry_help_and_signposting(self, lesson):
        body = LessonBodyBlock()
        raw = list(lesson.body.raw_data)
        without_help = body.to_python(raw[:-1])
        with pytest.raises(ValidationError):
            body.clean(without_help)
        body.clean(body.to_python(raw))  # the full lesson is fine
