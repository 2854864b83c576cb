"""Per-school safeguarding settings that are not lists: how escalation repeats and whom it
reaches beyond the safeguarding leads."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models import School

__all__ = [
    "ESCALATION_REPEAT_DEFAULT_MINUTES",
    "ESCALATION_REPEAT_MAX_MINUTES",
    "ESCALATION_REPEAT_MIN_MINUTES",
    "SchoolSafeguardingSettings",
]

ESCALATION_REPEAT_DEFAULT_MINUTES = 30
ESCALATION_REPEAT_MIN_MINUTES = 5
ESCALATION_REPEAT_MAX_MINUTES = 24 * 60


class SchoolSafeguardingSettings(models.Model):
    """How a school's unacknowledged concerns and unreviewed flags keep escalating.

    A school without a row uses the defaults (`SchoolSafeguardingSettings.for_school`).
    """

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="+")
    escalation_repeat_minutes = models.PositiveSmallIntegerField(
        _("repeat the escalation every (minutes)"),
        default=ESCALATION_REPEAT_DEFAULT_MINUTES,
        validators=[
            MinValueValidator(ESCALATION_REPEAT_MIN_MINUTES),
            MaxValueValidator(ESCALATION_REPEAT_MAX_MINUTES),
        ],
    )
    head_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("head teacher to tell when something escalates"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("school safeguarding settings")
        verbose_name_plural = _("school safeguarding settings")

    def __str__(self):
        return str(self.school)

    @classmethod
    def for_school(cls, school: School) -> SchoolSafeguardingSettings:
        """The school's settings, or unsaved defaults when it has never changed them."""
        return cls.objects.filter(school=school).first() or cls(school=school)
