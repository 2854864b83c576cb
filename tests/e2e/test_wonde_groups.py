"""A school admin switches the Wonde sync to registration groups (forms) and checks the preview
of the new classes; a school that came from OneRoster confirms the pupils matched by name and
class. Syncs run here by calling the task's function (the worker is tested in test_wonde.py).
Every page passes axe at 390 px and 1280 px."""

from playwright.sync_api import expect

from schools.models import MisLink, Pupil, StaffRole, TeachingGroup, WondeSync
from schools.oneroster.apply import upload_apply, upload_keep
from schools.wonde.services import connection_save, preview_apply, sync_run
from tests import factories
from tests.schools.oneroster_files import build_zip, klass, student
from tests.wonde_server.records import TOKEN

PASSWORD = "correct-horse-battery"
AMIR_UPN = "W820200126003"  # a well-formed UPN (its check letter is right)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def accessible_at_both_widths(page, assert_accessible, context):
    for size, label in ((PHONE, "390 px"), (DESKTOP, "1280 px")):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"{context} ({label})")


def run_queued(school):
    sync = WondeSync.objects.filter(school=school, status=WondeSync.Status.QUEUED).get()
    sync_run(sync_id=sync.pk)
    return sync


def test_admin_makes_classes_from_registration_groups(
    page, assert_accessible, login_staff, school, wonde_server
):
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    sam = factories.staff(school, StaffRole.TEACHER, email="sam.reed@oakfield.example")
    connection_save(school=school, user=admin, token=TOKEN, wonde_school_id=wonde_server.school.id)
    preview_apply(school=school, sync_id=run_queued(school).pk)
    assert Pupil.objects.get(display_name="Isla M").teaching_groups.get().name == "Kestrels"

    login_staff(page, admin.email, PASSWORD)
    page.goto("/portal/school/wonde/")
    expect(page.get_by_role("heading", name="Where your classes come from")).to_be_visible()
    expect(page.get_by_label("Wonde classes (timetabled classes)")).to_be_checked()
    accessible_at_both_widths(page, assert_accessible, "Wonde, where classes come from")

    page.get_by_label("Registration groups (forms)").check()
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_text("Saved. We're fetching from Wonde again")).to_be_visible()
    run_queued(school)
    page.reload()
    page.get_by_role("link", name="Check the changes").click()

    expect(page.get_by_text("Classes are made from: Registration groups (forms).")).to_be_visible()
    expect(page.get_by_role("row", name="4M Year 4 New: will be added")).to_be_visible()
    expect(
        page.get_by_role("row", name="Kestrels Year 4 No longer in Wonde: will be archived")
    ).to_be_visible()
    expect(page.get_by_role("row", name="Isla M Year 4 Kestrels 4M Moving")).to_be_visible()
    expect(page.get_by_role("row", name="Sam Reed")).to_contain_text("4M")
    expect(page.get_by_text("5 pupils moving class or year")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "Wonde preview of registration groups")
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("Done: 0 added, 5 moved, 0 returned, 0 archived.")).to_be_visible()

    assert Pupil.objects.get(display_name="Isla M").teaching_groups.get().name == "4M"
    assert list(TeachingGroup.objects.get(name="4M").teachers.all()) == [sam]


def test_admin_confirms_pupils_from_oneroster_matched_by_name_and_class(
    page, assert_accessible, login_staff, school, wonde_server
):
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    data = build_zip(
        classes=[klass("c-k", "Kestrels", grade="03")],
        users=[student("sds-1", "Isla", "Morgan", grade="03")]
        + [student("sds-3", "Amir", "Khan", grade="03", identifier=AMIR_UPN)],
        enrollments=[("c-k", "sds-1", "student"), ("c-k", "sds-3", "student")],
    )
    upload = upload_keep(school=school, user=admin, filename="sds.zip", data=data)
    upload_apply(school=school, user=admin, key=upload.key)
    isla, amir = Pupil.objects.get(display_name="Isla M"), Pupil.objects.get(display_name="Amir K")
    wonde_server.school.student("S003", "Amir", "Khan", 4, upn=AMIR_UPN)
    connection_save(school=school, user=admin, token=TOKEN, wonde_school_id=wonde_server.school.id)
    sync = run_queued(school)

    login_staff(page, admin.email, PASSWORD)
    page.goto(f"/portal/school/wonde/check/{sync.pk}/")
    expect(
        page.get_by_role("heading", name="Matched by name and class: please confirm")
    ).to_be_visible()
    expect(page.get_by_text("1 pupil matched by name and class for you to confirm")).to_be_visible()
    expect(page.get_by_role("row", name="Isla M: Kestrels").first).to_be_visible()
    expect(page.get_by_role("row", name="Amir K Amir K Same UPN")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "Wonde preview with pupils to confirm")

    page.get_by_label("Yes, Isla M is the same child").check()
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("Done: 3 added")).to_be_visible()

    assert Pupil.objects.filter(school=school).count() == 5  # Isla and Amir not doubled
    assert MisLink.objects.get(pupil=isla).sourced_id == "S001"
    assert MisLink.objects.get(pupil=amir).sourced_id == "S003"
