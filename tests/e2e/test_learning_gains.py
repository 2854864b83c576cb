"""A pupil takes the module check before the module, finishes the lessons, takes the same check
after and hears kindly what they know more about; their teacher sees the class's gains. Every
page passes axe at phone (390 px) and desktop widths."""

import pytest
from playwright.sync_api import expect

from lessons.loader import curriculum_load
from lessons.models import ModulePage
from schools.models import StaffRole
from tests import factories
from tests.lessons.check_helpers import complete_module, load_check
from tests.lessons.conftest import FIXTURE_CURRICULUM

PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# The right answer to each question of the test check (tests/lessons/check_helpers.py).
RIGHT = {
    "What should Leo do?": "Tell a trusted adult.",
    "What should Maya do?": "Tell a trusted adult.",
    "What should you do first if messages upset you?": "Tell a trusted adult and keep the messages.",  # noqa: E501
    "A profile photo always shows who someone is.": "False",
    "Which is true?": "It is not her fault.",
}


@pytest.fixture
def module_with_check(transactional_db, tmp_path):
    curriculum_load(directory=FIXTURE_CURRICULUM)
    load_check(tmp_path)
    return ModulePage.objects.get(slug="test-8-10")


def accessible_at_both_widths(page, assert_accessible, context):
    for size, label in ((PHONE, "390 px"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"{context} at {label}")


def test_a_pupil_takes_the_check_before_and_after_and_the_teacher_sees_the_gains(
    page, assert_accessible, login_pupil, login_staff, school, module_with_check
):
    module = module_with_check
    teacher = factories.staff(school, StaffRole.TEACHER)
    kestrels = factories.TeachingGroupFactory(
        school=school, name="Kestrels", year_group=4, teachers=[teacher]
    )
    isla = factories.pupil(kestrels, "Isla")
    login_pupil(page, code=kestrels.code, name="Isla", pictures=isla.picture_password.split("-"))

    # Before: the module page invites Isla; she passes on every question and hands it in.
    page.goto(module.url)
    expect(page.get_by_role("heading", name="Before you start: what do you think?")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "module page with the before check")
    page.get_by_role("button", name="Start the check").click()
    expect(page.get_by_text("Question 1 of 5")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "a check question")
    for _number in range(5):
        page.get_by_role("link", name="Skip this question").click()
    accessible_at_both_widths(page, assert_accessible, "handing in the check")
    page.get_by_role("button", name="Hand in my check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for doing the check!")
    expect(page.locator("[data-check-message]")).to_contain_text("same check again at the end")
    expect(page.locator("main")).not_to_contain_text("%")
    accessible_at_both_widths(page, assert_accessible, "the before check's message")
    page.get_by_role("link", name="Back to the module").click()
    expect(page.get_by_role("button", name="Start the check")).to_have_count(0)

    # Isla finishes the lessons (through the completion service).
    complete_module(isla.pupil, module)

    # After: the same check, answered right this time.
    page.goto(module.url)
    expect(page.get_by_role("heading", name="You finished the lessons!")).to_be_visible()
    page.get_by_role("button", name="Do the check again").click()
    for number in range(1, 6):
        expect(page.get_by_text(f"Question {number} of 5")).to_be_visible()
        text = page.locator(".quiz-question__text").first.inner_text().strip()
        page.get_by_label(RIGHT[text], exact=True).check()
        page.get_by_role("button", name="Save and carry on").click()
    page.get_by_role("button", name="Hand in my check").click()
    message = page.locator("[data-check-message]")
    expect(message).to_contain_text("You know more about")
    expect(message).to_contain_text("people online and who to trust")
    expect(page.locator("main")).not_to_contain_text("%")
    accessible_at_both_widths(page, assert_accessible, "the after check's message")

    # The teacher sees the class's gains: one pupil did both, 0% → 100% on every strand.
    page.context.clear_cookies()
    login_staff(page, teacher.email, PASSWORD)
    page.get_by_role("link", name="Kestrels").click()
    page.get_by_role("link", name="Learning gains").click()
    expect(page.get_by_text("1 did the check before, 1 after; 1 did both.")).to_be_visible()
    strands = page.locator("[data-gains-strands]")
    row = strands.get_by_role("row", name="Online relationships")
    expect(row).to_contain_text("0%")
    expect(row).to_contain_text("100%")
    expect(row).to_contain_text("+100")
    expect(
        page.get_by_role("img", name="Bar chart: percent secure before and after")
    ).to_be_visible()  # noqa: E501
    accessible_at_both_widths(page, assert_accessible, "the class's learning gains")

    # The school admin sees the whole school's figures, and the way to each class's.
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    page.context.clear_cookies()
    login_staff(page, admin.email, PASSWORD)
    page.goto("/portal/school/gains/")
    expect(page.get_by_text("1 did the check before, 1 after; 1 did both.")).to_be_visible()
    expect(page.get_by_role("link", name="Kestrels")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "the school's learning gains")
