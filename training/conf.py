"""Settings for staff training, read when used (documented in docs/configure.md)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def reminder_days() -> int:
    """Days before a certificate expires when it counts as "due soon" and a reminder is sent."""
    return int(getattr(settings, "STREAMWISE_TRAINING_REMINDER_DAYS", 30))


def sweep_interval() -> timedelta:
    """How often the task worker looks for reminders to send."""
    return timedelta(hours=float(getattr(settings, "STREAMWISE_TRAINING_SWEEP_HOURS", 24)))


def site_url() -> str:
    return getattr(settings, "STREAMWISE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
