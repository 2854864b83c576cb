import pytest
from django.urls import reverse
from django.utils import timezone

from schools.services import PupilLoginResult, pupil_login_check, pupil_login_reset
from tests import factories


def start(client, group, pupil):
    client.post(reverse("pupil_login"), {"code": group.code})
    client.post(reverse("pupil_login_name"), {"pupil": pupil.pk})


def tap(client, *pictures):
    response = None
    for picture in pictures:
        response = client.post(reverse("pupil_login_secret"), {"picture": picture})
    return response


def test_young_pupil_logs_in_with_three_pictures(client, group, young_pupil):
    start(client, group, young_pupil.pupil)
    response = tap(client, *young_pupil.picture_password.split("-"))
    assert response.status_code == 302 and response.url == reverse("learn_home")
    assert client.get(reverse("learn_home")).status_code == 200


def test_class_code_is_case_and_space_insensitive(client, group):
    code = group.code
    response = client.post(reverse("pupil_login"), {"code": f" {code[:4].lower()} {code[4:]} "})
    assert response.status_code == 302 and response.url == reverse("pupil_login_name")


def test_wrong_class_code_gets_a_kind_message(client, group):
    response = client.post(reverse("pupil_login"), {"code": "ZZZZZZZZ"})
    assert response.status_code == 200
    assert "couldn&#x27;t find that class code" in response.text


def test_names_page_lists_only_that_class(client, group, young_pupil, school):
    other = factories.TeachingGroupFactory(school=school, name="Owls")
    factories.pupil(other, "Zed")
    client.post(reverse("pupil_login"), {"code": group.code})
    page = client.get(reverse("pupil_login_name")).text
    assert "Isla" in page and "Zed" not in page


def test_cannot_pick_a_pupil_from_another_class(client, group, school):
    other = factories.TeachingGroupFactory(school=school, name="Owls")
    outsider = factories.pupil(other, "Zed").pupil
    client.post(reverse("pupil_login"), {"code": group.code})
    response = client.post(reverse("pupil_login_name"), {"pupil": outsider.pk})
    assert response.status_code == 200 and "Please tap your name" in response.text
    assert client.get(reverse("pupil_login_secret")).status_code == 302


def test_skipping_to_pictures_without_a_class_goes_back_to_start(client):
    response = client.get(reverse("pupil_login_secret"))
    assert response.status_code == 302 and response.url == reverse("pupil_login")


def test_wrong_pictures_then_lock_then_teacher_reset(client, group, young_pupil, settings):
    settings.STREAMWISE_PUPIL_LOGIN_MAX_FAILURES = 3
    pupil = young_pupil.pupil
    right = young_pupil.picture_password.split("-")
    wrong = ["moon" if right[0] != "moon" else "sun"] * 3
    start(client, group, pupil)
    response = tap(client, *wrong)
    assert "quite right" in response.text
    tap(client, *wrong)
    response = tap(client, *wrong)
    assert response.status_code == 403 and "ask your teacher" in response.text.lower()
    # Even the right pictures don't work while paused.
    start(client, group, pupil)
    response = tap(client, *right)
    assert response.status_code == 403
    pupil.refresh_from_db()
    assert pupil.is_locked

    new = pupil_login_reset(pupil=pupil)
    start(client, group, pupil)
    response = tap(client, *new.picture_password.split("-"))
    assert response.status_code == 302 and response.url == reverse("learn_home")


def test_lock_expires(young_pupil, settings):
    settings.STREAMWISE_PUPIL_LOGIN_MAX_FAILURES = 1
    pupil = young_pupil.pupil
    assert pupil_login_check(pupil=pupil, secret="x-y-z") == PupilLoginResult.LOCKED
    pupil.locked_until = timezone.now() - timezone.timedelta(seconds=1)
    pupil.save()
    assert pupil_login_check(pupil=pupil, secret=young_pupil.picture_password) == "ok"


def test_start_again_clears_picks(client, group, young_pupil):
    start(client, group, young_pupil.pupil)
    tap(client, "moon")
    client.post(reverse("pupil_login_secret"), {"start_again": "1"})
    response = tap(client, *young_pupil.picture_password.split("-"))
    assert response.status_code == 302


def test_older_pupil_uses_a_password(client, senior_group, older_pupil):
    start(client, senior_group, older_pupil.pupil)
    page = client.get(reverse("pupil_login_secret"))
    assert 'type="password"' in page.text
    wrong = client.post(reverse("pupil_login_secret"), {"password": "nope"})
    assert "isn&#x27;t right" in wrong.text
    ok = client.post(reverse("pupil_login_secret"), {"password": older_pupil.password})
    assert ok.status_code == 302 and ok.url == reverse("learn_home")


def test_pupil_failures_are_rate_limited_per_address_across_pupils(
    client, group, settings, young_pupil
):
    settings.STREAMWISE_LOGIN_ADDRESS_RATE = "4/15m"
    other = factories.pupil(group, "Jack")
    for credentials in (young_pupil, other, young_pupil, other):
        start(client, group, credentials.pupil)
        wrong = "moon" if credentials.picture_password != "moon-moon-moon" else "sun"
        tap(client, wrong, wrong, wrong)
    start(client, group, other.pupil)
    response = tap(client, *other.picture_password.split("-"))
    assert response.status_code == 429


def test_pupil_cannot_use_staff_pages(client, young_pupil):
    client.force_login(young_pupil.pupil.user)
    assert client.get(reverse("teacher_portal:home")).status_code == 403
    assert client.get(reverse("safeguarding:home")).status_code == 403
    response = client.get("/admin/")  # the editing area says plainly it isn't for them
    assert response.status_code == 403
    assert "The editing area isn" in response.content.decode()


def test_pupil_cannot_log_in_through_the_staff_form(client, young_pupil):
    user = young_pupil.pupil.user
    response = client.post(
        reverse("account_login"), {"login": user.username, "password": "anything"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout(client, young_pupil):
    client.force_login(young_pupil.pupil.user)
    response = client.post(reverse("pupil_logout"))
    assert response.status_code == 302
    assert client.get(reverse("learn_home")).status_code == 302


@pytest.mark.parametrize("url_name", ["pupil_login_name", "pupil_login_secret"])
def test_login_steps_without_session_redirect(client, url_name, db):
    assert client.get(reverse(url_name)).status_code == 302
