"""Streamwise settings for the schools app, read at call time so tests can override them."""

from django.conf import settings


def pupil_login_max_failures() -> int:
    return getattr(settings, "STREAMWISE_PUPIL_LOGIN_MAX_FAILURES", 5)


def pupil_login_lock_minutes() -> int:
    return getattr(settings, "STREAMWISE_PUPIL_LOGIN_LOCK_MINUTES", 15)


def login_address_rate() -> str:
    """Wrong pictures or passwords allowed per network address (a school shares one: each
    pupil's own lock is the real defence, this only stops one address trying pupil after
    pupil)."""
    return getattr(settings, "STREAMWISE_LOGIN_ADDRESS_RATE", "100/15m")


def class_code_address_rate() -> str:
    """Wrong class codes allowed per network address before that address must wait. Far above
    a school's typos (each device is slowed down on its own first): it caps code guessing."""
    return getattr(settings, "STREAMWISE_CLASS_CODE_ADDRESS_RATE", "300/15m")


def wonde_api_url() -> str:
    """Wonde's API, up to and including the version (…/v1.0); a test points it at a local server."""
    return getattr(settings, "STREAMWISE_WONDE_API_URL", "https://api.wonde.com/v1.0").rstrip("/")


def wonde_max_wait_seconds() -> int:
    """The longest a sync waits when Wonde asks it to slow down (Retry-After), per request."""
    return getattr(settings, "STREAMWISE_WONDE_MAX_WAIT_SECONDS", 60)


def wonde_sync_hour() -> int:
    """The hour of the night (site time zone) when the nightly Wonde syncs start."""
    return getattr(settings, "STREAMWISE_WONDE_SYNC_HOUR", 2)
