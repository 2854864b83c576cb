"""What pupils do with lessons: how far each has got, and their answers to activities.

Ordinary models keyed by pupil and lesson page, only ever written through `lessons.services`.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models import Pupil

from .choices import CompletionKind, ProgressStatus
from .page_models import LessonPage


class _PupilScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Records of the pupils this user may see (see `Pupil.objects.visible_to`)."""
        return self.filter(pupil__in=Pupil.objects.visible_to(user))

    def for_pupil(self, pupil: Pupil):
        return self.filter(pupil=pupil)


class LessonProgressQuerySet(_PupilScopedQuerySet):
    def completed(self):
        return self.filter(status=ProgressStatus.COMPLETED)


class LessonProgress(models.Model):
    """How far one pupil has got with one lesson.

    `current_step` is the furthest step reached (0 is the introduction); it never goes
    backwards, so a stale tab cannot undo progress. A lesson once completed stays completed.
    """

    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="lesson_progress", verbose_name=_("pupil")
    )
    # PROTECT: pupils' records outlive a careless delete (lessons/wagtail_hooks.py explains).
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.PROTECT, related_name="progress", verbose_name=_("lesson")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProgressStatus.choices,
        default=ProgressStatus.NOT_STARTED,
    )
    current_step = models.PositiveSmallIntegerField(_("step reached"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    time_spent = models.DurationField(_("time spent"), default=timedelta)
    last_active_at = models.DateTimeField(null=True, blank=True)
    # How the lesson was completed (empty until it is); a lesson taught in class to a pupil
    # who had already finished it alone stays "alone", with `taught_at` and `taught_by` set.
    completion_kind = models.CharField(
        _("completed how"), max_length=10, choices=CompletionKind.choices, blank=True
    )
    taught_at = models.DateTimeField(_("taught in class"), null=True, blank=True)
    taught_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taught by"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The order this pupil sees activity choices, cards, messages and statements in is derived
    # from it (lessons/player.py), so feedback and the teacher's view show the same order.
    # Empty for progress from before shuffling: those pupils keep the authored order.
    shuffle_seed = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = LessonProgressQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "lesson"], name="unique_lesson_progress")
        ]
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")

    def __str__(self):
        return f"{self.pupil} — {self.lesson_id}: {self.get_status_display()}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.shuffle_seed is None:
            self.shuffle_seed = shuffle_seed_for(self.pupil_id, self.lesson_id)
        super().save(*args, **kwargs)

    @property
    def is_completed(self) -> bool:
        return self.status == ProgressStatus.COMPLETED

    @property
    def is_completed_in_class(self) -> bool:
        return self.is_completed and self.completion_kind == CompletionKind.IN_CLASS


def shuffle_seed_for(pupil_id: int, lesson_id: int) -> int:
    """The seed a pupil's new progress row for a lesson gets (and that a pupil who has not
    started the lesson yet is shown with), so the order is the same before and after."""
    digest = hashlib.sha256(f"streamwise-shuffle:{pupil_id}:{lesson_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


class ActivityResponseQuerySet(_PupilScopedQuerySet):
    def answered(self):
        return self.filter(is_complete=True)


class ActivityResponse(models.Model):
    """A pupil's latest answer to one activity in one lesson, as checked by the server."""

    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="activity_responses", verbose_name=_("pupil")
    )
    lesson = models.ForeignKey(
        LessonPage,
        on_delete=models.PROTECT,
        related_name="activity_responses",
        verbose_name=_("lesson"),
    )
    activity_id = models.CharField(_("activity"), max_length=64)
    activity_type = models.CharField(_("activity type"), max_length=40)
    answer = models.JSONField(_("answer"), default=dict)
    is_complete = models.BooleanField(_("answered"), default=False)
    correct = models.BooleanField(_("correct"), null=True, blank=True)
    score = models.FloatField(
        _("score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("From 0 to 1."),
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityResponseQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "lesson", "activity_id"], name="unique_activity_response"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=1),
                name="activity_score_between_0_and_1",
            ),
        ]
        verbose_name = _("activity response")
        verbose_name_plural = _("activity responses")

    def __str__(self):
        return f"{self.pupil} — {self.activity_type} {self.activity_id}"
