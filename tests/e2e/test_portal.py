"""Teacher portal journeys: a school admin imports a class and prints its login cards; a teacher
opens the class; every page passes axe."""

from playwright.sync_api import expect

from schools.models import Pupil, StaffRole
from tests import factories

PASSWORD = "correct-horse-battery"

ROSTER = (
    "Name,Year group,Class\r\n"
    "Isla M,Year 4,Kestrels\r\n"
    "Jack T,Y4,Kestrels\r\n"
    "Keira P,4,Kestrels\r\n"
    "Quinn R,Year 7,Hawks\r\n"
    "Jack T,Y4,Kestrels\r\n"
    "Zed,Year 4,Narnia\r\n"
)


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("load")


def test_admin_imports_a_class_prints_login_cards_and_the_teacher_opens_it(
    page, assert_accessible, login_staff, login_pupil, school
):
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    teacher = factories.staff(school, StaffRole.TEACHER)
    kestrels = factories.TeachingGroupFactory(
        school=school, name="Kestrels", year_group=4, teachers=[teacher]
    )
    factories.TeachingGroupFactory(school=school, name="Hawks", year_group=7)

    login_staff(page, admin.email, PASSWORD)
    page.wait_for_url("**/portal/")
    assert_accessible(page, context="portal home (school admin)")
    page.get_by_role("link", name="Import pupils from a CSV file").click()
    assert_accessible(page, context="roster upload")

    # A wrong file first: a kind message, linked to the field, and nothing lost.
    page.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "pupils.xlsx",
                "mimeType": "application/vnd.ms-excel",
                "buffer": b"PK\x03\x04xx",
            }
        ]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("looks like an Excel workbook")).to_be_visible()
    assert_accessible(page, context="roster upload with an error")

    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "pupils.csv", "mimeType": "text/csv", "buffer": ROSTER.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("heading", name="Check the import").wait_for()
    expect(page.get_by_text("4 pupils will be added")).to_be_visible()
    expect(page.get_by_text("Same name as row 3")).to_be_visible()
    expect(page.get_by_text("There is no class called “Narnia”")).to_be_visible()
    assert_accessible(page, context="roster preview")
    assert not Pupil.objects.exists()

    page.get_by_role("button", name="Add 4 pupils").click()
    page.get_by_role("heading", name="Pupils imported").wait_for()
    assert Pupil.objects.filter(school=school).count() == 4
    assert_accessible(page, context="roster import done")

    # Login cards for the young class: class code, names and picture passwords.
    page.get_by_role("link", name="Login cards for Kestrels").click()
    page.get_by_role("heading", name="Login cards", level=1).wait_for()
    expect(page.get_by_text(kestrels.code).first).to_be_visible()
    for name in ("Isla M", "Jack T", "Keira P"):
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_role("button", name="Print cards")).to_be_visible()
    assert_accessible(page, context="login cards (pictures)")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).not_to_be_visible()
    expect(page.get_by_role("button", name="Print cards")).not_to_be_visible()
    expect(page.get_by_role("heading", name="Isla M")).to_be_visible()
    page.emulate_media(media="screen")

    # Login cards for the older class need passwords (they were imported), made with a
    # confirmation.
    page.goto("/portal/")
    page.get_by_role("link", name="Hawks").click()
    page.get_by_role("link", name="Login cards").click()
    expect(page.get_by_text("1 pupil needs a password")).to_be_visible()
    page.get_by_role("button", name="Make their passwords and print cards").click()
    expect(page.get_by_text("Tick the box to confirm")).to_be_visible()
    assert_accessible(page, context="login cards, confirmation missing")
    page.get_by_label("Yes, make their passwords").check()
    page.get_by_role("button", name="Make their passwords and print cards").click()
    expect(page.get_by_text("1 pupil has a password now")).to_be_visible()
    quinn_password = page.locator(".login-card__password").inner_text()
    assert_accessible(page, context="login cards (new passwords)")
    log_out(page)

    # Pupils log in with what is on their cards (the pupil pages are the lessons app's).
    isla = Pupil.objects.get(display_name="Isla M")
    login_pupil(page, code=kestrels.code, name="Isla M", pictures=isla.picture_password.split("-"))
    page.context.clear_cookies()
    hawks_code = Pupil.objects.get(display_name="Quinn R").teaching_groups.get().code
    login_pupil(page, code=hawks_code, name="Quinn R", password=quinn_password)
    page.context.clear_cookies()

    # The class teacher sees the class and its new pupils.
    login_staff(page, teacher.email, PASSWORD)
    page.wait_for_url("**/portal/")
    page.get_by_role("link", name="Kestrels").click()
    for name in ("Isla M", "Jack T", "Keira P"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_role("link", name="Edit class")).not_to_be_visible()
    assert_accessible(page, context="class page (teacher)")


def test_school_admin_pages_pass_axe(page, assert_accessible, login_staff, school, group):
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    pupil = factories.pupil(group, "Isla").pupil
    login_staff(page, admin.email, PASSWORD)
    pages = [
        ("/portal/school/classes/", "school classes"),
        ("/portal/school/classes/add/", "add a class"),
        (f"/portal/school/classes/{group.pk}/edit/", "edit a class"),
        (f"/portal/school/classes/{group.pk}/archive/", "archive a class"),
        ("/portal/school/pupils/", "school pupils"),
        ("/portal/school/pupils/add/", "add a pupil"),
        (f"/portal/school/pupils/{pupil.pk}/edit/", "edit a pupil"),
        (f"/portal/school/pupils/{pupil.pk}/move/", "move a pupil"),
        (f"/portal/pupils/{pupil.pk}/", "pupil page (admin)"),
        ("/portal/school/staff/", "staff"),
        ("/portal/school/staff/add/", "add staff"),
        (f"/portal/school/staff/{admin.pk}/", "staff roles"),
        ("/portal/school/api-tokens/", "API tokens"),
    ]
    for url, context in pages:
        page.goto(url)
        assert_accessible(page, context=context)

    # Forms with errors stay accessible: errors are linked to their fields.
    page.goto("/portal/school/classes/add/")
    page.get_by_role("button", name="Add class").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert_accessible(page, context="add a class, with errors")

    page.goto("/portal/school/staff/add/")
    page.get_by_label("Email address").fill("new.teacher@school.example")
    page.get_by_label("Teacher").check()
    page.get_by_role("button", name="Add staff member").click()
    expect(page.get_by_text("We've emailed them a link")).to_be_visible()
    assert_accessible(page, context="staff list after adding")

    page.goto("/portal/school/api-tokens/")
    page.get_by_label("Token name").fill("MIS sync")
    page.get_by_role("button", name="Make token").click()
    assert page.locator("code.token").inner_text().startswith("sw_")
    assert_accessible(page, context="API token shown once")
