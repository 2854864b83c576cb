"""A lesson step and an answer cost the same number of queries, however long the lesson is."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lessons.loader import block_id


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code in (200, 303), response.status_code
    return len(captured.captured_queries)


def warm(client, lesson):
    # The first request of a session fills caches (site root paths, content types).
    client.get(lesson.url + "step/1/")


def test_a_step_costs_the_same_whatever_the_lesson_length(
    pupil_client, build_lesson, django_assert_num_queries
):
    short = build_lesson("short", steps=2)
    long = build_lesson("long", steps=30)
    for lesson in (short, long):
        pupil_client.post(lesson.url + "progress/", {"step": "1"})
        pupil_client.post(
            lesson.url
            + "activity/"
            + block_id("test-8-10", lesson.slug, "activity", "activity-0")
            + "/",
            {"statement-0": "true"},
        )
        warm(pupil_client, lesson)

    expected = count_queries(lambda: pupil_client.get(short.url + "step/2/"))
    with django_assert_num_queries(expected):
        pupil_client.get(long.url + "step/2/")
    with django_assert_num_queries(expected):
        pupil_client.get(long.url + "step/29/")
    assert expected <= 15


def test_an_answer_costs_the_same_whatever_the_lesson_length(
    pupil_client, build_lesson, django_assert_num_queries
):
    short = build_lesson("short", steps=2)
    long = build_lesson("long", steps=30)

    def answer(lesson, index):
        activity_id = block_id("test-8-10", lesson.slug, "activity", f"activity-{index}")
        url = lesson.url + f"activity/{activity_id}/"
        return lambda: pupil_client.post(
            url, {"statement-0": "true"}, headers={"HX-Request": "true"}
        )

    for lesson in (short, long):
        warm(pupil_client, lesson)
        pupil_client.post(lesson.url + "progress/", {"step": "1"})

    new_answer = count_queries(answer(short, 0))
    with django_assert_num_queries(new_answer):
        answer(long, 27)()
    same_again = count_queries(answer(short, 0))
    with django_assert_num_queries(same_again):
        answer(long, 27)()
    assert new_answer <= 20


def test_moving_on_costs_the_same_whatever_the_lesson_length(
    pupil_client, build_lesson, django_assert_num_queries
):
    short = build_lesson("short", steps=2)
    long = build_lesson("long", steps=30)
    for lesson in (short, long):
        warm(pupil_client, lesson)
        pupil_client.post(lesson.url + "progress/", {"step": "1"})
    expected = count_queries(lambda: pupil_client.post(short.url + "progress/", {"step": "2"}))
    with django_assert_num_queries(expected):
        pupil_client.post(long.url + "progress/", {"step": "20"})


def test_learn_home_costs_the_same_whatever_the_number_of_lessons(
    pupil_client, build_lesson, django_assert_num_queries
):
    from django.urls import reverse

    pupil_client.get(reverse("learn_home"))
    expected = count_queries(lambda: pupil_client.get(reverse("learn_home")))
    for index in range(5):
        build_lesson(f"extra-{index}", steps=2)
    pupil_client.get(reverse("learn_home"))  # saving pages made the site be looked up again
    with django_assert_num_queries(expected):
        pupil_client.get(reverse("learn_home"))
