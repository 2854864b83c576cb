"""A database fault while sending, in Chromium: the pupil and the teacher see plainly that their
concern was NOT sent, with what they typed, and sending again makes one concern. The pages
(and the site's error page) pass axe at phone and desktop widths."""

import pytest
from django.db import OperationalError
from playwright.sync_api import expect

from safeguarding import services
from safeguarding.models import Concern
from safeguarding.views import staff as staff_views
from schools.models import StaffRole
from tests import factories

PASSWORD = "correct-horse-battery"
WIDTHS = ((390, 844), (1280, 900))


def _fail(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def check_at_both_widths(page, assert_accessible, context):
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page, context=f"{context} at {width} px")


@pytest.fixture
def people(school, teacher):
    factories.staff(school, StaffRole.DSL)
    hawks = factories.TeachingGroupFactory(
        school=school, name="Hawks", year_group=7, teachers=[teacher]
    )
    return hawks, factories.pupil(hawks, "Quinn")


def test_a_pupil_sees_not_sent_keeps_their_words_and_sends_again(
    page, assert_accessible, login_pupil, people, monkeypatch
):
    hawks, quinn = people
    login_pupil(page, code=hawks.code, name="Quinn", password=quinn.password)
    page.goto("/safeguarding/talk/")
    page.get_by_label("Tell us more").fill("someone online has my pics and wants money")
    monkeypatch.setattr(services, "concern_raise", _fail)
    page.get_by_role("button", name="Send now").click()

    page.get_by_role("heading", name="Your message has not been sent").wait_for()
    expect(page.get_by_text("Childline", exact=True)).to_be_visible()
    expect(page.get_by_label("Tell us more")).to_have_value(
        "someone online has my pics and wants money"
    )
    check_at_both_widths(page, assert_accessible, "talk: not sent")
    assert Concern.objects.count() == 0

    monkeypatch.undo()
    page.get_by_role("button", name="Send now").click()
    page.get_by_role("heading", name="Thank you for telling us").wait_for()
    assert Concern.objects.count() == 1
    assert Concern.objects.get().what_happened == "someone online has my pics and wants money"


def test_a_teacher_in_an_emergency_is_sent_to_the_dsl_and_can_send_again(
    page, assert_accessible, login_staff, people, teacher, monkeypatch
):
    login_staff(page, teacher.email, PASSWORD)
    page.goto("/safeguarding/raise/")
    page.get_by_label("Which pupil is this about?").select_option(label="Quinn (Year 7)")
    page.get_by_label("What happened, or what did the child say?").fill(
        "Quinn said a man from a game is waiting for him outside school."
    )
    page.locator("#id_immediate_danger").get_by_label("Yes").check()
    page.locator("#id_told_dsl_in_person").get_by_label("No").check()
    monkeypatch.setattr(services, "concern_raise", _fail)
    page.get_by_role("button", name="Send to the safeguarding leads").click()

    page.get_by_role("heading", name="Go to the DSL in person now").wait_for()
    expect(page.get_by_role("heading", name="Your concern has NOT been sent")).to_be_visible()
    check_at_both_widths(page, assert_accessible, "raise: not sent")

    monkeypatch.undo()
    page.get_by_role("button", name="Send again").click()
    page.get_by_role("heading", name="Your concern").wait_for()
    concern = Concern.objects.get()
    assert concern.immediate_danger and "waiting for him" in concern.what_happened


def test_the_error_page_is_styled_and_accessible(
    page, assert_accessible, login_staff, teacher, monkeypatch
):
    login_staff(page, teacher.email, PASSWORD)

    def broken(*args, **kwargs):
        raise OperationalError("the database is down")

    monkeypatch.setattr(staff_views.Concern.objects, "raised_by", broken)
    response = page.goto("/safeguarding/raised/")
    assert response.status == 500
    page.get_by_role("heading", name="Something went wrong").wait_for()
    expect(page.get_by_text("may not have been saved")).to_be_visible()
    background = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Times" not in background  # the site's stylesheet is applied
    check_at_both_widths(page, assert_accessible, "error page")
