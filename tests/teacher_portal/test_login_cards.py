"""Printable login cards: class code, name and picture password or a fresh password."""

import re

from django.urls import reverse

from schools.models import StaffRole
from schools.services import PupilLoginResult, pupil_login_check
from tests import factories


def cards_url(group):
    return reverse("teacher_portal:login_cards", args=[group.pk])


def renew_url(group):
    return reverse("teacher_portal:login_cards_new_passwords", args=[group.pk])


def test_cards_for_young_pupils_show_their_pictures(client, teacher, group):
    isla = factories.pupil(group, "Isla")
    jack = factories.pupil(group, "Jack")
    client.force_login(teacher)
    response = client.get(cards_url(group))
    assert response.status_code == 200
    assert "<h1>Login cards</h1>" in response.text
    assert group.code in response.text
    assert "no-store" in response["Cache-Control"]
    for credentials in (isla, jack):
        card = response.text.split(f">{credentials.pupil.display_name}</h2>")[1].split("</li>\n")[0]
        pictures = re.findall(r"pictures/(\w+)\.svg", card)
        assert "-".join(pictures) == credentials.picture_password
    assert "Make new passwords" not in response.text


def _imported(group, *names):
    from schools.services import NewPupil, pupils_bulk_create

    return pupils_bulk_create(
        school=group.school,
        pupils=[
            NewPupil(display_name=name, year_group=group.year_group, teaching_group=group)
            for name in names
        ],
    )


def test_printing_cards_keeps_the_passwords_pupils_already_have(client, teacher, senior_group):
    quinn = factories.pupil(senior_group, "Quinn")
    tara, uma = _imported(senior_group, "Tara", "Uma")  # no password yet
    client.force_login(teacher)
    page = client.get(cards_url(senior_group)).text
    assert "2 pupils need passwords" in page
    assert "Tara, Uma" in page
    assert quinn.password not in page
    # Quinn's card prints now, without a new password.
    quinn_card = page.split(">Quinn</h2>")[1].split("</li>")[0]
    assert "The one you already use" in quinn_card

    # Without ticking the confirmation nothing changes.
    refused = client.post(renew_url(senior_group))
    assert "Tick the box to confirm" in refused.text
    assert 'aria-describedby="id_confirm_error"' in refused.text

    response = client.post(renew_url(senior_group), {"confirm": "on"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "2 pupils have passwords now" in response.text
    passwords = dict(
        re.findall(
            r'login-card__name">([^<]+)</h2>(?:(?!</li>).)*?login-card__password">([^<]+)<',
            response.text,
            re.S,
        )
    )
    assert set(passwords) == {"Tara", "Uma"}
    for pupil in (tara, uma):
        pupil.refresh_from_db()
        assert pupil_login_check(pupil=pupil, secret=passwords[pupil.display_name]) == "ok"
    # Quinn keeps the password they know.
    quinn.pupil.refresh_from_db()
    assert pupil_login_check(pupil=quinn.pupil, secret=quinn.password) == PupilLoginResult.OK
    # Shown once: opening the page again does not show them, and nobody needs one now.
    again = client.get(cards_url(senior_group)).text
    assert not any(password in again for password in passwords.values())
    assert "need passwords" not in again and "needs a password" not in again
    # Asking again makes nobody a new password.
    assert (
        "0 pupils have passwords now"
        in client.post(renew_url(senior_group), {"confirm": "on"}).text
    )


def test_renewing_leaves_picture_passwords_alone(client, school_admin, school):
    mixed = factories.TeachingGroupFactory(school=school, name="Mixed", year_group=5)
    young = factories.pupil(mixed, "Young", year_group=5)
    older = factories.pupil(mixed, "Older", year_group=6)
    client.force_login(school_admin)
    client.post(renew_url(mixed), {"confirm": "on"})
    young.pupil.refresh_from_db()
    older.pupil.refresh_from_db()
    assert young.pupil.picture_password == young.picture_password
    assert pupil_login_check(pupil=older.pupil, secret=older.password) == "ok"


def test_imported_older_pupils_get_a_password_from_the_cards(client, school_admin, senior_group):
    (pupil,) = _imported(senior_group, "Tara")
    client.force_login(school_admin)
    assert "1 pupil needs a password" in client.get(cards_url(senior_group)).text
    response = client.post(renew_url(senior_group), {"confirm": "on"})
    password = re.search(r'login-card__password">([^<]+)<', response.text).group(1)
    pupil.refresh_from_db()
    assert pupil_login_check(pupil=pupil, secret=password) == PupilLoginResult.OK


def test_cards_are_only_for_those_who_see_the_class(client, school, group, far_group):
    stranger = factories.staff(school, StaffRole.TEACHER)
    factories.pupil(group, "Isla")
    client.force_login(stranger)
    assert client.get(cards_url(group)).status_code == 404
    assert client.post(renew_url(group), {"confirm": "on"}).status_code == 404
    assert client.get(cards_url(far_group)).status_code == 404


def test_renewing_needs_post(client, teacher, senior_group):
    client.force_login(teacher)
    assert client.get(renew_url(senior_group)).status_code == 405


def test_archived_class_has_no_cards(client, school_admin, group):
    group.archived_at = group.created_at
    group.save()
    client.force_login(school_admin)
    assert client.get(cards_url(group)).status_code == 404
