"""Staff training in the browser: a teacher takes a staff course (trying a scenario), passes
its quiz, downloads the certificate (its text read back from the PDF) and confirms they have read
KCSIE Part one; a school admin sets the Part one version, sees the school's compliance, filters
it and downloads it. Every page passes axe on a phone and a desktop."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from schools.models import StaffRole
from tests import factories
from tests.training.conftest import right_answers
from training.loader import courses_load
from training.models import CourseCompletion, PartOneSignoff, StaffCoursePage

PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def staff_courses(transactional_db):
    courses_load()


def check_at_both_widths(page, assert_accessible, context):
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"{context} ({name})")
    page.set_viewport_size(DESKTOP)


def test_a_teacher_passes_a_course_downloads_the_certificate_and_signs_part_one(
    page, assert_accessible, login_staff, school, staff_courses
):
    from training.services import settings_update

    settings_update(
        school=school, renewal_months=12, part_one_version="September 2025", part_one_due_on=None
    )
    teacher = factories.staff(school, StaffRole.TEACHER, first_name="Priya", last_name="Shah")
    login_staff(page, teacher.email, PASSWORD)
    check_at_both_widths(page, assert_accessible, "the staff home with the Part one prompt")

    page.get_by_role("link", name="Staff training").first.click()
    check_at_both_widths(page, assert_accessible, "staff training home")
    page.get_by_role(
        "link", name="When a child tells you: receiving and recording a disclosure"
    ).click()
    expect(page.get_by_role("link", name="Raise a concern")).to_be_visible()
    check_at_both_widths(page, assert_accessible, "a staff course")

    # A scenario: the promise of secrecy, answered kindly and honestly.
    scenario = page.locator("section.activity--what_would_you_do").first
    scenario.get_by_label("I can't promise that", exact=False).check()
    scenario.get_by_role("button", name="Choose").click()
    expect(
        page.get_by_text("Honest from the start, and you have kept the door open.")
    ).to_be_visible()
    check_at_both_widths(page, assert_accessible, "a staff course, after a choice")

    page.get_by_role("link", name="Take the quiz").click()
    check_at_both_widths(page, assert_accessible, "the quiz")
    course = StaffCoursePage.objects.get(slug="receiving-a-disclosure")
    # First try: one wrong answer (80% is the pass mark, 4 of 5 is 80%, so two wrong).
    answers = right_answers(course)
    for number, index in answers.items():
        page.locator(f"#q{number.removeprefix('question-')}-{index}").check()
    wrong = [i for i in range(3) if str(i) != answers["question-1"]][0]
    page.locator(f"#q1-{wrong}").check()
    wrong = [i for i in range(3) if str(i) != answers["question-2"]][0]
    page.locator(f"#q2-{wrong}").check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("You scored 60%. The pass mark is 80%.")).to_be_visible()
    check_at_both_widths(page, assert_accessible, "a quiz not passed, with feedback")
    assert not CourseCompletion.objects.exists()

    page.locator(f"#q1-{answers['question-1']}").check()
    page.locator(f"#q2-{answers['question-2']}").check()
    page.get_by_role("button", name="Check my answers again").click()
    expect(page.get_by_text("You passed with 100%.")).to_be_visible()
    check_at_both_widths(page, assert_accessible, "a quiz passed")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    reader = PdfReader(Path(download.value.path()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    completion = CourseCompletion.objects.get(user=teacher)
    assert "Priya Shah" in text
    assert "When a child tells you: receiving and recording a disclosure" in text
    assert f"Passed on {completion.passed_on.strftime('%-d %B %Y')}" in text
    assert f"Valid until {completion.expires_on.strftime('%-d %B %Y')}" in text

    page.goto("/portal/")
    sign = page.get_by_role(
        "button", name="I have read Keeping Children Safe in Education Part one (September 2025)"
    )
    sign.click()
    expect(page.get_by_text("You have confirmed that you have read Part one")).to_be_visible()
    check_at_both_widths(page, assert_accessible, "after signing Part one")
    assert PartOneSignoff.objects.filter(user=teacher, version="September 2025").exists()
    page.goto("/portal/")
    expect(page.get_by_role("button", name="I have read", exact=False)).to_have_count(0)


def test_a_school_admin_sees_compliance_filters_and_exports_it(
    page, assert_accessible, login_staff, school, staff_courses
):
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN, first_name="Ada", last_name="Admin")
    done = factories.staff(school, StaffRole.TEACHER, first_name="Dev", last_name="Done")
    factories.staff(school, StaffRole.TEACHER, first_name="Nia", last_name="Notyet")
    from training.services import quiz_submit

    course = StaffCoursePage.objects.get(slug="filtering-and-monitoring")
    quiz_submit(user=done, school=school, course=course, data=right_answers(course))

    login_staff(page, admin.email, PASSWORD)
    page.goto("/training/")
    page.get_by_role("link", name="Your school's staff training").click()
    check_at_both_widths(page, assert_accessible, "the school's training table")

    page.get_by_role("link", name="Training settings").click()
    check_at_both_widths(page, assert_accessible, "training settings")
    page.get_by_label("Keeping Children Safe in Education version").fill("September 2025")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Training settings saved.")).to_be_visible()

    page.get_by_role("link", name="Assign a course").click()
    check_at_both_widths(page, assert_accessible, "assign a course")
    page.get_by_label("Course").select_option(label=course.title)
    page.get_by_label("Who must take it").select_option(label="Teachers")
    page.get_by_label("Due by").fill("2099-09-30")
    page.get_by_role("button", name="Assign the course").click()
    expect(page.get_by_text("is set for teachers, due by 30 September 2099")).to_be_visible()

    summary = page.locator("table.training-summary")
    row = summary.get_by_role("row", name=course.title)
    expect(row.get_by_role("cell")).to_have_text(["2", "1", "1", "0"])
    part_one = summary.get_by_role("row", name="KCSIE Part one (September 2025)")
    expect(part_one.get_by_role("cell")).to_have_text(["3", "0", "3", "0"])

    page.get_by_label("Status").select_option(label="Done")
    page.get_by_label("Course", exact=True).select_option(label=course.title)
    page.get_by_role("button", name="Filter").click()
    table = page.locator("table.training-table")
    expect(table.get_by_role("row", name="Dev Done")).to_have_count(1)
    expect(table.get_by_role("row", name="Nia Notyet")).to_have_count(0)
    check_at_both_widths(page, assert_accessible, "the training table, filtered")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["Dev Done"]
    assert "Done" in rows[1]
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
