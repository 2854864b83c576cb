"""Issue 16: a quiz question page costs no more queries than a lesson step."""

from tests.lessons.test_queries import count_queries

from .test_views import start

LESSON_STEP_MOST = 8  # tests/lessons/test_speed.py


def test_a_question_page_costs_no_more_than_a_lesson_step(pupil_client, quiz):
    start(pupil_client, quiz)
    attempt = quiz.attempts.get()
    url = f"/quizzes/attempts/{attempt.pk}/questions/1/"
    assert pupil_client.get(url).status_code == 200
    assert count_queries(lambda: pupil_client.get(url)) <= LESSON_STEP_MOST
