"""Every scoring rule, applied on the server to stored answers."""

import pytest

from quizzes import services
from quizzes.models import Answer, Attempt, CountedAttempt, Shows
from quizzes.questions import AnswerInvalid, evaluate, normalise
from tests.quizzes.helpers import make_quiz, options, question, right, take, wrong

SCORED = ["q1", "q2", "q3", "q4", "q5", "q6"]


@pytest.mark.parametrize("key", SCORED)
def test_a_right_answer_is_right_and_secure(quiz, key):
    q = question(quiz, key)
    response, _key = normalise(q, right(q))
    result = evaluate(q, response)
    assert result.correct is True
    assert result.shows == Shows.SECURE


@pytest.mark.parametrize(
    ("key", "shows"),
    [
        ("q1", Shows.MISCONCEPTION),  # the chosen option's own tag
        ("q2", Shows.DEVELOPING),  # one right of two: not secure yet
        ("q3", Shows.MISCONCEPTION),  # shows_if_wrong
        ("q4", Shows.DEVELOPING),  # ordering default
        ("q5", Shows.DEVELOPING),  # matching default
        ("q6", Shows.MISCONCEPTION),
    ],
)
def test_a_wrong_answer_is_wrong_and_shows_what_it_tags(quiz, key, shows):
    q = question(quiz, key)
    response, _key = normalise(q, wrong(q))
    result = evaluate(q, response)
    assert result.correct is False
    assert result.shows == shows


def test_single_choice_feedback_is_the_chosen_options(quiz):
    q = question(quiz, "q1")
    developing = options(q)[2]
    result = evaluate(q, normalise(q, {"option": developing.pk})[0])
    assert result.feedback == ["Good thinking, but a trusted adult can help more."]
    assert result.shows == Shows.DEVELOPING
    assert result.right_answer == ["Tell a trusted adult"]


def test_multiple_select_needs_exactly_the_right_set(quiz):
    q = question(quiz, "q2")
    address, password, colour, nothing = options(q)
    mark = lambda ids: evaluate(q, normalise(q, {"options": ids})[0])  # noqa: E731
    assert mark([address.pk, password.pk]).correct is True
    assert mark([password.pk, address.pk]).correct is True  # order never matters
    assert mark([address.pk]).correct is False  # one missing
    superset = mark([address.pk, password.pk, colour.pk])
    assert superset.correct is False  # one too many: no credit for ticking everything
    assert superset.shows == Shows.DEVELOPING
    assert mark([address.pk, nothing.pk]).shows == Shows.MISCONCEPTION


def test_ordering_needs_every_item_in_place(quiz):
    q = question(quiz, "q4")
    block, report, tell = options(q)
    mark = lambda ids: evaluate(q, normalise(q, {"order": ids})[0]).correct  # noqa: E731
    assert mark([block.pk, report.pk, tell.pk]) is True
    assert mark([block.pk, tell.pk, report.pk]) is False  # one in place is not enough
    with pytest.raises(AnswerInvalid):
        normalise(q, {"order": [block.pk, block.pk, tell.pk]})
    with pytest.raises(AnswerInvalid):
        normalise(q, {"order": [block.pk, report.pk]})


def test_matching_needs_every_pair(quiz):
    q = question(quiz, "q5")
    a, b, c = options(q)
    mark = lambda pairs: evaluate(q, normalise(q, {"pairs": pairs})[0]).correct  # noqa: E731
    assert mark({a.pk: a.pk, b.pk: b.pk, c.pk: c.pk}) is True
    assert mark({a.pk: a.pk, b.pk: c.pk, c.pk: b.pk}) is False
    with pytest.raises(AnswerInvalid):
        normalise(q, {"pairs": {a.pk: a.pk, b.pk: b.pk}})  # one left without a match


def test_true_false(quiz):
    q = question(quiz, "q3")
    assert evaluate(q, normalise(q, {"answer": False})[0]).correct is True
    assert evaluate(q, normalise(q, {"answer": True})[0]).correct is False
    with pytest.raises(AnswerInvalid):
        normalise(q, {"answer": "false"})


def test_ids_from_another_question_are_refused(quiz):
    q1, q6 = question(quiz, "q1"), question(quiz, "q6")
    with pytest.raises(AnswerInvalid):
        normalise(q1, {"option": options(q6)[0].pk})
    with pytest.raises(AnswerInvalid):
        normalise(q1, {"option": "1 OR 1=1"})


def test_free_text_is_never_scored(quiz):
    q = question(quiz, "q7")
    result = evaluate(q, None, text="Anything at all")
    assert result.correct is None
    assert result.shows == ""


def test_score_is_the_share_of_scored_questions_right(pupil, quiz):
    attempt = take(pupil, quiz, wrong_keys=["q2", "q5"])
    assert (attempt.correct_count, attempt.scored_count) == (4, 6)
    assert attempt.score == 67  # 66.7 rounded; the free-text question is not counted
    assert attempt.passed is True
    stored = dict(Answer.objects.filter(attempt=attempt).values_list("question__key", "is_correct"))
    assert stored == {
        "q1": True,
        "q2": False,
        "q3": True,
        "q4": True,
        "q5": False,
        "q6": True,
        "q7": None,
    }


def test_skipped_questions_count_as_not_right(pupil, quiz):
    attempt = take(pupil, quiz, skip=["q1", "q2", "q3"], wrong_keys=["q4"])
    assert (attempt.correct_count, attempt.scored_count, attempt.score) == (2, 6, 33)
    assert attempt.passed is False


def test_half_marks_round_up(pupil, db):
    quiz = make_quiz(pass_mark=50)
    # Scored questions: 6; three right is exactly 50%.
    attempt = take(pupil, quiz, wrong_keys=["q1", "q2", "q3"])
    assert attempt.score == 50
    assert attempt.passed is True


def test_a_quiz_with_only_a_reflection_counts_as_passed(pupil, db):
    from tests.quizzes.helpers import SPEC

    quiz = make_quiz(key="m/reflection", questions=[SPEC["questions"][6]])
    attempt = take(pupil, quiz)
    assert (attempt.score, attempt.passed) == (100, True)


def test_the_score_uses_what_was_stored_not_what_was_claimed(pupil, quiz):
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    q1 = question(quiz, "q1")
    answer = services.answer_save(attempt=attempt, question=q1, raw=wrong(q1))
    # Whatever a client might have said, scoring reads the stored response.
    Answer.objects.filter(pk=answer.pk).update(is_correct=True, shows=Shows.SECURE)
    services.attempt_submit(attempt=attempt)
    answer.refresh_from_db()
    assert (answer.is_correct, answer.shows) == (False, Shows.MISCONCEPTION)


@pytest.mark.parametrize(("rule", "expected"), [("best", 100), ("latest", 50)])
def test_which_attempt_counts(pupil, rule, expected, db):
    quiz = make_quiz(counted_attempt=rule)
    take(pupil, quiz)
    take(pupil, quiz, wrong_keys=["q1", "q2", "q3"])
    counted = Attempt.objects.counted_for(pupil=pupil, quiz=quiz)
    assert counted.score == expected
    assert quiz.counted_attempt == CountedAttempt(rule)
