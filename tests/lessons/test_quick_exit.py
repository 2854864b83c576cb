"""Grooming and sextortion lessons carry the quick exit; after it, Back shows the neutral page
again instead of any page the pupil left behind, until they go back to their home on purpose."""

from django.urls import reverse

from lessons.models import LessonPage


def sensitive(lesson):
    LessonPage.objects.filter(pk=lesson.pk).update(topics="2,5")
    return LessonPage.objects.get(pk=lesson.pk)


def test_abuse_lessons_have_the_quick_exit_and_are_never_stored(pupil_client, lesson):
    lesson = sensitive(lesson)
    response = pupil_client.get(lesson.step_url(1))
    assert response.status_code == 200
    assert "Hide this page" in response.text and "quick-exit.js" in response.text
    assert "no-store" in response["Cache-Control"]


def test_other_lessons_do_not(pupil_client, lesson):
    LessonPage.objects.filter(pk=lesson.pk).update(topics="7")
    lesson = LessonPage.objects.get(pk=lesson.pk)
    response = pupil_client.get(lesson.step_url(1))
    assert "Hide this page" not in response.text
    assert not lesson.deals_with_abuse


def test_back_after_the_quick_exit_shows_the_neutral_page_until_home(pupil_client, lesson):
    lesson = sensitive(lesson)
    pupil_client.get(lesson.step_url(1))
    exit_url = reverse("times_tables")
    assert pupil_client.get(exit_url).status_code == 200
    for url in (lesson.step_url(1), lesson.step_url(2), lesson.url, reverse("safeguarding:talk")):
        back = pupil_client.get(url)
        assert back.status_code == 302 and back.url == exit_url, url
        assert "no-store" in back["Cache-Control"]
    # Going home on purpose ends the hold.
    assert pupil_client.get(reverse("learn_home")).status_code == 200
    assert pupil_client.get(lesson.step_url(1)).status_code == 200
    assert pupil_client.get(reverse("safeguarding:talk")).status_code == 200


def test_the_hold_does_not_touch_other_lessons(pupil_client, lesson, short_lesson):
    LessonPage.objects.filter(pk=short_lesson.pk).update(topics="1")
    sensitive(lesson)
    pupil_client.get(reverse("times_tables"))
    assert pupil_client.get(short_lesson.step_url(1)).status_code == 200
