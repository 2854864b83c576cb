"""`manage.py check` names each missing piece of a host site's wiring with its exact fix."""

import pytest
from django.conf import settings
from django.core import checks
from django.test import override_settings

from streamwise import checks as wiring
from streamwise.settings_base import STREAMWISE_CONTEXT_PROCESSORS


def errors_of(errors):
    return [(error.id, error.msg, error.hint) for error in errors]


def run(check):
    return errors_of(check(app_configs=None))


def test_a_complete_site_has_no_wiring_errors():
    for check in (
        wiring.check_streamwise_apps,
        wiring.check_streamwise_middleware,
        wiring.check_streamwise_context_processors,
        wiring.check_streamwise_settings,
        wiring.check_streamwise_urls,
    ):
        assert run(check) == []
    registered = checks.registry.registry.get_checks()
    assert wiring.check_streamwise_urls in registered


@pytest.mark.parametrize("app", ["lessons", "django_tasks_db", "allauth.mfa"])
def test_a_missing_app_is_named(app):
    errors = errors_of(wiring.apps_errors([a for a in settings.INSTALLED_APPS if a != app]))
    assert [e[0] for e in errors] == ["streamwise.E501"]
    assert f"Add '{app}' to INSTALLED_APPS" in errors[0][2]


def test_streamwise_after_wagtail_is_named():
    apps = [a for a in settings.INSTALLED_APPS if a != "streamwise"] + ["streamwise"]
    errors = errors_of(wiring.apps_errors(apps))
    assert [e[0] for e in errors] == ["streamwise.E502"]


@pytest.mark.parametrize(
    "name, fix",
    [
        (
            "streamwise.middleware.ContentSecurityPolicyMiddleware",
            "Add 'streamwise.middleware.ContentSecurityPolicyMiddleware' to MIDDLEWARE after "
            "'schools.middleware.SchoolInUseMiddleware'.",
        ),
        (
            "schools.middleware.SchoolInUseMiddleware",
            "Add 'schools.middleware.SchoolInUseMiddleware' to MIDDLEWARE after "
            "'django.contrib.auth.middleware.AuthenticationMiddleware'.",
        ),
        (
            "django_htmx.middleware.HtmxMiddleware",
            "Add 'django_htmx.middleware.HtmxMiddleware' to MIDDLEWARE after "
            "'allauth.account.middleware.AccountMiddleware'.",
        ),
        (
            "h5p.middleware.H5POriginMiddleware",
            "Add 'h5p.middleware.H5POriginMiddleware' to MIDDLEWARE before "
            "'django.contrib.sessions.middleware.SessionMiddleware'.",
        ),
    ],
)
def test_a_missing_middleware_is_named_with_where_it_goes(name, fix):
    with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != name]):
        errors = run(wiring.check_streamwise_middleware)
    assert [e[0] for e in errors] == ["streamwise.E503"]
    assert errors[0][2].startswith(fix)


def test_middleware_in_the_wrong_place_is_named():
    middleware = [m for m in settings.MIDDLEWARE if m != "h5p.middleware.H5POriginMiddleware"]
    middleware.append("h5p.middleware.H5POriginMiddleware")
    with override_settings(MIDDLEWARE=middleware):
        errors = run(wiring.check_streamwise_middleware)
    assert [e[0] for e in errors] == ["streamwise.E504"]
    assert "above 'django.contrib.sessions.middleware.SessionMiddleware'" in errors[0][2]


@pytest.mark.parametrize("name", STREAMWISE_CONTEXT_PROCESSORS)
def test_a_missing_context_processor_is_named(name):
    templates = [dict(settings.TEMPLATES[0])]
    templates[0]["OPTIONS"] = {
        "context_processors": [
            p for p in settings.TEMPLATES[0]["OPTIONS"]["context_processors"] if p != name
        ]
    }
    with override_settings(TEMPLATES=templates):
        errors = run(wiring.check_streamwise_context_processors)
    assert [e[0] for e in errors] == ["streamwise.E505"]
    assert f"Add '{name}' to TEMPLATES[0]['OPTIONS']['context_processors']" in errors[0][2]


def test_a_missing_auth_backend_is_named():
    backends = [
        "django.contrib.auth.backends.ModelBackend",
        "schools.backends.PupilSessionBackend",
    ]
    with override_settings(AUTHENTICATION_BACKENDS=backends):
        errors = run(wiring.check_streamwise_settings)
    assert [e[0] for e in errors] == ["streamwise.E506"]
    assert "allauth.account.auth_backends.AuthenticationBackend" in errors[0][2]


def test_a_task_backend_that_forgets_tasks_is_named():
    immediate = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        errors = run(wiring.check_streamwise_settings)
    assert [e[0] for e in errors] == ["streamwise.E507"]
    assert "django_tasks_db.DatabaseBackend" in errors[0][2]
    assert "db_worker" in errors[0][2]


def test_no_csp_or_another_login_page_is_named():
    with override_settings(SECURE_CSP={}, LOGIN_URL="/login/"):
        errors = run(wiring.check_streamwise_settings)
    assert [e[0] for e in errors] == ["streamwise.E508", "streamwise.E508"]
    assert "streamwise_csp" in errors[0][2]
    assert 'LOGIN_URL = "account_login"' in errors[1][2]


def test_missing_urls_are_named_with_the_include():
    with override_settings(ROOT_URLCONF="tests.plugin.bare_urls"):
        errors = run(wiring.check_streamwise_urls)
    assert [e[0] for e in errors] == ["streamwise.E509"]
    assert "'home_for_user'" in errors[0][1] and "'times_tables'" in errors[0][1]
    assert 'include("streamwise.plugin_urls")' in errors[0][2]


def test_a_host_site_with_the_one_include_has_every_url():
    with override_settings(ROOT_URLCONF="tests.plugin.host_urls"):
        assert run(wiring.check_streamwise_urls) == []
