"""Notifications: in-app alerts and the safeguarding email outbox with its retries.

Three promises, and how they are kept:

- **Nothing is lost.** A delivery row is written in the same transaction as the concern or
  flag it is about, with its task (django-tasks-db: an outbox). A failed attempt is retried
  with a growing wait for as long as it takes.
- **At most once.** The database holds one delivery per (concern or flag, recipient, kind,
  escalation round). Only the task holding a delivery's current token may send it, and only
  after claiming it in a committed row lock. Just before the message is handed to the mail
  server, `transmit_started_at` is committed. If an attempt dies after that without a clear
  answer (a worker killed mid-send, a connection dropped after DATA), the server may have
  accepted the message, so the delivery is marked *in doubt* and never sent again.
  The trade-off, chosen on purpose: in that narrow window a lead may get no email for this
  notice rather than two. They still get the in-app alert, the notice stays counted
  until somebody acknowledges, and escalation repeats until someone does. A refusal from the
  server (a 4xx/5xx reply, a refused connection) is a clear failure and is retried.
- **In order.** An escalation email waits while an earlier email about the same concern or
  flag is still failing, and the first successful send after an outage wakes every waiting
  email at once, oldest first, so the first alert arrives before its escalations.
"""

from __future__ import annotations

import contextlib
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .. import conf
from ..models import (
    ESCALATION_KINDS,
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

# An escalation that waits for an earlier email tries again this long after that email's next
# attempt, so the earlier one has gone first.
ORDER_GAP = timedelta(seconds=2)
# An earlier email overdue by more than this has lost its task (a worker died): the stale
# sweep gives it a new one, and escalations stop waiting for it.
ORDER_STALL = timedelta(minutes=1)
# Errors that mean the mail server did not take the message: safe to try again.
CLEAR_FAILURES = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPHeloError,
    smtplib.SMTPNotSupportedError,
    ValueError,  # an address Django refuses to put on the wire
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


def alerts_clear(*, concern: Concern | None = None, flag: Flag | None = None) -> int:
    """Mark everyone's alerts about a concern or flag as read: it has been dealt with."""
    if concern is None and flag is None:
        return 0
    alerts = Alert.objects.filter(read_at__isnull=True)
    alerts = alerts.filter(concern=concern) if concern is not None else alerts.filter(flag=flag)
    return alerts.update(read_at=timezone.now())


# --- Email delivery -----------------------------------------------------------------------------


def _delivery_create(
    *,
    recipient,
    kind: str,
    concern: Concern | None = None,
    flag: Flag | None = None,
    round: int = 0,
) -> Delivery | None:
    """Queue one email (once: the same concern or flag, recipient, kind and round is queued
    at most once, whoever asks)."""
    if not recipient.email:
        logger.warning("Safeguarding notice for user %s skipped: no email address", recipient.pk)
        return None
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                recipient=recipient,
                to_email=recipient.email,
                kind=kind,
                concern=concern,
                flag=flag,
                round=round,
            )
    except IntegrityError:
        return None
    _delivery_enqueue(delivery)
    return delivery


def _delivery_enqueue(delivery: Delivery) -> None:
    from ..tasks import delivery_send

    task = delivery_send
    if delivery.next_attempt_at > timezone.now():
        task = delivery_send.using(run_after=delivery.next_attempt_at)
    task.enqueue(delivery_id=delivery.pk, token=str(delivery.token))


def _reschedule(delivery: Delivery, at: datetime) -> None:
    """Give the delivery a new task at `at`; any older task finds its token stale."""
    delivery.token = uuid.uuid4()
    delivery.claimed_until = None
    delivery.next_attempt_at = at
    delivery.save(update_fields=["token", "claimed_until", "next_attempt_at"])
    _delivery_enqueue(delivery)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the given number of failed attempts: doubling, up to the maximum."""
    seconds = conf.email_retry_base_seconds() * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, conf.email_retry_max_seconds()))


def _email_context(delivery: Delivery) -> dict:
    subject = delivery.subject
    is_flag = delivery.flag_id is not None
    url_name = "safeguarding:flag" if is_flag else "safeguarding:case"
    return {
        "is_flag": is_flag,
        "number": subject.pk,
        "case_url": conf.site_url() + reverse(url_name, args=[subject.pk]),
        "school": subject.school.name,
        "minutes": conf.escalate_after_minutes(),
        "round": delivery.round,
        "urgent": not is_flag and subject.immediate_danger,
    }


def _email_message(delivery: Delivery) -> EmailMessage:
    """One notice. It holds a link or a number and nothing about the pupil or the concern."""
    context = _email_context(delivery)
    subject = " ".join(
        render_to_string(f"safeguarding/email/{delivery.kind}_subject.txt", context).split()
    )
    body = render_to_string(f"safeguarding/email/{delivery.kind}_message.txt", context)
    return EmailMessage(subject=subject, body=body, to=[delivery.to_email])


def _earlier_pending(delivery: Delivery, now: datetime) -> datetime | None:
    """When an escalation email should try again so that an earlier email about the same
    concern or flag goes first; None when it need not wait.

    It waits while an earlier one is unsent and is being sent now, is due now, has not been
    tried yet, or is failing while the server has sent nothing since (an outage). It does not
    wait for an earlier email that keeps failing while others get through (that address's
    own problem: the escalation is the safety net for exactly that), nor for one whose task
    is lost (overdue by ORDER_STALL).
    """
    earlier = Delivery.objects.unsent().filter(pk__lt=delivery.pk)
    if delivery.concern_id:
        earlier = earlier.filter(concern_id=delivery.concern_id)
    else:
        earlier = earlier.filter(flag_id=delivery.flag_id)
    wait_until = None
    for other in earlier.order_by("pk"):
        if other.next_attempt_at < now - ORDER_STALL:
            continue
        if other.claimed_until is not None and other.claimed_until > now:
            until = now + ORDER_GAP
        elif (
            other.attempts == 0
            or other.next_attempt_at <= now
            or other.last_failed_at is None
            or not Delivery.objects.filter(sent_at__gt=other.last_failed_at).exists()
        ):
            until = max(other.next_attempt_at, now) + ORDER_GAP
        else:
            continue
        wait_until = max(wait_until or until, until)
    return wait_until


def _mark_in_doubt(delivery: Delivery, now: datetime) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(in_doubt_at=now, claimed_until=None)
    logger.warning(
        "Safeguarding email %s may or may not have reached the mail server; it is not sent "
        "again (the in-app alert stands)",
        delivery.pk,
    )


def _record_failure(delivery_id: int, exc: BaseException) -> Delivery:
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        now = timezone.now()
        delivery.last_error = type(exc).__name__[:200]
        delivery.first_failed_at = delivery.first_failed_at or now
        delivery.last_failed_at = now
        delivery.transmit_started_at = None
        delivery.save(
            update_fields=["last_error", "first_failed_at", "last_failed_at", "transmit_started_at"]
        )
        _reschedule(delivery, now + retry_delay(delivery.attempts))
    logger.warning(
        "Safeguarding email %s not sent (attempt %s, %s); next try at %s",
        delivery.pk,
        delivery.attempts,
        delivery.last_error,
        delivery.next_attempt_at.isoformat(),
    )
    return delivery


def _mark_hand_over(mailer, mark) -> None:
    """Commit the moment the message is handed over, from which silence means "maybe sent".

    Over SMTP that is just before the message's content goes out (the DATA command): a server
    that is slow or refuses at the envelope (MAIL, RCPT) cannot have accepted anything, so an
    attempt killed there is safely sent again by another worker. Other mailers are marked
    before they send.
    """
    smtp = getattr(mailer, "connection", None)
    if smtp is None or not callable(getattr(smtp, "data", None)):
        mark()
        return
    send_data = smtp.data

    def data(message):
        mark()
        return send_data(message)

    smtp.data = data


def delivery_attempt(*, delivery_id: int, token: str) -> str:
    """Try to send one notification email; on a clear failure, schedule the next try.

    Returns "sent", "retry", "waiting" (an escalation held back behind an earlier email),
    "in_doubt" (an attempt may have reached the server: never sent again) or "skipped"
    (already sent, superseded, or being sent). Only the task holding the delivery's current
    token may send it, so a message is sent at most once even if its task ran twice.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("concern__school", "flag__school")
            .filter(pk=delivery_id)
            .first()
        )
        if (
            delivery is None
            or delivery.sent_at is not None
            or delivery.in_doubt_at is not None
            or str(delivery.token) != token
        ):
            return "skipped"
        if delivery.claimed_until is not None and delivery.claimed_until > now:
            return "skipped"
        if delivery.transmit_started_at is not None:
            # An earlier attempt handed the message over and never heard back.
            _mark_in_doubt(delivery, now)
            return "in_doubt"
        if delivery.kind in ESCALATION_KINDS:
            wait_until = _earlier_pending(delivery, now)
            if wait_until is not None:
                _reschedule(delivery, wait_until)
                return "waiting"
        delivery.attempts += 1
        delivery.claimed_until = now + DELIVERY_CLAIM
        delivery.save(update_fields=["attempts", "claimed_until"])

    try:
        message = _email_message(delivery)
        mailer = mailers.default
        mailer.open()
    except Exception as exc:  # nothing reached the server: try again later
        _record_failure(delivery_id, exc)
        return "retry"
    try:
        _mark_hand_over(
            mailer,
            lambda: Delivery.objects.filter(pk=delivery_id, token=token).update(
                transmit_started_at=timezone.now()
            ),
        )
        mailer.send_messages([message])
    except CLEAR_FAILURES as exc:
        _record_failure(delivery_id, exc)
        return "retry"
    except Exception as exc:
        logger.warning("Safeguarding email %s: %s while handing it over", delivery_id, type(exc))
        _mark_in_doubt(delivery, timezone.now())
        return "in_doubt"
    finally:
        with contextlib.suppress(Exception):
            mailer.close()
    Delivery.objects.filter(pk=delivery_id).update(
        sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    logger.info("Safeguarding email %s sent (attempt %s)", delivery_id, delivery.attempts)
    deliveries_wake()
    return "sent"


@transaction.atomic
def deliveries_wake(*, limit: int = 200) -> int:
    """The mail server has just accepted a message: try every email that is waiting out a
    retry delay now, oldest first, instead of at the end of its (possibly long) wait."""
    now = timezone.now()
    waiting = (
        Delivery.objects.unsent()
        .filter(attempts__gt=0, next_attempt_at__gt=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("pk")
        .select_for_update(skip_locked=True)[:limit]
    )
    count = 0
    for delivery in waiting:
        _reschedule(delivery, now)
        count += 1
    return count


@transaction.atomic
def deliveries_requeue_stale(*, concern: Concern | None = None, flag: Flag | None = None) -> int:
    """Give a new task to every unsent email whose retry is overdue (its task was lost, e.g.
    a worker killed mid-task). The old task, if it ever runs, finds its token stale. An email
    whose lost attempt had started handing it to the server is marked in doubt instead."""
    now = timezone.now()
    stale = (
        Delivery.objects.select_for_update()
        .unsent()
        .filter(next_attempt_at__lt=now - DELIVERY_STALE_AFTER)
    )
    if concern is not None:
        stale = stale.filter(concern=concern)
    if flag is not None:
        stale = stale.filter(flag=flag)
    count = 0
    for delivery in stale.order_by("pk"):
        if delivery.claimed_until is not None and delivery.claimed_until > now:
            continue
        if delivery.transmit_started_at is not None:
            _mark_in_doubt(delivery, now)
            continue
        _reschedule(delivery, now)
        count += 1
    return count


# --- Is email getting through? -------------------------------------------------------------------


@dataclass(frozen=True)
class EmailOutage:
    """Safeguarding emails are failing: since when, and how many wait for the given schools."""

    since: datetime
    waiting: int


def email_outage(*, school_ids) -> EmailOutage | None:
    """An outage while the oldest email still waiting has failed at least once, else None.

    Whether mail gets through is a fact about the one mail server, so any school's failing
    email counts; `waiting` counts only the emails for `school_ids`.
    """
    oldest = Delivery.objects.unsent().order_by("pk").values("first_failed_at", "attempts").first()
    if oldest is None or oldest["first_failed_at"] is None:
        return None
    waiting = (
        Delivery.objects.unsent()
        .for_schools(list(school_ids))
        .aggregate(n=Count("pk"), since=Min("first_failed_at"))
    )
    since = min(filter(None, [oldest["first_failed_at"], waiting["since"]]))
    return EmailOutage(since=since, waiting=waiting["n"])
