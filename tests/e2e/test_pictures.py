"""A 4–7 pupil answers a what-would-you-do and a sort-it by tapping picture cards only, then
draws their answer to a "say or draw" question and hands it in. Pages pass axe at phone and
desktop widths and never scroll sideways at 320 px."""

import mimetypes
import shutil
from urllib.parse import unquote

import pytest
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from lessons.loader import CURRICULUM_DIR, curriculum_load
from lessons.models import LessonPage
from quizzes import services as quiz_services
from quizzes.models import ReflectionPicture
from tests import factories

PHONE, DESKTOP, NARROW = 390, 1280, 320


@pytest.fixture
def infant_lessons(transactional_db, tmp_path):
    target = tmp_path / "curriculum"
    target.mkdir()
    shutil.copy(CURRICULUM_DIR / "ages-4-7.yaml", target)
    curriculum_load(directory=target)
    return LessonPage.objects.get(slug="ask-first")


@pytest.fixture
def infant(school, teacher):
    group = factories.TeachingGroupFactory(
        school=school, name="Robins", year_group=1, teachers=[teacher]
    )
    return factories.pupil(group, "Ava")


def serve_media(page):
    """Serve /media/ from the file storage, as the web server (or S3) does in production."""

    def fulfil(route):
        name = unquote(route.request.url.split("/media/", 1)[1].split("?")[0])
        if ".." in name or not default_storage.exists(name):
            return route.fulfill(status=404)
        with default_storage.open(name) as handle:
            body = handle.read()
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return route.fulfill(status=200, body=body, content_type=kind)

    page.route("**/media/**", fulfil)


def assert_pictures_load(page, selector):
    pictures = page.locator(selector)
    assert pictures.count() > 0, f"no {selector} on the page"
    for index in range(pictures.count()):
        expect(pictures.nth(index)).to_have_js_property("complete", True)
        assert pictures.nth(index).evaluate("img => img.naturalWidth") > 0, "a picture is broken"


def check_widths(page, assert_accessible, context):
    """axe at phone and desktop widths; no sideways scrolling at 320 px."""
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, context=f"{context} at {width} px")
    page.set_viewport_size({"width": NARROW, "height": 800})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{context} scrolls sideways at {NARROW} px ({overflow} px)"
    page.set_viewport_size({"width": PHONE, "height": 900})


def assert_big_target(page, target, words):
    """The target is at least 44 x 44 px once the page's stylesheets have loaded.

    Measured after the load event: a label measured while the stylesheet is still on its way
    (a slow static response on a busy machine) has its unstyled text size.
    """
    page.wait_for_load_state("load")
    box = target.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, f"“{words}” is too small to tap ({box})"


def tap_card(page, words):
    """Tap the picture card (its label) with these words; check it is a big enough target."""
    card = page.locator("label", has_text=words).first
    assert_big_target(page, card, words)
    assert card.locator("img.card-picture").count() == 1, f"“{words}” has no picture"
    card.click()


def test_a_young_pupil_taps_pictures_and_draws_an_answer(
    page, assert_accessible, login_pupil, infant, infant_lessons
):
    page.set_viewport_size({"width": PHONE, "height": 900})
    serve_media(page)
    group = infant.pupil.teaching_groups.get()
    login_pupil(page, code=group.code, name="Ava", pictures=infant.picture_password.split("-"))

    page.goto(infant_lessons.url)
    page.get_by_role("button", name="Start the lesson").click()
    picture = page.locator("figure.step-picture img")
    expect(picture).to_have_attribute(
        "alt", "Milo holds a tablet and his toy dinosaur. Grandad is in the kitchen."
    )
    assert_pictures_load(page, "figure.step-picture img")
    check_widths(page, assert_accessible, "a story step with its picture")
    page.get_by_role("button", name="Next", exact=True).click()

    # What will Milo do? Tap a picture card, then the big Choose button.
    tap_card(page, "Go to the kitchen and ask Grandad first.")
    page.get_by_role("button", name="Choose").click()
    expect(page.get_by_text("Grandad smiles.")).to_be_visible()
    tap_card(page, "Just Nana, like Grandad said.")
    page.get_by_role("button", name="Choose").last.click()
    expect(page.get_by_text("That's the end of the story.")).to_be_visible()
    assert_pictures_load(page, "img.card-picture")
    check_widths(page, assert_accessible, "what would you do, as picture cards")
    page.get_by_role("button", name="Next", exact=True).click()

    # Ask first, or OK to do? Each card has its picture; tap the group under it.
    sorting = {
        "Drawing a picture of Rex with crayons.": "OK to do",
        "Turning on the camera on a tablet.": "Ask a grown-up first",
        "Playing a game online.": "Ask a grown-up first",
        "Building a tall tower with blocks.": "OK to do",
        "Talking to someone on a video call.": "Ask a grown-up first",
        "Tapping a button on a screen that Milo doesn't know.": "Ask a grown-up first",
        "Reading a book with Grandad.": "OK to do",
    }
    for words, label in sorting.items():
        card = page.locator("li.sort-card", has_text=words)
        expect(card.locator("img.card-picture")).to_have_count(1)
        target = card.locator("label", has_text=label)
        assert_big_target(page, target, f"{label} for {words}")
        target.click()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("You sorted 7 of 7 cards the way we would.")).to_be_visible()
    check_widths(page, assert_accessible, "sort it, as picture cards")

    # The quiz's "say or draw" question: draw, change colour, undo a line, hand it in.
    attempt = quiz_services.attempt_start(pupil=infant.pupil, quiz=infant_lessons.quiz)
    questions = quiz_services.attempt_questions(attempt)
    number = next(i for i, q in enumerate(questions, start=1) if q.kind == "free_text")
    page.goto(f"/quizzes/attempts/{attempt.pk}/questions/{number}/")
    canvas = page.locator("canvas.draw-canvas")
    expect(canvas).to_be_visible()
    assert_pictures_load(page, ".picture-choice img")
    check_widths(page, assert_accessible, "say or draw")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()

    def line(x1, y1, x2, y2):
        page.mouse.move(box["x"] + x1, box["y"] + y1)
        page.mouse.down()
        for step in range(1, 9):
            page.mouse.move(
                box["x"] + x1 + (x2 - x1) * step / 8, box["y"] + y1 + (y2 - y1) * step / 8
            )
        page.mouse.up()

    line(20, 20, 150, 100)
    page.get_by_role("button", name="Blue").click()
    expect(page.get_by_role("button", name="Blue")).to_have_attribute("aria-pressed", "true")
    line(30, 120, 200, 40)
    line(60, 60, 80, 80)
    page.get_by_role("button", name="Undo").click()
    assert page.locator('input[name="drawing"]').input_value().startswith("data:image/png;base64,")
    page.get_by_role("button", name="Save and carry on").click()
    page.wait_for_load_state("load")

    saved = ReflectionPicture.objects.get(answer__attempt=attempt)
    assert bytes(saved.drawing).startswith(b"\x89PNG") and saved.answer.text == ""

    # The pupil sees their drawing back (served privately by the site, not from /media/).
    page.goto(f"/quizzes/attempts/{attempt.pk}/questions/{number}/")
    assert_pictures_load(page, "img[alt='Your drawing']")
    assert_accessible(page, context="say or draw, answered")
