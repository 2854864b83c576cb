"""Staff sign-in: a stranger who knows an email cannot lock its owner out. Wrong passwords are
refused per address and account, slow down per account, and the owner can always sign in by
email (a code), with a DSL still asked for their second step."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.test import Client
from django.urls import reverse

from schools import staff_login

PASSWORD = "correct-horse-battery"
STRANGER = "198.51.100.7"
OWNER = "203.0.113.20"


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_a_strangers_wrong_passwords_do_not_keep_the_owner_out(teacher):
    stranger = Client(REMOTE_ADDR=STRANGER)
    for _ in range(staff_login.STAFF_LOGIN_PAIR_FAILURES):
        assert "not correct" in sign_in(stranger, teacher.email, "guess").text
    refused = sign_in(stranger, teacher.email, PASSWORD)  # even the right one, from there
    assert refused.status_code == 200 and "Too many wrong passwords" in refused.text
    assert "_auth_user_id" not in stranger.session

    owner = Client(REMOTE_ADDR=OWNER)
    response = sign_in(owner, teacher.email, PASSWORD)
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(teacher.pk)


def test_many_addresses_guessing_one_account_slow_down_then_let_the_owner_in(teacher, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(staff_login.time, "time", lambda: now[0])
    for n in range(staff_login.STAFF_LOGIN_ACCOUNT_FREE):
        guesser = Client(REMOTE_ADDR=f"198.51.100.{n + 10}")
        assert "not correct" in sign_in(guesser, teacher.email, "guess").text
    # The account now waits 2 seconds between checks, whoever asks.
    slowed = sign_in(Client(REMOTE_ADDR="198.51.100.99"), teacher.email, "guess")
    assert "slowing sign-in down" in slowed.text and "Wait 2 seconds" in slowed.text
    owner = Client(REMOTE_ADDR=OWNER)
    assert "Wait 2 seconds" in sign_in(owner, teacher.email, PASSWORD).text
    now[0] += 2
    response = sign_in(owner, teacher.email, PASSWORD)
    assert response.status_code == 302 and owner.session["_auth_user_id"] == str(teacher.pk)
    # Growing, but never more than a minute.
    for n in range(20):
        now[0] += staff_login.STAFF_LOGIN_MAX_DELAY
        sign_in(Client(REMOTE_ADDR=f"198.51.101.{n}"), teacher.email, "guess")
    assert staff_login.account_wait({"email": teacher.email}) == staff_login.STAFF_LOGIN_MAX_DELAY


def _sign_in_by_code(client, email):
    client.get(reverse("account_request_login_code"))
    response = client.post(reverse("account_request_login_code"), {"email": email})
    assert response.status_code == 302, response.text[:500]
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    return client.post(reverse("account_confirm_login_code"), {"code": code})


def test_the_owner_can_always_sign_in_with_a_code_sent_to_their_email(teacher, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(staff_login.time, "time", lambda: now[0])
    for n in range(staff_login.STAFF_LOGIN_ACCOUNT_FREE + 5):
        sign_in(Client(REMOTE_ADDR=f"198.51.100.{n + 10}"), teacher.email, "guess")
    owner = Client(REMOTE_ADDR=OWNER)
    assert "slowing sign-in down" in sign_in(owner, teacher.email, PASSWORD).text
    page = owner.get(reverse("account_login")).text
    assert reverse("account_request_login_code") in page
    response = _sign_in_by_code(owner, teacher.email)
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(teacher.pk)


@pytest.mark.django_db
def test_a_dsl_signing_in_with_a_code_is_still_asked_for_the_second_step(dsl):
    TOTP.activate(dsl, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client(REMOTE_ADDR=OWNER)
    response = _sign_in_by_code(client, dsl.email)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_a_password_reset_clears_the_slow_down(teacher, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(staff_login.time, "time", lambda: now[0])
    for n in range(staff_login.STAFF_LOGIN_ACCOUNT_FREE + 3):
        sign_in(Client(REMOTE_ADDR=f"198.51.100.{n + 10}"), teacher.email, "guess")
    assert staff_login.account_wait({"email": teacher.email})
    client = Client(REMOTE_ADDR=OWNER)
    client.post(reverse("account_reset_password"), {"email": teacher.email})
    link = re.search(r"https?://\S+/password/reset/key/\S+", mail.outbox[-1].body).group(0)
    form_page = client.get("/" + link.split("/", 3)[3], follow=True)
    new = "a-brand-new-long-password"
    client.post(form_page.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert staff_login.account_wait({"email": teacher.email}) == 0
    assert sign_in(client, teacher.email, new).status_code == 302
