"""Background work for the teacher portal (run by the `db_worker`)."""

from __future__ import annotations

from allauth.account import app_settings as allauth_settings
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from schools.models import School, StaffMembership

from . import conf


def _set_password_url(user) -> str:
    """An allauth password-reset link: the same link a "forgotten password" email carries."""
    key = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    return conf.site_url() + path


@task
def staff_welcome_send(*, user_id: int, school_id: int, new_account: bool) -> None:
    """Email someone who has just been added to a school's staff.

    A new account gets a link to set a password; the link is made here, when the email is
    sent, so no secret ever waits in the task queue.
    """
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    school = School.objects.filter(pk=school_id).first()
    if user is None or school is None or not user.email:
        return
    roles = [
        membership.get_role_display()
        for membership in StaffMembership.objects.filter(user=user, school=school)
    ]
    context = {
        "user": user,
        "school": school,
        "roles": roles,
        "new_account": new_account,
        "set_password_url": _set_password_url(user) if new_account else "",
        "login_url": conf.site_url() + reverse("account_login"),
        "reset_url": conf.site_url() + reverse("account_reset_password"),
    }
    subject = " ".join(
        render_to_string("teacher_portal/email/staff_welcome_subject.txt", context).split()
    )
    body = render_to_string("teacher_portal/email/staff_welcome_message.txt", context)
    EmailMessage(subject=subject, body=body, to=[user.email]).send()
