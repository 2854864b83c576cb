"""Flags: something a pupil wrote that screening put in front of the DSLs for review."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.models import Pupil, School

from . import AppendOnlyModel, AppendOnlyQuerySet, lead_school_ids

__all__ = [
    "FlagStatus",
    "FlagQuerySet",
    "Flag",
]


# --- Flags from free-text screening ---------------------------------------------------------


class FlagStatus(models.TextChoices):
    NEEDS_REVIEW = "needs_review", _("Needs review")
    PROMOTED = "promoted", _("Made into a concern")
    DISMISSED = "dismissed", _("Dismissed")


class FlagQuerySet(AppendOnlyQuerySet):
    mutable_fields = frozenset(
        {
            "status",
            "resolved_by",
            "resolved_at",
            "resolution_reason",
            # Notify: escalation of flags nobody looks at.
            "opened_at",
            "escalated_at",
            "escalation_count",
        }
    )

    def visible_to(self, user):
        """Flags for the schools where the user is DSL or deputy DSL; nobody else sees them."""
        return self.filter(school_id__in=lead_school_ids(user))

    def needs_review(self):
        return self.filter(status=FlagStatus.NEEDS_REVIEW)


class Flag(AppendOnlyModel):
    """Something a pupil typed that matched the school's screening phrases, for a DSL to review.

    A flag has no effect a pupil could notice. A DSL promotes it to a concern or dismisses it
    with a reason.
    """

    MUTABLE_FIELDS = FlagQuerySet.mutable_fields

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("where it was written"), max_length=200)
    source_key = models.CharField(max_length=200, blank=True, editable=False)
    text_excerpt = models.TextField(_("what the pupil wrote"))
    reason = models.CharField(_("why it was flagged"), max_length=500)
    matched_phrases = models.JSONField(_("matched phrases"), default=list, blank=True)
    # Issue 11 (detect): what the disclosure detector found, for the DSL. `strength` runs from
    # 1 (faint) to 5 (strongest); 0 for flags raised before the detector. `explanation` says in
    # words why it was flagged ("Mentions images + a threat or demand."); `concepts` names the
    # detector's concepts found.
    strength = models.PositiveSmallIntegerField(_("strength"), default=0)
    explanation = models.CharField(_("why, in words"), max_length=500, blank=True)
    concepts = models.JSONField(_("concepts found"), default=list, blank=True)
    created_at = models.DateTimeField(_("flagged at"), default=timezone.now, editable=False)

    status = models.CharField(
        max_length=20, choices=FlagStatus.choices, default=FlagStatus.NEEDS_REVIEW
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.TextField(_("reason"), blank=True)
    # Notify: a flag nobody opens or reviews in time escalates like a concern (nullable, so
    # adding them leaves the table and its append-only triggers as they are on SQLite).
    opened_at = models.DateTimeField(
        _("first opened by a safeguarding lead"), null=True, blank=True
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_count = models.PositiveIntegerField(null=True, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "source_key"],
                condition=~Q(source_key=""),
                name="unique_flag_per_source",
            )
        ]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")

    def __str__(self):
        return _("Flag %(number)s") % {"number": self.pk}

    def get_absolute_url(self):
        return reverse("safeguarding:flag", args=[self.pk])

    @property
    def is_reviewed(self) -> bool:
        return self.status != FlagStatus.NEEDS_REVIEW

    @property
    def escalation_due_at(self):
        from .. import conf

        return self.created_at + timedelta(minutes=conf.escalate_after_minutes())
