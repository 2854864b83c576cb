"""Safeguarding end to end: a pupil taps "Talk to someone", the DSL gets the email (through the
real task worker and a real SMTP server) and the in-app alert, acknowledges, adds a note, records
a referral to children's social care and closes the case; the teacher who raised another concern
sees only its status. Every page passes axe."""

import re
from urllib.parse import urlparse

from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.models import Concern, ConcernSource, ConcernStatus
from schools.models import StaffRole
from tests import factories
from tests.safeguarding.realmail import wait_for

PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("load")
    page.context.clear_cookies()


def test_a_worry_reaches_the_dsl_who_manages_the_case(
    page, assert_accessible, login_staff, login_pupil, school, sink, worker
):
    teacher = factories.staff(school, StaffRole.TEACHER)
    dsl = factories.staff(school, StaffRole.DSL)
    TOTP.activate(dsl, TOTP_SECRET)
    kestrels = factories.TeachingGroupFactory(
        school=school, name="Kestrels", year_group=4, teachers=[teacher]
    )
    isla = factories.pupil(kestrels, "Isla")
    factories.pupil(kestrels, "Jack")

    # A teacher raises a concern about Jack from his page.
    login_staff(page, teacher.email, PASSWORD)
    page.get_by_role("link", name="Kestrels").click()
    page.get_by_role("link", name="Jack").click()
    page.get_by_role("link", name="Raise a concern").click()
    page.get_by_role("heading", name="Raise a concern").wait_for()
    assert_accessible(page, context="raise a concern")
    assert page.get_by_label("Which pupil is this about?").input_value() != ""
    page.get_by_role("button", name="Send to the safeguarding leads").click()
    expect(page.get_by_text("Write what happened or what the child said.")).to_be_visible()
    assert_accessible(page, context="raise a concern, with errors")
    page.get_by_label("What happened, or what did the child say?").fill(
        "Jack said a streamer he watches asked him to add them on another app."
    )
    page.get_by_label("Where?").fill("Year 4 lesson")
    page.get_by_label("Online grooming").check()
    page.locator("#id_immediate_danger").get_by_label("No").check()
    page.locator("#id_told_dsl_in_person").get_by_label("No").check()
    page.get_by_role("button", name="Send to the safeguarding leads").click()
    page.get_by_role("heading", name="Your concern").wait_for()
    expect(page.get_by_text("Received", exact=True)).to_be_visible()
    assert_accessible(page, context="concern status (teacher)")
    teacher_concern = Concern.objects.get(source=ConcernSource.STAFF)
    log_out(page)

    # Isla taps "Talk to someone" on her home page.
    login_pupil(page, code=kestrels.code, name="Isla", pictures=isla.picture_password.split("-"))
    page.get_by_role("link", name="Talk to someone").click()
    page.get_by_role("heading", name="Talk to someone").wait_for()
    assert_accessible(page, context="talk to someone")
    page.get_by_text("Worried", exact=True).click()
    page.get_by_text("Someone I talk to online", exact=True).click()
    page.get_by_label("Tell us more").fill("Someone in a game wants me to go on camera.")
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_role("heading", name="Thank you for telling us").wait_for()
    expect(page.get_by_role("link", name="0800 1111")).to_be_visible()
    expect(page.get_by_role("link", name="ceop.police.uk")).to_be_visible()
    assert_accessible(page, context="talk to someone: sent")
    pupil_concern = Concern.objects.get(source=ConcernSource.PUPIL)
    page.context.clear_cookies()

    # The DSL's email: a link, and nothing about Isla.
    wait_for(lambda: len(sink.messages) == 2, what="both notices", logs=worker.logs)
    links = {}
    for message in sink.messages:
        assert message.to == [dsl.email]
        assert "Isla" not in message.raw and "camera" not in message.raw
        assert "Jack" not in message.raw
        links[message.body] = re.search(r"https://\S+/safeguarding/cases/\d+/", message.body)[0]
    case_path = f"/safeguarding/cases/{pupil_concern.pk}/"
    assert case_path in {urlparse(link).path for link in links.values()}

    # The DSL signs in with two-step verification and sees the in-app alerts.
    login_staff(page, dsl.email, PASSWORD, totp_secret=TOTP_SECRET)
    page.wait_for_url("**/safeguarding/")
    expect(page.get_by_role("heading", name="New alerts")).to_be_visible()
    expect(page.get_by_text("2 new alerts")).to_be_visible()
    assert_accessible(page, context="safeguarding inbox")

    page.goto(case_path)
    page.get_by_role("heading", name=f"Concern {pupil_concern.pk}").wait_for()
    expect(page.get_by_text("Someone in a game wants me to go on camera.")).to_be_visible()
    assert_accessible(page, context="case, new")
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_text("Acknowledged. The person who raised it").wait_for()

    note = page.locator("details", has_text="Note, action taken")
    note.locator("summary").click()
    note.get_by_label("Details").fill("Spoke to Isla at break. She showed me the chat.")
    assert_accessible(page, context="case, adding a note")
    note.get_by_role("button", name="Add entry").click()
    page.get_by_text("Added to the chronology.").wait_for()

    referral = page.locator("details", has_text="External referral")
    referral.locator("summary").click()
    referral.get_by_role("button", name="Record referral").click()
    page.get_by_text("Choose the agency the referral went to.").wait_for()
    assert_accessible(page, context="case, referral with errors")
    referral = page.locator("details", has_text="External referral")
    referral.get_by_label("Children's social care / MASH").check()
    referral.get_by_label("Date of referral").fill(timezone.localdate().isoformat())
    referral.get_by_label("Reference number").fill("MASH/24/0042")
    referral.get_by_role("button", name="Record referral").click()
    page.get_by_text("Added to the chronology.").wait_for()
    expect(page.get_by_text("MASH/24/0042")).to_be_visible()

    close = page.locator("details", has_text="Close the case")
    close.locator("summary").click()
    close.get_by_label("Why can this case close?").fill("Social care are leading; Isla is safe.")
    close.get_by_role("button", name="Close case").click()
    page.get_by_text("The case is closed.").wait_for()
    assert_accessible(page, context="case, closed")
    pupil_concern.refresh_from_db()
    assert pupil_concern.status == ConcernStatus.CLOSED
    assert list(pupil_concern.entries.values_list("kind", flat=True)) == [
        "raised",
        "acknowledged",
        "note",
        "referral",
        "closed",
    ]

    page.get_by_role("link", name="Isla's whole record").click()
    page.get_by_role("heading", name="Safeguarding record: Isla").wait_for()
    assert_accessible(page, context="pupil record")
    page.get_by_role("link", name="Export the whole record to print").click()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    assert_accessible(page, context="export")

    # The DSL acknowledges the teacher's concern from the inbox.
    page.goto("/safeguarding/")
    page.get_by_role("link", name=f"Concern {teacher_concern.pk}").first.click()
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_text("Acknowledged. The person who raised it").wait_for()
    for url, context in (
        ("/safeguarding/search/", "search"),
        ("/safeguarding/access-log/", "access log"),
        ("/safeguarding/settings/", "categories and screening"),
    ):
        page.goto(url)
        assert_accessible(page, context=context)
    log_out(page)

    # The teacher sees only that their concern was received and acknowledged.
    login_staff(page, teacher.email, PASSWORD)
    page.goto("/safeguarding/raised/")
    expect(page.get_by_text("Acknowledged", exact=True)).to_be_visible()
    assert_accessible(page, context="concerns I raised")
    assert "Spoke to Isla" not in page.content()
    response = page.goto(case_path)
    assert response.status == 404
    response = page.goto(f"/safeguarding/cases/{teacher_concern.pk}/")
    assert response.status == 404


def test_a_young_child_sends_with_one_tap_and_can_hide_the_page(
    page, assert_accessible, login_pupil, school
):
    factories.staff(school, StaffRole.DSL)
    robins = factories.TeachingGroupFactory(school=school, name="Robins", year_group=1)
    amara = factories.pupil(robins, "Amara")
    login_pupil(page, code=robins.code, name="Amara", pictures=amara.picture_password.split("-"))

    page.goto("/safeguarding/talk/")
    assert_accessible(page, context="talk to someone (ages 4-7)")
    page.get_by_role("button", name="Send now").click()
    page.get_by_role("heading", name="Thank you for telling us").wait_for()
    expect(page.get_by_text("CEOP")).not_to_be_visible()
    assert_accessible(page, context="sent (ages 4-7)")
    assert Concern.objects.filter(pupil=amara.pupil).count() == 1

    # "Hide this page" leaves at once, and Back does not bring the page back.
    page.goto("/learn/")
    page.get_by_role("link", name="Talk to someone").click()
    page.get_by_role("link", name="Hide this page").click()
    page.get_by_role("heading", name="Times tables").wait_for()
    assert_accessible(page, context="times tables")
    page.go_back()
    page.wait_for_load_state("load")
    assert page.url.endswith("/learn/")
