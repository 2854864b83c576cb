"""The 9 a.m. burst: how many requests and queries each pupil sign-in step needs (issue 14).

A picture sign-in is 5 requests (GET + POST the class code, GET the names, tap a name: it
posts straight to the pictures page, then the three pictures in one post) and a password
sign-in the same 5. Savepoints are not counted (they are how the test's transaction nests).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    sql = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    return response, len(sql), "\n".join(sql)


def choose_class(client, group, expected=3):
    assert queries(client, "get", reverse("pupil_login"))[1] == 0
    response, count, sql = queries(client, "post", reverse("pupil_login"), {"code": group.code})
    assert response.status_code == 302 and count == expected, sql
    response, count, sql = queries(client, "get", reverse("pupil_login_name"))
    assert response.status_code == 200 and count == 2, sql


def test_a_picture_sign_in_is_five_requests_and_nineteen_queries(client, group, young_pupil):
    choose_class(client, group)
    pupil = young_pupil.pupil
    response, count, sql = queries(
        client, "post", reverse("pupil_login_secret"), {"pupil": pupil.pk}
    )
    # The tapped name shows the pictures at once: no redirect, no second page load.
    assert response.status_code == 200 and "Tap your pictures" in response.text, sql
    assert count == 3, sql
    pictures = young_pupil.picture_password.split("-")
    response, count, sql = queries(
        client, "post", reverse("pupil_login_secret"), {"picture": pictures}
    )
    assert response.status_code == 302 and response.url == reverse("learn_home")
    assert count == 11, sql


def test_a_password_sign_in_is_five_requests_and_nineteen_queries(client, older_pupil):
    group = older_pupil.pupil.teaching_groups.get()
    choose_class(client, group)
    response, count, sql = queries(
        client, "post", reverse("pupil_login_secret"), {"pupil": older_pupil.pupil.pk}
    )
    assert response.status_code == 200 and 'name="password"' in response.text
    assert "errorlist" not in response.text and count == 3, sql
    response, count, sql = queries(
        client, "post", reverse("pupil_login_secret"), {"password": older_pupil.password}
    )
    assert response.status_code == 302 and response.url == reverse("learn_home")
    assert count == 11, sql


def test_a_device_that_had_a_session_gets_a_new_key_at_the_class_code(client, group):
    client.post(reverse("pupil_login"), {"code": "ZZZZZZZZ"})  # a typo first: a session
    old_key = client.session.session_key
    assert old_key
    client.post(reverse("pupil_login"), {"code": group.code})
    assert client.session.session_key != old_key


def test_a_wrong_set_of_pictures_in_one_post_counts_once(client, group, young_pupil):
    pupil = young_pupil.pupil
    right = young_pupil.picture_password.split("-")
    wrong = ["moon" if right[0] != "moon" else "sun"] * 3
    client.post(reverse("pupil_login"), {"code": group.code})
    client.post(reverse("pupil_login_secret"), {"pupil": pupil.pk})
    response = client.post(reverse("pupil_login_secret"), {"picture": wrong})
    assert response.status_code == 200 and "quite right" in response.text
    pupil.refresh_from_db()
    assert pupil.failed_logins == 1
    # Extra pictures beyond three are not a second try.
    response = client.post(reverse("pupil_login_secret"), {"picture": wrong + wrong})
    pupil.refresh_from_db()
    assert pupil.failed_logins == 2
    response = client.post(reverse("pupil_login_secret"), {"picture": right})
    assert response.status_code == 302 and response.url == reverse("learn_home")


def test_taps_one_at_a_time_and_in_one_post_can_be_mixed(client, group, young_pupil):
    """Without JavaScript each tap is a post, kept in the session, and the rest can follow."""
    right = young_pupil.picture_password.split("-")
    client.post(reverse("pupil_login"), {"code": group.code})
    client.post(reverse("pupil_login_secret"), {"pupil": young_pupil.pupil.pk})
    response = client.post(reverse("pupil_login_secret"), {"picture": right[0]})
    assert response.status_code == 200 and "Picture 2 of 3" in response.text
    response = client.post(reverse("pupil_login_secret"), {"picture": right[1:]})
    assert response.status_code == 302 and response.url == reverse("learn_home")


def test_tapping_a_pupil_of_another_class_goes_back_to_the_names(client, group, school):
    other = factories.TeachingGroupFactory(school=school, name="Owls")
    outsider = factories.pupil(other, "Zed").pupil
    client.post(reverse("pupil_login"), {"code": group.code})
    response = client.post(reverse("pupil_login_secret"), {"pupil": outsider.pk}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("pupil_login_name")
    assert "Please tap your name" in response.text
    assert client.get(reverse("pupil_login_secret")).status_code == 302


def test_tapping_a_name_without_a_class_goes_back_to_the_start(client, young_pupil):
    response = client.post(reverse("pupil_login_secret"), {"pupil": young_pupil.pupil.pk})
    assert response.status_code == 302 and response.url == reverse("pupil_login")


def test_an_archived_class_sends_the_names_page_back_to_the_start(client, group, young_pupil):
    from django.utils import timezone

    client.post(reverse("pupil_login"), {"code": group.code})
    group.archived_at = timezone.now()
    group.save(update_fields=["archived_at"])
    response = client.get(reverse("pupil_login_name"))
    assert response.status_code == 302 and response.url == reverse("pupil_login")
    response = client.post(reverse("pupil_login_secret"), {"pupil": young_pupil.pupil.pk})
    assert response.status_code == 302 and response.url == reverse("pupil_login_name")
