"""Signed-in people who may not use the Wagtail admin get a clear page there, not a login loop."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from schools.models import Pupil

NOT_FOR_YOU = "The editing area isn't for your account"


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--skip-curriculum", verbosity=0)


def account(who):
    if who == "pupil":
        return Pupil.objects.filter(user__isnull=False).first().user
    return get_user_model().objects.get(email=f"{who}@oakfield.example")


@pytest.mark.parametrize("who", ["teacher", "dsl", "deputy", "admin", "pupil"])
@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/admin/users/"])
def test_staff_without_admin_access_get_a_not_for_you_page(client, demo, who, path):
    client.force_login(account(who))
    response = client.get(path)
    assert response.status_code == 403
    html = response.content.decode()
    assert NOT_FOR_YOU in html
    assert f'href="{reverse("home_for_user")}"' in html


def test_the_not_for_you_page_leads_home_not_round_in_circles(client, demo):
    client.force_login(account("teacher"))
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain == []
    home = client.get(reverse("home_for_user"), follow=True)
    assert home.status_code == 200


def test_editors_and_anonymous_visitors_are_unchanged(client, demo):
    assert client.get("/admin/").url.startswith(reverse("account_login"))
    client.force_login(account("editor"))
    assert client.get("/admin/").status_code == 200
