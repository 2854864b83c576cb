"""Everything a Wagtail site needs in its settings to run Streamwise: one call.

At the END of a host site's settings file (after INSTALLED_APPS, MIDDLEWARE, TEMPLATES and any
setting you want to choose yourself)::

    from streamwise.settings_base import streamwise_settings

    streamwise_settings(globals())

It adds what is missing and never replaces a value the site already set:

- the Streamwise apps (before Wagtail's, so Streamwise's templates win), django-allauth with MFA
  and single sign-on, django-tasks-db and django-htmx;
- the middleware: H5P's origin guard before the session middleware, and Streamwise's content
  security policy, allauth's, htmx's and the pupils-out-of-staff-accounts middleware after the
  authentication middleware;
- the template context processors (request, CSP nonce, auth, messages, Streamwise's own);
- allauth's authentication backend;
- the settings below (``STREAMWISE_DEFAULTS``): sign-in through allauth, short browser-session
  cookies, the database task backend (run ``manage.py db_worker`` beside the web server) and the
  strict content security policy (``SECURE_CSP``, built by ``streamwise_csp``);
- for an SQLite database whose options the site has not set: ``transaction_mode`` IMMEDIATE and
  a 20-second ``timeout``, which the task worker running beside the web server needs.

The standalone Streamwise project (``streamwise.settings``) calls the same function.
``manage.py check`` names anything still missing (``streamwise/checks.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any

from django.utils.csp import CSP

STREAMWISE_APPS = [
    "streamwise",
    "schools",
    "lessons",
    "quizzes",
    "h5p",
    "teacher_portal",
    "safeguarding",
    "training",
]

# Wagtail apps Streamwise uses beyond those `wagtail start` already lists.
STREAMWISE_WAGTAIL_APPS = [
    "wagtail.contrib.settings",
]

STREAMWISE_SUPPORT_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks_db",
    "django_htmx",
]

SESSION_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"
AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"

# Before the session middleware: on the H5P origin no cookie goes in or out.
STREAMWISE_MIDDLEWARE_BEFORE_SESSIONS = [
    "h5p.middleware.H5POriginMiddleware",
]
# After the authentication middleware, in this order.
STREAMWISE_MIDDLEWARE = [
    # Staff who work in several schools see the one they chose in the header.
    "schools.middleware.SchoolInUseMiddleware",
    "streamwise.middleware.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "streamwise.middleware.PupilsOutOfStaffAccountsMiddleware",
    # Signed-in people who may not use the Wagtail admin get a "not for you" page there.
    "streamwise.admin_access.AdminNotForYouMiddleware",
    # Wagtail's site for the host, remembered between requests (streamwise.site_cache).
    "streamwise.site_cache.WagtailSiteCacheMiddleware",
]

STREAMWISE_CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.template.context_processors.csp",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "streamwise.context_processors.streamwise",
    "safeguarding.context_processors.email_outage",
    "safeguarding.context_processors.safeguarding",
]

STREAMWISE_AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    # Restores pupils' sessions with their Pupil row in the same query; checks no passwords.
    "schools.backends.PupilSessionBackend",
]

STREAMWISE_DEFAULTS: dict[str, Any] = {
    # Staff sign in through django-allauth; everyone lands on the page for their role.
    "LOGIN_URL": "account_login",
    "LOGIN_REDIRECT_URL": "home_for_user",
    # The Wagtail admin signs staff in through the same page (rate limits, MFA for DSLs).
    "WAGTAILADMIN_LOGIN_URL": "account_login",
    "WAGTAIL_PASSWORD_RESET_ENABLED": False,
    "ACCOUNT_LOGIN_METHODS": {"email"},
    "ACCOUNT_SIGNUP_FIELDS": ["email*", "password1*", "password2*"],
    "ACCOUNT_USER_MODEL_USERNAME_FIELD": "username",
    "ACCOUNT_EMAIL_VERIFICATION": "none",
    # Nobody signs up on their own; a DSL must have MFA before they see any case.
    "ACCOUNT_ADAPTER": "safeguarding.adapters.SafeguardingAccountAdapter",
    "ACCOUNT_LOGIN_ON_PASSWORD_RESET": False,
    "ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED": False,
    "ACCOUNT_SESSION_REMEMBER": False,
    # Wrong passwords are limited per address here; per account they slow down instead of
    # locking (schools.staff_login), so nobody who knows a staff email can lock its owner out.
    # The owner can always sign in with a code sent to their email.
    "ACCOUNT_RATE_LIMITS": {"login_failed": "10/m/ip,30/h/ip"},
    "ACCOUNT_LOGIN_BY_CODE_ENABLED": True,
    "MFA_SUPPORTED_TYPES": ["totp", "recovery_codes"],
    "MFA_TOTP_ISSUER": "Streamwise",
    # Staff single sign-on: each school links its own provider (schools.sso); staff accounts
    # must already exist, and nobody signs up through a provider.
    "SOCIALACCOUNT_ADAPTER": "schools.sso.SchoolSignInAdapter",
    "SOCIALACCOUNT_AUTO_SIGNUP": False,
    "SOCIALACCOUNT_EMAIL_AUTHENTICATION": False,
    "SOCIALACCOUNT_STORE_TOKENS": False,
    "SOCIALACCOUNT_QUERY_EMAIL": True,
    "SOCIALACCOUNT_LOGIN_ON_GET": False,
    "STREAMWISE_SSO_ORIGINS": [],  # where a sign-in form may send the browser (CSP form-action)
    # Sessions end when the browser closes and after a school day at most (shared computers).
    "SESSION_COOKIE_AGE": 8 * 60 * 60,
    "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
    # Django's database sessions, with the read compiled once per process (issue 16).
    "SESSION_ENGINE": "schools.sessions",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Emails to the DSL, escalations and exports run in `manage.py db_worker`.
    "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}},
    "STREAMWISE_H5P_ORIGIN": "",
}

# allauth's Microsoft provider, also reading the id token's tenant and methods (tid, amr).
MICROSOFT_PROVIDER_CLASS = "schools.sso_microsoft.provider.SchoolMicrosoftProvider"


def streamwise_csp(h5p_origin: str = "", form_origins: Iterable[str] = ()) -> dict:
    """The content security policy of every Streamwise page (Django's SECURE_CSP).

    Scripts need the request's nonce; nothing may frame a page; H5P runs only in frames from
    its own origin; forms post to the site and to the single sign-on providers only.
    """
    return {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF, CSP.NONCE],
        "style-src": [CSP.SELF],
        "img-src": [CSP.SELF, "data:"],
        "media-src": [CSP.SELF],
        "font-src": [CSP.SELF],
        "connect-src": [CSP.SELF],
        "frame-src": [h5p_origin] if h5p_origin else [CSP.NONE],
        "frame-ancestors": [CSP.NONE],
        "form-action": [CSP.SELF, *form_origins],
        "base-uri": [CSP.NONE],
        "object-src": [CSP.NONE],
    }


def _add_apps(apps: list[str]) -> None:
    first_wagtail = next((app for app in apps if app.startswith("wagtail")), None)
    missing = [app for app in STREAMWISE_APPS if app not in apps]
    position = apps.index(first_wagtail) if first_wagtail else len(apps)
    apps[position:position] = missing
    missing = [app for app in STREAMWISE_WAGTAIL_APPS if app not in apps]
    position = apps.index("wagtail") if "wagtail" in apps else len(apps)
    apps[position:position] = missing
    missing = [app for app in STREAMWISE_SUPPORT_APPS if app not in apps]
    position = apps.index("django.contrib.auth") if "django.contrib.auth" in apps else len(apps)
    apps[position:position] = missing


def _add_middleware(middleware: list[str]) -> None:
    missing = [m for m in STREAMWISE_MIDDLEWARE_BEFORE_SESSIONS if m not in middleware]
    if SESSION_MIDDLEWARE in middleware:
        position = middleware.index(SESSION_MIDDLEWARE)
        middleware[position:position] = missing
    else:
        middleware[0:0] = missing
    missing = [m for m in STREAMWISE_MIDDLEWARE if m not in middleware]
    middleware.extend(missing)


def _add_context_processors(templates: list[dict]) -> None:
    for engine in templates:
        if engine.get("BACKEND") != "django.template.backends.django.DjangoTemplates":
            continue
        processors = engine.setdefault("OPTIONS", {}).setdefault("context_processors", [])
        processors.extend(p for p in STREAMWISE_CONTEXT_PROCESSORS if p not in processors)
        return


def _sqlite_for_a_worker(databases: dict) -> None:
    """SQLite databases the site has not tuned get what the task worker needs beside the web
    server: write transactions that take the lock when they begin (two connections that both
    read, then write, otherwise fail at once with "database is locked"; the worker's heartbeat
    has a connection of its own) and 20 seconds to wait for it. Options already set are kept."""
    for database in databases.values():
        if database.get("ENGINE") == "django.db.backends.sqlite3":
            options = database.setdefault("OPTIONS", {})
            options.setdefault("transaction_mode", "IMMEDIATE")
            options.setdefault("timeout", 20)


def streamwise_settings(namespace: MutableMapping[str, Any]) -> None:
    """Add Streamwise's apps, middleware, context processors, backends and settings.

    `namespace` is the settings module's globals(). Lists are changed in place and extended;
    settings the site already has are kept as they are.
    """
    namespace["INSTALLED_APPS"] = apps = list(namespace.get("INSTALLED_APPS", []))
    _add_apps(apps)
    namespace["MIDDLEWARE"] = middleware = list(namespace.get("MIDDLEWARE", []))
    _add_middleware(middleware)
    _add_context_processors(namespace.setdefault("TEMPLATES", []))

    backends = list(namespace.get("AUTHENTICATION_BACKENDS", []))
    backends.extend(b for b in STREAMWISE_AUTHENTICATION_BACKENDS if b not in backends)
    namespace["AUTHENTICATION_BACKENDS"] = backends

    for name, value in STREAMWISE_DEFAULTS.items():
        if name not in namespace:
            # A fresh copy, so two sites in one process never share a mutable default.
            namespace[name] = type(value)(value) if isinstance(value, list | dict | set) else value
    providers = namespace.setdefault("SOCIALACCOUNT_PROVIDERS", {})
    providers.setdefault("microsoft", {}).setdefault("provider_class", MICROSOFT_PROVIDER_CLASS)
    _sqlite_for_a_worker(namespace.get("DATABASES", {}))

    if "SECURE_CSP" not in namespace:
        namespace["SECURE_CSP"] = streamwise_csp(
            namespace["STREAMWISE_H5P_ORIGIN"], namespace["STREAMWISE_SSO_ORIGINS"]
        )
