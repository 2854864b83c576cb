"""A demo-like school's DSL opens the evidence page from the staff menu, prints it, downloads the
PDF (its text read back: every section, no pupil name, no concern words) and records the yearly
online-safety review. Every page passes axe at phone (390 px) and desktop widths."""

from __future__ import annotations

import datetime
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from lessons.demo import assign_demo_modules
from lessons.loader import curriculum_load
from schools.demo import CLASSES, DEMO_SCHOOL
from schools.models import StaffRole
from teacher_portal.evidence_demo import load_evidence_demo
from tests import factories
from tests.lessons.check_helpers import load_check
from tests.lessons.conftest import FIXTURE_CURRICULUM

PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PUPIL_NAMES = [name for _class, _year, names in CLASSES for name in names]


@pytest.fixture
def demo_school(transactional_db, tmp_path):
    """A school made like the demo (its staff, classes and pupils) with the test curriculum:
    its classes taught, checks taken, concerns and a review, by the demo's own loaders.

    (`seed_demo` itself also sets up the Wagtail editors' groups, which need the root page a
    transactional test's flush has removed; the school and the evidence are what matter here.)
    """
    school = factories.SchoolFactory(name=DEMO_SCHOOL, slug="oakfield")
    teacher = factories.staff(school, StaffRole.TEACHER, first_name="Tom")
    dsl = factories.staff(school, StaffRole.DSL, StaffRole.TEACHER, first_name="Dana")
    TOTP.activate(dsl, TOTP_SECRET)
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN, first_name="Ada")
    for name, year_group, pupils in CLASSES:
        group = factories.TeachingGroupFactory(
            school=school, name=name, year_group=year_group, teachers=[teacher, dsl]
        )
        for pupil in pupils:
            factories.pupil(group, pupil)
    curriculum_load(directory=FIXTURE_CURRICULUM)
    load_check(tmp_path)
    assign_demo_modules(school)
    activity = load_evidence_demo(school)
    assert activity.concerns and activity.checks_taken and activity.lessons_completed
    return {"school": school, "dsl": dsl, "admin": admin}


def at_both_widths(page, assert_accessible, context):
    for size, label in ((PHONE, "390 px"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"{context} at {label}")


def names_in(text: str) -> list[str]:
    return [name for name in PUPIL_NAMES if re.search(rf"\b{re.escape(name)}\b", text)]


def test_the_dsl_opens_prints_and_downloads_the_evidence_and_records_the_review(
    page, assert_accessible, login_staff, demo_school
):
    login_staff(page, demo_school["dsl"].email, PASSWORD, totp_secret=TOTP_SECRET)
    page.goto("/portal/")
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Evidence").click()
    heading = "Online-safety evidence: Oakfield All-Through School"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    for section in (
        "What each year group has been taught",
        "Completion of the work set",
        "Understanding, strand by strand",
        "Learning gains",
        "Staff training",
        "Safeguarding activity",
        "Yearly online-safety reviews",
    ):
        expect(page.get_by_role("heading", name=section, exact=True)).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("5 concerns raised this school year")
    expect(page.locator('[data-evidence="gains"]')).to_be_visible()
    expect(page.locator('[data-evidence="taught"]').first).to_contain_text("Kestrels (Year 4)")
    expect(main).to_contain_text("Mrs J. Adeyemi")
    assert names_in(main.inner_text()) == []
    assert "Demo concern" not in main.inner_text()
    at_both_widths(page, assert_accessible, "the evidence page")

    # Printing leaves the buttons and menus off the paper.
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Download PDF")).to_be_hidden()
    expect(page.get_by_role("heading", name="Safeguarding activity")).to_be_visible()
    page.emulate_media(media="screen")

    # Making the PDF takes a few seconds on a busy machine.
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("link", name="Download PDF").click()
    assert info.value.suggested_filename.startswith("oakfield-all-through-school-online-safety")
    reader = PdfReader(info.value.path())
    text = "\n".join(p.extract_text() for p in reader.pages)
    for words in ("What each year group has been taught", "Learning gains", "Police", "Adeyemi"):
        assert words in text
    assert names_in(text) == []
    assert "Demo concern" not in text and "Demo referral" not in text

    page.get_by_role("link", name="Record this year's online-safety review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record the yearly online-safety review"
    )
    at_both_widths(page, assert_accessible, "the review form")
    page.get_by_label("Governor").fill("Mr K. Osei")
    page.get_by_label("What changed").fill("Filtering now covers the new tablets.")
    page.get_by_label("Actions").fill("Review again next September.")
    # A date still to come is refused kindly, keeping what was typed.
    page.get_by_label("Date of the review").fill("2099-01-01")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text("The review has to have happened")).to_be_visible()
    expect(page.get_by_label("Governor")).to_have_value("Mr K. Osei")
    at_both_widths(page, assert_accessible, "the review form with an error")
    held = timezone.localdate() - datetime.timedelta(days=30)
    page.get_by_label("Date of the review").fill(held.isoformat())
    page.get_by_role("button", name="Record the review").click()
    expect(
        page.get_by_text("The online-safety review is recorded with the evidence.")
    ).to_be_visible()
    # Newest review first: the demo's, a week ago, then this one, held a month ago.
    recorded = page.locator('[data-evidence="review"]').filter(has_text="Mr K. Osei")
    expect(recorded).to_contain_text(f"Review of {held.day} {held:%B %Y}")
    expect(page.locator('[data-evidence="review"]')).to_have_count(2)


def test_the_school_admin_reads_the_evidence_but_records_no_review(
    page, assert_accessible, login_staff, demo_school
):
    login_staff(page, demo_school["admin"].email, PASSWORD)
    page.goto("/portal/evidence/")
    expect(page.get_by_role("heading", name="Safeguarding activity")).to_be_visible()
    expect(page.get_by_role("link", name="Record this year's online-safety review")).to_have_count(
        0
    )
    at_both_widths(page, assert_accessible, "the evidence page, for a school admin")
