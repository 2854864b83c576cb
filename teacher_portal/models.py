"""The teacher portal's own records: API tokens for school IT.

Work set for classes is `lessons.models.Assignment` (lessons owns what pupils must do, and
must not depend on the portal); the portal sets it through `lessons.services` and otherwise only
reads other apps' models.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models import School, YearGroup

API_TOKEN_PREFIX = "sw_"  # noqa: S105 - a label, not a secret


def hash_api_token(raw: str) -> str:
    """The stored form of a token. Tokens are long and random, so a fast hash is enough."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_school(self, school: School):
        return self.filter(school=school)


class ApiToken(models.Model):
    """A secret that lets a school's IT systems read that school's data through the JSON API.

    Only a hash is kept: the token itself is shown once, when it is made.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What it is for, e.g. “MIS sync”.")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so staff can tell tokens apart without the secret.
    prefix = models.CharField(max_length=12, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class OnlineSafetyReviewQuerySet(models.QuerySet):
    def for_school(self, school: School):
        return self.filter(school=school)


class OnlineSafetyReview(models.Model):
    """The yearly review of the school's online-safety approach, by the DSL with a governor.

    Governors have no Streamwise account (giving one to someone outside the staff would open a
    system that holds pupil data), so the DSL records the review and types the governor's name,
    as the governing body's minutes name them. Records are kept, never edited: a correction is
    a new review record. Written only through `teacher_portal.services.online_safety_review_record`.
    """

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="online_safety_reviews"
    )
    reviewed_on = models.DateField(_("date of the review"))
    governor_name = models.CharField(
        _("governor"),
        max_length=120,
        help_text=_("The governor who took part, as the governing body's minutes name them."),
    )
    what_changed = models.TextField(
        _("what changed"),
        help_text=_("What changed in the school's online-safety approach since the last review."),
    )
    actions = models.TextField(
        _("actions"), help_text=_("What will be done next, by whom and by when.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = OnlineSafetyReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        verbose_name = _("online-safety review")
        verbose_name_plural = _("online-safety reviews")

    def __str__(self):
        return f"{self.school}: online-safety review {self.reviewed_on:%d %B %Y}"


class TrustAssignment(models.Model):
    """A module a trust set for one year group in every one of its schools at once.

    It is made of ordinary assignments, one per class of that year group (`assignments`): each
    school sees them as its own work, and its staff may change their dates or withdraw them
    like any other. This record only remembers what the trust asked for, and when.
    """

    trust = models.ForeignKey("schools.Trust", on_delete=models.CASCADE, related_name="assignments")
    module = models.ForeignKey(
        "lessons.ModulePage", on_delete=models.CASCADE, related_name="+", verbose_name=_("module")
    )
    year_group = models.PositiveSmallIntegerField(_("year group"), choices=YearGroup.choices)
    opens_on = models.DateField(_("open date"))
    due_on = models.DateField(_("due date"))
    assignments = models.ManyToManyField("lessons.Assignment", related_name="+", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("set"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("trust-wide work")
        verbose_name_plural = _("trust-wide work")

    def __str__(self):
        return f"{self.module} for {self.get_year_group_display()} ({self.trust})"
