"""A teacher shares a module's parent and carer pack; a parent opens the link in a browser that
has never logged in, reads the pack and downloads the PDF. Every page passes axe on a phone and
on a desktop, and the letter is all that prints from the share page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lessons.loader import curriculum_load
from lessons.models import ModulePage
from lessons.parents import parent_packs_load
from lessons.services import assignment_create
from schools.models import StaffRole
from tests import factories
from tests.e2e.conftest import CSP_WATCH
from tests.lessons.conftest import FIXTURE_CURRICULUM

PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def packs_loaded(transactional_db):
    curriculum_load(directory=FIXTURE_CURRICULUM)
    parent_packs_load(directory=FIXTURE_CURRICULUM / "parents")


def check_both_widths(page, assert_accessible, context):
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"{context} at {size['width']} px")


def test_a_teacher_shares_the_pack_and_a_parent_reads_it(
    page, browser, live_server, assert_accessible, login_staff, school, packs_loaded
):
    teacher = factories.staff(school, StaffRole.TEACHER)
    kestrels = factories.TeachingGroupFactory(
        school=school, name="Kestrels", year_group=4, teachers=[teacher]
    )
    isla = factories.pupil(kestrels, "Isla").pupil
    today = timezone.localdate()
    work = assignment_create(
        group=kestrels,
        module=ModulePage.objects.get(slug="test-8-10"),
        opens_on=today,
        due_on=today + datetime.timedelta(days=7),
        created_by=teacher,
    )

    # The teacher opens the work and shares it.
    login_staff(page, teacher.email, PASSWORD)
    page.goto(f"/portal/classes/{kestrels.pk}/work/{work.pk}/")
    page.get_by_role("link", name="Share with parents and carers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Share “Test module 8-10” with parents and carers"
    )
    expect(
        page.get_by_role("img", name="QR code: scan it to open the parent and carer pack")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Copy message")).to_be_visible()
    expect(page.get_by_role("button", name="Print the letter")).to_be_visible()
    check_both_widths(page, assert_accessible, "share page")
    link = page.get_by_label("Address of the guide").input_value()
    assert link == f"{live_server.url}/parents/test-8-10/"
    assert link in page.get_by_role("textbox", name="Message for families").input_value()

    # Printed, the page is the letter with the QR code, and nothing else.
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="Talking about online safety at home")).to_be_visible()
    expect(
        page.get_by_role("img", name="QR code: scan it to open the parent and carer pack")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_hidden()
    expect(page.get_by_role("button", name="Print the letter")).to_be_hidden()
    page.emulate_media(media="screen")

    # A parent follows the link in a browser that has never been logged in.
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    context.add_init_script(CSP_WATCH)
    try:
        parent = context.new_page()
        parent.set_default_timeout(10_000)
        response = parent.goto(link)
        assert response.status == 200
        expect(parent.get_by_role("heading", level=1)).to_have_text(
            "Test pack: talking about it at home"
        )
        expect(parent.get_by_role("heading", name="Conversation starters")).to_be_visible()
        expect(parent.get_by_text("Childline is free on 0800 1111.")).to_be_visible()
        body = parent.locator("body").inner_text()
        for private in (school.name, kestrels.name, kestrels.code, isla.display_name):
            assert private not in body
        assert context.cookies() == []
        check_both_widths(parent, assert_accessible, "parent pack")

        href = parent.get_by_role("link", name="Download as PDF").get_attribute("href")
        pdf = parent.request.get(live_server.url + href)
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
        assert parent.evaluate("window.__cspViolations") == []
    finally:
        context.close()
