"""A teacher sets a module for a class; a pupil does part of it in the lesson player; the
teacher follows it in the progress grid (filtered without a reload), the pupil drill-down and
the charts, and downloads the grid and the answers. Every page passes axe."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from lessons.loader import curriculum_load
from lessons.models import Assignment, LessonProgress, ProgressStatus
from schools.models import StaffRole
from tests import factories
from tests.lessons.conftest import FIXTURE_CURRICULUM

PASSWORD = "correct-horse-battery"


@pytest.fixture
def lessons_loaded(transactional_db):
    curriculum_load(directory=FIXTURE_CURRICULUM)


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("load")


def download(page, link_name) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    path = info.value.path()
    with open(path, "rb") as handle:
        return handle.read()


def test_teacher_sets_work_and_follows_a_pupils_progress(
    page, assert_accessible, login_staff, login_pupil, school, lessons_loaded
):
    teacher = factories.staff(school, StaffRole.TEACHER)
    kestrels = factories.TeachingGroupFactory(
        school=school, name="Kestrels", year_group=4, teachers=[teacher]
    )
    isla = factories.pupil(kestrels, "Isla")
    factories.pupil(kestrels, "Jack")

    # The teacher sets the 8–10 module for the class.
    login_staff(page, teacher.email, PASSWORD)
    page.get_by_role("link", name="Kestrels").click()
    assert_accessible(page, context="class page, no work yet")
    page.get_by_role("link", name="Set work").click()
    page.get_by_label("Work to set").select_option(
        label="Test module 8-10 (whole module, 2 lessons)"
    )
    assert_accessible(page, context="set work form")
    page.get_by_role("button", name="Set work").click()
    expect(page.get_by_text("“Test module 8-10” is set for Kestrels")).to_be_visible()
    assert Assignment.objects.filter(teaching_group=kestrels).count() == 1
    assert_accessible(page, context="progress grid, nothing done")
    log_out(page)

    # The pupil sees it on "My lessons" and does the short lesson in the player.
    login_pupil(page, code=kestrels.code, name="Isla", pictures=isla.picture_password.split("-"))
    expect(page.get_by_role("heading", name="Work from your teacher")).to_be_visible()
    expect(page.get_by_text("0 of 2 lessons done")).to_be_visible()
    assert_accessible(page, context="my lessons with work set")
    page.get_by_role("link", name="Start: Two activities").first.click()
    page.get_by_role("button", name="Start the lesson").click()
    page.get_by_label("True", exact=True).check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("You got 1 of 1.")).to_be_visible()
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Turn over: Block").click()
    expect(page.get_by_text("Stops them contacting you.")).to_be_visible()
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_text("Well done! You have finished this lesson.")).to_be_visible()
    page.get_by_role("link", name="Back to my lessons").click()
    expect(page.get_by_text("1 of 2 lessons done")).to_be_visible()
    assert LessonProgress.objects.get(lesson__slug="two-activities").status == (
        ProgressStatus.COMPLETED
    )
    log_out(page)

    # The teacher sees it in the grid.
    login_staff(page, teacher.email, PASSWORD)
    page.get_by_role("link", name="Kestrels").click()
    page.get_by_role("link", name="Test module 8-10", exact=True).click()
    grid = page.locator("#progress-grid")
    isla_row = grid.get_by_role("row", name=re.compile("^Isla"))
    expect(isla_row.get_by_role("cell", name=re.compile("Completed"))).to_be_visible()
    expect(isla_row.get_by_role("cell", name="1 of 2")).to_be_visible()
    assert_accessible(page, context="progress grid with progress")

    # Filter without a reload (htmx swaps the grid in place).
    page.evaluate("window.__noReload = true")
    page.get_by_label("Show").select_option(label="Pupils with a lesson “Completed”")
    page.get_by_role("button", name="Show and refresh").click()
    expect(grid.get_by_role("row", name=re.compile("^Jack"))).to_have_count(0)
    expect(
        page.locator("#progress-grid").get_by_role("row", name=re.compile("^Isla"))
    ).to_be_visible()
    assert page.evaluate("window.__noReload === true"), "the page reloaded"
    assert "status=completed" in page.url
    assert_accessible(page, context="progress grid, filtered")

    # Downloads hold what the grid shows.
    grid_csv = download(page, "Progress grid (CSV)").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(grid_csv)))
    assert rows[0][:4] == [
        "Pupil",
        "Lessons completed",
        "1. Every activity",
        "1. Every activity: score (%)",
    ]
    assert rows[1][:2] == ["Isla", "1 of 2"] and rows[1][4] == "Completed" and len(rows) == 2
    workbook = load_workbook(io.BytesIO(download(page, "Progress grid (Excel)")), read_only=True)
    sheet_rows = list(workbook.active.iter_rows(values_only=True))
    assert sheet_rows[1][:2] == ("Isla", "1 of 2") and sheet_rows[1][4] == "Completed"
    answers_csv = download(page, "Answers and quiz attempts (CSV)").decode("utf-8-sig")
    assert "“Streams can be recorded.”: true (right)" in answers_csv
    answers_book = load_workbook(
        io.BytesIO(download(page, "Answers and quiz attempts (Excel)")), read_only=True
    )
    answer_rows = list(answers_book.active.iter_rows(values_only=True))
    assert {row[3] for row in answer_rows[1:]} == {"Check", "Cards"}

    # The drill-down: answers and what happened, in order.
    page.locator("#progress-grid").get_by_role("link", name="Isla", exact=True).click()
    expect(page.get_by_role("heading", name="Isla: Test module 8-10")).to_be_visible()
    expect(page.get_by_text("“Streams can be recorded.”: true (right)")).to_be_visible()
    expect(page.get_by_text("Completed lesson 2. Two activities")).to_be_visible()
    assert_accessible(page, context="pupil drill-down")

    # The charts, drawn by Chart.js, with the same numbers in tables.
    page.get_by_role("link", name="Test module 8-10", exact=True).click()
    page.get_by_role("link", name="Charts").click()
    expect(page.locator("canvas[data-chart='perLesson']")).to_be_visible()
    expect(page.locator("canvas[data-chart='overTime']")).to_be_visible()
    assert page.evaluate("typeof window.Chart === 'function'")
    per_lesson = page.get_by_role("table", name="Pupils per lesson")
    expect(
        per_lesson.get_by_role("row", name=re.compile("^2. Two activities 1 0 1"))
    ).to_be_visible()
    assert_accessible(page, context="charts")

    # Overdue overview: nothing is late yet.
    page.goto("/portal/overdue/")
    expect(page.get_by_text("Nothing is overdue.")).to_be_visible()
    assert_accessible(page, context="overdue work")
