from django.urls import reverse


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get(reverse("pupil_login"))
    policy = response.headers["Content-Security-Policy"]
    # Django adds the nonce only to pages that use it; inline scripts never run either way.
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_wagtail_admin_keeps_its_own_policy(client, db):
    admin = client.get("/admin/")
    assert "Content-Security-Policy" not in admin.headers


def test_csrf_is_enforced_on_pupil_login(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("pupil_login"), {"code": "ABCDEFGH"})
    assert response.status_code == 403


def test_a_pupil_on_a_staff_account_page_can_log_out_there(client, young_pupil):
    """A shared classroom device: the teacher finds a pupil still logged in."""
    client.force_login(young_pupil.pupil.user)
    response = client.get(reverse("account_login"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "You are logged in as a pupil" in page
    assert f'action="{reverse("pupil_logout")}"' in page
    client.post(reverse("pupil_logout"))
    assert client.get(reverse("account_login")).status_code == 200


def test_staff_refused_a_page_can_log_out_there(client, teacher):
    client.force_login(teacher)
    response = client.get(reverse("safeguarding:home"))
    assert response.status_code == 403
    assert f'action="{reverse("account_logout")}"' in response.content.decode()
