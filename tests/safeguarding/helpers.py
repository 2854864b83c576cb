"""Helpers for the safeguarding tests."""

from __future__ import annotations

import time
from datetime import timedelta

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def mfa_session(client, user):
    """Log a user in with a session that passed two-step verification, as allauth records it."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TOTP_SECRET)
    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def run_tasks() -> list[tuple[str, object]]:
    """Run every task that is due, in this process (emails go to Django's test outbox)."""
    ran = []
    for _ in range(500):
        result = DBTaskResult.objects.ready().first()
        if result is None:
            return ran
        result.claim("pytest")
        task, args = result.task, result.args_kwargs
        try:
            value = task.call(*args["args"], **args["kwargs"])
        except Exception as exc:
            result.set_failed(exc)
            raise
        result.set_successful(value)
        ran.append((task.name, value))
    raise AssertionError("Tasks kept scheduling more tasks")


class Clock:
    """Moves `timezone.now()` forward for the code under test (and the task queue)."""

    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch
        self.real_now = timezone.now
        self.offset = timedelta()

    def advance(self, **delta):
        self.offset += timedelta(**delta)
        offset, real_now = self.offset, self.real_now
        self._monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)
