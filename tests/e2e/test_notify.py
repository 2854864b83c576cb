"""Notifications in the browser: while the mail server is down, the DSL and the school admin see
a banner on their pages saying alerts are not being emailed (and that in-app alerts still
work); it goes once the real worker gets the emails through. The DSL sets how escalation
repeats and the head teacher it reaches. Every page passes axe at phone and desktop widths."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import expect

from safeguarding import services
from safeguarding.models import Delivery, SchoolSafeguardingSettings
from schools.models import StaffRole
from tests import factories
from tests.safeguarding.realmail import SMTPSink, Workers, wait_for

PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
BANNER = "Safeguarding alerts are not being emailed"


@pytest.fixture
def sink():
    server = SMTPSink()  # not started: the mail server is down
    yield server
    server.stop()


@pytest.fixture
def workers(tmp_path, transactional_db):
    pool = Workers(tmp_path)
    yield pool
    pool.stop_all()


def check_both_widths(page, assert_accessible, context):
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"{context} at {size['width']} px")


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("load")
    page.context.clear_cookies()


def test_staff_see_when_alerts_are_not_being_emailed(
    page, assert_accessible, login_staff, school, sink, workers
):
    teacher = factories.staff(school, StaffRole.TEACHER)
    dsl = factories.staff(school, StaffRole.DSL)
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    TOTP.activate(dsl, TOTP_SECRET)
    group = factories.TeachingGroupFactory(
        school=school, name="Kestrels", year_group=4, teachers=[teacher]
    )
    pupil = factories.pupil(group, "Isla").pupil
    services.concern_raise(raised_by=teacher, pupil=pupil, what_happened="A worry.")
    workers.start(smtp_port=sink.port)
    wait_for(
        lambda: Delivery.objects.filter(first_failed_at__isnull=False).exists(),
        what="a failed email",
        logs=workers.logs,
    )

    login_staff(page, dsl.email, PASSWORD, totp_secret=TOTP_SECRET)
    page.goto("/safeguarding/")
    banner = page.get_by_role("region", name=BANNER)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("1 email for your school is waiting")
    expect(banner).to_contain_text("Alerts inside Streamwise still work")
    check_both_widths(page, assert_accessible, "inbox with the email banner")
    log_out(page)

    login_staff(page, admin.email, PASSWORD)
    page.goto("/portal/school/classes/")
    expect(page.get_by_role("region", name=BANNER)).to_be_visible()
    check_both_widths(page, assert_accessible, "school page with the email banner")
    log_out(page)

    login_staff(page, teacher.email, PASSWORD)
    expect(page.get_by_text(BANNER)).to_have_count(0)  # teachers are not told
    log_out(page)

    # The mail server comes back: the email goes, and so does the banner.
    sink.start()
    wait_for(lambda: len(sink.messages) == 1, what="the email", logs=workers.logs)
    login_staff(page, admin.email, PASSWORD)
    page.goto("/portal/school/classes/")
    expect(page.get_by_text(BANNER)).to_have_count(0)


def test_the_dsl_sets_how_escalation_repeats(page, assert_accessible, login_staff, school):
    dsl = factories.staff(school, StaffRole.DSL)
    head = factories.staff(school, StaffRole.TEACHER, first_name="Helen", last_name="Head")
    TOTP.activate(dsl, TOTP_SECRET)
    login_staff(page, dsl.email, PASSWORD, totp_secret=TOTP_SECRET)
    page.goto("/safeguarding/settings/")
    expect(page).to_have_title("Categories and screening · Streamwise")
    section = page.get_by_role("region", name="Escalation")
    expect(section).to_be_visible()
    check_both_widths(page, assert_accessible, "settings with escalation")

    section.get_by_label("Repeat the escalation every (minutes)").fill("2")
    section.get_by_role("button", name="Save escalation settings").click()
    expect(page.get_by_text("Ensure this value is greater than or equal to 5.")).to_be_visible()
    check_both_widths(page, assert_accessible, "settings with an error")
    assert not SchoolSafeguardingSettings.objects.exists()

    section = page.get_by_role("region", name="Escalation")
    section.get_by_label("Repeat the escalation every (minutes)").fill("20")
    section.get_by_label("Head teacher to email when something escalates").select_option(
        label="Helen Head"
    )
    section.get_by_role("button", name="Save escalation settings").click()
    expect(page.get_by_text("Escalation settings saved.")).to_be_visible()
    saved = SchoolSafeguardingSettings.objects.get(school=school)
    assert (saved.escalation_repeat_minutes, saved.head_teacher) == (20, head)
    section = page.get_by_role("region", name="Escalation")
    expect(section.get_by_label("Repeat the escalation every (minutes)")).to_have_value("20")
