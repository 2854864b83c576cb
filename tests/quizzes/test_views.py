"""Taking a quiz over HTTP: one question per screen, feedback, result, and bad requests."""

import pytest

from quizzes import services
from quizzes.models import Answer, Attempt
from tests import factories
from tests.quizzes.helpers import make_quiz, options, question, take


def start(client, quiz):
    response = client.post(f"/quizzes/{quiz.pk}/start/")
    assert response.status_code == 302
    return response


def attempt_of(pupil, quiz) -> Attempt:
    return Attempt.objects.get(pupil=pupil, quiz=quiz, submitted_at__isnull=True)


def screen(attempt, key) -> tuple[int, str]:
    number = [q.key for q in services.attempt_questions(attempt)].index(key) + 1
    return number, f"/quizzes/attempts/{attempt.pk}/questions/{number}/"


def form_data(attempt, key, *, right=True) -> dict:
    """What a browser posts for a right (or wrong) answer to a question."""
    q = question(attempt.quiz, key)
    opts = options(q)
    if q.kind in ("single_choice", "scenario"):
        return {"option": str(next(o.pk for o in opts if o.correct == right))}
    if q.kind == "multiple_select":
        return {"options": [str(o.pk) for o in opts if o.correct] if right else [str(opts[0].pk)]}
    if q.kind == "true_false":
        return {"answer": "true" if q.answer == right else "false"}
    if q.kind == "ordering":
        order = opts if right else list(reversed(opts))
        return {f"place_{n}": str(o.pk) for n, o in enumerate(order, start=1)}
    if q.kind == "matching":
        rights = opts if right else opts[1:] + opts[:1]
        return {f"match_{o.pk}": str(r.pk) for o, r in zip(opts, rights, strict=True)}
    return {"text": "Tell a grown-up you trust."}


def test_the_start_page(pupil_client, quiz):
    response = pupil_client.get(f"/quizzes/{quiz.pk}/?next=/learn/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Check what you learned" in body
    assert "There are 7 questions." in body
    assert "You have 2 goes left." in body
    assert 'class="theme-pupil band-8-10' in body


def test_a_pupil_answers_every_type_and_sees_feedback(pupil_client, pupil, quiz):
    start(pupil_client, quiz)
    attempt = attempt_of(pupil, quiz)
    for key in ["q1", "q2", "q3", "q4", "q5", "q6", "q7"]:
        number, url = screen(attempt, key)
        page = pupil_client.get(url).content.decode()
        assert f"Question {number} of 7" in page
        response = pupil_client.post(url, form_data(attempt, key, right=key != "q1"))
        assert response.status_code == 302
        assert response["Location"] == url + "#feedback"
        feedback = pupil_client.get(url).content.decode()
        if key == "q1":
            assert "Good try. Here is something to remember." in feedback
            assert "Secrets that feel bad are OK to tell." in feedback
            assert "Tell a trusted adult" in feedback
        elif key == "q7":
            assert "Thank you for sharing your thinking." in feedback
        else:
            assert "Yes! Well done." in feedback
    finish = pupil_client.post(f"/quizzes/attempts/{attempt.pk}/finish/")
    assert finish["Location"] == f"/quizzes/attempts/{attempt.pk}/result/"
    result = pupil_client.get(finish["Location"]).content.decode()
    assert "You got 5 out of 6." in result
    assert "Things to remember" in result
    assert "Secrets that feel bad are OK to tell." in result
    assert "Have another go" in result
    for unkind in ("Fail", "fail", "Wrong", "wrong"):
        assert unkind not in result
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (83, True)


def test_feedback_at_the_end_lets_the_pupil_change_answers(pupil_client, pupil, db):
    quiz = make_quiz(feedback="at_end")
    start(pupil_client, quiz)
    attempt = attempt_of(pupil, quiz)
    number, url = screen(attempt, "q1")
    response = pupil_client.post(url, form_data(attempt, "q1", right=False))
    assert response.status_code == 302 and "#feedback" not in response["Location"]
    assert "Good try" not in pupil_client.get(url).content.decode()
    pupil_client.post(url, form_data(attempt, "q1", right=True))
    assert Answer.objects.get(attempt=attempt).response == options(question(quiz, "q1"))[0].pk
    summary = pupil_client.get(f"/quizzes/attempts/{attempt.pk}/finish/").content.decode()
    assert "You skipped 6 questions." in summary
    pupil_client.post(f"/quizzes/attempts/{attempt.pk}/finish/")
    result = pupil_client.get(f"/quizzes/attempts/{attempt.pk}/result/").content.decode()
    assert "Your answers" in result
    assert "You skipped this one." in result


def test_an_empty_answer_is_explained(pupil_client, pupil, quiz):
    start(pupil_client, quiz)
    attempt = attempt_of(pupil, quiz)
    _number, url = screen(attempt, "q1")
    response = pupil_client.post(url, {})
    assert response.status_code == 200
    assert "Please choose an answer." in response.content.decode()
    assert not Answer.objects.exists()


def test_using_a_step_twice_is_explained(pupil_client, pupil, quiz):
    start(pupil_client, quiz)
    attempt = attempt_of(pupil, quiz)
    _number, url = screen(attempt, "q4")
    pk = str(options(question(quiz, "q4"))[0].pk)
    response = pupil_client.post(url, {"place_1": pk, "place_2": pk, "place_3": pk})
    assert "Use each one once" in response.content.decode()
    assert not Answer.objects.exists()


def test_a_closed_tab_resumes_at_the_first_unanswered_question(pupil_client, pupil, quiz):
    start(pupil_client, quiz)
    attempt = attempt_of(pupil, quiz)
    first_key = services.attempt_questions(attempt)[0].key
    _number, url = screen(attempt, first_key)
    pupil_client.post(url, form_data(attempt, first_key))
    assert "Carry on" in pupil_client.get(f"/quizzes/{quiz.pk}/").content.decode()
    response = start(pupil_client, quiz)
    assert response["Location"] == f"/quizzes/attempts/{attempt.pk}/questions/2/"
    assert Attempt.objects.count() == 1


def test_answering_twice_with_feedback_per_question_changes_nothing(pupil_client, pupil, quiz):
    start(pupil_client, quiz)
    attempt = attempt_of(pupil, quiz)
    _number, url = screen(attempt, "q1")
    pupil_client.post(url, form_data(attempt, "q1", right=False))
    response = pupil_client.post(url, form_data(attempt, "q1", right=True), follow=True)
    assert "You have already answered this question." in response.content.decode()
    assert str(Answer.objects.get().response) == form_data(attempt, "q1", right=False)["option"]


def test_submitting_twice_shows_a_clear_message(pupil_client, pupil, quiz):
    attempt = take(pupil, quiz, wrong_keys=["q1"])
    before = Attempt.objects.get(pk=attempt.pk)
    response = pupil_client.post(f"/quizzes/attempts/{attempt.pk}/finish/", follow=True)
    assert "You have already finished this quiz" in response.content.decode()
    after = Attempt.objects.get(pk=attempt.pk)
    assert (after.score, after.submitted_at) == (before.score, before.submitted_at)


def test_answering_a_finished_attempt_shows_a_clear_message(pupil_client, pupil, quiz):
    attempt = take(pupil, quiz, skip=["q1"])
    _number, url = screen(attempt, "q1")
    response = pupil_client.post(url, form_data(attempt, "q1"), follow=True)
    assert "You have already finished this quiz" in response.content.decode()
    assert not Answer.objects.filter(question__key="q1").exists()


def test_starting_after_the_limit_shows_a_clear_message(pupil_client, pupil, quiz):
    take(pupil, quiz, wrong_keys=["q1", "q2", "q3", "q4"])
    take(pupil, quiz, wrong_keys=["q1", "q2", "q3", "q4"])
    response = pupil_client.post(f"/quizzes/{quiz.pk}/start/", follow=True)
    body = response.content.decode()
    assert "You have used all 2 tries at this quiz." in body
    assert "You have had all your goes at this quiz." in body
    assert Attempt.objects.count() == 2


def test_a_quiz_that_is_not_the_pupils(pupil_client, pupil, db):
    quiz = make_quiz(key="m/older", age_band="14-16")
    for response in (
        pupil_client.get(f"/quizzes/{quiz.pk}/"),
        pupil_client.post(f"/quizzes/{quiz.pk}/start/"),
    ):
        assert response.status_code == 403
        assert "This quiz isn't one of yours." in response.content.decode()
    assert not Attempt.objects.exists()


def test_submitting_a_quiz_that_is_no_longer_the_pupils(pupil_client, pupil, quiz):
    start(pupil_client, quiz)
    attempt = attempt_of(pupil, quiz)
    quiz.age_band = "14-16"
    quiz.save()
    response = pupil_client.post(f"/quizzes/attempts/{attempt.pk}/finish/")
    assert response.status_code == 403
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_another_pupils_attempt_is_not_found(client, pupil, quiz, group):
    attempt = take(pupil, quiz)
    other = factories.pupil(group, "Noah").pupil
    client.force_login(other.user)
    assert client.get(f"/quizzes/attempts/{attempt.pk}/result/").status_code == 404
    assert client.post(f"/quizzes/attempts/{attempt.pk}/finish/").status_code == 404


def test_staff_cannot_take_quizzes(teacher_client, quiz):
    assert teacher_client.get(f"/quizzes/{quiz.pk}/").status_code == 403
    assert teacher_client.post(f"/quizzes/{quiz.pk}/start/").status_code == 403


def test_visitors_are_sent_to_log_in(client, quiz):
    response = client.get(f"/quizzes/{quiz.pk}/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_question_number_out_of_range(pupil_client, pupil, quiz):
    start(pupil_client, quiz)
    attempt = attempt_of(pupil, quiz)
    assert pupil_client.get(f"/quizzes/attempts/{attempt.pk}/questions/8/").status_code == 404
    assert pupil_client.get(f"/quizzes/attempts/{attempt.pk}/questions/0/").status_code == 404


def test_the_result_goes_back_to_where_the_pupil_came_from(pupil_client, pupil, quiz):
    pupil_client.get(f"/quizzes/{quiz.pk}/?next=/learn/some-lesson/")
    pupil_client.get(f"/quizzes/{quiz.pk}/?next=https://evil.example/")  # ignored
    attempt = take(pupil, quiz)
    result = pupil_client.get(f"/quizzes/attempts/{attempt.pk}/result/").content.decode()
    assert 'href="/learn/some-lesson/">Back to the lesson</a>' in result
    assert "You got every question right. Brilliant!" in result


def test_without_a_lesson_the_result_goes_back_to_my_lessons(pupil_client, pupil, quiz):
    attempt = take(pupil, quiz)
    result = pupil_client.get(f"/quizzes/attempts/{attempt.pk}/result/").content.decode()
    assert 'href="/learn/">Back to my lessons</a>' in result


@pytest.mark.parametrize("key", ["q4", "q5"])
def test_ordering_and_matching_use_labelled_selects(pupil_client, pupil, quiz, key):
    start(pupil_client, quiz)
    attempt = attempt_of(pupil, quiz)
    _number, url = screen(attempt, key)
    body = pupil_client.get(url).content.decode()
    assert body.count("<select") == 3
    assert "Choose…" in body
    if key == "q5":
        assert '<label for="id_match_' in body


def test_pages_carry_no_inline_script(pupil_client, pupil, quiz):
    start(pupil_client, quiz)
    attempt = attempt_of(pupil, quiz)
    body = pupil_client.get(f"/quizzes/attempts/{attempt.pk}/questions/1/").content.decode()
    assert "<script>" not in body
    assert 'nonce="' in body
    assert "read_aloud.js" in body
