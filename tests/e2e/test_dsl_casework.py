"""The DSL's casework in the browser: an action for the deputy, due now, reaches the deputy's
"My actions" and their inbox (real worker, real SMTP server); a screenshot is attached and a
program dressed as a picture is refused kindly; the attachment opens as a download that the
access log records; a referral is recorded with its outcome; two siblings' cases are linked.
Every page passes axe at phone (390 px) and desktop widths."""

import io

from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from safeguarding import services
from safeguarding.models import (
    AccessAction,
    AccessLogEntry,
    CaseAction,
    CaseAttachment,
    EntryKind,
)
from schools.models import StaffRole
from tests import factories
from tests.safeguarding.realmail import wait_for

PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def screenshot_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (240, 240, 250)).save(buffer, format="PNG")
    return buffer.getvalue()


def accessible_at_both_widths(page, assert_accessible, context):
    for size, label in ((PHONE, "390 px"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"{context} ({label})")


def open_details(page, summary):
    details = page.locator("details", has=page.locator("summary", has_text=summary))
    details.locator("summary").click()
    return details


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("load")
    page.context.clear_cookies()


def test_the_dsl_works_a_case_and_the_deputy_is_reminded(
    page, assert_accessible, login_staff, school, sink, worker
):
    teacher = factories.staff(school, StaffRole.TEACHER)
    dsl = factories.staff(school, StaffRole.DSL, first_name="Dana", last_name="Lead")
    deputy = factories.staff(school, StaffRole.DEPUTY_DSL, first_name="Dev", last_name="Deputy")
    for lead in (dsl, deputy):
        TOTP.activate(lead, TOTP_SECRET)
    kestrels = factories.TeachingGroupFactory(
        school=school, name="Kestrels", year_group=4, teachers=[teacher]
    )
    isla = factories.pupil(kestrels, "Isla").pupil
    jack = factories.pupil(kestrels, "Jack").pupil
    concern = services.concern_raise(
        raised_by=teacher, pupil=isla, what_happened="Isla said a man online wants photos."
    )
    brother = services.concern_raise(
        raised_by=teacher, pupil=jack, what_happened="Jack said his sister is scared."
    )
    wait_for(lambda: len(sink.messages) == 4, what="the new concerns' emails", logs=worker.logs)
    case_path = f"/safeguarding/cases/{concern.pk}/"

    login_staff(page, dsl.email, PASSWORD, totp_secret=TOTP_SECRET)
    page.goto(case_path)
    page.get_by_role("heading", name=f"Concern {concern.pk}").wait_for()
    accessible_at_both_widths(page, assert_accessible, "case with casework")

    # An action for the deputy, due now. Sent empty first: kind errors, nothing set.
    actions = open_details(page, "Set an action")
    actions.get_by_role("button", name="Set action").click()
    expect(page.get_by_text("Say what needs doing.")).to_be_visible()
    expect(page.get_by_text("Choose who will do it.")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "set an action, with errors")
    actions = page.locator("details", has=page.locator("summary", has_text="Set an action"))
    actions.get_by_label("What needs doing?").fill("Call parent")
    actions.get_by_label("Who will do it?").select_option(label="Dev Deputy")
    actions.get_by_label("Due by").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    actions.get_by_role("button", name="Set action").click()
    page.get_by_text("Action set. Its owner will be reminded when it is due.").wait_for()
    action = CaseAction.objects.get()
    assert action.owner == deputy

    # A screenshot is attached; a program named like a picture is refused, kindly.
    attach = open_details(page, "Attach a file")
    attach.get_by_label("File").set_input_files(
        {"name": "chat screenshot.png", "mimeType": "image/png", "buffer": screenshot_png()}
    )
    attach.get_by_label("What is it?").fill("Screenshot of the chat Isla showed me")
    attach.get_by_role("button", name="Attach file").click()
    page.get_by_text("File attached and added to the chronology.").wait_for()
    attach = open_details(page, "Attach a file")
    attach.get_by_label("File").set_input_files(
        {"name": "photo.png", "mimeType": "image/png", "buffer": b"MZ\x90\x00" + b"\x00" * 500}
    )
    attach.get_by_role("button", name="Attach file").click()
    expect(page.get_by_text("This kind of file can't be attached.")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "attach a file, refused")
    assert CaseAttachment.objects.count() == 1

    # The attachment opens as a download, and the access log says who opened it.
    page.goto(case_path)
    with page.expect_download() as download:
        page.get_by_role("link", name="chat screenshot.png").click()
    assert download.value.suggested_filename == "chat screenshot.png"
    assert AccessLogEntry.objects.filter(action=AccessAction.VIEW_ATTACHMENT, user=dsl).exists()
    page.goto("/safeguarding/access-log/")
    expect(page.get_by_text("Opened an attachment").first).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "access log with an attachment opened")

    # A referral with its outcome and reference.
    page.goto(case_path)
    referral = open_details(page, "External referral")
    referral.get_by_label("Children's social care / MASH").check()
    referral.get_by_label("Date of referral").fill(timezone.localdate().isoformat())
    referral.get_by_label("Reference number").fill("MASH/26/0107")
    referral.get_by_label("Section 47 (child protection enquiry)").check()
    referral.get_by_label("Date and time of the outcome").fill(
        timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    )
    referral.get_by_role("button", name="Record referral").click()
    page.get_by_text("Added to the chronology.").wait_for()
    chronology = page.locator("#chronology")
    expect(
        chronology.locator("dd", has_text="Section 47 (child protection enquiry)")
    ).to_be_visible()
    expect(chronology.locator("dd", has_text="MASH/26/0107")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "case with a referral and its outcome")

    # Isla's case is linked to her brother's; both show it.
    related = open_details(page, "Link a related child's case")
    related.get_by_label("Related case").select_option(value=str(brother.pk))
    related.get_by_label("Siblings").check()
    related.get_by_role("button", name="Link cases").click()
    page.get_by_text("Cases linked. Both chronologies show it.").wait_for()
    page.goto(f"/safeguarding/cases/{brother.pk}/")
    expect(
        page.locator("#related").get_by_role("link", name=f"Case {concern.pk} — Isla")
    ).to_be_visible()
    page.goto(f"/safeguarding/cases/{concern.pk}/export/")
    expect(page.get_by_text("MASH/26/0107")).to_be_visible()
    expect(page.get_by_text("Section 47 (child protection enquiry)").first).to_be_visible()
    kinds = list(concern.entries.values_list("kind", flat=True))
    for kind in (EntryKind.ACTION_ADDED, EntryKind.ATTACHMENT, EntryKind.REFERRAL):
        assert kind in kinds
    log_out(page)

    # The deputy's reminder arrives by email, with no details.
    subject = f"An action on Case {concern.pk} is due"
    wait_for(
        lambda: any(m.subject == subject for m in sink.messages),
        timeout=40,
        what="the deputy's reminder",
        logs=worker.logs,
    )
    [reminder] = [m for m in sink.messages if m.subject == subject]
    assert reminder.to == [deputy.email]
    assert "Call parent" not in reminder.raw and "Isla" not in reminder.raw

    # The deputy signs in and finds it on "My actions", and the alert in the inbox.
    login_staff(page, deputy.email, PASSWORD, totp_secret=TOTP_SECRET)
    page.goto("/safeguarding/")
    expect(page.get_by_text("Your action is due")).to_be_visible()
    page.get_by_role("link", name="My actions").click()
    page.get_by_role("heading", name="My actions").wait_for()
    expect(page.get_by_role("link", name="Call parent")).to_be_visible()
    expect(page.get_by_text("Overdue", exact=True)).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "my actions")

    # The deputy completes it from the case.
    page.get_by_role("link", name="Call parent").click()
    done = open_details(page, "Complete this action")
    done.get_by_label("What was done?").fill("Spoke to Isla's mum; she will come in tomorrow.")
    done.get_by_role("button", name="Mark as done").click()
    page.get_by_text("Action completed and added to the chronology.").wait_for()
    accessible_at_both_widths(page, assert_accessible, "case with the action done")
    action.refresh_from_db()
    assert action.completed_by == deputy
