import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.urls import reverse

from schools.models import StaffRole
from tests import factories

PASSWORD = "correct-horse-battery"


def test_staff_login_and_wrong_password(client, teacher):
    bad = client.post(reverse("account_login"), {"login": teacher.email, "password": "wrong"})
    assert bad.status_code == 200
    assert "not correct" in bad.text
    ok = client.post(reverse("account_login"), {"login": teacher.email, "password": PASSWORD})
    assert ok.status_code == 302
    assert client.get(ok.url, follow=True).redirect_chain[-1][0] == reverse("teacher_portal:home")


def test_sign_up_is_closed(client, db):
    response = client.get(reverse("account_signup"))
    assert "closed" in response.text.lower()


def test_password_reset_by_email_and_expired_link(client, teacher):
    from allauth.account.forms import default_token_generator

    client.post(reverse("account_reset_password"), {"email": teacher.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/password/reset/key/\S+", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    form_page = client.get(path, follow=True)
    new_password = "a-brand-new-long-password"
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.check_password(new_password)
    # The link cannot be used again: the token is tied to the old password.
    again = client.get(path, follow=True)
    assert "invalid" in again.text.lower() or "bad token" in again.text.lower()
    assert default_token_generator  # the reset token generator in use


def test_teacher_cannot_open_another_schools_class_or_pupil(client, teacher, other_school):
    far_class = factories.TeachingGroupFactory(school=other_school, name="Elm 4")
    far_pupil = factories.pupil(far_class, "Keira").pupil
    client.force_login(teacher)
    assert (
        client.get(reverse("teacher_portal:class_detail", args=[far_class.pk])).status_code == 404
    )
    assert (
        client.get(reverse("teacher_portal:pupil_detail", args=[far_pupil.pk])).status_code == 404
    )
    reset = client.post(reverse("teacher_portal:pupil_reset_login", args=[far_pupil.pk]))
    assert reset.status_code == 404
    far_pupil.refresh_from_db()
    assert far_pupil.picture_password  # unchanged by the refused request


def test_teacher_cannot_see_a_class_they_do_not_teach(client, teacher, school):
    other_class = factories.TeachingGroupFactory(school=school, name="Owls")
    client.force_login(teacher)
    assert (
        client.get(reverse("teacher_portal:class_detail", args=[other_class.pk])).status_code == 404
    )
    page = client.get(reverse("teacher_portal:home")).text
    assert "Owls" not in page


def test_school_admin_sees_every_class_of_their_school(client, school_admin, group, school):
    factories.TeachingGroupFactory(school=school, name="Owls")
    client.force_login(school_admin)
    page = client.get(reverse("teacher_portal:home")).text
    assert "Owls" in page and "Kestrels" in page


def test_teacher_resets_pupil_login_and_sees_new_pictures(client, teacher, group, young_pupil):
    pupil = young_pupil.pupil
    pupil.failed_logins = 4
    pupil.save()
    client.force_login(teacher)
    response = client.post(reverse("teacher_portal:pupil_reset_login", args=[pupil.pk]))
    assert response.status_code == 200
    pupil.refresh_from_db()
    assert pupil.failed_logins == 0
    for slug in pupil.picture_password.split("-"):
        assert f"pictures/{slug}.svg" in response.text


def test_reset_login_needs_post(client, teacher, young_pupil):
    client.force_login(teacher)
    url = reverse("teacher_portal:pupil_reset_login", args=[young_pupil.pupil.pk])
    assert client.get(url).status_code == 405


def test_content_editor_and_no_role_users(client, db):
    from django.contrib.auth.models import Group

    editor = factories.UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get(reverse("teacher_portal:home")).status_code == 403
    assert client.get(reverse("safeguarding:home")).status_code == 403
    assert client.get(reverse("home_for_user")).url == reverse("wagtailadmin_home")
    nobody = factories.UserFactory()
    client.force_login(nobody)
    assert client.get(reverse("home_for_user")).status_code == 403


class TestSafeguardingNeedsMFA:
    def test_teacher_is_refused(self, client, teacher):
        client.force_login(teacher)
        assert client.get(reverse("safeguarding:home")).status_code == 403

    def test_dsl_without_mfa_is_sent_to_set_it_up(self, client, dsl):
        client.force_login(dsl)
        response = client.get(reverse("safeguarding:home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("mfa_activate_totp"))

    def test_dsl_with_mfa_but_session_without_it_must_confirm(self, client, dsl):
        TOTP.activate(dsl, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        client.force_login(dsl)  # a session that never passed the second factor
        response = client.get(reverse("safeguarding:home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("mfa_reauthenticate"))

    def test_dsl_with_mfa_login_gets_in_and_wrong_code_is_refused(self, client, dsl):
        from tests.e2e.conftest import totp_now

        secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        TOTP.activate(dsl, secret)
        response = client.post(reverse("account_login"), {"login": dsl.email, "password": PASSWORD})
        assert response.url == reverse("mfa_authenticate")
        wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
        assert wrong.status_code == 200 and "Incorrect code" in wrong.text
        right = client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})
        assert right.status_code == 302
        assert client.get(reverse("safeguarding:home")).status_code == 200


@pytest.mark.parametrize("role", [StaffRole.DSL, StaffRole.DEPUTY_DSL])
def test_safeguarding_roles(role, school):
    from schools.permissions import is_safeguarding_lead

    assert is_safeguarding_lead(factories.staff(school, role))
