"""A pupil's own rows for one lesson, read with queries compiled once per process (issue 16).

Every lesson step, answer and "Next" reads the pupil's progress and answers on the lesson.
These are the same QuerySets the rest of the app uses (`for_pupil`, so a pupil only ever reads
their own rows), prepared by `schools.prepared` so Django does not compile them on each request.
"""

from __future__ import annotations

from schools.prepared import PreparedQuery

from .progress_models import ActivityResponse, LessonProgress

_progress = LessonProgress._meta.get_field
_response = ActivityResponse._meta.get_field

_PROGRESS = PreparedQuery(
    lambda pupil, lesson: LessonProgress.objects.for_pupil(pupil).filter(lesson=lesson)[:1],
    pupil=_progress("pupil"),
    lesson=_progress("lesson"),
)
_LOCKED_PROGRESS = PreparedQuery(
    lambda pupil, lesson: (
        LessonProgress.objects.select_for_update().for_pupil(pupil).filter(lesson=lesson)[:1]
    ),
    pupil=_progress("pupil"),
    lesson=_progress("lesson"),
)
_RESPONSES = PreparedQuery(
    lambda pupil, lesson: ActivityResponse.objects.for_pupil(pupil).filter(lesson=lesson),
    pupil=_response("pupil"),
    lesson=_response("lesson"),
)
_RESPONSE = PreparedQuery(
    lambda pupil, lesson, activity: ActivityResponse.objects.for_pupil(pupil).filter(
        lesson=lesson, activity_id=activity
    )[:1],
    pupil=_response("pupil"),
    lesson=_response("lesson"),
    activity=_response("activity_id"),
)


def progress_row(pupil, lesson, *, locked: bool = False) -> LessonProgress | None:
    """The pupil's progress on the lesson, or None; `locked` locks it until commit."""
    query = _LOCKED_PROGRESS if locked else _PROGRESS
    found = query.fetch(pupil=pupil.pk, lesson=lesson.pk)
    return found[0] if found else None


def response_rows(pupil, lesson) -> dict[str, ActivityResponse]:
    """The pupil's answers on the lesson, by activity id."""
    return {r.activity_id: r for r in _RESPONSES.fetch(pupil=pupil.pk, lesson=lesson.pk)}


def response_row(pupil, lesson, activity_id: str) -> ActivityResponse | None:
    """The pupil's answer to one activity of the lesson, or None."""
    found = _RESPONSE.fetch(pupil=pupil.pk, lesson=lesson.pk, activity=activity_id)
    return found[0] if found else None
