"""The DSL's day, triage part: a DSL who also teaches signs in with two-step verification and
lands on the safeguarding inbox (something waits), sees a scared pupil's concern above an OK
one, filters, opens the scared one, sets its categories and assigns it to the deputy, whose
email (real task worker, real SMTP server) says nothing about the child; then the governor
counts. Every page passes axe at a phone's width and on a desktop."""

import re

from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import expect

from safeguarding import services
from safeguarding.models import ConcernSource, EntryKind
from schools.models import StaffRole
from tests import factories
from tests.safeguarding.realmail import wait_for

PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def check_both_widths(page, assert_accessible, what):
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"{what} at {size['width']} px")


def triage_rows(page) -> list[str]:
    return page.locator("table.triage tbody th[scope=row] a").all_inner_texts()


def test_the_dsl_triages_categorises_and_assigns(
    page, assert_accessible, login_staff, school, sink, worker
):
    lead = factories.staff(school, StaffRole.DSL, StaffRole.TEACHER, first_name="Dana")
    deputy = factories.staff(school, StaffRole.DEPUTY_DSL, first_name="Devi")
    TOTP.activate(lead, TOTP_SECRET)
    kestrels = factories.TeachingGroupFactory(
        school=school, name="Kestrels", year_group=4, teachers=[lead]
    )
    hawks = factories.TeachingGroupFactory(school=school, name="Hawks", year_group=9)
    isla = factories.pupil(kestrels, "Isla").pupil
    quinn = factories.pupil(hawks, "Quinn").pupil
    fine = services.concern_raise(
        raised_by=isla.user, pupil=isla, source=ConcernSource.PUPIL, feeling="ok",
        what_happened="Just saying hi",
    )  # fmt: skip
    scared = services.concern_raise(
        raised_by=quinn.user, pupil=quinn, source=ConcernSource.PUPIL, feeling="scared",
        what_happened="someone online says he will send my photos to everyone",
    )  # fmt: skip
    services.concern_categories_ensure(school=school)
    # The new-concern notices (two concerns, two leads) go out first.
    wait_for(lambda: len(sink.messages) == 4, what="new-concern notices", logs=worker.logs)

    # Signing in lands on the inbox, because two concerns wait; the header says so everywhere.
    login_staff(page, lead.email, PASSWORD, totp_secret=TOTP_SECRET)
    page.wait_for_url("**/safeguarding/")
    expect(page.locator(".site-nav__count")).to_have_text("2 waiting")
    assert triage_rows(page) == [f"Concern {scared.pk}", f"Concern {fine.pk}"]
    scared_row = page.locator("table.triage tbody tr").first
    expect(scared_row).to_contain_text("Scared")
    expect(scared_row).to_contain_text("Year 9")
    expect(scared_row).to_contain_text("someone online says he will send my photos")
    check_both_widths(page, assert_accessible, "the inbox")

    # Filtering to Year 9 leaves only Quinn's concern; the address holds no words.
    page.get_by_text("Filter the list").click()
    page.get_by_label("Year group").select_option(label="Year 9")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url(re.compile(r"year_group=9"))
    assert triage_rows(page) == [f"Concern {scared.pk}"]
    assert "photos" not in page.url and "Quinn" not in page.url
    check_both_widths(page, assert_accessible, "the filtered inbox")

    # Open it, set its categories.
    page.get_by_role("link", name=f"Concern {scared.pk}", exact=True).click()
    page.get_by_role("heading", name=f"Concern {scared.pk}").wait_for()
    page.get_by_text("Set the categories").click()
    page.get_by_label("Sextortion / image-based abuse").check()
    page.get_by_label("Online grooming").check()
    page.get_by_role("button", name="Save categories").click()
    page.get_by_text("Categories saved.").wait_for()
    expect(page.locator("#chronology")).to_contain_text(
        "Categories changed from “none” to “Online grooming, Sextortion / image-based abuse”."
    )

    # Assign it to the deputy.
    page.get_by_text("Assign the case").click()
    page.get_by_label("Assign to").select_option(label=deputy.get_full_name())
    page.get_by_role("button", name="Assign", exact=True).click()
    page.get_by_text("Assigned. They have been told.").wait_for()
    expect(page.locator("#triage")).to_contain_text(f"Assigned to: {deputy.get_full_name()}")
    check_both_widths(page, assert_accessible, "the case")
    assert scared.entries.filter(kind=EntryKind.ASSIGNED).count() == 1

    # The deputy's email: a link to the case, nothing about the child.
    def assignment_mail():
        return [m for m in sink.messages if "assigned to you" in m.subject]

    wait_for(lambda: assignment_mail(), what="the assignment email", logs=worker.logs)
    (message,) = assignment_mail()
    assert message.to == [deputy.email]
    assert f"/safeguarding/cases/{scared.pk}/" in message.body
    for secret in ("Quinn", "photos", "Scared", "scared"):
        assert secret not in message.raw

    # The inbox filters to what is assigned to the lead: nothing; the governor counts.
    page.goto("/safeguarding/?status=open&assigned=me")
    assert triage_rows(page) == []
    page.get_by_role("link", name="Governor counts").click()
    page.get_by_role("heading", name="Governor counts", level=1).wait_for()
    category_table = page.locator("section", has=page.get_by_role("heading", name="By category"))
    expect(category_table.locator("table")).to_contain_text("Sextortion / image-based abuse")
    expect(page.locator("canvas[data-chart=category]")).to_be_visible()
    assert "Quinn" not in page.content() and "photos" not in page.content()
    check_both_widths(page, assert_accessible, "the governor counts")
