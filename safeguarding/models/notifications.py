"""Notifications: in-app alerts for the leads and the safeguarding email outbox."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.models import School

from . import Concern, lead_school_ids
from .flags import Flag

__all__ = [
    "AlertKind",
    "AlertQuerySet",
    "Alert",
    "DeliveryKind",
    "ESCALATION_KINDS",
    "DeliveryQuerySet",
    "Delivery",
]


# --- Notifications --------------------------------------------------------------------------


class AlertKind(models.TextChoices):
    NEW_CONCERN = "new_concern", _("New concern")
    ESCALATION = "escalation", _("Not acknowledged in time")
    NEW_FLAG = "new_flag", _("Needs review")
    ACTION_DUE = "action_due", _("Your action is due")  # casework
    # Triage
    ASSIGNED = "assigned", _("Assigned to you")


class AlertQuerySet(models.QuerySet):
    def for_user(self, user):
        """A lead's alerts, for the schools where they are still a lead."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user, school_id__in=lead_school_ids(user))

    def unread(self):
        return self.filter(read_at__isnull=True)


class Alert(models.Model):
    """An in-app alert for a DSL or deputy DSL, shown in the safeguarding area."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    flag = models.ForeignKey(
        Flag, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"

    def get_absolute_url(self):
        if self.concern_id:
            return reverse("safeguarding:case", args=[self.concern_id])
        return reverse("safeguarding:flag", args=[self.flag_id])


class DeliveryKind(models.TextChoices):
    NEW_CONCERN = "new_concern", _("New concern, to a DSL or deputy")
    NEW_FLAG = "new_flag", _("Something to review, to a DSL or deputy")
    ESCALATION_LEAD = "escalation_lead", _("Escalation, to a DSL or deputy")
    ESCALATION_ADMIN = "escalation_admin", _("Escalation, to a school admin")
    ESCALATION_HEAD = "escalation_head", _("Escalation, to the head teacher")
    # casework: the reminder to the owner of an action on a case that has come due
    ACTION_DUE = "action_due", _("Action due, to its owner")
    # Triage
    ASSIGNED = "assigned", _("Case assigned, to the DSL or deputy")


ESCALATION_KINDS = (
    DeliveryKind.ESCALATION_LEAD,
    DeliveryKind.ESCALATION_ADMIN,
    DeliveryKind.ESCALATION_HEAD,
)


class DeliveryQuerySet(models.QuerySet):
    def unsent(self):
        """Emails still waiting to be sent. An email whose attempt may have reached the mail
        server (`in_doubt_at`) is not waiting: it is never sent again."""
        return self.filter(sent_at__isnull=True, in_doubt_at__isnull=True)

    def for_schools(self, school_ids):
        return self.filter(Q(concern__school_id__in=school_ids) | Q(flag__school_id__in=school_ids))


class Delivery(models.Model):
    """One notification email to one person about one concern or one flag, kept until the
    mail server has accepted it.

    A failed attempt is retried with a growing wait (see `conf.email_retry_*`), for as long as
    it takes. `token` names the one task allowed to send it, so a retry scheduled twice (by the
    sweeper and by the task itself) can never send it twice. The database allows one delivery
    per (concern or flag, recipient, kind, escalation round), so nothing can queue it twice.

    At most once: `transmit_started_at` is written (and committed) just before the message is
    handed to the mail server. An attempt that started and never recorded a clear outcome (a
    worker killed mid-send) may have been accepted, so it is marked `in_doubt_at` and never
    sent again; the in-app alert and the escalation still reach the leads.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    to_email = models.EmailField()
    kind = models.CharField(max_length=20, choices=DeliveryKind.choices)
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    flag = models.ForeignKey(
        Flag, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # 0 for the first notice; escalations count 1, 2, … as they repeat.
    round = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    token = models.UUIDField(default=uuid.uuid4)
    transmit_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    in_doubt_at = models.DateTimeField(null=True, blank=True)
    first_failed_at = models.DateTimeField(null=True, blank=True)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(concern__isnull=False, flag__isnull=True)
                | Q(concern__isnull=True, flag__isnull=False),
                name="delivery_concern_or_flag",
            ),
            models.UniqueConstraint(
                fields=["concern", "recipient", "kind", "round"],
                condition=Q(concern__isnull=False),
                name="unique_delivery_per_concern",
            ),
            models.UniqueConstraint(
                fields=["flag", "recipient", "kind", "round"],
                condition=Q(flag__isnull=False),
                name="unique_delivery_per_flag",
            ),
        ]
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def subject(self) -> Concern | Flag:
        return self.concern if self.concern_id else self.flag

    @property
    def school(self):
        return self.subject.school
