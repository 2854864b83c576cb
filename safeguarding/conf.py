"""Safeguarding settings, read at call time so sites and tests can override them.

Every value is validated by the system checks in checks.py.
"""

from django.conf import settings
from django.urls import NoReverseMatch, reverse


def escalate_after_minutes() -> int:
    """Minutes a new concern may wait unacknowledged before it escalates."""
    return getattr(settings, "STREAMWISE_ESCALATE_AFTER_MINUTES", 30)


def text_max_chars() -> int:
    """The longest text a staff member may type into one field of a concern or entry."""
    return getattr(settings, "STREAMWISE_SAFEGUARDING_TEXT_MAX_CHARS", 10_000)


def pupil_text_max_chars() -> int:
    """The longest "tell us more" a pupil may send."""
    return getattr(settings, "STREAMWISE_SAFEGUARDING_PUPIL_TEXT_MAX_CHARS", 5_000)


def email_retry_base_seconds() -> int:
    """The wait before the first retry of a failed email; it doubles with every attempt."""
    return getattr(settings, "STREAMWISE_EMAIL_RETRY_BASE_SECONDS", 30)


def email_retry_max_seconds() -> int:
    """The longest wait between two attempts to send a safeguarding email."""
    return getattr(settings, "STREAMWISE_EMAIL_RETRY_MAX_SECONDS", 600)


def site_url() -> str:
    """The address of the site, for the links in notification emails."""
    return getattr(settings, "STREAMWISE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def quick_exit_url() -> str:
    """Where "Hide this page" goes: STREAMWISE_QUICK_EXIT_URL if set, else our neutral
    times-tables page, preferably mounted outside /safeguarding/ (a URL named "times_tables",
    e.g. `path("times-tables/", safeguarding.views.quick_exit, name="times_tables")`) so that
    nothing in the address bar hints at where the pupil was."""
    configured = getattr(settings, "STREAMWISE_QUICK_EXIT_URL", "")
    if configured:
        return configured
    try:
        return reverse("times_tables")
    except NoReverseMatch:
        return reverse("safeguarding:quick_exit")


def access_log_key() -> str:
    """The key that seals the access log's hash chain (HMAC-SHA256).

    Set STREAMWISE_ACCESS_LOG_KEY to a long random value of its own so that rotating SECRET_KEY
    does not make old entries fail verification; without it, SECRET_KEY is used.
    """
    return getattr(settings, "STREAMWISE_ACCESS_LOG_KEY", "") or settings.SECRET_KEY


def attachment_max_bytes() -> int:
    """The largest file a lead may attach to a case (default 10 MB)."""
    return getattr(settings, "STREAMWISE_SAFEGUARDING_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def attachment_max_pixels() -> int:
    """The most pixels an attached image may have; more is refused as a possible
    decompression bomb (a small file that expands to gigabytes in memory)."""
    return getattr(settings, "STREAMWISE_SAFEGUARDING_ATTACHMENT_MAX_PIXELS", 40_000_000)


def attachment_dir():
    """Where attachments are kept when no storage is configured: a folder of the var dir,
    never under MEDIA_ROOT (nothing there is public)."""
    from pathlib import Path

    configured = getattr(settings, "STREAMWISE_SAFEGUARDING_FILES_DIR", "")
    if configured:
        return Path(configured)
    var_dir = getattr(settings, "VAR_DIR", None) or Path.cwd() / "var"
    return Path(var_dir) / "safeguarding-files"


def attachment_storage_config() -> dict | None:
    """STREAMWISE_SAFEGUARDING_STORAGE: a storage like an entry of STORAGES ({"BACKEND": …,
    "OPTIONS": {…}}) for a private bucket, or None for the private folder `attachment_dir()`."""
    return getattr(settings, "STREAMWISE_SAFEGUARDING_STORAGE", None)


def worker_heartbeat_seconds() -> float:
    """How often a `safeguarding_worker` records that it is alive."""
    return getattr(settings, "STREAMWISE_WORKER_HEARTBEAT_SECONDS", 5)


def worker_lease_seconds() -> float:
    """How long after a worker's last heartbeat its running safeguarding tasks are taken to be
    stranded and handed back to the queue (see safeguarding.recovery)."""
    return getattr(settings, "STREAMWISE_WORKER_LEASE_SECONDS", 30)


def worker_idle_poll_seconds() -> float:
    """How often an idle `safeguarding_worker` looks for tasks when its database can wake it
    (PostgreSQL LISTEN/NOTIFY, or SQLite's wake file): a safety net only, since a queued task
    wakes it at once and it wakes by itself for a task queued to run later."""
    return float(getattr(settings, "STREAMWISE_WORKER_IDLE_POLL_SECONDS", 30))


def worker_recovery_seconds() -> float:
    """How often a `safeguarding_worker` looks for stranded safeguarding tasks."""
    return getattr(settings, "STREAMWISE_WORKER_RECOVERY_SECONDS", 15)


def access_log_anchor_path() -> str:
    """The file, outside the database, where `verify_access_log` records the access log's last
    verified entry (see services/access_log_anchor.py). Empty: not anchored."""
    return str(getattr(settings, "STREAMWISE_ACCESS_LOG_ANCHOR_PATH", "") or "")
