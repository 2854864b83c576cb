"""Lesson bodies are parsed once per process, keyed by their saved text (lessons.body_cache)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.images import get_image_model

from lessons import body_cache
from lessons.models import LessonLibraryPage, LessonPage, Step
from lessons.routing import route_lesson


@pytest.fixture
def routed(rf):
    library = LessonLibraryPage.objects.get()

    def route(lesson: LessonPage) -> LessonPage:
        module = lesson.get_parent()
        return route_lesson(library, rf.get("/"), [module.slug, lesson.slug])

    return route


def test_a_lesson_is_parsed_once_then_its_steps_are_shared(build_lesson, routed):
    lesson = build_lesson("kept-once", steps=3)
    first, second = routed(lesson), routed(lesson)
    assert first is not second
    assert first.steps is second.steps
    assert [s.title for s in first.steps] == [
        s.title for s in LessonPage.objects.get(pk=lesson.pk).steps
    ]
    assert first.activities.keys() == second.activities.keys()


def test_a_new_revision_is_new_text_and_is_parsed_again(build_lesson, routed):
    lesson = build_lesson("kept-then-edited", steps=2)
    before = routed(lesson).steps
    lesson.body[0].value["title"] = "A brand new first step"
    lesson.save_revision().publish()
    after = routed(lesson).steps
    assert after is not before
    assert after[0].title == "A brand new first step"


def test_pages_not_routed_by_the_library_keep_nothing(build_lesson):
    lesson = build_lesson("not-routed", steps=2)
    assert (
        LessonPage.objects.get(pk=lesson.pk).steps is not LessonPage.objects.get(pk=lesson.pk).steps
    )


def _picture_steps(parsed, image):
    def parse():
        parsed.append(1)
        return [Step(number=1, id="s1", title="One", children=[], picture=image)]

    return parse


def test_steps_holding_a_record_are_kept_for_a_while(db, settings, monkeypatch):
    """A chosen image may be replaced while the lesson's text stays the same: other processes
    keep such a body for STREAMWISE_LESSON_RECORDS_SECONDS at most."""
    settings.STREAMWISE_LESSON_RECORDS_SECONDS = 60
    parse = _picture_steps(parsed := [], get_image_model()(title="a picture", width=1, height=1))
    now = [1000.0]
    monkeypatch.setattr(body_cache.time, "monotonic", lambda: now[0])
    body_cache.parsed_steps("default", "text with a picture", parse)
    now[0] += 59
    body_cache.parsed_steps("default", "text with a picture", parse)
    assert len(parsed) == 1
    now[0] += 2
    body_cache.parsed_steps("default", "text with a picture", parse)
    assert len(parsed) == 2


def test_saving_an_image_forgets_the_bodies_holding_records_at_once(db):
    image_model = get_image_model()
    parse = _picture_steps(parsed := [], image_model(title="a picture", width=1, height=1))
    plain = []
    body_cache.parsed_steps("default", "text with a picture", parse)
    body_cache.parsed_steps("default", "plain text", lambda: plain.append(1) or [])
    body_cache.parsed_steps("default", "text with a picture", parse)
    assert len(parsed) == 1
    gif = (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
        b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )
    image_model.objects.create(
        title="another", file=SimpleUploadedFile("dot.gif", gif), width=1, height=1
    )
    body_cache.parsed_steps("default", "text with a picture", parse)
    body_cache.parsed_steps("default", "plain text", lambda: plain.append(1) or [])
    assert len(parsed) == 2 and len(plain) == 1


def test_zero_seconds_never_keeps_records(db, settings):
    settings.STREAMWISE_LESSON_RECORDS_SECONDS = 0
    parse = _picture_steps(parsed := [], get_image_model()(title="a picture", width=1, height=1))
    body_cache.parsed_steps("default", "text with a picture", parse)
    body_cache.parsed_steps("default", "text with a picture", parse)
    assert len(parsed) == 2


def test_only_the_most_recent_bodies_are_kept(db, monkeypatch):
    monkeypatch.setattr(body_cache, "KEPT", 2)
    parsed = []

    def parse():
        parsed.append(1)
        return []

    for text in ("a", "b", "c", "a"):
        body_cache.parsed_steps("default", text, parse)
    assert len(parsed) == 4  # "a" was forgotten when "c" came
    body_cache.parsed_steps("default", "a", parse)
    assert len(parsed) == 4
