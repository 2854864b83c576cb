"""A teacher opens the work set for a class, opens a lesson's plan next to it, prints it and
downloads it; every plan of the module is one click away. An editor finds the plan in the lesson
editor's own tab. Every page passes axe on a phone and a desktop."""

import datetime
import re
import shutil

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from lessons.loader import curriculum_load
from lessons.models import LessonPage, ModulePage
from lessons.services import assignment_create
from schools.models import StaffRole
from tests import factories
from tests.lessons.conftest import FIXTURE_CURRICULUM
from tests.lessons.test_plan_loader import PLANS_FIXTURE

PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def planned_lessons(transactional_db, tmp_path):
    directory = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_CURRICULUM, directory)
    shutil.copytree(PLANS_FIXTURE, directory / "plans")
    curriculum_load(directory=directory)


def check_at_both_widths(page, assert_accessible, context):
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"{context} ({name})")


def test_a_teacher_opens_and_prints_a_lesson_plan_from_the_work_set(
    page, assert_accessible, login_staff, school, planned_lessons
):
    teacher = factories.staff(school, StaffRole.TEACHER)
    kestrels = factories.TeachingGroupFactory(
        school=school, name="Kestrels", year_group=4, teachers=[teacher]
    )
    factories.pupil(kestrels, "Isla")
    today = timezone.localdate()
    assignment_create(
        group=kestrels,
        module=ModulePage.objects.get(slug="test-8-10"),
        opens_on=today,
        due_on=today + datetime.timedelta(days=7),
        created_by=teacher,
    )

    login_staff(page, teacher.email, PASSWORD)
    page.get_by_role("link", name="Kestrels").click()
    page.get_by_role("link", name="Test module 8-10").first.click()
    plans = page.get_by_role("region", name="Lesson plans")
    expect(plans.get_by_role("link", name="Lesson plan: 1. Every activity")).to_be_visible()
    expect(plans.get_by_role("link", name="Lesson plan: 2. Two activities")).to_be_visible()
    check_at_both_widths(page, assert_accessible, "assignment page with its lesson plans")

    plans.get_by_role("link", name="Lesson plan: 1. Every activity").click()
    expect(page.get_by_role("heading", level=1, name="Lesson plan: Every activity")).to_be_visible()
    for heading in (
        "Learning objectives",
        "Education for a Connected World",
        "Timings",
        "Starter",
        "Discussion prompts",
        "Plenary",
        "Differentiation",
        "SEND and EAL",
        "If a child discloses during the lesson",
    ):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.get_by_text("The messages, never images")).to_be_visible()
    expect(page.get_by_role("link", name="raise a concern with your DSL")).to_be_visible()
    expect(page.get_by_role("button", name="Print this plan")).to_be_visible()
    check_at_both_widths(page, assert_accessible, "a lesson plan")

    # Printing: the page's own print styles hide the site's navigation and buttons.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print this plan")).to_be_hidden()
    expect(page.get_by_text("Who could Jas tell?")).to_be_visible()
    page.emulate_media(media="screen")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download as PDF").click()
    assert info.value.suggested_filename == "lesson-plan-every-activity.pdf"
    with open(info.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"

    page.get_by_role("link", name="All plans for this module").click()
    expect(page.get_by_role("heading", name="Lesson 1: Every activity")).to_be_visible()
    expect(page.get_by_role("heading", name="Lesson 2: Two activities")).to_be_visible()
    expect(page.get_by_role("button", name="Print all plans")).to_be_visible()
    check_at_both_widths(page, assert_accessible, "every plan of a module")


def required(label: str) -> re.Pattern:
    """A field's label as Wagtail shows it (required fields end with "*")."""
    return re.compile(rf"^{re.escape(label)}\*?$")


def test_the_lesson_editor_has_a_lesson_plan_tab(browser, live_server, planned_lessons):
    editor = factories.UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(editor)
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        lesson = LessonPage.objects.get(slug="every-activity")
        page.goto(f"/admin/pages/{lesson.pk}/edit/")
        page.get_by_role("tab", name="Lesson plan").click()
        panel = page.get_by_role("tabpanel", name="Lesson plan")
        for heading in (
            "Learning objectives",
            "Education for a Connected World statements",
            "Timings",
            "Discussion prompts",
        ):
            expect(panel.get_by_text(heading, exact=True).first).to_be_visible()
        # Every text part is a labelled field.
        for label in (
            "Starter",
            "Plenary",
            "Differentiation: support",
            "Differentiation: stretch",
            "SEND notes",
            "EAL notes",
        ):
            expect(panel.get_by_label(required(label))).to_be_visible()
        for label in ("Strand", "Statement", "Phase", "Minutes", "What happens"):
            expect(panel.get_by_label(required(label)).first).to_be_visible()
        expect(panel.get_by_label(required("Prompt (what you ask)")).first).to_have_value(
            "Who could Jas tell?"
        )
        starter = panel.get_by_label(required("Starter"))
        expect(starter).to_have_value("Ask the class what a trusted adult is.")
        expect(panel.get_by_label(required("EAL notes"))).to_have_value(
            "Pre-teach the words trusted adult, block and report."
        )
    finally:
        context.close()
