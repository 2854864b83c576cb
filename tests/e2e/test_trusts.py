"""Trusts and staff in several schools, in a real browser: a teacher in two schools switches
school in the header and sees only that school's classes; a trust admin opens the trust
overview and sets a module for a year group in every school; a school admin moves its own due
date. Every page passes axe at phone (390 px) and desktop widths."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lessons.loader import curriculum_load
from lessons.models import Assignment, ModulePage
from schools.models import StaffRole, Trust, TrustMembership
from schools.services import staff_role_grant
from tests import factories
from tests.lessons.conftest import FIXTURE_CURRICULUM
from training.loader import courses_load
from training.models import CourseCompletion, staff_courses

PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def accessible_at_both_widths(page, assert_accessible, context):
    for size, label in ((PHONE, "390 px"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"{context} at {label}")


@pytest.fixture
def module(transactional_db):
    curriculum_load(directory=FIXTURE_CURRICULUM)
    return ModulePage.objects.get(slug="test-8-10")


@pytest.fixture
def trust(school, other_school):
    trust = Trust.objects.create(name="Riverside Learning Trust", slug="riverside")
    for member in (school, other_school):
        member.trust = trust
        member.save()
    return trust


def test_a_teacher_in_two_schools_switches_and_sees_only_that_schools_classes(
    page, assert_accessible, login_staff, school, other_school
):
    person = factories.staff(school, StaffRole.TEACHER)
    staff_role_grant(user=person, school=other_school, role=StaffRole.TEACHER)
    factories.TeachingGroupFactory(school=school, name="Kestrels", year_group=4, teachers=[person])
    factories.TeachingGroupFactory(
        school=other_school, name="Elms", year_group=5, teachers=[person]
    )

    login_staff(page, person.email, PASSWORD)
    page.wait_for_url("**/portal/")
    main = page.locator("main")
    expect(main.get_by_role("link", name="Kestrels")).to_be_visible()
    expect(main).not_to_contain_text("Elms")
    switcher = page.get_by_label("School")
    expect(switcher).to_have_value(str(school.pk))
    accessible_at_both_widths(page, assert_accessible, "portal home with the school switcher")

    # By keyboard: choose Elmwood and press the button
    switcher.focus()
    switcher.select_option(label="Elmwood")
    page.get_by_role("button", name="Switch school").press("Enter")
    page.wait_for_url("**/portal/")
    expect(page.locator(".messages")).to_contain_text("You are now working in Elmwood.")
    expect(main.get_by_role("link", name="Elms")).to_be_visible()
    expect(main).not_to_contain_text("Kestrels")
    expect(page.get_by_label("School")).to_have_value(str(other_school.pk))
    accessible_at_both_widths(page, assert_accessible, "portal home after switching")


def test_a_trust_admin_opens_the_overview_sets_work_and_a_school_moves_its_dates(
    page, assert_accessible, login_staff, trust, school, other_school, module
):
    trust_admin = factories.UserFactory(first_name="Tam")
    TrustMembership.objects.create(user=trust_admin, trust=trust)
    kestrels = factories.TeachingGroupFactory(school=school, name="Kestrels", year_group=4)
    elms = factories.TeachingGroupFactory(school=other_school, name="Elms", year_group=4)
    factories.pupil(kestrels, "Isla")
    factories.pupil(elms, "Keira")
    elm_admin = factories.staff(other_school, StaffRole.SCHOOL_ADMIN)
    courses_load()  # staff training, so that its table is on the page axe checks
    course = staff_courses().first()
    CourseCompletion.objects.create(
        user=factories.staff(school, StaffRole.TEACHER, first_name="Trained"),
        school=school,
        course=course,
        passed_on=timezone.localdate(),
        expires_on=timezone.localdate() + datetime.timedelta(days=365),
        score=100,
    )

    login_staff(page, trust_admin.email, PASSWORD)
    page.wait_for_url(f"**/portal/trust/{trust.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Riverside Learning Trust")
    expect(page.get_by_role("heading", name="Oakfield")).to_be_visible()
    expect(page.get_by_role("heading", name="Elmwood")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Isla")
    oakfield = page.get_by_role("region", name="Oakfield")
    training = oakfield.get_by_role("region", name="Staff training (counts only)")
    cells = training.get_by_role("row", name=course.title).get_by_role("cell")
    expect(cells).to_have_text(["1", "1", "0", "0"])  # required of, done, due soon, overdue
    expect(page.locator("main")).not_to_contain_text("Trained")
    accessible_at_both_widths(page, assert_accessible, "trust overview")

    page.get_by_role("link", name="Set a module for a year group in every school").click()
    accessible_at_both_widths(page, assert_accessible, "trust-wide work form")
    page.get_by_label("Module").select_option(label=module.title)
    page.get_by_label("Year group").select_option(label="Year 4")
    page.get_by_role("button", name="Set it in every school").click()
    page.wait_for_url(f"**/portal/trust/{trust.pk}/")
    expect(page.locator("main")).to_contain_text("2 classes in 2 schools")
    accessible_at_both_widths(page, assert_accessible, "trust overview with trust-wide work")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("load")

    # Elmwood's school admin sees the work on Elms and moves its due date
    work = Assignment.objects.get(teaching_group=elms)
    login_staff(page, elm_admin.email, PASSWORD)
    page.goto(f"/portal/classes/{elms.pk}/work/{work.pk}/edit/")
    accessible_at_both_widths(page, assert_accessible, "a school moves the trust's dates")
    later = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_label("Due date").fill(later.isoformat())
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state("load")
    work.refresh_from_db()
    assert work.due_on == later
    assert Assignment.objects.get(teaching_group=kestrels).due_on != later
