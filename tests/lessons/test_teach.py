"""Teach mode's service: a lesson taught to a class completes it "together in class" for the
pupils ticked as present, through the one completion service."""

import pytest
from django.core.exceptions import ValidationError

from lessons import services
from lessons.loader import block_id
from lessons.models import CompletionKind, LessonProgress, ProgressStatus
from lessons.teach import lesson_taught_in_class
from schools.models import StaffRole
from tests import factories


@pytest.fixture
def kestrels(school, teacher):
    """A Year 4 class (8–10), like the test curriculum's first module."""
    return factories.TeachingGroupFactory(
        school=school, name="Kestrels", year_group=4, teachers=[teacher]
    )


@pytest.fixture
def pupils(kestrels):
    return [factories.pupil(kestrels, name).pupil for name in ("Ada", "Ben", "Cal")]


def progress_of(pupil, lesson):
    return LessonProgress.objects.filter(pupil=pupil, lesson=lesson).first()


def finish_alone(pupil, lesson):
    services.activity_submit(
        pupil=pupil,
        lesson=lesson,
        activity_id=block_id("test-8-10", lesson.slug, "activity", "check-one"),
        data={"statement-0": "true"},
    )
    services.activity_submit(
        pupil=pupil,
        lesson=lesson,
        activity_id=block_id("test-8-10", lesson.slug, "activity", "cards-one"),
        data={"card": "0"},
    )
    return services.progress_step_reach(pupil=pupil, lesson=lesson, step=lesson.last_step)


def test_present_pupils_are_completed_in_class_and_absent_ones_untouched(
    kestrels, pupils, short_lesson, teacher
):
    ada, ben, cal = pupils
    services.progress_step_reach(pupil=cal, lesson=short_lesson, step=1)
    before = progress_of(cal, short_lesson)

    result = lesson_taught_in_class(
        group=kestrels, lesson=short_lesson, present=[ada, ben], taught_by=teacher
    )

    assert sorted(p.display_name for p in result.completed_in_class) == ["Ada", "Ben"]
    for pupil in (ada, ben):
        progress = progress_of(pupil, short_lesson)
        assert progress.status == ProgressStatus.COMPLETED
        assert progress.completion_kind == CompletionKind.IN_CLASS
        assert progress.is_completed_in_class
        assert progress.taught_by == teacher
        assert progress.taught_at is not None and progress.completed_at is not None
        assert progress.current_step == short_lesson.last_step
    after = progress_of(cal, short_lesson)
    assert after.status == ProgressStatus.IN_PROGRESS
    assert (after.current_step, after.taught_at, after.updated_at) == (
        before.current_step,
        None,
        before.updated_at,
    )


def test_teaching_twice_changes_nothing(kestrels, pupils, short_lesson, teacher, school):
    ada = pupils[0]
    lesson_taught_in_class(group=kestrels, lesson=short_lesson, present=[ada], taught_by=teacher)
    first = progress_of(ada, short_lesson)
    other = factories.staff(school, StaffRole.SCHOOL_ADMIN)

    again = lesson_taught_in_class(
        group=kestrels, lesson=short_lesson, present=[ada], taught_by=other
    )

    assert again.completed_in_class == [] and again.already_complete == [ada]
    second = progress_of(ada, short_lesson)
    assert (second.completed_at, second.taught_at, second.taught_by) == (
        first.completed_at,
        first.taught_at,
        teacher,
    )
    assert LessonProgress.objects.filter(pupil=ada, lesson=short_lesson).count() == 1


def test_a_pupil_who_finished_alone_stays_complete_alone(kestrels, pupils, short_lesson, teacher):
    ada = pupils[0]
    alone = finish_alone(ada, short_lesson)
    assert alone.completion_kind == CompletionKind.ALONE

    result = lesson_taught_in_class(
        group=kestrels, lesson=short_lesson, present=[ada], taught_by=teacher
    )

    assert result.already_complete == [ada]
    progress = progress_of(ada, short_lesson)
    assert progress.status == ProgressStatus.COMPLETED
    assert progress.completion_kind == CompletionKind.ALONE
    assert progress.completed_at == alone.completed_at
    assert progress.taught_by == teacher and progress.taught_at is not None


def test_another_class_pupil_is_refused_and_nothing_is_recorded(
    kestrels, pupils, short_lesson, teacher, school
):
    other_class = factories.TeachingGroupFactory(school=school, name="Owls", year_group=4)
    stranger = factories.pupil(other_class, "Zed").pupil

    with pytest.raises(ValidationError, match="Choose pupils who are in Kestrels"):
        lesson_taught_in_class(
            group=kestrels, lesson=short_lesson, present=[pupils[0], stranger], taught_by=teacher
        )

    assert not LessonProgress.objects.filter(lesson=short_lesson).exists()


def test_a_lesson_for_another_age_band_is_refused(kestrels, pupils, older_lesson, teacher):
    with pytest.raises(ValidationError):
        lesson_taught_in_class(
            group=kestrels, lesson=older_lesson, present=pupils[:1], taught_by=teacher
        )
    assert not LessonProgress.objects.exists()


def test_completing_in_class_sends_lesson_completed_once(kestrels, pupils, short_lesson, teacher):
    from django.test import TestCase

    from lessons.signals import lesson_completed

    seen = []

    def receiver(sender, pupil, lesson, progress, **kwargs):
        seen.append((pupil.pk, progress.completion_kind))

    lesson_completed.connect(receiver)
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            lesson_taught_in_class(
                group=kestrels, lesson=short_lesson, present=pupils[:1], taught_by=teacher
            )
        with TestCase.captureOnCommitCallbacks(execute=True):
            lesson_taught_in_class(
                group=kestrels, lesson=short_lesson, present=pupils[:1], taught_by=teacher
            )
    finally:
        lesson_completed.disconnect(receiver)
    assert seen == [(pupils[0].pk, CompletionKind.IN_CLASS)]
