"""Streamwise settings for the schools app, read at call time so tests can override them."""

from django.conf import settings


def pupil_login_max_failures() -> int:
    return getattr(settings, "STREAMWISE_PUPIL_LOGIN_MAX_FAILURES", 5)


def pupil_login_lock_minutes() -> int:
    return getattr(settings, "STREAMWISE_PUPIL_LOGIN_LOCK_MINUTES", 15)


def login_address_rate() -> str:
    """Failed pupil logins (wrong class code or wrong picture/password) allowed per address."""
    return getattr(settings, "STREAMWISE_LOGIN_ADDRESS_RATE", "30/15m")
