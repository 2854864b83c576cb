"""Teach mode: a teacher presents a lesson to the class and records who was there.

The pupils ticked as present have the lesson completed as "done together in class" through the
one completion service (`lessons.services.lesson_completion_update`, with `in_class`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import Pupil, TeachingGroup

from .models import LessonPage, LessonProgress
from .services import TaughtInClass, _locked_progress, lesson_completion_update


@dataclass(frozen=True)
class ClassLessonResult:
    """What recording a class lesson did: who was newly completed in class, who already was."""

    completed_in_class: list[Pupil]
    already_complete: list[Pupil]


@transaction.atomic
def lesson_taught_in_class(
    *,
    group: TeachingGroup,
    lesson: LessonPage,
    present: Iterable[Pupil],
    taught_by,
) -> ClassLessonResult:
    """Record that `taught_by` taught `lesson` to `group` with the `present` pupils there.

    Every present pupil must be an active pupil of the class, and the lesson a live one for the
    class's age band (else ValidationError, and nothing is recorded). Absent pupils are not
    touched. Safe to submit twice: a pupil already complete stays as they were.
    """
    present = list(present)
    if group.archived_at is not None:
        raise ValidationError(_("This class is archived."))
    if not lesson.live or lesson.age_band != group.age_band.value:
        raise ValidationError(_("That lesson is not one this class can be taught."))
    if not present:
        raise ValidationError(_("Tick at least one pupil who was here."))
    members = set(
        group.pupils.active().filter(pk__in=[p.pk for p in present]).values_list("pk", flat=True)
    )
    if any(pupil.pk not in members for pupil in present):
        raise ValidationError(_("Choose pupils who are in %(class)s.") % {"class": group.name})
    in_class = TaughtInClass(taught_by=taught_by, taught_at=timezone.now())
    done, already = [], []
    for pupil in sorted(present, key=lambda p: p.pk):  # a fixed order: no lock-order deadlocks
        progress: LessonProgress = _locked_progress(pupil=pupil, lesson=lesson)
        was_complete = progress.is_completed
        progress.current_step = max(progress.current_step, lesson.last_step)
        progress.started_at = progress.started_at or in_class.taught_at
        lesson_completion_update(pupil=pupil, lesson=lesson, progress=progress, in_class=in_class)
        (already if was_complete else done).append(pupil)
    return ClassLessonResult(completed_in_class=done, already_complete=already)
