"""The demo's content team in the Wagtail admin: the editor changes a lesson and sees it in the
preview panel, submits it, the moderator approves it and the change is live on the lesson page.
People who may not use the admin get a clear page there instead."""

import shutil
import time

import pytest
from playwright.sync_api import expect
from wagtail.models import WorkflowState

from lessons.loader import curriculum_load
from lessons.models import LessonPage
from schools.demo import DEMO_PASSWORD, load_demo_school
from tests.e2e.conftest import AXE_JS, WCAG_TAGS
from tests.lessons.conftest import FIXTURE_CURRICULUM

DESKTOP = {"width": 1280, "height": 900}
EDITOR = "editor@oakfield.example"
MODERATOR = "moderator@oakfield.example"
NEW_INTRO = "Streamers choose what to show; you choose what to share back."


@pytest.fixture
def demo_lessons(transactional_db, tmp_path):
    directory = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_CURRICULUM, directory)
    curriculum_load(directory=directory)
    return load_demo_school()


def published_intro(lesson, seconds=10):
    """The live intro, once the approval has gone through (or after `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        lesson.refresh_from_db()
        if lesson.intro == NEW_INTRO or time.monotonic() > deadline:
            return lesson.intro
        time.sleep(0.2)


def open_editor(page, lesson):
    page.set_viewport_size(DESKTOP)
    page.goto(f"/admin/pages/{lesson.pk}/edit/")
    expect(page.locator("#id_intro")).to_be_visible()


def test_an_edit_is_previewed_submitted_approved_and_live(
    browser, live_server, page, login_staff, demo_lessons
):
    lesson = LessonPage.objects.get(slug="every-activity")
    assert NEW_INTRO not in lesson.intro

    login_staff(page, EDITOR, DEMO_PASSWORD)
    open_editor(page, lesson)
    page.locator("#id_intro").fill(NEW_INTRO)

    # The preview panel shows the edited lesson, framed from the site's own origin.
    previews = []
    page.on(
        "response",
        lambda r: (
            previews.append(r) if "/edit/preview/" in r.url and r.request.method == "GET" else None
        ),
    )
    page.get_by_role("button", name="Toggle preview").click()
    frame = page.frame_locator("#w-preview-iframe")
    expect(frame.get_by_text(NEW_INTRO)).to_be_visible(timeout=20_000)
    framed = previews[-1].all_headers()
    assert "frame-ancestors 'self'" in framed.get("content-security-policy", "")
    assert framed.get("x-frame-options", "SAMEORIGIN") == "SAMEORIGIN"

    # The editor may not publish: they submit the change for moderation.
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Moderators approval").click()
    # Checked in the database, not by the flash message: the preview panel's own requests
    # render the site's layout, which shows (and so uses up) messages, so the message may be
    # gone by the time the admin's next page loads.
    deadline = time.monotonic() + 15
    while not in_moderation(lesson) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert in_moderation(lesson)
    lesson.refresh_from_db()
    assert lesson.intro != NEW_INTRO  # not live yet

    # The moderator approves it from their dashboard.
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    moderator = context.new_page()
    moderator.set_default_timeout(15_000)
    try:
        login_staff(moderator, MODERATOR, DEMO_PASSWORD)
        open_editor(moderator, lesson)
        moderator.get_by_role("button", name="More actions").click()
        moderator.get_by_role("button", name="Approve and Publish", exact=True).click()
        expect(moderator.locator(".messages")).to_be_visible()
        assert published_intro(lesson) == NEW_INTRO

        # Live on the lesson page (a staff preview of the published lesson).
        response = moderator.goto(lesson.url)
        # Outside the preview panel nothing may frame a page.
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        expect(moderator.get_by_text(NEW_INTRO)).to_be_visible()
    finally:
        context.close()


def in_moderation(lesson) -> bool:
    return WorkflowState.objects.filter(
        object_id=str(lesson.pk), status=WorkflowState.STATUS_IN_PROGRESS
    ).exists()


def test_the_lesson_edit_form_passes_axe(page, login_staff, demo_lessons):
    lesson = LessonPage.objects.get(slug="every-activity")
    login_staff(page, EDITOR, DEMO_PASSWORD)
    open_editor(page, lesson)
    page.evaluate(AXE_JS.read_text())
    tabs = page.get_by_role("tab").all()
    assert len(tabs) >= 2
    for tab in tabs:  # the lesson's content, its plan, promote, settings
        tab.click()
        result = page.evaluate(
            """async (tags) => await axe.run(
                // Wagtail's own minimap (the outline beside the form) is a scrollable list that
                // is not focusable itself; its links are. It is Wagtail's, not ours to change.
                {exclude: [[".w-minimap__list"]]},
                {runOnly: {type: "tag", values: tags}})""",
            WCAG_TAGS,
        )
        problems = [(v["id"], [n["target"] for n in v["nodes"][:5]]) for v in result["violations"]]
        assert not problems, (tab.inner_text(), problems)


def test_a_teacher_at_admin_gets_a_clear_page_with_a_way_home(
    page, login_staff, assert_accessible, demo_lessons
):
    login_staff(page, "teacher@oakfield.example", DEMO_PASSWORD)
    response = page.goto("/admin/")
    assert response.status == 403
    expect(
        page.get_by_role("heading", name="The editing area isn't for your account")
    ).to_be_visible()
    for size in ({"width": 390, "height": 844}, DESKTOP):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"/admin/ for a teacher ({size['width']} wide)")
    page.get_by_role("link", name="Go to your home page").click()
    expect(page).not_to_have_url("**/admin/**")
    assert "/admin/" not in page.url
