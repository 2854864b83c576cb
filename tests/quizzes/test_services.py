"""Starting, answering and submitting attempts, including every bad submission."""

import pytest
from django.db import IntegrityError, transaction

from quizzes import services
from quizzes.models import Answer, Attempt, FeedbackTiming
from quizzes.signals import attempt_submitted
from tests import factories
from tests.quizzes.helpers import make_quiz, question, right, take, wrong


def only_allow_quiz_titled_special(pupil, quiz):
    return quiz.title == "Special"


@pytest.fixture
def received():
    calls = []

    def receiver(sender, **kwargs):
        calls.append((sender, kwargs))

    attempt_submitted.connect(receiver)
    yield calls
    attempt_submitted.disconnect(receiver)


def test_start_fixes_the_order_and_resumes_the_open_attempt(pupil, quiz):
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    assert attempt.number == 1
    assert sorted(attempt.question_order) == sorted(quiz.questions.values_list("pk", flat=True))
    q4 = question(quiz, "q4")
    # Items to put in order are never shown in the right order.
    shown = [o.pk for o in services.option_order(attempt, q4)]
    assert shown != [o.pk for o in q4.options.order_by("sort_order")]
    again = services.attempt_start(pupil=pupil, quiz=quiz)
    assert again.pk == attempt.pk
    assert [q.pk for q in services.attempt_questions(again)] == attempt.question_order


def test_answers_are_saved_as_the_pupil_goes(pupil, quiz):
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    q1 = question(quiz, "q1")
    services.answer_save(attempt=attempt, question=q1, raw=right(q1))
    # A closed tab: starting again returns the same attempt with the answer kept.
    resumed = services.attempt_start(pupil=pupil, quiz=quiz)
    assert Answer.objects.filter(attempt=resumed, question=q1).count() == 1


def test_with_feedback_per_question_an_answer_is_final(pupil, quiz):
    assert quiz.feedback_timing == FeedbackTiming.PER_QUESTION
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    q1 = question(quiz, "q1")
    services.answer_save(attempt=attempt, question=q1, raw=wrong(q1))
    with pytest.raises(services.AnswerLocked):
        services.answer_save(attempt=attempt, question=q1, raw=right(q1))
    assert Answer.objects.get(attempt=attempt, question=q1).response == wrong(q1)["option"]


def test_with_feedback_at_the_end_an_answer_can_change(pupil, db):
    quiz = make_quiz(feedback="at_end")
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    q1 = question(quiz, "q1")
    services.answer_save(attempt=attempt, question=q1, raw=wrong(q1))
    services.answer_save(attempt=attempt, question=q1, raw=right(q1))
    assert Answer.objects.get(attempt=attempt, question=q1).response == right(q1)["option"]


def test_a_question_from_another_quiz_is_refused(pupil, quiz):
    other = make_quiz(key="m/other")
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    foreign = question(other, "q1")
    with pytest.raises(services.AnswerRejected):
        services.answer_save(attempt=attempt, question=foreign, raw=right(foreign))
    assert not Answer.objects.exists()


def test_an_invalid_answer_is_refused_with_a_message(pupil, quiz):
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    q4 = question(quiz, "q4")
    pk = q4.options.first().pk
    with pytest.raises(services.AnswerRejected, match="Use each step once"):
        services.answer_save(attempt=attempt, question=q4, raw={"order": [pk, pk, pk]})
    assert not Answer.objects.exists()


def test_submit_sends_the_signal_with_the_counted_result(pupil, quiz, received):
    attempt = take(pupil, quiz, wrong_keys=["q1", "q2", "q3"])
    sender, kwargs = received[-1]
    assert sender is Attempt
    assert kwargs["attempt"].pk == attempt.pk
    assert kwargs["pupil"] == pupil
    assert kwargs["quiz"] == quiz
    assert (kwargs["counted_score"], kwargs["passed"]) == (50, False)
    take(pupil, quiz)
    assert (received[-1][1]["counted_score"], received[-1][1]["passed"]) == (100, True)


def test_submitting_twice_changes_nothing(pupil, quiz, received):
    attempt = take(pupil, quiz, wrong_keys=["q1"])
    before = Attempt.objects.get(pk=attempt.pk)
    with pytest.raises(services.AttemptAlreadySubmitted, match="already finished"):
        services.attempt_submit(attempt=attempt)
    after = Attempt.objects.get(pk=attempt.pk)
    assert (after.score, after.submitted_at) == (before.score, before.submitted_at)
    assert len(received) == 1


def test_answering_after_submitting_changes_nothing(pupil, quiz):
    attempt = take(pupil, quiz, skip=["q1"])
    q1 = question(quiz, "q1")
    with pytest.raises(services.AttemptAlreadySubmitted):
        services.answer_save(attempt=attempt, question=q1, raw=right(q1))
    assert not Answer.objects.filter(question=q1).exists()


def test_no_attempt_after_the_limit(pupil, quiz):
    take(pupil, quiz, wrong_keys=["q1", "q2", "q3", "q4"])
    take(pupil, quiz, wrong_keys=["q1", "q2", "q3", "q4"])
    with pytest.raises(services.AttemptLimitReached, match="all 2 tries"):
        services.attempt_start(pupil=pupil, quiz=quiz)
    assert Attempt.objects.count() == 2
    assert services.attempts_left(pupil=pupil, quiz=quiz) == 0


def test_submitting_after_the_limit_was_lowered_changes_nothing(pupil, quiz, received):
    take(pupil, quiz)
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    quiz.attempts_allowed = 1
    quiz.save()
    with pytest.raises(services.AttemptLimitReached):
        services.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
    assert len(received) == 1


def test_unlimited_attempts(pupil, db):
    quiz = make_quiz(attempts_allowed="unlimited")
    for _ in range(4):
        take(pupil, quiz)
    assert Attempt.objects.filter(quiz=quiz).count() == 4
    assert services.attempts_left(pupil=pupil, quiz=quiz) is None


def test_a_pupil_cannot_take_another_age_bands_quiz(pupil, db):
    quiz = make_quiz(key="m/older", age_band="14-16")
    with pytest.raises(services.QuizNotAvailable):
        services.attempt_start(pupil=pupil, quiz=quiz)
    assert not Attempt.objects.exists()


def test_answers_and_submission_are_refused_once_the_quiz_is_not_the_pupils(pupil, quiz):
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    quiz.age_band = "14-16"
    quiz.save()
    q1 = question(quiz, "q1")
    with pytest.raises(services.QuizNotAvailable):
        services.answer_save(attempt=attempt, question=q1, raw=right(q1))
    with pytest.raises(services.QuizNotAvailable):
        services.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
    assert not Answer.objects.exists()


def test_the_access_policy_is_a_setting(pupil, quiz, settings):
    settings.STREAMWISE_QUIZ_ACCESS_POLICY = (
        "tests.quizzes.test_services.only_allow_quiz_titled_special"
    )
    with pytest.raises(services.QuizNotAvailable):
        services.attempt_start(pupil=pupil, quiz=quiz)
    quiz.title = "Special"
    quiz.save()
    assert services.attempt_start(pupil=pupil, quiz=quiz).number == 1


def test_an_archived_pupil_may_not_take_quizzes(pupil, quiz):
    from schools.services import pupil_archive

    pupil_archive(pupil=pupil)
    with pytest.raises(services.QuizNotAvailable):
        services.attempt_start(pupil=pupil, quiz=quiz)


def test_the_database_allows_one_open_attempt_per_pupil_and_quiz(pupil, quiz):
    services.attempt_start(pupil=pupil, quiz=quiz)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(pupil=pupil, quiz=quiz, number=2)


def test_the_database_allows_one_answer_per_question(pupil, quiz):
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    q1 = question(quiz, "q1")
    services.answer_save(attempt=attempt, question=q1, raw=right(q1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(attempt=attempt, question=q1)


def test_pupils_attempts_are_their_own(pupil, quiz, group):
    other = factories.pupil(group, "Noah").pupil
    mine = take(pupil, quiz)
    theirs = services.attempt_start(pupil=other, quiz=quiz)
    assert theirs.pk != mine.pk
    assert theirs.number == 1
