"""Test settings: the real settings with DEBUG off, a fast password hasher and a local cache."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "*")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("STREAMWISE_PLAIN_STATIC", "1")
os.environ.setdefault("EMAIL_MODE", "console")
# faults: the access log anchor of a test run never lands in the repository's var/ (tests give
# each test its own file: tests/conftest.py).
os.environ.setdefault(
    "STREAMWISE_ACCESS_LOG_ANCHOR_PATH",
    os.path.join(__import__("tempfile").gettempdir(), f"streamwise-anchor-{os.getpid()}.json"),
)

from streamwise.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STORAGES["default"] = {  # noqa: F405
    "BACKEND": "django.core.files.storage.InMemoryStorage",
}
STORAGES["h5p"] = {"BACKEND": "django.core.files.storage.InMemoryStorage"}  # noqa: F405

# A file-backed SQLite test database (one per test process) so that a real `db_worker`
# subprocess can share it with the test; PostgreSQL tests use pytest-django's test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"streamwise-test-{os.getpid()}.sqlite3")
    }

# Casework: safeguarding attachments go to a temporary folder of their own in tests.
import tempfile  # noqa: E402

STREAMWISE_SAFEGUARDING_FILES_DIR = tempfile.mkdtemp(prefix="streamwise-sg-files-")
