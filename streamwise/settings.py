"""Streamwise settings, read from the environment.

Defaults are safe for production (DEBUG off, secure cookies, HSTS); `make demo` and the tests
switch on what they need through environment variables. SQLite is used unless DATABASE_URL is set.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from streamwise.settings_base import streamwise_csp, streamwise_settings


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("STREAMWISE_VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-never-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Streamwise's own apps, allauth, django-tasks-db and django-htmx are added by
# streamwise_settings() below, exactly as on a host site.
INSTALLED_APPS = [
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.settings",
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
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # streamwise_settings() adds H5P's origin guard before the sessions and Streamwise's CSP,
    # allauth, htmx and pupil-guard middleware at the end.
]

ROOT_URLCONF = "streamwise.urls"
WSGI_APPLICATION = "streamwise.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # Streamwise's own are added by streamwise_settings().
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the web process and the task worker share one file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Connections stay open between requests (DB_CONN_MAX_AGE) as on PostgreSQL: opening one
    # costs each request about 4 ms of CPU (the PRAGMAs and reading the schema again). An idle
    # connection holds no lock in WAL mode, so the task worker is not held up.

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's database search backend uses PostgreSQL's full-text search fields.
    INSTALLED_APPS.append("django.contrib.postgres")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # A database cache is shared by every process (web and worker), which login throttling needs.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "streamwise_cache",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # WhiteNoise's manifest storage, or Django's plain one, each remembering URLs.
        "BACKEND": "streamwise.static_storage.RememberedManifestStaticFilesStorage"
        if not DEBUG and not env_bool("STREAMWISE_PLAIN_STATIC")
        else "streamwise.static_storage.RememberedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# H5P libraries and uploaded packages: a private folder outside MEDIA_ROOT that only the H5P
# origin's views read (never /media/ on the site origin). `manage.py h5p_move_files` moves files
# kept under MEDIA_ROOT by older versions.
STREAMWISE_H5P_FILES_DIR = os.environ.get("STREAMWISE_H5P_FILES_DIR", str(VAR_DIR / "h5p-files"))
STORAGES["h5p"] = {
    "BACKEND": "h5p.storage.PrivateH5PStorage",
    "OPTIONS": {"location": STREAMWISE_H5P_FILES_DIR},
}
STREAMWISE_H5P_STORAGE = "h5p"

# --- Staff single sign-on (Microsoft, Google, any OpenID Connect provider) ---------------------
# Sign-in through django-allauth and its rules (rate limits, MFA, no self sign-up) come from
# streamwise_settings(). One app registration per deployment, from the environment; a sign-in
# button shows only for a provider configured here. Which school may use it is each school's
# own link (schools.sso).
SOCIALACCOUNT_PROVIDERS = {}
STREAMWISE_SSO_ORIGINS = []  # where a sign-in form may send the browser (CSP form-action)
if os.environ.get("STREAMWISE_MICROSOFT_CLIENT_ID"):
    _microsoft_login = os.environ.get(
        "STREAMWISE_MICROSOFT_LOGIN_URL", "https://login.microsoftonline.com"
    )
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "APPS": [
            {
                "client_id": os.environ["STREAMWISE_MICROSOFT_CLIENT_ID"],
                "secret": os.environ.get("STREAMWISE_MICROSOFT_CLIENT_SECRET", ""),
                # Any organisation's accounts; each school's link names its own tenant.
                "settings": {
                    "tenant": os.environ.get("STREAMWISE_MICROSOFT_TENANT", "organizations"),
                    "login_url": _microsoft_login,
                },
            }
        ],
    }
    STREAMWISE_SSO_ORIGINS.append(_microsoft_login)
if os.environ.get("STREAMWISE_GOOGLE_CLIENT_ID"):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [
            {
                "client_id": os.environ["STREAMWISE_GOOGLE_CLIENT_ID"],
                "secret": os.environ.get("STREAMWISE_GOOGLE_CLIENT_SECRET", ""),
            }
        ],
        "SCOPE": ["openid", "email", "profile"],
    }
    STREAMWISE_SSO_ORIGINS.append("https://accounts.google.com")
# Other OpenID Connect providers (e.g. RM Unify), as JSON: a list of
# {"id", "name", "server_url", "client_id", "secret"}.
if os.environ.get("STREAMWISE_OIDC_PROVIDERS"):
    import json as _json
    from urllib.parse import urlsplit as _urlsplit

    _oidc_apps = [
        {
            "provider_id": _app["id"],
            "name": _app["name"],
            "client_id": _app["client_id"],
            "secret": _app.get("secret", ""),
            "settings": {"server_url": _app["server_url"]},
        }
        for _app in _json.loads(os.environ["STREAMWISE_OIDC_PROVIDERS"])
    ]
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {"APPS": _oidc_apps}
    for _app in _oidc_apps:
        _url = _urlsplit(_app["settings"]["server_url"])
        STREAMWISE_SSO_ORIGINS.append(f"{_url.scheme}://{_url.netloc}")

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))

# --- Wagtail ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Streamwise"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# SVG for Streamwise's own illustrations (lessons/illustrations/), imported by load_curriculum.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "svg"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "txt", "vtt", "mp4", "webm"]

# --- Email ----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Streamwise <no-reply@streamwise.invalid>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_MODE = os.environ.get("EMAIL_MODE", "file" if DEBUG else "smtp")
if EMAIL_MODE == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER") or None,
                "password": os.environ.get("EMAIL_HOST_PASSWORD") or None,
                "use_tls": env_bool("EMAIL_USE_TLS"),
                "timeout": 20,
            },
        }
    }
elif EMAIL_MODE == "file":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mailbox")},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# --- Security -----------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

STREAMWISE_H5P_ORIGIN = os.environ.get("STREAMWISE_H5P_ORIGIN", "")

# Everything Streamwise adds to a Wagtail site: apps, middleware, context processors, the allauth
# backend and settings, TASKS (django-tasks-db) and the content security policy (SECURE_CSP).
SECURE_CSP = streamwise_csp(STREAMWISE_H5P_ORIGIN, STREAMWISE_SSO_ORIGINS)
streamwise_settings(globals())

# Media (images, documents, H5P packages) in S3 or an S3-compatible store, for sites served by
# several machines: `pip install "streamwise[s3]"` and set AWS_STORAGE_BUCKET_NAME. boto3 reads
# the credentials itself (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or an instance role). Files
# stay private: links are signed and expire. STREAMWISE_MEDIA_ORIGIN is where browsers fetch
# them from (e.g. https://<bucket>.s3.amazonaws.com), allowed by the CSP.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    # H5P files in the same private bucket: read by the H5P origin's views, never linked.
    STORAGES["h5p"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False
    for _directive in ("img-src", "media-src"):
        SECURE_CSP[_directive] += env_list("STREAMWISE_MEDIA_ORIGIN")


# --- Streamwise -----------------------------------------------------------------------------
# Wonde's API (schools.wonde); tests point it at a local server that answers the same way.
STREAMWISE_WONDE_API_URL = os.environ.get("STREAMWISE_WONDE_API_URL", "https://api.wonde.com/v1.0")
STREAMWISE_ESCALATE_AFTER_MINUTES = int(os.environ.get("STREAMWISE_ESCALATE_AFTER_MINUTES", "30"))
# The key of the safeguarding access log's hash chain. Give it its own long random value in
# production, so rotating SECRET_KEY does not make the existing chain unverifiable.
STREAMWISE_ACCESS_LOG_KEY = os.environ.get("STREAMWISE_ACCESS_LOG_KEY", "")
# Where `manage.py verify_access_log` records the access log's last verified entry: a file
# outside the database, so that cutting the log short is noticed. Keep it where the database's
# users cannot write.
STREAMWISE_ACCESS_LOG_ANCHOR_PATH = os.environ.get(
    "STREAMWISE_ACCESS_LOG_ANCHOR_PATH", str(VAR_DIR / "access-log-anchor.json")
)
STREAMWISE_PUPIL_LOGIN_MAX_FAILURES = int(
    os.environ.get("STREAMWISE_PUPIL_LOGIN_MAX_FAILURES", "5")
)
STREAMWISE_SITE_URL = os.environ.get("STREAMWISE_SITE_URL", WAGTAILADMIN_BASE_URL)
# Safeguarding attachments: a private folder (never under MEDIA_ROOT; no URL serves it) and
# the largest file a DSL may attach.
STREAMWISE_SAFEGUARDING_FILES_DIR = os.environ.get(
    "STREAMWISE_SAFEGUARDING_FILES_DIR", str(VAR_DIR / "safeguarding-files")
)
STREAMWISE_SAFEGUARDING_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("STREAMWISE_SAFEGUARDING_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_refusals": {"()": "streamwise.logs.OneLineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs carry URLs only; Streamwise never puts safeguarding details in a URL.
        # Refusals (4xx) are one line with the path and user id; errors keep their traceback.
        "django.request": {"level": "WARNING", "filters": ["one_line_refusals"]},
        # One handler each, so the task worker does not add its own and print every line twice.
        "django_tasks_db": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
