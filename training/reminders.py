"""Renewal reminders: an email before a certificate expires and one on the day it does.

A periodic sweep, run by the task worker (`tasks.reminders_sweep`), finds certificates that are
within `reminder_days()` of expiring (or have expired), emails the member of staff once for each
(a `ReminderSent` row makes a second sweep skip it) and schedules the next sweep. The email
names the course and the date, and links to the training page: nothing else, and nothing about
any child or concern.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from schools.models import StaffMembership

from . import conf
from .models import CourseCompletion, ReminderKind, ReminderSent

SWEEP_TASK_PATH = "training.tasks.reminders_sweep"


def _latest_completions():
    """Each person's latest completion of each course at each school (renewals replace)."""
    latest = (
        CourseCompletion.objects.values("user_id", "school_id", "course_id")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    return CourseCompletion.objects.filter(pk__in=list(latest))


def reminders_due(today: date) -> list[tuple[int, str]]:
    """(completion id, kind) for every reminder that should have gone out by `today`."""
    soon_from = today + timedelta(days=conf.reminder_days())
    due = []
    candidates = _latest_completions().filter(expires_on__lte=soon_from, user__is_active=True)
    sent = set(
        ReminderSent.objects.filter(completion__in=candidates).values_list("completion_id", "kind")
    )
    for completion in candidates.only("pk", "expires_on"):
        kind = ReminderKind.EXPIRED if completion.expires_on <= today else ReminderKind.SOON
        if (completion.pk, kind) not in sent:
            due.append((completion.pk, kind.value))
    return due


def reminder_send(*, completion_id: int, kind: str) -> bool:
    """Email one reminder, once. False when it was sent already or no longer applies."""
    with transaction.atomic():
        completion = (
            CourseCompletion.objects.select_for_update()
            .select_related("user", "course", "school")
            .filter(pk=completion_id)
            .first()
        )
        if completion is None or not completion.user.email:
            return False
        still_staff = StaffMembership.objects.filter(
            user=completion.user, school=completion.school
        ).exists()
        if (
            not still_staff
            or ReminderSent.objects.filter(completion=completion, kind=kind).exists()
        ):
            return False
        ReminderSent.objects.create(completion=completion, kind=kind)
        context = {
            "user": completion.user,
            "course": completion.course.title,
            "minutes": completion.course.estimated_minutes,
            "expires_on": completion.expires_on,
            "expired": kind == ReminderKind.EXPIRED,
            "url": conf.site_url() + reverse("training:home"),
        }
        subject = " ".join(render_to_string("training/email/reminder_subject.txt", context).split())
        body = render_to_string("training/email/reminder_message.txt", context)
        # Sent inside the transaction: a failed send leaves no "sent" row, so the next sweep
        # tries again.
        EmailMessage(subject=subject, body=body, to=[completion.user.email]).send()
    return True


def reminders_send(today: date | None = None) -> int:
    """Send every reminder that is due; returns how many went out."""
    today = today or timezone.localdate()
    return sum(reminder_send(completion_id=pk, kind=kind) for pk, kind in reminders_due(today))


def sweep_schedule(*, run_after=None) -> bool:
    """Queue the next sweep unless one is already waiting. True when one was queued."""
    from django_tasks_db.models import DBTaskResult

    from .tasks import reminders_sweep

    waiting = DBTaskResult.objects.filter(task_path=SWEEP_TASK_PATH, status="READY").exists()
    if waiting:
        return False
    reminders_sweep.using(run_after=run_after or timezone.now()).enqueue()
    return True
