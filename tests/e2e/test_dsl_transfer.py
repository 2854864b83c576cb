"""Records that follow the child, end to end in Chromium: the DSL enters the child's details on
the pupil's safeguarding record, sends the child-protection file to the pupil's new school, and
passes on the one-time link and code; the new school's DSL (another school on the same site)
opens the link, downloads the files, confirms receipt and imports the file into their own
records; the sending DSL sees the receipt confirmed. Every page passes axe at 390 px and at
desktop width."""

import json

from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import expect

from safeguarding import services
from safeguarding.models import EntryKind, ImportedRecord, RecordTransfer
from schools.models import StaffRole
from tests import factories

PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
BODY = "938611200001"
UPN = services.upn_check_letter(BODY) + BODY
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def test_a_dsl_sends_the_file_and_the_new_school_confirms_and_imports(
    page, browser, live_server, tmp_path, assert_accessible, login_staff, school, other_school
):
    def accessible(p, context):
        for size in (PHONE, DESKTOP):
            p.set_viewport_size(size)
            assert_accessible(p, context=f"{context} at {size['width']} px")

    teacher = factories.staff(school, StaffRole.TEACHER)
    dsl = factories.staff(school, StaffRole.DSL, first_name="Dana", last_name="Shah")
    receiving_dsl = factories.staff(other_school, StaffRole.DSL)
    for lead in (dsl, receiving_dsl):
        TOTP.activate(lead, TOTP_SECRET)
    kestrels = factories.TeachingGroupFactory(
        school=school, name="Kestrels", year_group=6, teachers=[teacher]
    )
    isla = factories.pupil(kestrels, "Isla").pupil
    concern = services.concern_raise(
        raised_by=teacher, pupil=isla, what_happened="She said a man online asked for photos."
    )

    # The DSL enters the child's details on the pupil's safeguarding record.
    login_staff(page, dsl.email, PASSWORD, totp_secret=TOTP_SECRET)
    page.goto(f"/safeguarding/pupils/{isla.pk}/")
    expect(page.get_by_text("Not recorded yet.")).to_be_visible()
    page.get_by_role("link", name="Add the child's details").click()
    page.get_by_label("Legal name").fill("Isla Marie Jones")
    page.get_by_label("Date of birth").fill("2014-09-03")
    page.get_by_label("UPN (unique pupil number)").fill("Z" + BODY)  # a wrong check letter
    page.get_by_label("Child in need").check()
    page.get_by_label("Name", exact=True).fill("Sam Jones")
    page.get_by_label("Relationship to the child").fill("Mother")
    page.get_by_label("Phone").fill("07700 900123")
    page.get_by_label("Leaving date").fill("2026-07-22")
    page.get_by_label("School they are moving to").fill("Elmwood Academy")
    page.get_by_role("button", name="Save the child's details").click()
    expect(page.get_by_text("check letter does not match")).to_be_visible()
    expect(page.get_by_label("Legal name")).to_have_value("Isla Marie Jones")  # nothing lost
    accessible(page, "child's details with an error")
    page.get_by_label("UPN (unique pupil number)").fill(UPN)
    page.get_by_role("button", name="Save the child's details").click()
    page.get_by_text("The child's details are saved.").wait_for()
    expect(page.get_by_text("Isla Marie Jones")).to_be_visible()
    expect(page.get_by_text("Sam Jones (Mother), 07700 900123")).to_be_visible()
    expect(
        page.get_by_text("Kept until the pupil's 25th birthday, 3 September 2039.")
    ).to_be_visible()
    accessible(page, "pupil record with the child's details")

    # The DSL sends the file: the new school is filled in from the leaving details.
    page.get_by_role("link", name="Send the file to a new school").click()
    expect(page.get_by_label("The school the pupil is moving to")).to_have_value("Elmwood Academy")
    accessible(page, "send the file")
    page.get_by_role("button", name="Seal and send the file").click()
    page.get_by_text("The file is sealed and ready for the new school.").wait_for()
    accessible(page, "transfer, just sent")
    link = page.locator("[data-receipt-link]").inner_text().strip()
    code = page.locator("[data-receipt-code]").inner_text().strip()
    assert "/safeguarding/receive/" in link and "Isla" not in link
    transfer = RecordTransfer.objects.get()
    assert concern.entries.filter(kind=EntryKind.TRANSFER_SENT).exists()
    page.get_by_role("link", name="All files sent").click()
    expect(page.get_by_role("cell", name="Waiting")).to_be_visible()
    accessible(page, "files sent, waiting")

    # The new school's DSL, signed in to their own school on the same site, opens the link.
    other = browser.new_context(base_url=live_server.url, locale="en-GB")
    receiver = other.new_page()
    receiver.set_default_timeout(10_000)
    login_staff(receiver, receiving_dsl.email, PASSWORD, totp_secret=TOTP_SECRET)
    receiver.goto(link)
    expect(receiver.get_by_text(school.name)).to_have_count(0)  # nothing before the code
    accessible(receiver, "receipt link, asking for the code")
    receiver.get_by_label("Code").fill("WRONG123")
    receiver.get_by_role("button", name="Open the file").click()
    expect(receiver.get_by_text("That code is not right.")).to_be_visible()
    receiver.get_by_label("Code").fill(code)
    receiver.get_by_role("button", name="Open the file").click()
    receiver.get_by_role("heading", name="Download the file").wait_for()
    accessible(receiver, "receipt link, opened")
    files = {}
    for kind, name in (("pdf", "to read"), ("json", "for Streamwise"), ("manifest", "manifest")):
        with receiver.expect_download() as download:
            receiver.get_by_role("link", name=name).click()
        files[kind] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[kind])
        assert "Isla" not in download.value.suggested_filename
    assert files["pdf"].read_bytes().startswith(b"%PDF")
    assert json.loads(files["json"].read_text())["child"]["upn"] == UPN
    receiver.get_by_label("Your name").fill("Priya Patel")
    receiver.get_by_label("Your school").fill("Elmwood Academy")
    receiver.get_by_role("button", name="Confirm receipt").click()
    receiver.get_by_role("heading", name="Receipt confirmed").wait_for()
    accessible(receiver, "receipt confirmed")
    receiver.goto(link)  # the link has done its work
    receiver.get_by_role("heading", name="This link has closed").wait_for()
    accessible(receiver, "receipt link, closed")

    # …and imports the file into their own records.
    receiver.goto("/safeguarding/import/")
    accessible(receiver, "import")
    receiver.get_by_label("The file (JSON)").set_input_files(files["json"])
    receiver.get_by_label("Its manifest").set_input_files(files["manifest"])
    receiver.get_by_role("button", name="Check and import").click()
    receiver.get_by_text("The file matched its manifest and is on the pupil").wait_for()
    expect(receiver.get_by_role("heading", name="History from previous schools")).to_be_visible()
    expect(receiver.get_by_text("She said a man online asked for photos.")).to_be_visible()
    expect(receiver.get_by_text("Isla Marie Jones")).to_be_visible()
    accessible(receiver, "the new school's record with the imported history")
    imported = ImportedRecord.objects.get()
    assert imported.school == other_school and imported.pupil.school == other_school
    other.close()

    # The sending DSL sees the receipt confirmed, on the list and in the case's chronology.
    page.goto("/safeguarding/transfers/")
    expect(page.get_by_text("Every file sent has been confirmed.")).to_be_visible()
    expect(page.get_by_text("Priya Patel")).to_be_visible()
    page.get_by_role("link", name=transfer.reference).click()
    expect(page.get_by_text("Receipt confirmed").first).to_be_visible()
    accessible(page, "transfer, confirmed")
    page.goto(f"/safeguarding/cases/{concern.pk}/")
    expect(page.get_by_text("Priya Patel at Elmwood Academy confirmed receipt")).to_be_visible()
    page.goto("/safeguarding/retention/")
    accessible(page, "retention review")
