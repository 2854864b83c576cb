"""QR login cards: a long random token per card, stored hashed, revoked by a reprint or a reset;
alone it signs a pupil in only where the school allows it, else it fills in class and name."""

import hashlib

from django.test import Client
from django.urls import reverse

from schools.cards import card_tokens_issue, hash_card_token
from schools.models import PupilCardToken, School
from schools.services import pupil_login_reset
from tests import factories


def scan(client, raw):
    """What the page's script does with the token after "#": post it."""
    return client.post(reverse("pupil_login_card"), {"token": raw})


def test_teacher_prints_cards_with_qr_codes_that_hold_no_token_in_the_address(
    client, teacher, group, monkeypatch
):
    isla = factories.pupil(group, "Isla").pupil
    jack = factories.pupil(group, "Jack").pupil
    made = []
    monkeypatch.setattr(
        "teacher_portal.signin_views.qr_data_uri",
        lambda url: made.append(url) or "data:image/svg+xml;base64,PHN2Zy8+",
    )
    client.force_login(teacher)
    url = reverse("teacher_portal:login_cards_qr", args=[group.pk])
    page = client.get(reverse("teacher_portal:login_cards", args=[group.pk])).text
    assert "Add QR codes to the cards" in page and "login-card__qr" not in page
    assert client.get(url).status_code == 405
    refused = client.post(url, follow=True)
    assert "Tick the box" in refused.text and PupilCardToken.objects.count() == 0

    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert response.text.count('class="login-card__qr"') == 2
    assert "QR code: scan it to log in as Isla" in response.text
    # The token rides after "#", which browsers never send: it reaches no server log.
    base = "http://testserver" + reverse("pupil_login_card") + "#"
    assert len(made) == 2 and all(u.startswith(base) and len(u) > len(base) + 40 for u in made)
    raws = [u.split("#", 1)[1] for u in made]
    stored = set(PupilCardToken.objects.values_list("token_hash", flat=True))
    assert stored == {hashlib.sha256(raw.encode()).hexdigest() for raw in raws}
    assert not any(raw in response.text for raw in raws)
    assert {t.pupil_id for t in PupilCardToken.objects.all()} == {isla.pk, jack.pk}


def test_a_card_fills_in_class_and_name_and_the_pupil_still_taps_pictures(db, group):
    credentials = factories.pupil(group, "Isla")
    raw = card_tokens_issue(group=group, pupils=[credentials.pupil])[credentials.pupil.pk]
    device = Client()
    page = device.get(reverse("pupil_login_card"))
    assert page.status_code == 200 and "_auth_user_id" not in device.session  # a preview: nothing
    response = scan(device, raw)
    assert response.status_code == 302 and response.url == reverse("pupil_login_secret")
    assert "_auth_user_id" not in device.session
    for picture in credentials.picture_password.split("-"):
        response = device.post(reverse("pupil_login_secret"), {"picture": picture})
    assert response.status_code == 302 and response.url == reverse("learn_home")


def test_a_card_alone_signs_in_where_the_school_allows_it(db, group):
    School.objects.filter(pk=group.school_id).update(qr_cards_sign_in_alone=True)
    pupil = factories.pupil(group, "Isla").pupil
    raw = card_tokens_issue(group=group, pupils=[pupil])[pupil.pk]
    device = Client()
    response = scan(device, raw)
    assert response.status_code == 302 and response.url == reverse("learn_home")
    assert device.session["_auth_user_id"] == str(pupil.user_id)


def test_reprinting_or_resetting_revokes_the_old_card(db, group):
    School.objects.filter(pk=group.school_id).update(qr_cards_sign_in_alone=True)
    pupil = factories.pupil(group, "Isla").pupil
    first = card_tokens_issue(group=group, pupils=[pupil])[pupil.pk]
    second = card_tokens_issue(group=group, pupils=[pupil])[pupil.pk]
    old = scan(Client(), first)
    assert old.status_code == 200 and "doesn&#x27;t work any more" in old.text
    assert scan(Client(), second).status_code == 302
    pupil_login_reset(pupil=pupil)
    assert scan(Client(), second).status_code == 200
    assert PupilCardToken.objects.filter(revoked_at__isnull=True).count() == 0
    assert PupilCardToken.objects.filter(token_hash=hash_card_token(second)).exists()


def test_a_card_stops_working_when_the_pupil_leaves_the_class_or_is_archived(db, group, school):
    School.objects.filter(pk=group.school_id).update(qr_cards_sign_in_alone=True)
    pupil = factories.pupil(group, "Isla").pupil
    raw = card_tokens_issue(group=group, pupils=[pupil])[pupil.pk]
    pupil.teaching_groups.clear()
    assert scan(Client(), raw).status_code == 200
    pupil.teaching_groups.add(group)
    pupil.archived_at = pupil.created_at
    pupil.save()
    assert scan(Client(), raw).status_code == 200


def test_made_up_tokens_count_towards_the_address_limit(db, group, settings):
    settings.STREAMWISE_LOGIN_ADDRESS_RATE = "3/15m"
    pupil = factories.pupil(group, "Isla").pupil
    raw = card_tokens_issue(group=group, pupils=[pupil])[pupil.pk]
    for n in range(3):
        assert scan(Client(), f"made-up-{n}").status_code == 200
    assert scan(Client(), raw).status_code == 429


def test_school_admin_chooses_whether_a_card_alone_signs_in(client, school_admin, teacher, school):
    url = reverse("teacher_portal:sign_in_settings")
    client.force_login(teacher)
    assert client.get(url).status_code == 403
    client.force_login(school_admin)
    assert "A QR login card alone signs a pupil in" in client.get(url).text
    response = client.post(url, {"qr_cards_sign_in_alone": "on"})
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.qr_cards_sign_in_alone
    client.post(url, {})
    school.refresh_from_db()
    assert not school.qr_cards_sign_in_alone
