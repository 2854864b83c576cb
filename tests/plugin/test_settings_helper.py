"""streamwise_settings() turns a `wagtail start` settings file into a Streamwise site."""

from django.conf import settings

from streamwise import settings_base
from streamwise.settings_base import streamwise_csp, streamwise_settings

# What `wagtail start mysite` writes (mysite/settings/base.py), trimmed to the lists we change.
WAGTAIL_START = {
    "INSTALLED_APPS": [
        "home",
        "search",
        "wagtail.contrib.forms",
        "wagtail.contrib.redirects",
        "wagtail.embeds",
        "wagtail.sites",
        "wagtail.users",
        "wagtail.snippets",
        "wagtail.documents",
        "wagtail.images",
        "wagtail.search",
        "wagtail.admin",
        "wagtail",
        "modelcluster",
        "taggit",
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.staticfiles",
    ],
    "MIDDLEWARE": [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    ],
    "TEMPLATES": [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": ["/site/templates"],
            "APP_DIRS": True,
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.debug",
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                ]
            },
        }
    ],
}


def host_settings(**extra):
    import copy

    namespace = copy.deepcopy(WAGTAIL_START) | extra
    streamwise_settings(namespace)
    return namespace


def test_apps_go_before_wagtail_and_support_apps_before_django_auth():
    apps = host_settings()["INSTALLED_APPS"]
    assert apps[:2] == ["home", "search"]
    assert apps[2 : 2 + len(settings_base.STREAMWISE_APPS)] == settings_base.STREAMWISE_APPS
    assert apps.index("wagtail.contrib.settings") < apps.index("wagtail")
    assert apps.index("django_tasks_db") < apps.index("django.contrib.auth")
    assert len(apps) == len(set(apps))


def test_middleware_keeps_the_sites_own_and_adds_ours_in_place():
    middleware = host_settings()["MIDDLEWARE"]
    assert middleware.index("h5p.middleware.H5POriginMiddleware") < middleware.index(
        settings_base.SESSION_MIDDLEWARE
    )
    assert (
        middleware[-len(settings_base.STREAMWISE_MIDDLEWARE) :]
        == settings_base.STREAMWISE_MIDDLEWARE
    )
    assert "wagtail.contrib.redirects.middleware.RedirectMiddleware" in middleware


def test_context_processors_backends_tasks_and_csp():
    namespace = host_settings(STREAMWISE_H5P_ORIGIN="https://h5p.example.org")
    processors = namespace["TEMPLATES"][0]["OPTIONS"]["context_processors"]
    assert processors[0] == "django.template.context_processors.debug"
    for name in settings_base.STREAMWISE_CONTEXT_PROCESSORS:
        assert processors.count(name) == 1
    assert namespace["AUTHENTICATION_BACKENDS"] == settings_base.STREAMWISE_AUTHENTICATION_BACKENDS
    assert namespace["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert namespace["SECURE_CSP"]["frame-src"] == ["https://h5p.example.org"]
    assert namespace["LOGIN_REDIRECT_URL"] == "home_for_user"
    assert namespace["WAGTAILADMIN_LOGIN_URL"] == "account_login"


def test_a_value_the_site_chose_is_kept_and_calling_twice_changes_nothing():
    namespace = host_settings(SESSION_COOKIE_AGE=600, SECURE_CSP={"default-src": ["'self'"]})
    assert namespace["SESSION_COOKIE_AGE"] == 600
    assert namespace["SECURE_CSP"] == {"default-src": ["'self'"]}
    before = {key: repr(value) for key, value in namespace.items()}
    streamwise_settings(namespace)
    assert {key: repr(value) for key, value in namespace.items()} == before


def test_two_sites_never_share_a_mutable_default():
    first, second = host_settings(), host_settings()
    first["TASKS"]["default"] = {}
    first["STREAMWISE_SSO_ORIGINS"].append("https://idp.example.org")
    assert second["TASKS"]["default"]
    assert second["STREAMWISE_SSO_ORIGINS"] == []


def test_the_standalone_site_uses_the_same_helper():
    expected = streamwise_csp(settings.STREAMWISE_H5P_ORIGIN, settings.STREAMWISE_SSO_ORIGINS)
    assert expected == settings.SECURE_CSP
    for app in settings_base.STREAMWISE_APPS + settings_base.STREAMWISE_SUPPORT_APPS:
        assert app in settings.INSTALLED_APPS
    assert settings.MIDDLEWARE[-len(settings_base.STREAMWISE_MIDDLEWARE) :] == (
        settings_base.STREAMWISE_MIDDLEWARE
    )


def test_an_untuned_sqlite_database_gets_immediate_transactions_and_time_to_wait():
    site = {
        "DATABASES": {
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"},
            "tuned": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": "other.sqlite3",
                "OPTIONS": {"timeout": 5, "transaction_mode": "DEFERRED"},
            },
            "pg": {"ENGINE": "django.db.backends.postgresql", "NAME": "school"},
        }
    }
    streamwise_settings(site)
    databases = site["DATABASES"]
    assert databases["default"]["OPTIONS"] == {"transaction_mode": "IMMEDIATE", "timeout": 20}
    assert databases["tuned"]["OPTIONS"] == {"timeout": 5, "transaction_mode": "DEFERRED"}
    assert "OPTIONS" not in databases["pg"]
