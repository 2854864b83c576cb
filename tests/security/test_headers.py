"""Security headers on every kind of response, and `check --deploy` clean in production.

One response per URL of the permission matrix (a 200 where some role gets one), plus a
redirect to log in, a 403, a 404, a 405 and the H5P origin (its player, its files and its 404
for everything else), all requested over HTTPS with production's HSTS setting.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from .matrix import OK, ROWS, Case
from .world import H5P_HOST, PEOPLE, SITE_HOST, Role, World, world_in_transaction

ONE_YEAR = 31_536_000
WAGTAIL_ADMIN = "/admin/"


@dataclass(frozen=True)
class Sample:
    label: str
    role: Role
    url: object  # World -> str
    host: str = SITE_HOST


def _first_200(case: Case) -> Role | None:
    return next((role for role in PEOPLE if case.expect[role] == OK), None)


def matrix_samples() -> list[Sample]:
    """One response per matrix row: a role that gets a 200 there, else the first role."""
    samples = []
    for row in ROWS:
        if not row.cases:
            continue
        chosen = next(
            ((case, role) for case in row.cases if (role := _first_200(case)) is not None),
            (row.cases[0], PEOPLE[0]),
        )
        case, role = chosen
        samples.append(Sample(f"{row.key} [{role}]", role, case.url, case.host))
    return samples


OTHER_OUTCOMES = [
    Sample("302 to log in", Role.ANONYMOUS, lambda w: reverse("teacher_portal:home")),
    Sample("403", Role.PUPIL, lambda w: reverse("teacher_portal:home")),
    Sample(
        "404 of another school",
        Role.TEACHER,
        lambda w: reverse("teacher_portal:class_detail", args=[w.other_school.group.pk]),
    ),
    Sample("405", Role.TEACHER, lambda w: reverse("safeguarding:case_close", args=[1])),
    Sample("404 with no route", Role.TEACHER, lambda w: "/no-such-page/"),
    Sample(
        "H5P player",
        Role.ANONYMOUS,
        lambda w: reverse("h5p:play", args=[w.h5p_content.key]),
        H5P_HOST,
    ),
    Sample("H5P origin 404", Role.PUPIL, lambda w: reverse("account_login"), H5P_HOST),
]
SAMPLES = matrix_samples() + OTHER_OUTCOMES


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_in_transaction(django_db_blocker)


@pytest.fixture
def production_https(settings):
    """HSTS as in production, and both origins on HTTPS (requests below are secure)."""
    settings.SECURE_HSTS_SECONDS = ONE_YEAR
    settings.STREAMWISE_H5P_ORIGIN = f"https://{H5P_HOST}"
    settings.STREAMWISE_SITE_URL = f"https://{SITE_HOST}"
    return settings


def frame_protection_problem(response, path: str) -> str | None:
    """Pages may never be framed by another site: CSP frame-ancestors everywhere, except the
    Wagtail admin, which keeps its own scripts' policy and relies on X-Frame-Options DENY."""
    policy = response.headers.get("Content-Security-Policy", "")
    if "frame-ancestors" in policy:
        return None
    if path.startswith(WAGTAIL_ADMIN) and response.headers.get("X-Frame-Options") == "DENY":
        return None
    return f"no frame-ancestors in its Content-Security-Policy ({policy!r})"


def header_problems(response, path: str) -> list[str]:
    headers = response.headers
    problems = []
    if problem := frame_protection_problem(response, path):
        problems.append(problem)
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if headers.get("Referrer-Policy") != django_settings.SECURE_REFERRER_POLICY:
        problems.append(f"Referrer-Policy is {headers.get('Referrer-Policy')!r}")
    hsts = headers.get("Strict-Transport-Security", "")
    if f"max-age={ONE_YEAR}" not in hsts:
        problems.append(f"Strict-Transport-Security is {hsts!r}")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: sample.label)
def test_security_headers(world: World, production_https, sample: Sample):
    path = sample.url(world)
    response = world.client(sample.role).get(path, HTTP_HOST=sample.host, secure=True)
    problems = header_problems(response, path)
    assert not problems, f"{path} ({response.status_code}): " + "; ".join(problems)


@pytest.mark.django_db
def test_plain_http_gets_no_hsts(world: World):
    """HSTS is sent over HTTPS only (browsers ignore it on HTTP, and it would mislead)."""
    response = world.client(Role.ANONYMOUS).get(reverse("pupil_login"))
    assert "Strict-Transport-Security" not in response.headers


# --- check --deploy ----------------------------------------------------------------------------

# What tests/settings.py switches off for the test run; production leaves them to the defaults.
TEST_ONLY_ENV = (
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "STREAMWISE_PLAIN_STATIC",
    "EMAIL_MODE",
    "DJANGO_SETTINGS_MODULE",
    # Set for Playwright's sync API in the browser tests; never in a deployment.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
CHECK_DEPLOY = (
    "import django; django.setup(); "
    "from django.core.management import call_command; "
    "call_command('check', deploy=True, fail_level='WARNING')"
)


def production_env(var_dir: Path) -> dict[str, str]:
    """The environment of `make check-deploy`: production settings with a fresh secret key."""
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY_ENV}
    env.update(
        DJANGO_SETTINGS_MODULE="streamwise.settings",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="streamwise.example",
        STREAMWISE_VAR_DIR=str(var_dir),
    )
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", CHECK_DEPLOY],
        cwd=Path(django_settings.BASE_DIR),
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
