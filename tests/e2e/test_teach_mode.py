"""Teach mode, as a Year 1 teacher uses it: the whole 4–7 lesson "Ask first" presented on the
class board with the keyboard only (arrows, Page Up/Down, Space, Home/End, N for the notes), a
class vote counted with + and −, the feedback revealed, then "Who was here?" ticked and sent,
and the grid showing "Done together in class". The board and the attendance step pass axe at
390 and 1280 px wide, and the board at 1920 × 1080."""

import datetime
import shutil

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lessons.loader import curriculum_load
from lessons.models import CompletionKind, LessonPage, LessonProgress, ModulePage
from lessons.services import assignment_create
from schools.models import StaffRole
from tests import factories

PASSWORD = "correct-horse-battery"
CURRICULUM = __import__("pathlib").Path(__file__).resolve().parents[2] / "lessons" / "curriculum"


@pytest.fixture
def young_curriculum(transactional_db, tmp_path):
    shutil.copy(CURRICULUM / "ages-4-7.yaml", tmp_path / "ages-4-7.yaml")
    curriculum_load(directory=tmp_path)


def focused_text(page) -> str:
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " const label = el.labels && el.labels.length ? el.labels[0].innerText : '';"
        " return (el.getAttribute('aria-label') || label || el.innerText || '').trim(); }"
    )


def tab_to(page, text: str, *, limit: int = 80):
    """Press Tab until the focused element's name starts with `text` (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_text(page).startswith(text):
            return
    raise AssertionError(f"Could not reach “{text}” with the Tab key")


def counter(page):
    return page.locator("#teach-counter")


def test_a_teacher_teaches_a_whole_4_to_7_lesson_with_the_keyboard(
    page, assert_accessible, login_staff, school, young_curriculum
):
    teacher = factories.staff(school, StaffRole.TEACHER)
    robins = factories.TeachingGroupFactory(
        school=school, name="Robins", year_group=1, teachers=[teacher]
    )
    ada, ben = (factories.pupil(robins, name).pupil for name in ("Ada", "Ben"))
    cal = factories.pupil(robins, "Cal").pupil
    module = ModulePage.objects.get(slug="ages-4-7")
    lesson = LessonPage.objects.get(slug="ask-first")
    today = timezone.localdate()
    work = assignment_create(
        group=robins,
        module=module,
        opens_on=today,
        due_on=today + datetime.timedelta(days=7),
        created_by=teacher,
    )
    last = lesson.last_step

    login_staff(page, teacher.email, PASSWORD)
    # From the lesson page, teach mode is offered first for 4–7 lessons.
    page.goto(lesson.url)
    page.get_by_role("link", name="Teach this lesson").click()
    expect(page.get_by_role("link", name="Teach Robins")).to_be_visible()
    assert_accessible(page, context="which class are you teaching?")
    # From the class's work in the portal.
    page.goto(f"/portal/classes/{robins.pk}/work/{work.pk}/")
    assert_accessible(page, context="progress grid with teach in class")
    expect(page.get_by_role("heading", name="Teach in class")).to_be_visible()
    page.get_by_role("link", name="Teach 1. Ask first").click()

    # The board, on a classroom screen.
    page.set_viewport_size({"width": 1920, "height": 1080})
    expect(counter(page)).to_have_text(f"Introduction (step 0 of {last})")
    expect(page.get_by_role("heading", name="Our ground rules")).to_be_visible()
    assert_accessible(page, context="teach mode board, 1920 × 1080")
    for name in ("Ada", "Ben", "Cal"):
        expect(page.get_by_text(name, exact=True)).to_have_count(0)

    # Teacher notes: hidden from the class until the teacher presses N.
    notes = page.get_by_role("heading", name="Teacher notes (not for the class)")
    expect(notes).to_be_hidden()
    page.keyboard.press("n")
    expect(notes).to_be_visible()
    page.keyboard.press("n")
    expect(notes).to_be_hidden()

    # Step 1 with the arrow key; the step's heading takes the focus.
    page.keyboard.press("ArrowRight")
    expect(counter(page)).to_have_text(f"Step 1 of {last}")
    expect(page.get_by_role("heading", name="Meet Milo", level=1)).to_be_focused()
    # Back with Page Up (a presenter clicker), forward with Page Down and Space.
    page.keyboard.press("PageUp")
    expect(counter(page)).to_have_text(f"Introduction (step 0 of {last})")
    page.keyboard.press("PageDown")
    page.keyboard.press(" ")
    expect(counter(page)).to_have_text(f"Step 2 of {last}")
    step = page.locator("#teach-step-2")
    expect(step.get_by_text("What should Milo do?")).to_be_visible()

    # The class vote: show the choices, count hands, show the feedback.
    tab_to(page, "Show the choices")
    page.keyboard.press("Enter")
    first_vote = step.locator("[data-vote]").first
    expect(first_vote.get_by_text("Go to the kitchen and ask Grandad first.")).to_be_visible()
    assert focused_text(page).startswith("One more hand for “Hide the tablet")
    page.keyboard.press("Enter")  # 1 hand for "Hide the tablet"
    tab_to(page, "One more hand for “Go to the kitchen")
    for _ in range(3):
        page.keyboard.press("Space")
    page.keyboard.press("Shift+Tab")  # back to "One fewer hand" (the count is not a stop)
    assert focused_text(page).startswith("One fewer hand for “Go to the kitchen")
    page.keyboard.press("Enter")
    counts = first_vote.locator("[data-vote-count]")
    expect(counts).to_have_text(["1", "2", "0"])
    tab_to(page, "Show the feedback")
    page.keyboard.press("Enter")
    expect(first_vote.get_by_text("The choice we hope for")).to_be_visible()
    expect(
        first_vote.get_by_text("Yes! Asking first is a great idea.", exact=False)
    ).to_be_visible()
    assert_accessible(page, context="teach mode board after a class vote, 1920 × 1080")

    # On to the end, a step at a time with the arrow key; then End and Home.
    for number in range(3, last + 1):
        page.keyboard.press("ArrowRight")
        expect(counter(page)).to_have_text(f"Step {number} of {last}")
    page.keyboard.press("Home")
    expect(counter(page)).to_have_text(f"Introduction (step 0 of {last})")
    page.keyboard.press("End")
    expect(counter(page)).to_have_text(f"Step {last} of {last}")
    talk = page.locator(".teach-talk")
    expect(talk).to_contain_text("Talk to someone.")
    expect(talk).to_contain_text("0800 1111")
    expect(page.get_by_role("button", name="Talk to someone")).to_have_count(0)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, context=f"teach mode board, last step, {width} px")

    # The teacher's own last screen: who was here.
    tab_to(page, "Finish: who was here?")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Who was here?")).to_be_visible()
    expect(page.get_by_text("For the teacher:", exact=False)).to_be_visible()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, context=f"who was here, {width} px")
    tab_to(page, "Ada")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused_text(page).startswith("Ben")
    page.keyboard.press("Space")
    expect(page.get_by_label("Ada")).to_be_checked()
    expect(page.get_by_label("Ben")).to_be_checked()
    expect(page.get_by_label("Cal")).not_to_be_checked()
    tab_to(page, "Record the lesson")
    page.keyboard.press("Enter")

    # Back on the grid: the two pupils who were here have it done together in class.
    expect(page.get_by_text("is recorded as done together in class for 2 pupils")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Ada"))
    expect(row.get_by_role("cell", name="Done together in class")).to_have_count(1)
    expect(
        page.get_by_role("row").filter(has=page.get_by_role("link", name="Cal"))
    ).not_to_contain_text("Done together in class")
    assert_accessible(page, context="progress grid with lessons done together in class")
    kinds = dict(
        LessonProgress.objects.filter(lesson=lesson).values_list("pupil_id", "completion_kind")
    )
    assert kinds == {ada.pk: CompletionKind.IN_CLASS, ben.pk: CompletionKind.IN_CLASS}
    assert cal.pk not in kinds
