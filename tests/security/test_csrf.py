"""CSRF is enforced on every state-changing request (issue 8).

Each declared endpoint (tests/security/posts.py) is posted by the right, logged-in user with a
valid body and the CSRF cookie a visit would have set, but without the token: the request is
refused (403) and nothing in the database changes. The same post with the token goes through,
so the body is valid and the refusal really is the missing token. The JSON API authenticates
with a school's bearer token and not with the session, so it needs no CSRF protection: the
tests show it ignores a logged-in session.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from teacher_portal.api import SchoolToken
from teacher_portal.api import api as streamwise_api

from .conftest_posts import (
    changed_models,
    csrf_client,
    db_snapshot,
    give_csrf_token,
    log_in,
    send,
    world_fixture,  # noqa: F401 (the `world` fixture)
)
from .posts import ENDPOINTS, accepts_unsafe_methods, all_routes, state_changing_routes

# --- The table covers every route ----------------------------------------------------------


def test_every_state_changing_route_is_declared():
    declared = {endpoint.route for endpoint in ENDPOINTS}
    missing = sorted(set(state_changing_routes()) - declared)
    assert not missing, f"Declare these routes in tests/security/posts.py: {missing}"


def test_every_declared_route_still_exists():
    found = state_changing_routes()
    stale = sorted({e.route for e in ENDPOINTS if not e.third_party} - set(found))
    assert not stale, f"These declared routes no longer accept a post: {stale}"
    gone = sorted({e.route for e in ENDPOINTS if e.third_party} - all_routes())
    assert not gone, f"These third-party routes are gone: {gone}"


def test_the_route_finder_tells_pages_that_only_read_from_forms():
    from h5p.views import play, xapi
    from safeguarding.views import quick_exit, raise_concern, search
    from schools.views import pupil_logout
    from teacher_portal.views import class_detail, roster_template

    for view in (pupil_logout, raise_concern, search, xapi):
        assert accepts_unsafe_methods(view), view
    for view in (quick_exit, play, class_detail, roster_template):
        assert not accepts_unsafe_methods(view), view


# --- Refused without the token, accepted with it ----------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(endpoint, world):
    client = csrf_client()
    log_in(client, endpoint.user, world)
    token = give_csrf_token(client)  # the victim's browser has the cookie; a forged form has not
    url, body = endpoint.url(world), endpoint.body(world)
    before = db_snapshot()

    forged = send(client, endpoint, url, body)

    assert forged.status_code == 403
    assert changed_models(before, db_snapshot()) == []

    # The same post from the site's own page, with the token, goes through: the body is
    # valid, and the refusal above was for the missing token alone.
    genuine = send(client, endpoint, url, endpoint.body(world), token=token)

    assert genuine.status_code < 400, genuine
    if endpoint.writes:
        assert changed_models(before, db_snapshot()), "the valid post wrote nothing"


def test_a_wrong_token_is_refused(world):
    client = csrf_client()
    log_in(client, "teacher", world)
    give_csrf_token(client)
    response = client.post(
        reverse("safeguarding:raise"), {"pupil": world.pupil.pk}, headers={"X-CSRFToken": "0" * 32}
    )
    assert response.status_code == 403


# --- The API: bearer tokens, never the session ---------------------------------------------

CLASSES = "/api/v1/classes"


def _api_operations():
    return [
        operation
        for _prefix, router in streamwise_api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    ]


def test_every_api_operation_authenticates_with_the_school_token_alone():
    """django-ninja skips CSRF for these operations, which is safe only while none of them
    accepts the session cookie: a write added to the API must keep to the bearer token."""
    operations = _api_operations()
    assert operations
    for operation in operations:
        assert [type(auth) for auth in operation.auth_callbacks] == [SchoolToken], operation


def test_the_api_ignores_a_logged_in_session(world):
    client = csrf_client()
    client.force_login(world.school_admin)
    token = give_csrf_token(client)
    assert client.get(CLASSES).status_code == 401
    # The API has no writes: a post is "method not allowed", with or without a CSRF token.
    assert client.post(CLASSES, headers={"X-CSRFToken": token}).status_code == 405
    assert client.post(CLASSES).status_code == 405


def test_the_api_works_with_its_bearer_token_and_no_cookies(world):
    _token, secret = world.api_token
    world.group  # noqa: B018 (a class to list)
    client = csrf_client()
    response = client.get(CLASSES, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["items"]] == ["Kestrels"]
    assert "Set-Cookie" not in response.headers
