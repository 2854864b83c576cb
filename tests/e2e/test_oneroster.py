"""A school admin syncs the school from OneRoster files: upload a zip, check the preview, apply;
next term's zip moves a pupil and archives a leaver. Every page passes axe at 390 px and
1280 px."""

from playwright.sync_api import expect

from schools.models import Pupil, StaffRole, TeachingGroup
from tests import factories
from tests.schools.oneroster_files import autumn, spring

PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def accessible_at_both_widths(page, assert_accessible, context):
    for size, label in ((PHONE, "390 px"), (DESKTOP, "1280 px")):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"{context} ({label})")


def choose_zip(page, name, data):
    page.get_by_label("OneRoster zip file").set_input_files(
        files=[{"name": name, "mimeType": "application/zip", "buffer": data}]
    )
    page.get_by_role("button", name="Check the file").click()


def test_admin_imports_a_oneroster_zip_then_next_terms(
    page, assert_accessible, login_staff, school
):
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    sam = factories.staff(school, StaffRole.TEACHER, email="sam.reed@oakfield.example")

    login_staff(page, admin.email, PASSWORD)
    page.wait_for_url("**/portal/")
    page.get_by_role("link", name="Import pupils from a CSV file").click()
    page.get_by_role("link", name="Import from your MIS (OneRoster)").click()
    expect(page.get_by_role("heading", name="Import from your MIS (OneRoster)")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "OneRoster upload")

    # A file that isn't a zip: a kind message on the form
    choose_zip(page, "roster.csv", b"Name,Class\r\n")
    expect(page.get_by_text("This isn't a zip file")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "OneRoster upload with an error")

    # Autumn: three new pupils, two new classes, Sam teaches Kestrels
    choose_zip(page, "autumn.zip", autumn())
    expect(page.get_by_role("heading", name="Check the sync")).to_be_visible()
    expect(page.get_by_text("3 new pupils")).to_be_visible()
    expect(page.get_by_role("row", name="Isla M")).to_contain_text("New: will be added")
    expect(page.get_by_role("row", name="Sam Reed")).to_contain_text("Will teach these classes")
    accessible_at_both_widths(page, assert_accessible, "OneRoster preview")
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("Done: 3 added, 0 moved, 0 returned, 0 archived.")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "OneRoster applied")
    assert Pupil.objects.filter(school=school, archived_at__isnull=True).count() == 3
    kestrels = TeachingGroup.objects.get(school=school, name="Kestrels")
    assert list(kestrels.teachers.all()) == [sam]

    # Spring: Jack moves to Owls, Amir has left
    page.get_by_role("link", name="Import from your MIS").click()
    choose_zip(page, "spring.zip", spring())
    expect(page.get_by_role("row", name="Jack T")).to_contain_text("Moving")
    expect(page.get_by_role("row", name="Amir K")).to_contain_text("Leaving: will be archived")
    expect(page.get_by_role("row", name="Isla M")).to_contain_text("Unchanged")
    accessible_at_both_widths(page, assert_accessible, "OneRoster preview with movers")
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("Done: 0 added, 1 moved, 0 returned, 1 archived.")).to_be_visible()

    page.get_by_role("link", name="See all pupils").click()
    expect(page.get_by_role("row", name="Jack T")).to_contain_text("Owls")
    expect(page.get_by_text("Amir K")).to_have_count(0)
    amir = Pupil.objects.get(school=school, display_name="Amir K")
    assert amir.archived_at is not None

    # The same file again: nothing to change
    page.get_by_role("link", name="Import from your MIS").click()
    choose_zip(page, "spring.zip", spring())
    expect(page.get_by_text("there is nothing to change")).to_be_visible()
    expect(page.get_by_role("button", name="Apply these changes")).to_have_count(0)
