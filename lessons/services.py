"""Workflows that record what pupils do in lessons.

Every write to `LessonProgress` and `ActivityResponse` goes through here. Each service locks the
pupil's progress row for the lesson first (`select_for_update`, created on first use under a
unique constraint), so double submits, two tabs and out-of-order posts are applied one at a
time, and every rule that could move progress backwards is a `max()` or a one-way flag:

- `current_step` only increases;
- an activity once answered stays answered (a later, partial answer is stored but does not undo
  it);
- a lesson once completed stays completed, with its first `completed_at`.

`lesson_completion_update` is the one place that decides completion; every path that records
progress (steps, activities, and later quizzes and H5P via signal receivers) calls it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import AgeBand, Pupil, TeachingGroup

from .blocks import ActivityAnswerError, ActivityResult
from .completion import all_met
from .models import (
    ActivityResponse,
    Assignment,
    CompletionKind,
    LessonPage,
    LessonProgress,
    ModulePage,
    ProgressStatus,
)
from .pupil_rows import progress_row, response_row
from .signals import lesson_completed

# Gaps longer than this between two actions are not counted as time spent in the lesson
# (the pupil went to lunch with the tab open).
IDLE_LIMIT = timedelta(minutes=5)


class ActivityNotFound(LookupError):
    """No activity with that id in this lesson (an old link, or content that changed)."""


@dataclass(frozen=True)
class ActivitySubmission:
    """The outcome of a posted answer: the checked result, or why it could not be accepted."""

    activity_id: str
    result: ActivityResult | None
    error: ActivityAnswerError | None = None
    response: ActivityResponse | None = None
    progress: LessonProgress | None = None


def _locked_progress(*, pupil: Pupil, lesson: LessonPage) -> LessonProgress:
    """The pupil's progress row for the lesson, created if needed and locked until commit."""
    progress = progress_row(pupil, lesson, locked=True)
    if progress is None:  # the first time: get_or_create settles a race between two requests
        progress, _created = LessonProgress.objects.select_for_update().get_or_create(
            pupil=pupil, lesson=lesson
        )
    progress.pupil = pupil  # already loaded: the completion checks need it
    return progress


def _touch(progress: LessonProgress, now: datetime) -> None:
    if progress.started_at is None:
        progress.started_at = now
    if progress.status == ProgressStatus.NOT_STARTED:
        progress.status = ProgressStatus.IN_PROGRESS
    if progress.last_active_at is not None:
        gap = now - progress.last_active_at
        if timedelta(0) < gap <= IDLE_LIMIT:
            progress.time_spent += gap
    progress.last_active_at = max(now, progress.last_active_at or now)


def _answered_ids(*, pupil: Pupil, lesson: LessonPage) -> frozenset[str]:
    return frozenset(
        ActivityResponse.objects.for_pupil(pupil)
        .filter(lesson=lesson)
        .answered()
        .values_list("activity_id", flat=True)
    )


@dataclass(frozen=True)
class TaughtInClass:
    """The lesson was taught to the pupil's class, with the pupil present (teach mode)."""

    taught_by: Any  # the teacher's user account
    taught_at: datetime


@transaction.atomic(savepoint=False)  # callers hold the transaction; no savepoint needed
def lesson_completion_update(
    *,
    pupil: Pupil,
    lesson: LessonPage,
    progress: LessonProgress | None = None,
    in_class: TaughtInClass | None = None,
) -> LessonProgress:
    """Mark the lesson completed if every requirement is now met, and save the progress.

    `progress` is the pupil's progress row when the caller has already locked it in this
    transaction; otherwise it is looked up (or created) and locked here. Requirements come from
    `LessonPage.completion_requirements()`. Completing sends `lessons.signals.lesson_completed`
    after commit. Calling this again changes nothing.

    `in_class` says the pupil was present when a teacher taught the lesson to the class: that
    completes it ("done together in class") whatever the requirements, unless it is already
    complete (a lesson finished alone stays so). The first teaching is recorded
    (`taught_at`, `taught_by`); teaching it again changes nothing.
    """
    if progress is None:
        progress = _locked_progress(pupil=pupil, lesson=lesson)
    if in_class is not None and progress.taught_at is None:
        progress.taught_at = in_class.taught_at
        progress.taught_by = in_class.taught_by
    if not progress.is_completed:
        if in_class is not None:
            done = True
            kind = CompletionKind.IN_CLASS
        else:
            done = all_met(
                lesson.completion_requirements(),
                progress=progress,
                answered=lambda: _answered_ids(pupil=pupil, lesson=lesson),
            )
            kind = CompletionKind.ALONE
        if done:
            now = timezone.now()
            progress.status = ProgressStatus.COMPLETED
            progress.completion_kind = kind
            progress.completed_at = now
            progress.started_at = progress.started_at or now
            transaction.on_commit(
                lambda: lesson_completed.send(
                    sender=LessonPage, pupil=pupil, lesson=lesson, progress=progress
                )
            )
    progress.save()
    return progress


@transaction.atomic
def progress_step_reach(*, pupil: Pupil, lesson: LessonPage, step: int) -> LessonProgress:
    """Record that the pupil has moved on to `step` (0 is the introduction).

    The step reached never goes backwards: a stale tab posting an earlier step only counts as
    activity. Steps beyond the end are treated as the last step.
    """
    progress = _locked_progress(pupil=pupil, lesson=lesson)
    _touch(progress, timezone.now())
    step = max(0, min(int(step), lesson.last_step))
    progress.current_step = max(progress.current_step, step)
    return lesson_completion_update(pupil=pupil, lesson=lesson, progress=progress)


def _response_save(
    *,
    pupil: Pupil,
    lesson: LessonPage,
    activity_id: str,
    activity_type: str,
    answer: dict,
    is_complete: bool,
    correct: bool | None,
    score: float | None,
    existing: ActivityResponse | None,
) -> ActivityResponse:
    if score is not None:
        score = min(1.0, max(0.0, float(score)))
    if existing is None:
        return ActivityResponse.objects.create(
            pupil=pupil,
            lesson=lesson,
            activity_id=activity_id,
            activity_type=activity_type,
            answer=answer,
            is_complete=is_complete,
            correct=correct,
            score=score,
        )
    new_values = {
        "activity_type": activity_type,
        "answer": answer,
        "is_complete": existing.is_complete or is_complete,
        "correct": correct,
        "score": score,
    }
    if all(getattr(existing, name) == value for name, value in new_values.items()):
        return existing  # a double submit: nothing to do
    for name, value in new_values.items():
        setattr(existing, name, value)
    existing.attempts += 1
    existing.save(update_fields=[*new_values, "attempts", "updated_at"])
    return existing


@transaction.atomic
def progress_record_activity(
    *,
    pupil: Pupil,
    lesson: LessonPage,
    activity_id: str,
    activity_type: str,
    answer: dict[str, Any],
    is_complete: bool,
    correct: bool | None = None,
    score: float | None = None,
) -> ActivityResponse:
    """Store a checked answer to one activity and update the lesson's progress.

    For results checked elsewhere (a quiz or an H5P activity embedded in the lesson, reported
    by a signal receiver). `score` is clamped to 0…1. Re-sending the same result is a no-op.
    """
    progress = _locked_progress(pupil=pupil, lesson=lesson)
    existing = response_row(pupil, lesson, activity_id)
    response = _response_save(
        pupil=pupil,
        lesson=lesson,
        activity_id=activity_id,
        activity_type=activity_type,
        answer=answer,
        is_complete=is_complete,
        correct=correct,
        score=score,
        existing=existing,
    )
    _touch(progress, timezone.now())
    lesson_completion_update(pupil=pupil, lesson=lesson, progress=progress)
    return response


def _activity(lesson: LessonPage, activity_id: str):
    try:
        return lesson.activities[activity_id]
    except KeyError:
        raise ActivityNotFound(activity_id) from None


@transaction.atomic
def activity_submit(
    *, pupil: Pupil, lesson: LessonPage, activity_id: str, data: Mapping
) -> ActivitySubmission:
    """Check a pupil's posted answer to one of the lesson's activities and store it.

    The answer is checked on the server against the block's own data. A submission that is not
    a complete answer (a card left unsorted) stores nothing and comes back with the error.
    """
    activity = _activity(lesson, activity_id)
    progress = _locked_progress(pupil=pupil, lesson=lesson)
    existing = response_row(pupil, lesson, activity_id)
    previous = existing.answer if existing else None
    try:
        answer = activity.block.answer_from_data(activity.value, data, previous)
    except ActivityAnswerError as error:
        stored = activity.block.check_answer(activity.value, previous) if existing else None
        return ActivitySubmission(activity_id=activity_id, result=stored, error=error)
    result = activity.block.check_answer(activity.value, answer)
    response = _response_save(
        pupil=pupil,
        lesson=lesson,
        activity_id=activity_id,
        activity_type=activity.block_type,
        answer=result.answer,
        is_complete=result.is_complete,
        correct=result.correct,
        score=result.score,
        existing=existing,
    )
    _touch(progress, timezone.now())
    progress = lesson_completion_update(pupil=pupil, lesson=lesson, progress=progress)
    return ActivitySubmission(
        activity_id=activity_id, result=result, response=response, progress=progress
    )


def activity_check(
    *, lesson: LessonPage, activity_id: str, data: Mapping, previous: dict | None = None
) -> ActivitySubmission:
    """Check an answer without storing anything (staff previewing a lesson)."""
    activity = _activity(lesson, activity_id)
    try:
        answer = activity.block.answer_from_data(activity.value, data, previous)
    except ActivityAnswerError as error:
        stored = activity.block.check_answer(activity.value, previous) if previous else None
        return ActivitySubmission(activity_id=activity_id, result=stored, error=error)
    return ActivitySubmission(
        activity_id=activity_id, result=activity.block.check_answer(activity.value, answer)
    )


# --- Assignments -------------------------------------------------------------------------------


def _assignment_check(
    *,
    group: TeachingGroup,
    module: ModulePage | None,
    lesson: LessonPage | None,
    opens_on: date,
    due_on: date,
    pupils: Iterable[Pupil],
) -> list[Pupil]:
    """Everything that makes an assignment impossible, as one ValidationError; else the pupils."""
    errors: dict[str, list[str]] = {}
    if group.archived_at is not None:
        errors.setdefault("__all__", []).append(_("This class is archived."))
    if (module is None) == (lesson is None):
        errors.setdefault("page", []).append(_("Choose one module or one lesson."))
    else:
        page = module or lesson
        if not page.live:
            errors.setdefault("page", []).append(_("That page is not published."))
        elif page.age_band != group.age_band.value:
            # Pupils can only open lessons for their own age band (lessons.permissions).
            errors.setdefault("page", []).append(
                _("“%(title)s” is for %(band)s, but %(class)s is %(class_band)s.")
                % {
                    "title": page.title,
                    "band": AgeBand(page.age_band).label,
                    "class": group.name,
                    "class_band": group.age_band.label,
                }
            )
    if due_on < opens_on:
        errors.setdefault("due_on", []).append(_("The due date can't be before the open date."))
    pupils = list(pupils)
    if pupils:
        members = set(
            group.pupils.active()
            .filter(pk__in=[pupil.pk for pupil in pupils])
            .values_list("pk", flat=True)
        )
        if any(pupil.pk not in members for pupil in pupils):
            errors.setdefault("pupils", []).append(
                _("Choose pupils who are in %(class)s.") % {"class": group.name}
            )
    if errors:
        raise ValidationError(errors)
    return pupils


@transaction.atomic
def assignment_create(
    *,
    group: TeachingGroup,
    opens_on: date,
    due_on: date,
    created_by,
    module: ModulePage | None = None,
    lesson: LessonPage | None = None,
    pupils: Iterable[Pupil] = (),
) -> Assignment:
    """Set a module or a lesson (exactly one) for a class, or for some of its pupils.

    No pupils means the whole class. Raises ValidationError (with field keys `page`,
    `due_on`, `pupils`) if the page is not a live one for the class's age band, the due date
    is before the open date, a pupil is not in the class, or the class is archived.
    """
    pupils = _assignment_check(
        group=group, module=module, lesson=lesson, opens_on=opens_on, due_on=due_on, pupils=pupils
    )
    assignment = Assignment.objects.create(
        school_id=group.school_id,
        teaching_group=group,
        module=module,
        lesson=lesson,
        opens_on=opens_on,
        due_on=due_on,
        created_by=created_by,
    )
    if pupils:
        assignment.pupils.set(pupils)
    return assignment


@transaction.atomic
def assignment_update(
    *,
    assignment: Assignment,
    opens_on: date,
    due_on: date,
    pupils: Iterable[Pupil] = (),
    module: ModulePage | None = None,
    lesson: LessonPage | None = None,
) -> Assignment:
    """Change an assignment's dates and pupils, and what is assigned if `module` or `lesson` is
    given (otherwise it stays). The same checks as `assignment_create`; a withdrawn assignment
    cannot be changed. Progress is never touched: it belongs to the pupil and the lesson.
    """
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.is_withdrawn:
        raise ValidationError(_("This work has been withdrawn, so it can't be changed."))
    if module is None and lesson is None:
        module, lesson = assignment.module, assignment.lesson
    pupils = _assignment_check(
        group=assignment.teaching_group,
        module=module,
        lesson=lesson,
        opens_on=opens_on,
        due_on=due_on,
        pupils=pupils,
    )
    assignment.module, assignment.lesson = module, lesson
    assignment.opens_on, assignment.due_on = opens_on, due_on
    assignment.save()
    assignment.pupils.set(pupils)
    return assignment


@transaction.atomic
def assignment_withdraw(*, assignment: Assignment) -> Assignment:
    """Take work back: pupils stop seeing it; the record and all progress are kept.

    Withdrawing twice changes nothing (the first time is kept).
    """
    Assignment.objects.filter(pk=assignment.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    assignment.refresh_from_db(fields=["withdrawn_at"])
    return assignment
