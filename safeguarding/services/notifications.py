"""Notifications: in-app alerts and the safeguarding email outbox with its retries."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .. import conf
from ..models import (
    Alert,
    Concern,
    Delivery,
    Flag,
)
from .common import (
    DELIVERY_CLAIM,
    DELIVERY_STALE_AFTER,
    logger,
)

# --- In-app alerts ------------------------------------------------------------------------------


def alerts_mark_read(*, user, concern: Concern | None = None, flag: Flag | None = None) -> int:
    """Mark a lead's alerts about one concern or flag as read (they have opened it)."""
    alerts = Alert.objects.filter(recipient=user, read_at__isnull=True)
    if concern is not None:
        alerts = alerts.filter(concern=concern)
    if flag is not None:
        alerts = alerts.filter(flag=flag)
    return alerts.update(read_at=timezone.now())


# --- Email delivery -----------------------------------------------------------------------------


def _delivery_create(*, recipient, kind: str, concern: Concern) -> Delivery | None:
    if not recipient.email:
        logger.warning("Safeguarding notice for user %s skipped: no email address", recipient.pk)
        return None
    delivery = Delivery.objects.create(
        recipient=recipient, to_email=recipient.email, kind=kind, concern=concern
    )
    _delivery_enqueue(delivery)
    return delivery


def _delivery_enqueue(delivery: Delivery) -> None:
    from ..tasks import delivery_send

    task = delivery_send
    if delivery.next_attempt_at > timezone.now():
        task = delivery_send.using(run_after=delivery.next_attempt_at)
    task.enqueue(delivery_id=delivery.pk, token=str(delivery.token))


def retry_delay(attempts: int) -> timedelta:
    """The wait after the given number of failed attempts: doubling, up to the maximum."""
    seconds = conf.email_retry_base_seconds() * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, conf.email_retry_max_seconds()))


def _email_context(delivery: Delivery) -> dict:
    return {
        "case_url": conf.site_url() + reverse("safeguarding:case", args=[delivery.concern_id]),
        "school": delivery.concern.school.name,
        "minutes": conf.escalate_after_minutes(),
        "urgent": delivery.concern.immediate_danger,
        "case_number": delivery.concern_id,  # casework: "an action on Case 123 is due"
    }


def _email_send(delivery: Delivery) -> None:
    """Send one notice. It holds a link to the case and nothing about the pupil or concern."""
    context = _email_context(delivery)
    subject = " ".join(
        render_to_string(f"safeguarding/email/{delivery.kind}_subject.txt", context).split()
    )
    body = render_to_string(f"safeguarding/email/{delivery.kind}_message.txt", context)
    EmailMessage(subject=subject, body=body, to=[delivery.to_email]).send()


def delivery_attempt(*, delivery_id: int, token: str) -> str:
    """Try to send one notification email; on failure, schedule the next try.

    Returns "sent", "retry" or "skipped" (already sent, superseded, or being sent). Only the
    task holding the delivery's current token may send it, so a message is sent once even if
    its task was scheduled twice.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("concern__school")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.sent_at is not None or str(delivery.token) != token:
            return "skipped"
        if delivery.claimed_until is not None and delivery.claimed_until > now:
            return "skipped"
        delivery.attempts += 1
        delivery.claimed_until = now + DELIVERY_CLAIM
        delivery.save(update_fields=["attempts", "claimed_until"])
    try:
        _email_send(delivery)
    except Exception as exc:  # any failure to hand over the message: try again later
        with transaction.atomic():
            delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
            delivery.last_error = type(exc).__name__[:200]
            delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
            delivery.claimed_until = None
            delivery.token = uuid.uuid4()
            delivery.save(update_fields=["last_error", "next_attempt_at", "claimed_until", "token"])
            _delivery_enqueue(delivery)
        logger.warning(
            "Safeguarding email %s not sent (attempt %s, %s); next try at %s",
            delivery.pk,
            delivery.attempts,
            delivery.last_error,
            delivery.next_attempt_at.isoformat(),
        )
        return "retry"
    Delivery.objects.filter(pk=delivery_id).update(
        sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    logger.info("Safeguarding email %s sent (attempt %s)", delivery_id, delivery.attempts)
    return "sent"


@transaction.atomic
def deliveries_requeue_stale(*, concern: Concern | None = None) -> int:
    """Give a new task to every unsent email whose retry is overdue (its task was lost, e.g.
    a worker killed mid-task). The old task, if it ever runs, finds its token stale."""
    cutoff = timezone.now() - DELIVERY_STALE_AFTER
    stale = Delivery.objects.select_for_update().filter(
        sent_at__isnull=True, next_attempt_at__lt=cutoff
    )
    if concern is not None:
        stale = stale.filter(concern=concern)
    count = 0
    for delivery in stale:
        if delivery.claimed_until is not None and delivery.claimed_until > timezone.now():
            continue
        delivery.token = uuid.uuid4()
        delivery.claimed_until = None
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["token", "claimed_until", "next_attempt_at"])
        _delivery_enqueue(delivery)
        count += 1
    return count
