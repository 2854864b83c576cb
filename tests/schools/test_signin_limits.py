"""Limits that hold against guessing without hurting a school that shares one address: wrong
class codes slow down the device that typed them and are capped per address far above a school's
typos; a paused pupil is unlocked with the same pictures; a school's morning gets everyone in."""

import pytest
from django.test import Client
from django.urls import reverse

from schools import throttle
from schools.models import Pupil
from schools.services import NewPupil, pupil_login_check, pupils_bulk_create
from tests import factories

WRONG_CODE = "ZZZZZZZZ"


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def time(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("schools.views.time", clock)
    return clock


def code(client, value):
    return client.post(reverse("pupil_login"), {"code": value})


def test_thirty_wrong_codes_from_one_address_do_not_block_the_right_code(db, group, clock):
    devices = [Client() for _ in range(6)]  # six tablets, one school address
    for device in devices:
        for _ in range(5):
            assert code(device, WRONG_CODE).status_code == 200
    another_class = factories.TeachingGroupFactory(school=group.school, name="Owls")
    response = code(Client(), another_class.code)
    assert response.status_code == 302 and response.url == reverse("pupil_login_name")
    # The tablets that typed the wrong codes get in with the right one too, after a short wait.
    clock.now += 2
    for device in devices:
        assert code(device, group.code).status_code == 302


def test_one_device_typing_wrong_codes_waits_a_little_longer_each_time(db, group, clock):
    device = Client()
    for _ in range(throttle.DEVICE_FREE_MISSES - 1):
        assert "Wait" not in code(device, WRONG_CODE).text
    response = code(device, WRONG_CODE)
    assert "Wait 2 seconds before you try again" in response.text
    # While it waits, nothing it sends is checked, not even a right code...
    waiting = code(device, group.code)
    assert waiting.status_code == 429 and waiting["Retry-After"] == "2"
    assert "Please wait 2 seconds" in waiting.text
    clock.now += 2
    assert "Wait 4 seconds" in code(device, WRONG_CODE).text
    clock.now += 3
    assert code(device, group.code).status_code == 429
    # ...and once it has waited, the right code works and the count starts again.
    clock.now += 1
    assert code(device, group.code).status_code == 302
    for _ in range(60):
        clock.now += throttle.DEVICE_MAX_WAIT
        code(device, WRONG_CODE)
    assert code(device, group.code).status_code == 429
    clock.now += throttle.DEVICE_MAX_WAIT
    assert code(device, group.code).status_code == 302


def test_code_guessing_from_one_address_is_capped(db, group, clock, settings):
    settings.STREAMWISE_CLASS_CODE_ADDRESS_RATE = "20/15m"
    for n in range(20):  # a fresh "device" each time, as a script that drops cookies would
        assert code(Client(), f"ZZZZZZ{n:02d}").status_code == 200
    refused = code(Client(), "ZZZZZZ99")
    assert refused.status_code == 429 and "15 minutes" in refused.text
    # Another address is not affected.
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert code(elsewhere, group.code).status_code == 302


def test_teacher_unlocks_a_paused_pupil_with_the_same_pictures(client, teacher, group, settings):
    settings.STREAMWISE_PUPIL_LOGIN_MAX_FAILURES = 2
    credentials = factories.pupil(group, "Isla")
    pupil = credentials.pupil
    for _ in range(2):
        pupil_login_check(pupil=pupil, secret="wrong-wrong-wrong")
    pupil.refresh_from_db()
    assert pupil.is_locked
    client.force_login(teacher)
    page = client.get(reverse("teacher_portal:pupil_detail", args=[pupil.pk])).text
    assert "Unlock: same pictures or password" in page
    url = reverse("teacher_portal:pupil_unlock", args=[pupil.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "can log in again with the same pictures" in response.text
    pupil.refresh_from_db()
    assert not pupil.is_locked and pupil.picture_password == credentials.picture_password
    assert pupil_login_check(pupil=pupil, secret=credentials.picture_password) == "ok"


def test_a_teacher_cannot_unlock_a_pupil_they_do_not_teach(client, school, group, settings):
    stranger = factories.staff(school, "teacher")
    pupil = factories.pupil(group, "Isla").pupil
    Pupil.objects.filter(pk=pupil.pk).update(failed_logins=5)
    client.force_login(stranger)
    assert client.post(reverse("teacher_portal:pupil_unlock", args=[pupil.pk])).status_code == 404
    pupil.refresh_from_db()
    assert pupil.failed_logins == 5


def _sign_in(client, group, pupil, secret):
    """The whole pupil sign-in, as a browser does it; returns the last response."""
    code(client, group.code)
    client.post(reverse("pupil_login_name"), {"pupil": pupil.pk})
    if pupil.uses_picture_password:
        response = None
        for picture in secret.split("-"):
            response = client.post(reverse("pupil_login_secret"), {"picture": picture})
        return response
    return client.post(reverse("pupil_login_secret"), {"password": secret})


def test_a_morning_of_300_pupils_from_one_address_lets_every_right_sign_in_through(
    db, school, clock
):
    """10 classes of 30 (5 with pictures, 5 with passwords), all behind one address, with 40
    wrong class codes and 20 wrong picture passwords along the way."""
    secrets_by_pupil = {}
    groups = []
    for n in range(10):
        year = 3 if n < 5 else 8
        group = factories.TeachingGroupFactory(school=school, name=f"Class {n}", year_group=year)
        groups.append(group)
        if year == 3:
            for pupil in pupils_bulk_create(
                school=school,
                pupils=[NewPupil(f"P{n}-{i}", year, group) for i in range(30)],
            ):
                secrets_by_pupil[pupil.pk] = (group, pupil, pupil.picture_password)
        else:
            for i in range(30):
                credentials = factories.pupil(group, f"P{n}-{i}")
                secrets_by_pupil[credentials.pupil.pk] = (
                    group,
                    credentials.pupil,
                    credentials.password,
                )
    wrong_codes = 40
    wrong_pictures = 20
    for index, (group, pupil, secret) in enumerate(secrets_by_pupil.values()):
        device = Client()  # the same address (127.0.0.1) for everyone
        clock.now += 1
        if wrong_codes and index % 7 == 0:
            for _ in range(2):
                code(device, WRONG_CODE)
                wrong_codes -= 1
        if wrong_pictures and pupil.uses_picture_password and index % 5 == 0:
            wrong = "moon-moon-moon" if secret != "moon-moon-moon" else "sun-sun-sun"
            response = _sign_in(device, group, pupil, wrong)
            assert response.status_code == 200 and "quite right" in response.text
            wrong_pictures -= 1
        response = _sign_in(device, group, pupil, secret)
        assert response.status_code == 302, (pupil.display_name, response.status_code)
        assert response.url == reverse("learn_home")
    assert wrong_codes <= 0 and wrong_pictures <= 0
