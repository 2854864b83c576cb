"""xAPI intake: login and CSRF, the session's user, allowed verbs, top-level scores, clamping."""

import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from h5p import services
from h5p.models import XAPIStatement
from h5p.signals import result_recorded
from h5p.xapi import StatementError, statement_outcome

from .builders import package
from .conftest import H5P_HOST

VERBS = ("answered", "completed", "passed", "failed", "scored")
IRI = "http://h5p.testserver/h5p/play/x/"


def statement(verb="answered", raw=None, maximum=None, *, parent=False, sub=False, **result):
    data = {
        "actor": {"name": "Someone Else", "mbox": "mailto:someone@example.com"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {"id": IRI + ("?subContentId=abc" if sub else ""), "objectType": "Activity"},
        "context": {"contextActivities": {}},
    }
    if sub:
        data["object"]["definition"] = {
            "extensions": {"http://h5p.org/x-api/h5p-subContentId": "abc"}
        }
    if parent:
        data["context"]["contextActivities"]["parent"] = [{"id": IRI}]
    if raw is not None or maximum is not None:
        result["score"] = {"min": 0, "raw": raw, "max": maximum}
    if result:
        data["result"] = result
    return data


# --- What the server makes of a statement (pure) ---------------------------------------------


def outcome(data, known_max=2):
    return statement_outcome(data, known_max=known_max, allowed_verbs=VERBS)


def test_honest_full_score_completes_and_passes():
    result = outcome(statement("completed", 2, 2, completion=True, success=True))
    assert (result.raw, result.max, result.scaled) == (2, 2, 1.0)
    assert result.completed and result.passed and not result.clamped


def test_forged_score_is_clamped_and_never_completes_or_passes():
    result = outcome(statement("completed", 999, 2, completion=True, success=True))
    assert (result.raw, result.max, result.scaled) == (2, 2, 1.0)
    assert result.clamped
    assert not result.completed
    assert not result.passed


@pytest.mark.parametrize(
    ("raw", "maximum", "expected"),
    [
        (-5, 2, (0, 2, 0.0)),  # negative raw
        (1, 50, (1, 2, 0.5)),  # claimed max above the known max
        (3, 2, (2, 2, 1.0)),  # raw above max
    ],
)
def test_impossible_scores_are_clamped(raw, maximum, expected):
    result = outcome(statement("answered", raw, maximum, completion=True, success=True))
    assert (result.raw, result.max, result.scaled) == expected
    assert result.clamped and not result.completed and not result.passed


def test_a_smaller_claimed_max_cannot_stand_in_for_full_marks():
    result = outcome(statement("completed", 1, 1, completion=True, success=True))
    assert (result.raw, result.max, result.scaled) == (1, 2, 0.5)
    assert result.completed
    assert not result.passed


def test_claimed_scaled_is_ignored_and_recomputed():
    data = statement("answered", 1, 2)
    data["result"]["score"]["scaled"] = 1
    assert outcome(data).scaled == 0.5


def test_without_a_known_max_the_claimed_max_is_used():
    result = outcome(statement("completed", 3, 4, completion=True, success=True), known_max=None)
    assert (result.raw, result.max, result.scaled) == (3, 4, 0.75)
    assert result.passed and not result.clamped
    forged = outcome(statement("completed", 999, 4, success=True), known_max=None)
    assert forged.clamped and not forged.passed and forged.raw == 4


def test_failed_never_passes():
    assert not outcome(statement("failed", 2, 2, success=True)).passed


@pytest.mark.parametrize("verb", ["interacted", "experienced", "attempted", "progressed"])
def test_other_verbs_are_refused(verb):
    with pytest.raises(StatementError) as caught:
        outcome(statement(verb, 1, 2))
    assert caught.value.status == 422


def test_a_non_adl_verb_is_refused():
    data = statement("answered", 1, 2)
    data["verb"]["id"] = "http://evil.example/verbs/answered"
    with pytest.raises(StatementError):
        outcome(data)


@pytest.mark.parametrize("raw", ["2", True, float("nan"), float("inf"), [2]])
def test_scores_must_be_numbers(raw):
    with pytest.raises(StatementError) as caught:
        outcome(statement("answered", raw, 2))
    assert caught.value.status == 400


@pytest.mark.parametrize(("parent", "sub"), [(True, False), (False, True)])
def test_part_statements_do_not_count(parent, sub):
    result = outcome(statement("answered", 2, 2, parent=parent, sub=sub, success=True))
    assert not result.top_level
    assert result.raw is None and not result.completed and not result.passed


# --- The endpoint ------------------------------------------------------------------------------


@pytest.fixture
def content(libraries):
    return services.content_create(file=io.BytesIO(package()))  # max score 2


@pytest.fixture
def recorded():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    result_recorded.connect(receiver)
    yield calls
    result_recorded.disconnect(receiver)


def token_for(content, user, context_id="lesson-1:step-2"):
    return services.xapi_token_create(content=content, user=user, context_id=context_id)


def post(client, body, **extra):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(reverse("h5p:xapi"), data=data, content_type="application/json", **extra)


@pytest.fixture
def pupil_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_statement_is_recorded_for_the_session_user_not_the_actor(
    pupil_client, user, content, recorded
):
    body = {"token": token_for(content, user), "statement": statement("answered", 1, 2)}
    response = post(pupil_client, body)
    assert response.status_code == 201
    assert response.json()["raw"] == 1.0
    record = XAPIStatement.objects.get()
    assert record.user == user
    assert "actor" not in record.statement
    assert record.content == content
    assert record.context_id == "lesson-1:step-2"
    assert record.activity_id == IRI
    assert recorded[0]["user"] == user
    assert recorded[0]["context_id"] == "lesson-1:step-2"


def test_forged_score_through_the_endpoint(pupil_client, user, content, recorded):
    forged = statement("completed", 999, 2, completion=True, success=True)
    response = post(pupil_client, {"token": token_for(content, user), "statement": forged})
    assert response.status_code == 201
    assert response.json() == {
        "recorded": True,
        "verb": "completed",
        "raw": 2.0,
        "max": 2.0,
        "scaled": 1.0,
        "completed": False,
        "passed": False,
        "clamped": True,
        "counted": True,
    }
    record = XAPIStatement.objects.get()
    assert record.clamped and not record.completed and not record.passed
    assert not XAPIStatement.objects.completed().exists()
    (call,) = recorded
    assert call["completed"] is False and call["passed"] is False and call["clamped"] is True


def test_honest_completion_sends_the_signal(pupil_client, user, content, recorded):
    honest = statement("completed", 2, 2, completion=True, success=True)
    assert (
        post(pupil_client, {"token": token_for(content, user), "statement": honest}).status_code
        == 201
    )
    (call,) = recorded
    assert call["content"] == content
    assert call["statement"] == XAPIStatement.objects.get()
    assert (call["raw"], call["max"], call["scaled"]) == (2.0, 2.0, 1.0)
    assert call["completed"] is True and call["passed"] is True and call["clamped"] is False
    assert call["verb"] == "completed"
    assert XAPIStatement.objects.completed().count() == 1


def test_sub_content_statements_are_stored_but_not_signalled(pupil_client, user, content, recorded):
    body = {"token": token_for(content, user), "statement": statement("answered", 2, 2, sub=True)}
    response = post(pupil_client, body)
    assert response.status_code == 201
    assert response.json()["counted"] is False
    record = XAPIStatement.objects.get()
    assert not record.top_level and record.raw is None
    assert recorded == []


def test_login_is_required(client, user, content):
    body = {"token": token_for(content, user), "statement": statement("answered", 1, 2)}
    response = post(client, body)
    assert response.status_code == 403
    assert not XAPIStatement.objects.exists()


def test_csrf_is_required(user, content):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    body = {"token": token_for(content, user), "statement": statement("answered", 1, 2)}
    assert post(client, body).status_code == 403
    assert not XAPIStatement.objects.exists()

    csrf = "a" * 32  # the page's token, as embed.js sends it (cookie + header)
    client.cookies["csrftoken"] = csrf
    assert post(client, body, HTTP_X_CSRFTOKEN=csrf).status_code == 201


def test_a_token_for_someone_else_is_refused(pupil_client, other_user, content):
    body = {"token": token_for(content, other_user), "statement": statement("answered", 1, 2)}
    response = post(pupil_client, body)
    assert response.status_code == 403
    assert response.json() == {"error": "This activity was shown to someone else."}


@pytest.mark.parametrize("token", ["", "nonsense", "a:b:c"])
def test_a_bad_token_is_refused(pupil_client, content, token):
    response = post(pupil_client, {"token": token, "statement": statement("answered", 1, 2)})
    assert response.status_code == 403
    assert not XAPIStatement.objects.exists()


def test_an_old_token_is_refused(pupil_client, user, content, settings):
    settings.STREAMWISE_H5P_XAPI_TOKEN_MAX_AGE = -1
    body = {"token": token_for(content, user), "statement": statement("answered", 1, 2)}
    response = post(pupil_client, body)
    assert response.status_code == 403
    assert "reload the page" in response.json()["error"]


def test_verbs_outside_the_list_are_refused(pupil_client, user, content):
    body = {"token": token_for(content, user), "statement": statement("interacted")}
    assert post(pupil_client, body).status_code == 422
    assert not XAPIStatement.objects.exists()


def test_body_size_is_capped(pupil_client, user, content, settings):
    settings.STREAMWISE_H5P_XAPI_MAX_BYTES = 64 * 1024
    padding = {"extensions": {"http://example.com/pad": "x" * (70 * 1024)}}
    body = {
        "token": token_for(content, user),
        "statement": {**statement("answered", 1, 2), **padding},
    }
    response = post(pupil_client, body)
    assert response.status_code == 413
    assert not XAPIStatement.objects.exists()


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"statement": {}}', b'{"token": 5}'],
)
def test_malformed_requests_are_refused(pupil_client, content, body):
    assert post(pupil_client, body).status_code == 400
    assert not XAPIStatement.objects.exists()


def test_statement_must_be_an_object(pupil_client, user, content):
    response = post(pupil_client, {"token": token_for(content, user), "statement": "answered"})
    assert response.status_code == 400


def test_get_is_not_allowed(pupil_client):
    assert pupil_client.get(reverse("h5p:xapi")).status_code == 405


def test_the_endpoint_does_not_exist_on_the_h5p_origin(pupil_client, user, content):
    body = {"token": token_for(content, user), "statement": statement("answered", 1, 2)}
    assert post(pupil_client, body, HTTP_HOST=H5P_HOST).status_code == 404
    assert not XAPIStatement.objects.exists()


def test_every_accepted_statement_is_stored(pupil_client, user, content):
    token = token_for(content, user)
    for verb in ("answered", "completed", "scored"):
        assert (
            post(pupil_client, {"token": token, "statement": statement(verb, 1, 2)}).status_code
            == 201
        )
    assert list(XAPIStatement.objects.order_by("pk").values_list("verb", flat=True)) == [
        "answered",
        "completed",
        "scored",
    ]
