"""A pupil plays H5P activities embedded from the separate H5P origin, and results are recorded.

The site runs on 127.0.0.1 and the H5P origin on localhost, on the same live-server port: two
origins, so the sandboxed frame cannot reach the page's DOM or the site's cookies.
"""

import re
import time

import pytest

from h5p.demo import load_h5p_demo
from h5p.models import XAPIStatement

from .conftest import AXE_JS


@pytest.fixture
def h5p_origin(h5p_origin, settings):
    """The H5P origin (tests/e2e/conftest.py), plus a bare test page that embeds an activity."""
    settings.ROOT_URLCONF = "tests.h5p.e2e_urls"
    return h5p_origin


@pytest.fixture
def activities(h5p_origin, transactional_db):
    return load_h5p_demo()


@pytest.fixture
def pupil(page, login_pupil, older_pupil):
    group = older_pupil.pupil.teaching_groups.get()
    login_pupil(page, code=group.code, name="Quinn", password=older_pupil.password)
    return older_pupil.pupil.user


def wait_for_statements(count, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if XAPIStatement.objects.count() >= count:
            return list(XAPIStatement.objects.order_by("pk"))
        time.sleep(0.1)
    raise AssertionError(f"expected {count} statements, got {XAPIStatement.objects.count()}")


def h5p_frame(page, origin):
    page.wait_for_selector("iframe.h5p-activity__frame")
    for _ in range(100):
        frame = next((f for f in page.frames if f.url.startswith(origin)), None)
        if frame is not None:
            return frame
        time.sleep(0.05)
    raise AssertionError("the H5P frame did not load")


def check_accessible(page, frame, assert_accessible):
    # axe answers for a cross-origin frame only if it runs inside that frame too.
    frame.evaluate(AXE_JS.read_text())
    assert_accessible(page)


def test_pupil_spots_the_signs_and_the_score_is_recorded(
    page, assert_accessible, activities, pupil, h5p_origin
):
    content = activities["spot-the-signs-in-the-chat"]
    page.goto(f"/h5p-e2e/{content.key}/")
    frame_locator = page.frame_locator("iframe.h5p-activity__frame")
    warnings = [
        "more mature",
        "which school",
        "gift card",
        "different app",
        "don't tell your parents",
    ]
    for text in warnings:
        frame_locator.get_by_role("button", name=re.compile(text)).click()
    frame_locator.get_by_role("button", name="Check my answers").click()
    frame_locator.get_by_text("You got 5 out of 5.").wait_for()

    statements = wait_for_statements(2)
    assert [s.verb for s in statements] == ["answered", "completed"]
    for statement in statements:
        assert statement.user == pupil
        assert statement.content == content
        assert (statement.raw, statement.max, statement.scaled) == (5, 5, 1.0)
        assert statement.completed and statement.passed and not statement.clamped
        assert statement.context_id == "e2e:lesson"
    page.get_by_role("status").filter(has_text="Your answer has been saved.").wait_for()

    frame = h5p_frame(page, h5p_origin)
    assert frame.evaluate("window.__cspViolations || []") == []
    check_accessible(page, frame, assert_accessible)


def test_pupil_plays_what_would_you_do(page, activities, pupil, h5p_origin):
    content = activities["mayas-live-stream"]
    page.goto(f"/h5p-e2e/{content.key}/")
    frame = page.frame_locator("iframe.h5p-activity__frame")
    frame.get_by_role("button", name="Start").click()
    frame.get_by_role("button", name=re.compile("no thanks")).click()
    frame.get_by_text("Good choice").wait_for()
    frame.get_by_role("button", name="Continue").click()
    frame.get_by_role("button", name=re.compile("Not share her number")).click()
    frame.get_by_role("button", name="Continue").click()
    frame.get_by_role("button", name=re.compile("Make her stream public")).click()
    frame.get_by_text("Think again").wait_for()
    frame.get_by_role("button", name="See how you did").click()
    frame.get_by_text("You made 2 safe choices out of 3.").wait_for()

    statements = wait_for_statements(2)
    assert {(s.verb, s.raw, s.max, s.completed, s.passed) for s in statements} == {
        ("answered", 2, 3, True, False),
        ("completed", 2, 3, True, False),
    }


def test_the_frame_cannot_reach_the_page_or_the_sites_cookies(
    page, activities, pupil, h5p_origin, live_server
):
    content = activities["spot-the-signs-in-the-chat"]
    page.goto(f"/h5p-e2e/{content.key}/")
    frame = h5p_frame(page, h5p_origin)
    page.frame_locator("iframe.h5p-activity__frame").get_by_role(
        "button", name="Check my answers"
    ).wait_for()

    # The page's DOM is out of reach...
    reach = frame.evaluate(
        """() => {
          try { return window.parent.document.title; } catch (e) { return "blocked: " + e.name; }
        }"""
    )
    assert reach == "blocked: SecurityError"
    # ...so are the site's cookies: the frame has none, the browser sends none to its origin.
    assert frame.evaluate("document.cookie") == ""
    site_cookies = {c["name"] for c in page.context.cookies(live_server.url)}
    assert "sessionid" in site_cookies
    assert page.context.cookies(h5p_origin) == []
    # ...and it cannot even ask the site for a page.
    fetched = frame.evaluate(
        """async (url) => {
          try { await fetch(url, {credentials: "include"}); return "fetched"; }
          catch (e) { return "blocked"; }
        }""",
        live_server.url + "/learn/",
    )
    assert fetched == "blocked"


def test_messages_from_elsewhere_are_ignored(page, activities, pupil, h5p_origin):
    """A statement posted by the page itself (not the H5P frame) is never recorded."""
    content = activities["spot-the-signs-in-the-chat"]
    page.goto(f"/h5p-e2e/{content.key}/")
    h5p_frame(page, h5p_origin)
    page.evaluate(
        """() => window.postMessage({type: "streamwise:h5p:xapi", statement: {
          verb: {id: "http://adlnet.gov/expapi/verbs/completed"},
          result: {score: {raw: 5, max: 5}, completion: true, success: true}}}, "*")"""
    )
    time.sleep(1)
    assert not XAPIStatement.objects.exists()
