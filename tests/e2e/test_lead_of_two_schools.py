"""A DSL of two schools, working in one, is told beside the school switcher that a concern
waits in the other (a count, nothing of the concern), switches, and finds it in the inbox.
Every page passes axe at a phone's width and on a desktop."""

from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import expect

from safeguarding import services
from schools.models import StaffRole
from schools.services import staff_role_grant
from tests import factories

PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
WIDTHS = ({"width": 390, "height": 844}, {"width": 1280, "height": 900})


def test_a_lead_sees_what_waits_in_their_other_school(
    page, assert_accessible, login_staff, school, other_school
):
    lead = factories.staff(school, StaffRole.DSL, first_name="Dana")
    staff_role_grant(user=lead, school=other_school, role=StaffRole.DSL)
    TOTP.activate(lead, TOTP_SECRET)
    login_staff(page, lead.email, PASSWORD, totp_secret=TOTP_SECRET)
    page.goto("/safeguarding/")
    in_use = page.locator("#school-switcher-school option:checked").inner_text().strip()
    elsewhere = other_school if in_use == school.name else school
    teacher = factories.staff(elsewhere, StaffRole.TEACHER)
    group = factories.TeachingGroupFactory(
        school=elsewhere, name="Wrens", year_group=5, teachers=[teacher]
    )
    pupil = factories.pupil(group, "Rosa").pupil
    services.concern_raise(
        raised_by=teacher, pupil=pupil, what_happened="Asked for photos on a live stream."
    )

    page.reload()
    hint = page.locator(".school-switcher__waiting")
    expect(hint).to_contain_text(f"1 waiting for a safeguarding lead in {elsewhere.name}.")
    expect(page.get_by_text("Asked for photos on a live stream.")).to_have_count(0)
    for size in WIDTHS:
        page.set_viewport_size(size)
        assert_accessible(page, context=f"inbox with the other school's count at {size['width']}")

    page.get_by_label("School").select_option(label=elsewhere.name)
    page.get_by_role("button", name="Switch school").click()
    page.goto("/safeguarding/")
    expect(page.locator(".school-switcher__waiting")).to_have_count(0)
    expect(page.get_by_role("link", name="Safeguarding 1 waiting")).to_be_visible()
    expect(page.locator("table.triage tbody tr")).to_have_count(1)
