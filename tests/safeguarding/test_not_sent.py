"""A database fault while sending a concern: the pupil or teacher is told plainly that it was NOT
sent, gets back what they typed with the same submission id, and a resend makes one concern.

The fault is made three ways: the service raising OperationalError (the view's own answer),
the database being unreachable before the view runs (the site's error handler answers, with no
query), and on PostgreSQL a real lock timeout on the concerns table while sending.
"""

from __future__ import annotations

import contextlib
import html
import re
import uuid

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from safeguarding import services
from safeguarding.models import Concern, ConcernSource

from .test_views_staff import form_data

TALK = reverse("safeguarding:talk")
RAISE = reverse("safeguarding:raise")
SAVED_CLAIMS = ("has been lost", "nothing you saved", "has been sent", "was sent", "has gone to")


def _fail(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def resend_data(page: str) -> dict:
    """What the page's form would send back: every named input, textarea and checked radio."""
    data: dict[str, list[str]] = {}
    form = page[page.index("<form") : page.index("</form>")]
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        choice = 'type="radio"' in tag or 'type="checkbox"' in tag
        if not name or (choice and "checked" not in tag):
            continue
        data.setdefault(name.group(1), []).append(html.unescape(value.group(1) if value else ""))
    for name, text in re.findall(r'<textarea name="([^"]*)"[^>]*>(.*?)</textarea>', form, re.S):
        data.setdefault(name, []).append(html.unescape(text))
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


def assert_honest(page: str) -> None:
    lowered = page.lower()
    assert not any(claim in lowered for claim in SAVED_CLAIMS), "the page claims a save"
    assert "streamwise/css/streamwise.css" in page  # styled


@contextlib.contextmanager
def database_unreachable():
    """The database cannot be opened at all (a real OperationalError from the driver)."""
    name = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = (
        "/nonexistent-streamwise-dir/db.sqlite3"
        if connection.vendor == "sqlite"
        else "streamwise_no_such_database"
    )
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name


# --- The service fails: the view says "not sent" ------------------------------------------------


@pytest.fixture
def pupil_client(client, pupil):
    client.force_login(pupil.user)
    return client


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


@pytest.mark.django_db
def test_a_pupil_whose_message_fails_is_told_it_was_not_sent_and_keeps_it(
    pupil_client, pupil, dsl, monkeypatch
):
    submission = str(uuid.uuid4())
    sent = {
        "feeling": "scared",
        "about": "someone_online",
        "details": "a man in a game keeps asking for pics",
        "talk_to": "teacher",
        "submission": submission,
    }
    monkeypatch.setattr(services, "concern_raise", _fail)
    response = pupil_client.post(TALK, sent)
    page = response.text
    assert response.status_code == 503
    assert "Your message has not been sent" in page and "nobody has got your message" in page
    assert "0800 1111" in page and "Childline" in page  # the help box
    assert "trusted adult" in page
    assert_honest(page)
    resend = resend_data(page)
    assert resend["submission"] == submission  # the same id goes back
    assert resend["details"] == sent["details"]
    chosen = (resend["feeling"], resend["about"], resend["talk_to"])
    assert chosen == ("scared", "someone_online", "teacher")
    assert Concern.objects.count() == 0

    monkeypatch.undo()
    assert pupil_client.post(TALK, resend).status_code == 303
    assert pupil_client.post(TALK, resend).status_code == 303  # pressed twice
    concern = Concern.objects.get()
    assert concern.what_happened == sent["details"] and concern.source == ConcernSource.PUPIL


@pytest.mark.django_db
def test_a_teacher_whose_urgent_concern_fails_is_sent_to_the_dsl_in_person(
    teacher_client, pupil, dsl, school, monkeypatch
):
    category = services.concern_categories_ensure(school=school).get(name="Online grooming")
    sent = form_data(pupil, immediate_danger="yes", categories=[category.pk])
    monkeypatch.setattr(services, "concern_raise", _fail)
    response = teacher_client.post(RAISE, sent)
    page = response.text
    assert response.status_code == 503
    assert "Your concern has NOT been sent" in page
    assert "Go to the DSL in person now" in page
    assert page.index("Go to the DSL in person now") < page.index("<form")
    assert_honest(page)
    resend = resend_data(page)
    assert resend["submission"] == sent["submission"]
    assert resend["what_happened"] == sent["what_happened"]
    assert resend["location"] == sent["location"]
    assert resend["pupil"] == str(pupil.pk) and resend["categories"] == str(category.pk)
    assert resend["immediate_danger"] == "yes"

    monkeypatch.undo()
    first = teacher_client.post(RAISE, resend)
    again = teacher_client.post(RAISE, resend)
    concern = Concern.objects.get()
    assert first.url == again.url == reverse("safeguarding:raised_detail", args=[concern.pk])
    assert concern.immediate_danger and list(concern.categories.all()) == [category]


@pytest.mark.django_db
def test_a_teacher_without_immediate_danger_is_not_told_to_run(
    teacher_client, pupil, dsl, monkeypatch
):
    monkeypatch.setattr(services, "concern_raise", _fail)
    page = teacher_client.post(RAISE, form_data(pupil)).text
    assert "Your concern has NOT been sent" in page
    assert "Go to the DSL in person now" not in page


# --- The database is unreachable before the view runs: the error handler answers -------------


@pytest.mark.django_db(transaction=True)
def test_a_pupil_posting_while_the_database_is_down_is_told_it_was_not_sent(pupil, dsl):
    client = Client(raise_request_exception=False)
    client.force_login(pupil.user)
    submission = str(uuid.uuid4())
    sent = {"details": "i need help", "feeling": "sad", "submission": submission}
    with database_unreachable():
        response = client.post(TALK, sent)
    page = response.text
    assert response.status_code == 503
    assert "Your message has not been sent" in page and "0800 1111" in page
    assert_honest(page)
    resend = resend_data(page)
    assert resend["submission"] == submission and resend["details"] == "i need help"

    # The database is back: the kept form sends it, once.
    assert client.post(TALK, resend).status_code == 303
    assert client.post(TALK, resend).status_code == 303
    assert Concern.objects.get().what_happened == "i need help"


@pytest.mark.django_db(transaction=True)
def test_a_teacher_posting_while_the_database_is_down_keeps_the_same_id(teacher, pupil, dsl):
    client = Client(raise_request_exception=False)
    client.force_login(teacher)
    sent = form_data(pupil, immediate_danger="yes")
    with database_unreachable():
        response = client.post(RAISE, sent)
    assert response.status_code == 503
    page = response.text
    assert "Go to the DSL in person now" in page and "NOT been sent" in page
    assert_honest(page)
    resend = resend_data(page)
    assert resend["submission"] == sent["submission"]
    assert client.post(RAISE, resend).status_code == 303
    assert client.post(RAISE, sent).status_code == 303  # the original form, sent again later
    assert Concern.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_any_other_page_while_the_database_is_down_is_styled_and_claims_nothing(teacher):
    client = Client(raise_request_exception=False)
    client.force_login(teacher)
    with database_unreachable():
        response = client.get(reverse("safeguarding:raised_list"))
        posted = client.post(reverse("safeguarding:settings"), {"x": "1"})
    for answer in (response, posted):
        assert answer.status_code == 500
        assert "Something went wrong" in answer.text
        assert_honest(answer.text)
        assert "may not have been saved" in answer.text


# --- A real fault on PostgreSQL: the concerns table is locked past the lock timeout ------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="table locks and lock_timeout are PostgreSQL's"
)
def test_a_real_lock_timeout_while_sending_is_not_sent_and_a_resend_makes_one_concern(pupil, dsl):
    import psycopg

    from .realmail import database_url

    client = Client(raise_request_exception=False)
    client.force_login(pupil.user)
    sent = {"details": "someone online scares me", "submission": str(uuid.uuid4())}
    with psycopg.connect(database_url()) as blocker:
        blocker.execute("LOCK TABLE safeguarding_concern IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        response = client.post(TALK, sent)
        blocker.rollback()
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = 0")
    assert response.status_code == 503
    assert "Your message has not been sent" in response.text
    assert_honest(response.text)
    resend = resend_data(response.text)
    assert resend["submission"] == sent["submission"]
    assert client.post(TALK, resend).status_code == 303
    assert client.post(TALK, resend).status_code == 303
    assert Concern.objects.count() == 1


# --- The inbox says "escalated" only when it was ----------------------------------------------


@pytest.mark.django_db
def test_the_inbox_says_escalated_only_once_a_concern_was(dsl_client, raise_concern, clock):
    from safeguarding.services import concern_escalate_if_unacknowledged

    concern = raise_concern()
    clock.advance(minutes=31)  # overdue, but its escalation check has not run (worker down)
    page = dsl_client.get(reverse("safeguarding:home")).text
    assert "not escalated yet" in page and "minutes: escalated" not in page
    assert "Escalated " not in page

    assert concern_escalate_if_unacknowledged(concern_id=concern.pk)
    page = dsl_client.get(reverse("safeguarding:home")).text
    assert "Escalated " in page and "not escalated yet" not in page


# --- Back from the "not sent" page: the form keeps the same id --------------------------------


def form_submission(page: str) -> str:
    return re.search(r'name="submission" value="([^"]+)"', page).group(1)


@pytest.mark.django_db
def test_back_to_the_form_after_a_failed_send_keeps_the_same_id(
    pupil_client, pupil, dsl, monkeypatch
):
    first_form = pupil_client.get(TALK).text
    submission = form_submission(first_form)
    sent = {"details": "someone online scares me", "feeling": "scared", "submission": submission}
    monkeypatch.setattr(services, "concern_raise", _fail)
    assert pupil_client.post(TALK, sent).status_code == 503
    monkeypatch.undo()

    # Back (the form is loaded again): it offers the id of the send that failed.
    again = pupil_client.get(TALK).text
    assert form_submission(again) == submission
    assert (
        pupil_client.post(TALK, {**sent, "submission": form_submission(again)}).status_code == 303
    )
    # The original send, retried from the browser's history, is the same concern.
    assert pupil_client.post(TALK, sent).status_code == 303
    assert Concern.objects.count() == 1

    # Once it went through, a new message gets a new id: never merged into the old one.
    assert form_submission(pupil_client.get(TALK).text) != submission


@pytest.mark.django_db
def test_a_kept_id_already_used_for_a_concern_is_not_offered_again(
    teacher_client, teacher, pupil, dsl, monkeypatch
):
    sent = form_data(pupil)
    monkeypatch.setattr(services, "concern_raise", _fail)
    teacher_client.post(RAISE, sent)
    monkeypatch.undo()
    assert form_submission(teacher_client.get(RAISE).text) == str(sent["submission"])
    # The send went through after all (from another tab): the cookie is still there, but a
    # new form must not reuse an id a concern already has.
    services.concern_raise(
        raised_by=teacher,
        pupil=pupil,
        what_happened="sent from another tab",
        idempotency_key=uuid.UUID(str(sent["submission"])),
    )
    assert form_submission(teacher_client.get(RAISE).text) != str(sent["submission"])


def test_a_forged_cookie_is_ignored(rf, teacher):
    from safeguarding.views.not_sent import UNSENT_COOKIES, submission_id_for_form

    request = rf.get(RAISE)
    request.user = teacher
    request.COOKIES[UNSENT_COOKIES["raise"]] = "<script>"
    assert isinstance(submission_id_for_form(request, form="raise"), uuid.UUID)
