"""A teacher unlocks a pupil paused after wrong pictures, and the pupil signs in with the same
pictures. Pages pass axe at phone (390 px) and desktop widths."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from schools.models import Pupil
from tests import factories
from tests.schools.test_staff_access import PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def test_teacher_unlocks_a_paused_pupil_who_keeps_their_pictures(
    page, assert_accessible, login_staff, login_pupil, group
):
    teacher = group.teachers.get()
    credentials = factories.pupil(group, "Isla")
    Pupil.objects.filter(pk=credentials.pupil.pk).update(
        locked_until=timezone.now() + timedelta(minutes=15)
    )
    login_staff(page, teacher.email, PASSWORD)
    page.goto(credentials.pupil.get_absolute_url())
    expect(page.get_by_text("Logging in is paused")).to_be_visible()
    for size, label in ((PHONE, "390 px"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"paused pupil, {label}")
    page.get_by_role("button", name="Unlock: same pictures or password").click()
    expect(page.get_by_text("Isla can log in again with the same pictures")).to_be_visible()
    assert_accessible(page, context="pupil page after unlock")
    pupil = Pupil.objects.get(pk=credentials.pupil.pk)
    assert not pupil.is_locked and pupil.picture_password == credentials.picture_password

    page.context.clear_cookies()
    login_pupil(
        page, code=group.code, name="Isla", pictures=credentials.picture_password.split("-")
    )
    page.wait_for_url("**/learn/")
