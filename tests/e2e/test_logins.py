"""First journeys: a pupil, a teacher and a DSL log in, and every page they see passes axe."""

from playwright.sync_api import expect

from schools.models import StaffRole
from tests import factories
from tests.e2e.conftest import totp_now

PASSWORD = "correct-horse-battery"


def test_pupil_logs_in_with_a_picture_password(page, assert_accessible, login_pupil, group):
    credentials = factories.pupil(group, "Isla")
    pictures = credentials.picture_password.split("-")

    page.goto("/login/pupil/")
    assert_accessible(page, context="class code page")
    page.get_by_label("Your class code").fill(group.code.lower())
    page.get_by_role("button", name="Next").click()
    assert_accessible(page, context="name page")
    page.get_by_role("button", name="Isla", exact=True).click()
    assert_accessible(page, context="picture page")
    for picture in pictures:
        page.get_by_role("button", name=picture.capitalize(), exact=True).click()
    page.wait_for_url("**/learn/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, context="pupil home")


def test_wrong_pictures_are_explained_kindly(page, assert_accessible, group):
    credentials = factories.pupil(group, "Isla")
    wrong = "moon" if not credentials.picture_password.startswith("moon") else "sun"
    page.goto("/login/pupil/")
    page.get_by_label("Your class code").fill(group.code)
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Isla", exact=True).click()
    for _ in range(3):
        page.get_by_role("button", name=wrong.capitalize(), exact=True).click()
    assert page.get_by_role("alert").inner_text().startswith("Those pictures aren't quite right")
    assert_accessible(page, context="wrong pictures")


def test_older_pupil_logs_in_with_a_password(page, assert_accessible, login_pupil, older_pupil):
    group = older_pupil.pupil.teaching_groups.get()
    login_pupil(page, code=group.code, name="Quinn", password=older_pupil.password)
    assert_accessible(page, context="pupil home (11+)")
    # A pupil cannot open the teacher portal.
    response = page.goto("/portal/")
    assert response.status == 403
    assert_accessible(page, context="403 page")
    # A teacher picks up the device: the staff login says a pupil is still here and logs them out.
    page.goto("/accounts/login/")
    expect(page.get_by_text("You are logged in as a pupil")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Staff log in").click()
    expect(page.get_by_label("Email")).to_be_visible()


def test_teacher_logs_in_and_sees_their_classes(page, assert_accessible, login_staff, group):
    teacher = group.teachers.get()
    factories.pupil(group, "Isla")
    page.goto("/accounts/login/")
    assert_accessible(page, context="staff login")
    login_staff(page, teacher.email, PASSWORD)
    page.wait_for_url("**/portal/")
    expect(page.get_by_role("link", name="Kestrels")).to_be_visible()
    assert_accessible(page, context="teacher portal")
    page.get_by_role("link", name="Kestrels").click()
    expect(page.get_by_role("link", name="Isla")).to_be_visible()
    assert_accessible(page, context="class page")


def test_teacher_resets_a_locked_pupil_login(page, assert_accessible, login_staff, group):
    teacher = group.teachers.get()
    credentials = factories.pupil(group, "Isla")
    login_staff(page, teacher.email, PASSWORD)
    page.goto(credentials.pupil.get_absolute_url())
    page.get_by_role("button", name="Reset login").click()
    expect(page.get_by_text("Isla has a new login")).to_be_visible()
    assert_accessible(page, context="pupil page after reset")
    credentials.pupil.refresh_from_db()
    assert credentials.pupil.failed_logins == 0 and credentials.pupil.locked_until is None


def test_dsl_logs_in_with_mfa_and_reaches_safeguarding(
    page, assert_accessible, login_staff, school
):
    from allauth.mfa.totp.internal.auth import TOTP

    dsl = factories.staff(school, StaffRole.DSL)
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(dsl, secret)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(dsl.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form").get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/2fa/authenticate/**")
    assert_accessible(page, context="MFA code page")
    page.get_by_label("Code").fill("000000")
    page.locator("form").get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Incorrect code")).to_be_visible()
    page.get_by_label("Code").fill(totp_now(secret))
    page.locator("form").get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/safeguarding/")
    assert_accessible(page, context="safeguarding home")


def test_dsl_without_mfa_is_sent_to_set_it_up(page, assert_accessible, login_staff, school):
    dsl = factories.staff(school, StaffRole.DSL)
    login_staff(page, dsl.email, PASSWORD)
    page.goto("/safeguarding/")
    # allauth asks for the password again before an authenticator can be added.
    assert "totp%2Factivate" in page.url or "/2fa/totp/activate/" in page.url
    expect(page.get_by_text("Safeguarding records need two-step verification")).to_be_visible()
    assert_accessible(page, context="MFA set-up page")
