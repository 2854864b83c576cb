"""Oversized and malformed bodies on every POST endpoint get a 4xx, never a 500 (issue 8).

Every endpoint declared in tests/security/posts.py is posted by its proper, logged-in user
(with a valid CSRF token, so the view itself is reached) with bodies a browser never sends:
too big, too many fields, wrong types, another school's ids, NUL bytes, 100 KB strings,
unicode oddities, wrong content types, broken JSON. The answer is a 4xx or the form again
with an error, never a server error; another school's ids never write anything; and no NUL
byte is ever stored (PostgreSQL refuses them, so they would be a 500 there).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse

from .conftest_posts import (
    AUDIT_MODELS,
    FORM_CONTENT_TYPE,
    changed_models,
    csrf_client,
    db_snapshot,
    give_csrf_token,
    log_in,
    send,
    world_fixture,  # noqa: F401 (the `world` fixture)
)
from .posts import ENDPOINTS

FORMS = [endpoint for endpoint in ENDPOINTS if endpoint.kind in ("form", "upload")]
UPLOADS = [endpoint for endpoint in ENDPOINTS if endpoint.upload_cap]
JSON_ENDPOINTS = [endpoint for endpoint in ENDPOINTS if endpoint.kind == "json"]

HUGE_INTEGER = "99999999999999999999"
UNICODE_ODDITIES = "\u202eZ\u0301\u200b\ufeff\U0001f600\ufdfd\U0010fffd"
# What goes into a field that holds an id or a number, and into one that holds text.
BAD_NUMBERS = {
    "text for a number": "not-a-number",
    "huge integer": HUGE_INTEGER,
    "negative number": "-1",
    "NUL byte": "1\x00",
    "digits that are not numbers": "\u00b2",  # "²".isdigit() is True, int("²") fails
    "unicode oddities": UNICODE_ODDITIES,
}
BAD_TEXTS = {
    "NUL byte": "before\x00after",
    "100 KB": "x" * 100_000,
    "unicode oddities": UNICODE_ODDITIES,
    "huge integer": HUGE_INTEGER,
    "digits that are not numbers": "#\u00b2",
}
WRONG_CONTENT_TYPES = (
    "application/json",
    "text/plain",
    "multipart/form-data",  # no boundary
    "multipart/form-data; boundary=xyz",
)


def browser(endpoint, world):
    """A client logged in as the endpoint's user, with a CSRF cookie; returns (client, token)."""
    client = csrf_client()
    log_in(client, endpoint.user, world)
    return client, give_csrf_token(client)


def has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(item) for item in value)
    return False


def stored_nul_bytes() -> list[str]:
    return [label for label, rows in db_snapshot().items() if has_nul(rows)]


def text_fields(endpoint, body: dict) -> list[str]:
    """The fields a variant may change (files and opaque fields stay as they are); a route that
    takes no field gets an unexpected one."""
    fields = [
        name
        for name, value in body.items()
        if not isinstance(value, UploadedFile) and name not in endpoint.opaque_fields
    ]
    return fields or ["id"]


def _looks_numeric(value) -> bool:
    values = value if isinstance(value, list) else [value]
    return bool(values) and all(str(item).lstrip("-").isdigit() for item in values)


def form_variants(endpoint, world) -> Iterator[tuple[str, object]]:
    """(label, body) pairs, each built from a fresh valid body (an upload is read once)."""
    valid = endpoint.body(world)
    for field in text_fields(endpoint, valid):
        bad_values = BAD_NUMBERS if _looks_numeric(valid.get(field, "1")) else BAD_TEXTS
        for label, value in bad_values.items():
            yield f"{field}: {label}", {**endpoint.body(world), field: value}
    yield (
        "missing fields",
        {k: v for k, v in endpoint.body(world).items() if isinstance(v, UploadedFile)},
    )
    changeable = text_fields(endpoint, valid)
    yield (
        "repeated fields",
        {
            name: [value, HUGE_INTEGER] if name in changeable else value
            for name, value in endpoint.body(world).items()
        },
    )
    if endpoint.kind == "form":
        yield "invalid UTF-8", "&".join(f"{name}=%FF%FEx%C0" for name in changeable).encode()


def json_variants(endpoint, world) -> Iterator[tuple[str, object]]:
    def with_statement(**changes) -> dict:
        body = endpoint.body(world)
        body["statement"] = {**body["statement"], **changes}
        return body

    score = {"min": 0, "max": 2}
    yield "not JSON", b"{"
    yield "empty", b""
    yield "a list", b"[]"
    yield "null", b"null"
    yield "a number for the token", {"token": 1}
    yield "a forged token", {**endpoint.body(world), "token": "x" * 100}
    yield "deep nesting", b"[" * 100_000
    yield "invalid UTF-8", b'{"token": "\xff\xfe"}'
    yield "a string for the statement", {**endpoint.body(world), "statement": "answered"}
    yield "NUL bytes", with_statement(result={"response": "a\x00b", "score": {**score, "raw": 1}})
    yield "NUL in a key", with_statement(**{"x\x00": 1})
    yield "huge score", with_statement(result={"score": {**score, "raw": 10**30}})
    yield "huge float", b'{"statement": {"result": {"score": {"raw": 1e400}}}, "token": "x"}'
    yield "negative score", with_statement(result={"score": {**score, "raw": -(10**30)}})
    yield "text for the score", with_statement(result={"score": {**score, "raw": "two"}})
    yield "unicode oddities", with_statement(result={"response": UNICODE_ODDITIES})
    yield "a verb that is not a dict", with_statement(verb="answered")
    yield "40 KB of text", with_statement(result={"response": "x" * 40_000})


def _statuses(client, endpoint, url, token, variants) -> Iterator[tuple[str, int]]:
    for label, body in variants:
        yield label, send(client, endpoint, url, body, token=token).status_code


# --- Too big ---------------------------------------------------------------------------------


def _oversized(endpoint, world, token) -> object:
    """The valid body and more than DATA_UPLOAD_MAX_MEMORY_SIZE besides; a form carries its
    token in the body, as a browser's form post does."""
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    body = endpoint.body(world)
    if endpoint.kind == "json":
        body["statement"]["result"] = {"response": padding}
        return body
    return {**body, "csrfmiddlewaretoken": token, "padding": padding}


def _too_many_fields(token) -> bytes:
    count = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1
    return (f"csrfmiddlewaretoken={token}&" + "&".join(f"f{n}=1" for n in range(count))).encode()


@pytest.mark.parametrize("endpoint", FORMS + JSON_ENDPOINTS, ids=str)
def test_oversized_bodies_are_refused_and_change_nothing(endpoint, world):
    client, token = browser(endpoint, world)
    url = endpoint.url(world)
    oversized = _oversized(endpoint, world, token)
    before = db_snapshot()

    too_big = send(
        client, endpoint, url, oversized, token=token if endpoint.kind == "json" else None
    )
    assert too_big.status_code in (400, 413)
    if endpoint.kind != "json":
        too_many = client.post(url, data=_too_many_fields(token), content_type=FORM_CONTENT_TYPE)
        assert too_many.status_code == 400

    assert changed_models(before, db_snapshot()) == []


@pytest.mark.parametrize("endpoint", UPLOADS, ids=str)
def test_a_file_over_the_upload_cap_is_refused(endpoint, world, settings):
    client, token = browser(endpoint, world)
    url, body = endpoint.url(world), endpoint.body(world)
    setattr(settings, endpoint.upload_cap, 16)  # smaller than any of the declared files
    before = db_snapshot()

    response = send(client, endpoint, url, body, token=token)

    assert response.status_code in (200, 400, 413)  # 200: the form again, with its error
    assert changed_models(before, db_snapshot()) == []
    if response.status_code == 200:
        assert 'name="token"' not in response.text  # no preview of the file to confirm
        assert "error" in response.text


# --- Malformed -------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", FORMS, ids=str)
def test_malformed_forms_never_cause_a_server_error(endpoint, world):
    client, token = browser(endpoint, world)
    url = endpoint.url(world)
    as_json = json.dumps({k: v for k, v in endpoint.body(world).items() if isinstance(v, str)})
    wrong_types = [(f"sent as {kind}", as_json) for kind in WRONG_CONTENT_TYPES]

    statuses = list(_statuses(client, endpoint, url, token, form_variants(endpoint, world)))
    headers = {"X-CSRFToken": token, **dict(endpoint.headers)}
    for label, data in wrong_types:
        content_type = label.removeprefix("sent as ")
        response = client.post(url, data=data, content_type=content_type, headers=headers)
        statuses.append((label, response.status_code))

    assert [f"{label}: {status}" for label, status in statuses if status >= 500] == []
    assert stored_nul_bytes() == []


NOT_NUMBERS = ("text for a number", "NUL byte", "digits that are not numbers")


def test_the_declared_number_fields_are_the_numbers_in_the_bodies(world):
    """Keeps `Endpoint.numbers` honest: every field whose valid value is a number (an id, a
    year group, a step) is declared, so the test below covers it."""
    undeclared = {}
    for endpoint in FORMS:
        valid = endpoint.body(world)
        fields = {
            name for name in text_fields(endpoint, valid) if _looks_numeric(valid.get(name, ""))
        }
        if fields != set(endpoint.numbers):
            undeclared[endpoint.name] = sorted(fields)
    assert undeclared == {}


@pytest.mark.parametrize("endpoint", [e for e in FORMS if e.numbers], ids=str)
def test_what_is_not_a_number_where_a_number_goes_is_refused_and_writes_nothing(endpoint, world):
    """An id, a year group or a step that is not a number is an error (a 4xx or the form
    again), never half-understood and saved."""
    client, token = browser(endpoint, world)
    url = endpoint.url(world)
    endpoint.body(world)  # what the valid body names exists before the first snapshot
    written = []
    for field in endpoint.numbers:
        for label in NOT_NUMBERS:
            body = {**endpoint.body(world), field: BAD_NUMBERS[label]}
            before = db_snapshot(ignore=AUDIT_MODELS)
            response = send(client, endpoint, url, body, token=token)
            changed = changed_models(before, db_snapshot(ignore=AUDIT_MODELS))
            if changed:
                written.append(f"{field}: {label}: {response.status_code}, wrote {changed}")

    assert written == []


@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS, ids=str)
def test_malformed_json_never_causes_a_server_error(endpoint, world):
    client, token = browser(endpoint, world)
    url = endpoint.url(world)
    statuses = list(_statuses(client, endpoint, url, token, json_variants(endpoint, world)))
    for content_type in ("text/plain", FORM_CONTENT_TYPE, "multipart/form-data"):
        response = client.post(
            url,
            data=json.dumps(endpoint.body(world)),
            content_type=content_type,
            headers={"X-CSRFToken": token},
        )
        statuses.append((f"sent as {content_type}", response.status_code))

    assert [f"{label}: {status}" for label, status in statuses if status >= 500] == []
    assert stored_nul_bytes() == []


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.foreign], ids=str)
def test_another_schools_ids_are_refused_and_write_nothing(endpoint, world):
    client, token = browser(endpoint, world)
    endpoint.body(world)  # what the valid body names exists too: only the ids differ
    url, body = endpoint.url(world), endpoint.foreign(world)
    before = db_snapshot(ignore=AUDIT_MODELS)

    response = send(client, endpoint, url, body, token=token)

    assert response.status_code < 500
    assert changed_models(before, db_snapshot(ignore=AUDIT_MODELS)) == []


# --- Ids in query strings: the same parsing, on pages that pre-fill a form -----------------

QUERY_IDS = {
    "raise a concern about ?pupil=": (
        "teacher",
        lambda w, value: reverse("safeguarding:raise") + f"?pupil={value}",
    ),
    "add a pupil to ?class=": (
        "school_admin",
        lambda w, value: reverse("teacher_portal:pupil_add") + f"?class={value}",
    ),
    "set work ?page=": (
        "teacher",
        lambda w, value: (
            reverse("teacher_portal:assignment_add", args=[w.group.pk]) + f"?page={value}"
        ),
    ),
    "download one pupil's progress ?pupil=": (
        "teacher",
        lambda w, value: (
            reverse(
                "teacher_portal:progress_export", args=[w.group.pk, w.assignment.pk, "grid", "csv"]
            )
            + f"?pupil={value}"
        ),
    ),
}


@pytest.mark.parametrize("page", QUERY_IDS)
def test_ids_in_query_strings_never_cause_a_server_error(page, world):
    user, url = QUERY_IDS[page]
    client = csrf_client()
    log_in(client, user, world)
    statuses = {
        value: client.get(url(world, value)).status_code
        for value in ("%C2%B2", "not-a-number", HUGE_INTEGER, "-1", "1%00", "")  # encoded
    }
    assert {value: status for value, status in statuses.items() if status >= 500} == {}


def test_an_h5p_library_folder_with_odd_digits_is_not_found(settings, world):
    settings.STREAMWISE_H5P_ORIGIN = "http://h5p.testserver"
    url = reverse("h5p:library_json", args=["H5P.Thing-\u00b2.0"])
    response = csrf_client().get(url, HTTP_HOST="h5p.testserver")
    assert response.status_code == 404
