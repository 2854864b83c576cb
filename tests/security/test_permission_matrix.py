"""Every URL × every role answers as the matrix declares, and never shows another's data.

The first tests keep the table whole: a new route, page type or API operation that is not
declared in `tests/security/matrix.py` fails them, so every new URL must say who may use it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.models import get_page_models

from teacher_portal.api import api

from .matrix import ROWS, Case, Outcome, Row
from .world import API_TOKENS, PEOPLE, Marker, Role, World, world_in_transaction

DECLARED_ROUTES = {row.name for row in ROWS if row.name}
GROUP_PREFIXES = tuple(row.prefix for row in ROWS if row.prefix)
# Served by the page-type rows: Wagtail's catch-all that serves the page tree.
PAGE_TREE_ROUTE = "wagtail_serve"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_in_transaction(django_db_blocker)


# --- The table covers everything --------------------------------------------------------------


def resolver_routes(resolver=None, prefix="", namespaces=()):
    """(name, pattern) of every URL pattern, walking included resolvers (admin, allauth, API)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = (pattern.namespace,) if pattern.namespace else ()
            yield from resolver_routes(
                pattern, prefix + str(pattern.pattern), namespaces + namespace
            )
        elif isinstance(pattern, URLPattern):
            name = ":".join([*namespaces, pattern.name]) if pattern.name else None
            yield name, prefix + str(pattern.pattern)


def api_operations() -> set[str]:
    """Every operation of the ninja API, as "GET /classes/{class_id}/pupils"."""
    found = set()
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                found |= {f"{method} {path}" for method in operation.methods}
    return found


def test_every_route_is_declared():
    missing = []
    for name, pattern in resolver_routes():
        if name == PAGE_TREE_ROUTE or pattern.startswith(GROUP_PREFIXES):
            continue
        if name not in DECLARED_ROUTES:
            missing.append(f"{name or '(unnamed)'}  {pattern}")
    assert not missing, "Routes missing from tests/security/matrix.py:\n" + "\n".join(missing)


def test_only_third_party_urls_are_declared_as_a_group():
    """Project routes are declared one by one; a group may hide Wagtail's or allauth's only."""
    project_apps = ("schools", "lessons", "quizzes", "h5p", "teacher_portal", "safeguarding")
    grouped = [
        f"{name}  {pattern}"
        for name, pattern in resolver_routes()
        if pattern.startswith(GROUP_PREFIXES)
        and (name or "").split(":")[0] in project_apps + ("streamwise_api",)
    ]
    assert not grouped, "\n".join(grouped)


def test_every_declared_route_exists():
    existing = {name for name, _pattern in resolver_routes()}
    assert existing >= DECLARED_ROUTES, sorted(DECLARED_ROUTES - existing)


def test_every_page_type_is_declared():
    declared = {row.page_type for row in ROWS if row.page_type}
    models = {model._meta.label for model in get_page_models()}
    assert models <= declared, f"Page types missing from the matrix: {sorted(models - declared)}"
    for row in ROWS:
        if row.page_type:
            assert row.cases or row.not_served, f"{row.key}: give it a URL or say why it has none"


def test_every_api_operation_is_declared():
    declared = {row.operation for row in ROWS if row.operation}
    assert api_operations() == declared


def test_every_case_names_every_role():
    for row in ROWS:
        for case in row.cases:
            expected = set(PEOPLE) | (set(API_TOKENS) if row.operation else set())
            assert set(case.expect) >= expected, f"{case.label}: {expected - set(case.expect)}"


# --- Every row, every role --------------------------------------------------------------------


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _login_paths() -> set[str]:
    return {reverse("account_login"), reverse("pupil_login")}


def wrong_answer(response, expected: Outcome, role: Role) -> str | None:
    """What is wrong with a response for this role, or None when it is as declared."""
    got = response.status_code
    location = response.headers.get("Location", "")
    if got != expected.status:
        return f"expected {expected}, got {got}" + (f" → {location}" if location else "")
    if expected.status == 302:
        target = urlsplit(location).path
        if expected.login_url_name and target != reverse(expected.login_url_name):
            return f"expected {expected}, redirected to {location}"
        if not expected.login_url_name and target in _login_paths():
            return f"expected {expected}, redirected to a login page: {location}"
    if expected.status == 200:
        leaked = [marker for marker in Marker if marker not in role.may_see]
        body = _body(response)
        shown = [marker.value for marker in leaked if marker.value in body]
        if shown:
            return f"200 shows data this role must not see: {', '.join(shown)}"
    return None


def check_case(world: World, row: Row, case: Case) -> list[str]:
    roles = list(PEOPLE) + (list(API_TOKENS) if row.operation else [])
    url = case.url(world)
    problems = []
    for role in roles:
        response = world.client(role).get(url, HTTP_HOST=case.host)
        problem = wrong_answer(response, case.expect[role], role)
        if problem:
            problems.append(f"{case.label}  {url}  [{role}]  {problem}")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("row", [row for row in ROWS if row.cases], ids=lambda row: row.key)
def test_permission_matrix(world, row):
    problems = [problem for case in row.cases for problem in check_case(world, row, case)]
    assert not problems, f"{len(problems)} wrong cell(s):\n" + "\n".join(problems)


# Pages that must show markers, so that the leak check above has something to find.
MARKERS_SHOWN = [
    (Role.TEACHER, lambda w: reverse("teacher_portal:home"), {Marker.CLASS_ONE}),
    (
        Role.SCHOOL_ADMIN,
        lambda w: reverse("teacher_portal:school_pupils"),
        {Marker.CLASS_ONE, Marker.OTHER_CLASS},
    ),
    (Role.SCHOOL_ADMIN, lambda w: reverse("teacher_portal:api_tokens"), {Marker.SCHOOL_A}),
    (
        Role.DSL,
        lambda w: reverse("safeguarding:case", args=[w.class_one.concern.pk]),
        {Marker.CASE_A, Marker.CLASS_ONE},
    ),
    (
        Role.DSL_OTHER_SCHOOL,
        lambda w: reverse("safeguarding:flag", args=[w.other_school.flag.pk]),
        {Marker.CASE_B, Marker.OTHER_SCHOOL},
    ),
    (
        Role.API_TOKEN,
        lambda w: reverse("streamwise_api:list_classes"),
        {Marker.CLASS_ONE, Marker.OTHER_CLASS},
    ),
    # One login in two schools: each switch position shows its own school's class, and the
    # header offers both schools by name.
    (
        Role.TWO_SCHOOLS_AT_A,
        lambda w: reverse("teacher_portal:home"),
        {Marker.CLASS_ONE, Marker.NAME_A, Marker.NAME_B},
    ),
    (
        Role.TWO_SCHOOLS_AT_B,
        lambda w: reverse("teacher_portal:home"),
        {Marker.OTHER_SCHOOL, Marker.NAME_A, Marker.NAME_B},
    ),
    (
        Role.TRUST_ADMIN,
        lambda w: reverse("teacher_portal:trust_overview", args=[w.trust.pk]),
        {Marker.NAME_A, Marker.NAME_B},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, url, markers",
    MARKERS_SHOWN,
    ids=[f"{role}: {', '.join(sorted(markers))}" for role, _url, markers in MARKERS_SHOWN],
)
def test_markers_are_shown_to_whoever_may_see_them(world, role, url, markers):
    response = world.client(role).get(url(world))
    assert response.status_code == 200
    body = _body(response)
    assert {marker for marker in markers if marker.value not in body} == set()
