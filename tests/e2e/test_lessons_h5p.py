"""A pupil plays an H5P activity inside a lesson, and it counts toward the lesson.

The lesson page is on the site (127.0.0.1); the activity runs in a sandboxed frame on the H5P
origin (localhost, same port). The score goes from the frame to the page by postMessage, from
the page to the site's xAPI endpoint, and from the h5p app to the lesson's progress by signal.
The frame can reach neither the lesson page's DOM nor the site's cookies.
"""

import re
import shutil
import time

import pytest
import yaml
from playwright.sync_api import expect

from h5p.demo import load_h5p_demo
from lessons.loader import block_id, curriculum_load
from lessons.models import ActivityResponse, LessonPage, LessonProgress, ProgressStatus
from tests.lessons.conftest import FIXTURE_CURRICULUM

from .conftest import AXE_JS

CHAT = "spot-the-signs-in-the-chat"
# Waits that include the frame's postMessage and the site's xAPI round trip (a busy CI box).
ROUND_TRIP_MS = 15_000
WARNINGS = ["more mature", "which school", "gift card", "different app", "don't tell your parents"]


def add_h5p_step(path):
    """ "Older lesson" (11–13): a true-or-false check, then the chat activity, then help."""
    data = yaml.safe_load(path.read_text())
    lesson = next(item for item in data["lessons"] if item["slug"] == "older-lesson")
    lesson.pop("quiz", None)
    step = {
        "title": "Spot the signs in Alex's chat",
        "blocks": [{"type": "h5p", "activity": CHAT, "title": "Chat in the stream"}],
    }
    lesson["steps"].insert(-1, step)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


@pytest.fixture
def h5p_lesson(h5p_origin, transactional_db, tmp_path) -> LessonPage:
    load_h5p_demo()
    directory = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_CURRICULUM, directory)
    add_h5p_step(directory / "ages-11-13.yaml")
    curriculum_load(directory=directory)
    return LessonPage.objects.get(slug="older-lesson")


@pytest.fixture
def pupil(page, login_pupil, older_pupil):
    group = older_pupil.pupil.teaching_groups.get()
    login_pupil(page, code=group.code, name="Quinn", password=older_pupil.password)
    return older_pupil.pupil


def h5p_frame(page, origin):
    page.frame_locator("iframe.h5p-activity__frame").get_by_role(
        "button", name="Check my answers"
    ).wait_for()
    frame = next((f for f in page.frames if f.url.startswith(origin)), None)
    assert frame is not None, "the H5P frame did not load from the H5P origin"
    return frame


def wait_for(query, timeout=ROUND_TRIP_MS / 1000):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = query()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("the lesson did not record the result in time")


def test_pupil_plays_an_h5p_activity_in_a_lesson_and_it_counts(
    page, assert_accessible, h5p_lesson, pupil, h5p_origin, live_server
):
    page.get_by_role("link", name="Start: Older lesson").click()
    page.get_by_role("button", name="Start the lesson").click()

    # Step 1: the lesson's own activity.
    page.get_by_role("group", name="Gifts can come with strings attached.").get_by_label(
        "True"
    ).check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("You got 1 of 1.")).to_be_visible()
    page.get_by_role("button", name="Next", exact=True).click()

    # Step 2: the H5P activity, played in its frame on the H5P origin.
    expect(page.get_by_role("heading", name="Spot the signs in Alex's chat")).to_be_visible()
    frame = h5p_frame(page, h5p_origin)
    assert frame.url.startswith(f"{h5p_origin}/h5p/play/")
    iframe = page.locator("iframe.h5p-activity__frame")
    expect(iframe).to_have_attribute("sandbox", "allow-scripts allow-same-origin")

    # The frame cannot read the lesson page's DOM...
    reach = frame.evaluate(
        """() => {
          const tries = {
            document: () => window.parent.document.title,
            top: () => window.top.document.body.innerHTML,
            location: () => window.parent.location.href,
          };
          return Object.fromEntries(Object.entries(tries).map(([name, read]) => {
            try { return [name, "read: " + read()]; } catch (e) { return [name, e.name]; }
          }));
        }"""
    )
    assert reach == {
        "document": "SecurityError",
        "top": "SecurityError",
        "location": "SecurityError",
    }
    # ...nor the site's cookies: it has none, and the browser sends none to its origin...
    assert frame.evaluate("document.cookie") == ""
    assert "sessionid" in {c["name"] for c in page.context.cookies(live_server.url)}
    assert page.context.cookies(h5p_origin) == []
    # ...nor fetch the pupil's pages from the site with them.
    fetched = frame.evaluate(
        """async (url) => {
          try { await fetch(url, {credentials: "include"}); return "fetched"; }
          catch (e) { return "blocked"; }
        }""",
        live_server.url + h5p_lesson.url,
    )
    assert fetched == "blocked"

    page.evaluate("window.__noReload = true")  # survives only if the page is not reloaded
    # Played with the keyboard: a mouse click can land beside its button while the frame grows
    # (each tap adds a "Warning sign" mark, and the page resizes the frame to fit).
    frame_locator = page.frame_locator("iframe.h5p-activity__frame")
    for text in WARNINGS:
        toggle = frame_locator.get_by_role("button", name=re.compile(text))
        toggle.press("Enter")
        expect(toggle).to_have_attribute("aria-pressed", "true")
    frame_locator.get_by_role("button", name="Check my answers").press("Enter")
    frame_locator.get_by_text("You got 5 out of 5.").wait_for(timeout=ROUND_TRIP_MS)

    # The lesson page hears that the site recorded it, without a reload.
    expect(page.get_by_role("status").filter(has_text="Your answer has been saved.")).to_be_visible(
        timeout=ROUND_TRIP_MS
    )
    expect(page.get_by_text("Done! You scored 5 out of 5.")).to_be_visible(timeout=ROUND_TRIP_MS)
    assert page.evaluate("window.__noReload === true"), "the page reloaded"

    # The lesson recorded it, as the answer to its H5P activity.
    activity_id = block_id("test-11-13", "older-lesson", "activity", CHAT)
    response = wait_for(
        lambda: ActivityResponse.objects.filter(
            pupil=pupil, lesson=h5p_lesson, activity_id=activity_id
        ).first()
    )
    assert response.activity_type == "h5p"
    assert (response.is_complete, response.correct, response.score) == (True, True, 1.0)
    progress = LessonProgress.objects.get(pupil=pupil, lesson=h5p_lesson)
    assert progress.status == ProgressStatus.IN_PROGRESS  # the last step is still to reach

    # axe answers for a cross-origin frame only if it runs inside that frame too.
    frame.evaluate(AXE_JS.read_text())
    assert_accessible(page, context="lesson step with an H5P activity")

    # Reaching the last step completes the lesson.
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_text("Well done! You have finished this lesson.")).to_be_visible()
    progress.refresh_from_db()
    assert progress.status == ProgressStatus.COMPLETED
    assert_accessible(page, context="last step, lesson complete")

    # Coming back to the step later shows it as done.
    page.goto(h5p_lesson.step_url(2))
    expect(page.get_by_text("Done! You scored 5 out of 5.")).to_be_visible()
