"""Background work for staff training, run by the task worker (`db_worker`)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone


@task
def reminders_sweep() -> int:
    """Send the renewal reminders that are due, then queue the next sweep."""
    from . import conf
    from .reminders import reminders_send, sweep_schedule

    sent = reminders_send()
    sweep_schedule(run_after=timezone.now() + conf.sweep_interval())
    return sent
