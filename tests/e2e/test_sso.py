"""Staff single sign-on, end to end: Chromium, the site, and a real OpenID Connect provider
(django-oauth-toolkit, tests/sso_provider) in its own process with two organisations."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from schools.models import SchoolSignIn, SignInKind, StaffRole
from tests import factories
from tests.e2e.conftest import totp_now

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "streamwise-test"
CLIENT_SECRET = "test-client-secret-0123456789"
PROVIDER_ID = "school-idp"
PROVIDER_NAME = "School Sign-in"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def idp(live_server, settings, tmp_path):
    """Start the provider, and register it on the site as an OpenID Connect provider."""
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "IDP_DATABASE": str(tmp_path / "idp.sqlite3"),
        "IDP_CLIENT_ID": CLIENT_ID,
        "IDP_CLIENT_SECRET": CLIENT_SECRET,
        "IDP_REDIRECT_URI": f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = open(tmp_path / "idp.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.sso_provider.serve", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{origin}/o/.well-known/openid-configuration", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("The test identity provider did not start:\n" + _read(tmp_path))
            time.sleep(0.2)
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": PROVIDER_NAME,
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": f"{origin}/o"},
                }
            ]
        }
    }
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], origin],
    }
    yield origin
    process.terminate()
    process.wait(timeout=10)
    log.close()


def _read(tmp_path) -> str:
    return (tmp_path / "idp.log").read_text()[-3000:]


@pytest.fixture
def school_a(idp):
    school = factories.SchoolFactory(name="Oak Primary", slug="oak")
    SchoolSignIn.objects.create(
        school=school,
        provider=PROVIDER_ID,
        kind=SignInKind.OPENID_CONNECT,
        issuer=f"{idp}/o",
        tenant_claim="tid",
        tenant="tenant-a",
    )
    return school


def sign_in_with_provider(page, username, *, code=""):
    page.goto("/accounts/login/")
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}", exact=True).click()
    expect(page.get_by_role("heading", name="Test school sign-in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(username[::-1])
    if code:
        page.get_by_label("One-time code (optional)").fill(code)
    page.get_by_role("button", name="Sign in to the provider").click()
    page.wait_for_load_state("load")


def test_existing_teacher_signs_in_and_lands_in_the_portal(page, assert_accessible, school_a):
    group = factories.TeachingGroupFactory(school=school_a, name="Kestrels")
    teacher = factories.staff(school_a, StaffRole.TEACHER, email="Teacher@School-A.example")
    group.teachers.add(teacher)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/accounts/login/")
        expect(page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}")).to_be_visible()
        assert_accessible(page, context=f"staff login with SSO at {width}")
    sign_in_with_provider(page, "teacher-a")
    page.wait_for_url("**/portal/")
    expect(page.get_by_role("link", name="Kestrels")).to_be_visible()
    assert teacher.socialaccount_set.get().provider == PROVIDER_ID


def test_unknown_user_is_refused_kindly(page, assert_accessible, school_a):
    factories.staff(school_a, StaffRole.TEACHER, email="teacher@school-a.example")
    sign_in_with_provider(page, "stranger-a")
    expect(page.get_by_role("heading", name="You couldn't be signed in")).to_be_visible()
    expect(
        page.get_by_text(
            f"This {PROVIDER_NAME} account isn't linked to a Streamwise account at your school. "
            "Ask your school's Streamwise admin."
        )
    ).to_be_visible()
    assert_accessible(page, context="SSO refused")
    assert page.goto("/portal/").url.split("?")[0].endswith("/accounts/login/")


def test_user_of_another_tenant_is_refused_even_with_a_matching_email(page, school_a):
    teacher = factories.staff(school_a, StaffRole.TEACHER, email="teacher@school-a.example")
    sign_in_with_provider(page, "teacher-b")
    expect(page.get_by_text("belongs to an organisation that no school")).to_be_visible()
    assert not teacher.socialaccount_set.exists()
    # Another school that links tenant B does not make school A's account reachable either.
    other = factories.SchoolFactory(name="Ash Academy", slug="ash")
    SchoolSignIn.objects.create(
        school=other,
        provider=PROVIDER_ID,
        kind=SignInKind.OPENID_CONNECT,
        issuer=school_a.sign_in_links.get().issuer,
        tenant_claim="tid",
        tenant="tenant-b",
    )
    page.context.clear_cookies()
    sign_in_with_provider(page, "teacher-b")
    expect(page.get_by_text("isn't linked to a Streamwise account at your school")).to_be_visible()
    assert not teacher.socialaccount_set.exists()


def test_unverified_email_is_refused(page, school_a):
    factories.staff(school_a, StaffRole.TEACHER, email="teacher@school-a.example")
    sign_in_with_provider(page, "unverified-a")
    expect(page.get_by_text("didn't confirm this account's email address")).to_be_visible()


def _dsl(school):
    from allauth.mfa.totp.internal.auth import TOTP

    dsl = factories.staff(school, StaffRole.DSL, email="dsl@school-a.example")
    TOTP.activate(dsl, TOTP_SECRET)
    return dsl


def test_dsl_is_still_asked_for_the_second_step(page, assert_accessible, school_a):
    _dsl(school_a)
    # Even when the provider checked a second factor: the school has not chosen to trust it.
    sign_in_with_provider(page, "dsl-a", code="246810")
    page.wait_for_url("**/2fa/authenticate/**")
    assert_accessible(page, context="second step after SSO")
    page.get_by_label("Code").fill(totp_now(TOTP_SECRET))
    page.locator("form").get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url("**/safeguarding/")


def test_dsl_with_trusted_provider_mfa_skips_it_only_when_the_token_says_mfa(
    page, assert_accessible, school_a
):
    _dsl(school_a)
    school_a.sign_in_links.update(trust_provider_mfa=True)
    # No second factor at the provider (amr: pwd): Streamwise asks for its own.
    sign_in_with_provider(page, "dsl-a")
    page.wait_for_url("**/2fa/authenticate/**")
    page.context.clear_cookies()
    # The provider checked a second factor (amr: pwd mfa): straight to the safeguarding area.
    sign_in_with_provider(page, "dsl-a", code="246810")
    page.wait_for_url("**/safeguarding/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, context="safeguarding after trusted provider MFA")


def test_school_admin_links_the_school(page, assert_accessible, login_staff, idp):
    school = factories.SchoolFactory(name="Elm School", slug="elm")
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.locator("form").get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_load_state("load")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/portal/school/single-sign-on/")
        assert_accessible(page, context=f"SSO link page at {width}")
    page.get_by_label("Sign-in provider").select_option(PROVIDER_ID)
    page.get_by_role("button", name="Save link").click()
    expect(page.get_by_text("Enter the issuer your provider's tokens carry.")).to_be_visible()
    assert_accessible(page, context="SSO link page with errors")
    page.get_by_label("Issuer (another provider only)").fill(f"{idp}/o")
    page.get_by_label("Claim naming your school (another provider only)").fill("tid")
    page.get_by_label("Tenant id, Workspace domain or organisation").fill("tenant-a")
    page.get_by_label("Trust the provider's two-step verification").check()
    page.get_by_role("button", name="Save link").click()
    expect(page.get_by_text("Saved. Staff can now sign in with it.")).to_be_visible()
    link = SchoolSignIn.objects.get(school=school)
    assert (link.issuer, link.tenant_claim, link.tenant, link.trust_provider_mfa) == (
        f"{idp}/o",
        "tid",
        "tenant-a",
        True,
    )
    assert_accessible(page, context="SSO link page with a link")
    page.get_by_role("button", name=f"Remove {PROVIDER_NAME}").click()
    expect(page.get_by_text("Single sign-on link removed.")).to_be_visible()
    assert not SchoolSignIn.objects.filter(school=school).exists()
