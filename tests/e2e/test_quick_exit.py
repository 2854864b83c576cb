"""In a grooming/sextortion lesson a pupil presses Esc twice: the neutral page replaces it at
once, and Back never brings the lesson back. A scanned QR login card signs a pupil in. Every
page passes axe at phone (390 px) and desktop widths."""

import re

import pytest
from playwright.sync_api import expect

from lessons.loader import curriculum_load
from lessons.models import LessonPage
from schools.cards import card_tokens_issue
from schools.models import School
from tests.lessons.conftest import FIXTURE_CURRICULUM

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def abuse_lesson(transactional_db):
    curriculum_load(directory=FIXTURE_CURRICULUM)
    lesson = LessonPage.objects.get(slug="every-activity")
    LessonPage.objects.filter(pk=lesson.pk).update(topics="5")
    return LessonPage.objects.get(pk=lesson.pk)


def test_escape_twice_leaves_and_back_does_not_return(
    page, assert_accessible, young_pupil, abuse_lesson
):
    group = young_pupil.pupil.teaching_groups.get()
    School.objects.filter(pk=group.school_id).update(qr_cards_sign_in_alone=True)
    raw = card_tokens_issue(group=group, pupils=[young_pupil.pupil])[young_pupil.pupil.pk]

    # Signing in with the QR card: the token is after "#", and the page moves it into a form.
    page.goto(f"/login/pupil/card/#{raw}")
    go = page.get_by_role("button", name="Go")
    expect(go).to_be_visible()
    assert "#" not in page.url  # taken out of the address bar and history
    for size, label in ((PHONE, "390 px"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"QR card sign-in, {label}")
    go.click()
    expect(page).to_have_url(re.compile(r"/learn/$"))

    page.goto(abuse_lesson.step_url(1))
    page.goto(abuse_lesson.step_url(2))
    expect(page.get_by_role("link", name="Hide this page")).to_be_visible()
    for size, label in ((PHONE, "390 px"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"lesson with quick exit, {label}")

    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.get_by_role("heading", name="Times tables").wait_for()
    # Back: the step before is not shown, the neutral page is.
    page.go_back()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", name="Times tables")).to_be_visible()
    assert abuse_lesson.url not in page.url
    # Back again reaches the page before the lesson (their home), never a lesson step.
    page.go_back()
    page.wait_for_load_state("load")
    assert abuse_lesson.url not in page.url
    expect(page.get_by_role("heading", name="My lessons", level=1)).to_be_visible()
