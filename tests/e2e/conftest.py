"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Every page a test lands on should be checked with `assert_accessible(page)` (axe-core, WCAG 2.2
A/AA). Content Security Policy violations fail the test that caused them. In CI a missing
browser is a failure, never a skip.
"""

import contextlib
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to set
# up data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The site is served on 127.0.0.1; "localhost" on the same port is the separate H5P origin.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("STREAMWISE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
H5P_MIDDLEWARE = "h5p.middleware.H5POriginMiddleware"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Records CSP violations in the page so a test can fail on them.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: browser tests must run in CI.")
        pytest.skip(f"Chromium not found at {CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def h5p_origin(live_server, settings):
    """Serve H5P from its own origin, as a real deployment does.

    The site is on 127.0.0.1 and H5P on "localhost", on the same live-server port, and the
    site's CSP lets it frame that origin. Two origins (two hosts, so no shared cookies): the
    sandboxed frame can reach neither the lesson page's DOM nor the site's cookies.
    """
    port = urlsplit(live_server.url).port
    origin = f"http://localhost:{port}"
    settings.STREAMWISE_H5P_ORIGIN = origin
    settings.STREAMWISE_SITE_URL = live_server.url
    settings.SECURE_CSP = {**settings.SECURE_CSP, "frame-src": [origin]}
    if H5P_MIDDLEWARE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(
            middleware.index("django.contrib.sessions.middleware.SessionMiddleware"),
            H5P_MIDDLEWARE,
        )
        settings.MIDDLEWARE = middleware
    return origin


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    violations = []
    with contextlib.suppress(Exception):  # the page may have closed
        violations = page.evaluate("window.__cspViolations || []")
    context.close()
    assert not violations, f"Content Security Policy violations: {violations}"


def _axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail("node_modules/axe-core is missing: run `make install`.")
    return AXE_JS.read_text()


@pytest.fixture
def assert_accessible():
    """Scan the current page with axe-core and fail on any WCAG 2.2 A/AA violation."""
    source = _axe_source()

    def check(page, *, context: str = ""):
        page.wait_for_load_state("load")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(source)
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            WCAG_TAGS,
        )
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
            for v in result["violations"]
        ]
        where = context or page.url
        assert not problems, f"Accessibility violations on {where}:\n" + "\n".join(problems)

    return check


def totp_now(secret: str) -> str:
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    # A code typed in the last seconds of its window may reach the server after the window has
    # turned (the server accepts the current window only): wait for the next one instead.
    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 5:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


@pytest.fixture
def login_staff():
    def login(page, email: str, password: str, totp_secret: str | None = None):
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.locator("form").get_by_role("button", name="Sign In").click()
        if totp_secret:
            page.wait_for_url("**/2fa/authenticate/**")
            page.get_by_label("Code").fill(totp_now(totp_secret))
            page.locator("form").get_by_role("button", name="Sign In").click()
        page.wait_for_load_state("load")

    return login


@pytest.fixture
def login_pupil():
    def login(page, *, code: str, name: str, pictures=None, password=None):
        page.goto("/login/pupil/")
        page.get_by_label("Your class code").fill(code)
        page.get_by_role("button", name="Next").click()
        page.get_by_role("button", name=name, exact=True).click()
        if pictures:
            for picture in pictures:
                page.get_by_role("button", name=picture.capitalize(), exact=True).click()
        else:
            page.get_by_label("Your password").fill(password)
            page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/learn/")

    return login


# --- A real mail server and the real task worker, for the safeguarding stories -----------------


@pytest.fixture
def sink():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it is sent."""
    from tests.safeguarding.realmail import SMTPSink

    server = SMTPSink()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker(sink, tmp_path, transactional_db):
    """The real task worker (`db_worker` processes) sending through `sink`."""
    from tests.safeguarding.realmail import Workers

    pool = Workers(tmp_path)
    pool.start(smtp_port=sink.port)
    yield pool
    pool.stop_all()
