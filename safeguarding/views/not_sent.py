"""“Not sent”: what a pupil or a teacher sees when their concern could not be saved.

A child must never believe a disclosure went through when it did not. When the database fails
while a pupil sends “Talk to someone” or a teacher raises a concern, the answer says plainly
that nothing was sent, gives back everything they chose and typed in a form that sends it
again with the same submission id (so a resend that does go through is recognised as the same
concern, never a second one), and says what to do now: a pupil gets the help box (a trusted
adult, Childline), a teacher who said the child is in immediate danger is told to go to the
DSL in person now.

These pages are rendered without touching the database (no user, no session, no messages),
so they also work from the site's error handler when the database is down before the view
even runs: see `not_sent_response`.

They also leave the submission id in a cookie (an id only, nothing anyone wrote), so that a
person who goes Back and sends the form from there still sends it under the same id: the form
takes the kept id (`submission_id_for_form`) until a concern is raised with it.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from .. import conf
from ..forms import TalkForm

logger = logging.getLogger("streamwise.safeguarding")

# The pages whose POST raises a concern, by URL name in this app's namespace.
TALK_URL_NAME = "talk"
RAISE_URL_NAME = "raise"
# The staff form's fields that go back unchanged (hidden) with a resend.
RAISE_HIDDEN_FIELDS = ("pupil", "occurred_at", "immediate_danger", "told_dsl_in_person")


# The cookie that keeps a failed send's submission id, per form (see the module's docstring).
UNSENT_COOKIES = {TALK_URL_NAME: "sw_unsent_talk", RAISE_URL_NAME: "sw_unsent_raise"}
UNSENT_COOKIE_MAX_AGE = 24 * 60 * 60


def remember_unsent(response: HttpResponse, *, form: str, submission: str) -> HttpResponse:
    """Keep the id of a send that failed, so the form offers it again after Back."""
    response.set_cookie(
        UNSENT_COOKIES[form],
        submission,
        max_age=UNSENT_COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def forget_unsent(response: HttpResponse, *, form: str) -> HttpResponse:
    """The concern went through: the next form gets a new id."""
    response.delete_cookie(UNSENT_COOKIES[form], samesite="Lax")
    return response


def submission_id_for_form(request, *, form: str) -> uuid.UUID:
    """The id a new copy of the form is sent with: the kept id of a send that failed, unless a
    concern was raised with it since (then, or with no kept id, a new one), so a message
    written after a success is never taken for the one before it."""
    from ..models import Concern

    try:
        kept = uuid.UUID(request.COOKIES.get(UNSENT_COOKIES[form], ""))
    except ValueError:
        return uuid.uuid4()
    if Concern.objects.filter(raised_by=request.user, idempotency_key=kept).exists():
        return uuid.uuid4()
    return kept


def _submission_id(data) -> str:
    """The submission id the form was sent with, or a new one if it came without a valid one,
    so that every resend from this page carries the same id."""
    try:
        return str(uuid.UUID(str(data.get("submission", ""))))
    except ValueError:
        return str(uuid.uuid4())


def _base_context(request) -> dict:
    return {
        "site_name": "Streamwise",
        "csrf_token": get_token(request),
        "csp_nonce": get_nonce(request),
        "quick_exit_url": conf.quick_exit_url(),
    }


def talk_not_sent(request) -> HttpResponse:
    """The pupil's “Talk to someone” form again, as they filled it in, saying it was not sent."""
    from .pupil import _feelings

    data = request.POST.copy()
    data["submission"] = _submission_id(data)
    context = {
        **_base_context(request),
        "form": TalkForm(data),
        "feelings": _feelings(),
        "show_ceop": True,
    }
    html = render_to_string("safeguarding/talk_not_sent.html", context)
    logger.warning("Safeguarding: a pupil's message could not be saved (database fault)")
    response = HttpResponse(html, status=503)
    return remember_unsent(response, form=TALK_URL_NAME, submission=data["submission"])


def raise_not_sent(request) -> HttpResponse:
    """The teacher's concern again, as they wrote it, saying it was not sent."""
    data = request.POST
    context = {
        **_base_context(request),
        "submission": _submission_id(data),
        "what_happened": data.get("what_happened", ""),
        "location": data.get("location", ""),
        "hidden": [(name, data.get(name, "")) for name in RAISE_HIDDEN_FIELDS],
        "categories": data.getlist("categories"),
        "immediate_danger": data.get("immediate_danger") == "yes",
    }
    html = render_to_string("safeguarding/raise_not_sent.html", context)
    logger.warning("Safeguarding: a staff concern could not be saved (database fault)")
    response = HttpResponse(html, status=503)
    return remember_unsent(response, form=RAISE_URL_NAME, submission=context["submission"])


def not_sent_response(request) -> HttpResponse | None:
    """For a site's 500 handler: the “not sent” page if the failed request was a pupil or a
    teacher sending a concern, else None (the site shows its own error page).

    A host site's `handler500` calls this first, because a database that is down fails the
    request before the view runs (loading the user), and only this page tells the truth.
    """
    if request.method != "POST":
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.app_name != "safeguarding":
        return None
    if match.url_name == TALK_URL_NAME:
        return talk_not_sent(request)
    if match.url_name == RAISE_URL_NAME:
        return raise_not_sent(request)
    return None
