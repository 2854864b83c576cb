"""Lesson bodies are parsed once per process, keyed by their saved text (lessons.body_cache)."""

import pytest
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


def test_steps_holding_a_record_are_never_kept(db):
    """A chosen image may be replaced while the lesson's text stays the same."""
    image = get_image_model()(title="a picture", width=1, height=1)
    parsed = []

    def parse():
        parsed.append(1)
        return [Step(number=1, id="s1", title="One", children=[], picture=image)]

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
