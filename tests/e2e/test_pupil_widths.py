"""Every page a 4-7 pupil sees fits a 320, 390 and 768 px wide screen and a landscape tablet
(1024 x 768) without scrolling sideways, and passes axe on a phone and on the tablet."""

import shutil

import pytest
from playwright.sync_api import expect

from lessons import narration
from lessons.loader import curriculum_load
from tests import factories

REAL_CURRICULUM = narration.Path(narration.__file__).parent / "curriculum"
SIZES = [(320, 640), (390, 844), (768, 1024), (1024, 768)]
AXE_AT = {390, 1024}


@pytest.fixture
def infant(transactional_db, school, teacher, tmp_path):
    shutil.copy(REAL_CURRICULUM / "ages-4-7.yaml", tmp_path / "ages-4-7.yaml")
    curriculum_load(directory=tmp_path)
    group = factories.TeachingGroupFactory(
        school=school, name="Ladybirds", year_group=1, teachers=[teacher]
    )
    return group, factories.pupil(group, "Milly")


def check_widths(page, assert_accessible, what):
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(50)
        scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{what} scrolls sideways at {width} px ({scroll} > {inner})"
        if width in AXE_AT:
            assert_accessible(page, context=f"{what} at {width} px")


def check_every_step(page, assert_accessible, what):
    """Checks each step of the open lesson, pressing Next until the last step."""
    number = 1
    while True:
        check_widths(page, assert_accessible, f"{what} {number}")
        next_button = page.get_by_role("button", name="Next", exact=True)
        if not next_button.count():
            return
        with page.expect_navigation(wait_until="load"):
            next_button.click()
        number += 1


def test_every_pupil_page_fits_phones_and_tablets(page, assert_accessible, infant):
    group, credentials = infant
    page.goto("/login/pupil/")
    check_widths(page, assert_accessible, "class code page")
    page.get_by_label("Your class code").fill(group.code)
    page.get_by_role("button", name="Next").click()
    check_widths(page, assert_accessible, "name page")
    page.get_by_role("button", name="Milly", exact=True).click()
    check_widths(page, assert_accessible, "picture password page")
    for picture in credentials.picture_password.split("-"):
        page.get_by_role("button", name=picture.capitalize(), exact=True).click()
    page.wait_for_url("**/learn/")
    check_widths(page, assert_accessible, "my lessons")

    page.get_by_role("link", name="Start: Ask first").click()
    check_widths(page, assert_accessible, "lesson introduction")
    page.get_by_role("button", name="Start the lesson").click()
    check_every_step(page, assert_accessible, "lesson step")

    page.get_by_role("link", name="Take the quiz").first.click()
    check_widths(page, assert_accessible, "quiz start")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", name="Question 1")).to_be_visible()
    check_widths(page, assert_accessible, "quiz question")

    page.goto("/learn/")
    page.get_by_role("link", name="Talk to someone").click()
    page.get_by_role("heading", name="Talk to someone").wait_for()
    check_widths(page, assert_accessible, "talk to someone")
    page.get_by_text("Worried", exact=True).click()
    page.get_by_text("Someone I talk to online", exact=True).click()
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_role("heading", name="Thank you for telling us").wait_for()
    check_widths(page, assert_accessible, "talk to someone: sent")


def test_every_activity_type_fits_phones_and_tablets(
    page, assert_accessible, login_pupil, young_pupil, transactional_db
):
    from tests.lessons.conftest import FIXTURE_CURRICULUM

    curriculum_load(directory=FIXTURE_CURRICULUM)
    group = young_pupil.pupil.teaching_groups.get()
    login_pupil(
        page, code=group.code, name="Isla", pictures=young_pupil.picture_password.split("-")
    )
    page.get_by_role("link", name="Start: Every activity").click()
    page.get_by_role("button", name="Start the lesson").click()
    check_every_step(page, assert_accessible, "8-10 lesson step")
