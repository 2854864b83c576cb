"""Progress, completion and the rules that keep them right under double submits and old tabs."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from lessons import services
from lessons.loader import block_id
from lessons.models import ActivityResponse, LessonPage, LessonProgress, ProgressStatus
from lessons.signals import lesson_completed


def aid(lesson, yaml_id):
    return block_id("test-8-10", lesson.slug, "activity", yaml_id)


def answer_everything(pupil, lesson):
    answers = {
        "jas-gets-a-message": {"scene": "start", "choice": "0"},
        "ok-or-not": {"card-0": "ok", "card-1": "not-ok", "card-2": "ask"},
        "chat-signs": {"flag": ["1", "3"]},
        "quick-check": {"statement-0": "false", "statement-1": "true"},
    }
    for yaml_id, data in answers.items():
        services.activity_submit(
            pupil=pupil, lesson=lesson, activity_id=aid(lesson, yaml_id), data=data
        )
    for card in ("0", "1"):
        services.activity_submit(
            pupil=pupil, lesson=lesson, activity_id=aid(lesson, "key-facts"), data={"card": card}
        )


def progress_of(pupil, lesson):
    return LessonProgress.objects.get(pupil=pupil, lesson=lesson)


def test_moving_on_records_the_step_and_starts_the_lesson(pupil, lesson):
    progress = services.progress_step_reach(pupil=pupil, lesson=lesson, step=2)
    assert progress.status == ProgressStatus.IN_PROGRESS
    assert progress.current_step == 2
    assert progress.started_at is not None and progress.completed_at is None


def test_a_stale_tab_never_moves_the_step_backwards(pupil, lesson):
    services.progress_step_reach(pupil=pupil, lesson=lesson, step=5)
    services.progress_step_reach(pupil=pupil, lesson=lesson, step=2)  # an old tab
    services.progress_step_reach(pupil=pupil, lesson=lesson, step=3)  # out of order
    assert progress_of(pupil, lesson).current_step == 5


def test_steps_beyond_the_end_count_as_the_last_step(pupil, lesson):
    progress = services.progress_step_reach(pupil=pupil, lesson=lesson, step=999)
    assert progress.current_step == lesson.last_step


def test_completion_needs_every_required_activity_and_the_last_step(pupil, lesson):
    services.progress_step_reach(pupil=pupil, lesson=lesson, step=lesson.last_step)
    assert progress_of(pupil, lesson).status == ProgressStatus.IN_PROGRESS  # nothing answered

    answer_everything(pupil, lesson)
    progress = progress_of(pupil, lesson)
    assert progress.status == ProgressStatus.COMPLETED
    assert progress.completed_at is not None


def test_answering_everything_without_reaching_the_end_is_not_complete(pupil, lesson):
    answer_everything(pupil, lesson)
    assert progress_of(pupil, lesson).status == ProgressStatus.IN_PROGRESS
    services.progress_step_reach(pupil=pupil, lesson=lesson, step=lesson.last_step)
    assert progress_of(pupil, lesson).status == ProgressStatus.COMPLETED


def test_wrong_answers_still_count_as_answered(pupil, short_lesson):
    services.activity_submit(
        pupil=pupil,
        lesson=short_lesson,
        activity_id=block_id("test-8-10", "two-activities", "activity", "check-one"),
        data={"statement-0": "false"},
    )
    services.activity_submit(
        pupil=pupil,
        lesson=short_lesson,
        activity_id=block_id("test-8-10", "two-activities", "activity", "cards-one"),
        data={"card": "0"},
    )
    progress = services.progress_step_reach(pupil=pupil, lesson=short_lesson, step=3)
    assert progress.is_completed


def test_half_turned_reveal_cards_are_not_answered(pupil, lesson):
    services.activity_submit(
        pupil=pupil, lesson=lesson, activity_id=aid(lesson, "key-facts"), data={"card": "0"}
    )
    response = ActivityResponse.objects.get(pupil=pupil, activity_id=aid(lesson, "key-facts"))
    assert response.is_complete is False


def test_a_double_submit_stores_one_response_and_one_attempt(pupil, lesson):
    data = {"card-0": "ok", "card-1": "ask", "card-2": "ask"}
    first = services.activity_submit(
        pupil=pupil, lesson=lesson, activity_id=aid(lesson, "ok-or-not"), data=data
    )
    second = services.activity_submit(
        pupil=pupil, lesson=lesson, activity_id=aid(lesson, "ok-or-not"), data=data
    )
    assert ActivityResponse.objects.filter(pupil=pupil).count() == 1
    assert first.response.pk == second.response.pk
    response = ActivityResponse.objects.get(pupil=pupil)
    assert response.attempts == 1
    assert response.score == pytest.approx(2 / 3, abs=1e-4)
    assert LessonProgress.objects.filter(pupil=pupil).count() == 1


def test_a_changed_answer_is_a_new_attempt_on_the_same_response(pupil, lesson):
    activity_id = aid(lesson, "ok-or-not")
    services.activity_submit(
        pupil=pupil,
        lesson=lesson,
        activity_id=activity_id,
        data={"card-0": "ok", "card-1": "ask", "card-2": "ask"},
    )
    services.activity_submit(
        pupil=pupil,
        lesson=lesson,
        activity_id=activity_id,
        data={"card-0": "ok", "card-1": "not-ok", "card-2": "ask"},
    )
    response = ActivityResponse.objects.get(pupil=pupil)
    assert response.attempts == 2 and response.correct is True and response.score == 1


def test_an_answered_activity_stays_answered(pupil, lesson):
    activity_id = aid(lesson, "jas-gets-a-message")
    services.activity_submit(
        pupil=pupil, lesson=lesson, activity_id=activity_id, data={"scene": "start", "choice": "0"}
    )
    # Exploring the other branch leaves the story unfinished, but the activity was answered.
    services.activity_submit(
        pupil=pupil, lesson=lesson, activity_id=activity_id, data={"scene": "start", "choice": "1"}
    )
    response = ActivityResponse.objects.get(pupil=pupil)
    assert response.answer == {"path": [{"scene": "start", "choice": 1}]}
    assert response.is_complete is True


def test_a_refused_submission_stores_nothing(pupil, lesson):
    submission = services.activity_submit(
        pupil=pupil, lesson=lesson, activity_id=aid(lesson, "ok-or-not"), data={"card-0": "ok"}
    )
    assert submission.error is not None
    assert not ActivityResponse.objects.exists()


def test_an_unknown_activity_is_an_error(pupil, lesson):
    with pytest.raises(services.ActivityNotFound):
        services.activity_submit(pupil=pupil, lesson=lesson, activity_id="nope", data={})


def test_a_completed_lesson_stays_completed_and_signals_once(
    pupil, lesson, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, pupil, lesson, progress, **kwargs):
        received.append((pupil.pk, lesson.pk))

    lesson_completed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            answer_everything(pupil, lesson)
            services.progress_step_reach(pupil=pupil, lesson=lesson, step=lesson.last_step)
        completed_at = progress_of(pupil, lesson).completed_at
        with django_capture_on_commit_callbacks(execute=True):
            services.progress_step_reach(pupil=pupil, lesson=lesson, step=1)
            services.activity_submit(
                pupil=pupil,
                lesson=lesson,
                activity_id=aid(lesson, "ok-or-not"),
                data={"card-0": "ask", "card-1": "ask", "card-2": "ask"},
            )
            services.lesson_completion_update(pupil=pupil, lesson=lesson)
    finally:
        lesson_completed.disconnect(receiver)
    progress = progress_of(pupil, lesson)
    assert progress.is_completed and progress.completed_at == completed_at
    assert received == [(pupil.pk, lesson.pk)]


def test_results_from_elsewhere_go_through_the_same_completion(pupil, short_lesson):
    """What a quiz or H5P signal receiver will call: the score is clamped, completion applies."""
    for yaml_id in ("check-one", "cards-one"):
        response = services.progress_record_activity(
            pupil=pupil,
            lesson=short_lesson,
            activity_id=block_id("test-8-10", "two-activities", "activity", yaml_id),
            activity_type="h5p",
            answer={"raw": 7},
            is_complete=True,
            correct=True,
            score=7,
        )
        assert response.score == 1.0
    services.progress_step_reach(pupil=pupil, lesson=short_lesson, step=3)
    assert progress_of(pupil, short_lesson).is_completed


def test_time_spent_counts_activity_but_not_long_gaps(pupil, lesson, monkeypatch):
    clock = {"now": timezone.now()}
    monkeypatch.setattr(services.timezone, "now", lambda: clock["now"])
    services.progress_step_reach(pupil=pupil, lesson=lesson, step=1)
    clock["now"] += timedelta(minutes=2)
    services.progress_step_reach(pupil=pupil, lesson=lesson, step=2)
    clock["now"] += timedelta(hours=3)  # left the tab open over lunch
    services.progress_step_reach(pupil=pupil, lesson=lesson, step=3)
    assert progress_of(pupil, lesson).time_spent == timedelta(minutes=2)


def test_optional_activities_are_not_needed_to_complete(pupil, short_lesson):
    optional = block_id("test-8-10", "two-activities", "activity", "cards-one")
    raw = json.loads(json.dumps(list(short_lesson.body.raw_data)))
    for step in raw:
        for block in step["value"]["content"]:
            if block["id"] == optional:
                block["value"]["required"] = False
    short_lesson.body = raw
    short_lesson.save_revision().publish()
    lesson = LessonPage.objects.get(pk=short_lesson.pk)
    assert [r.activity_id for r in lesson.completion_requirements()[:-1]] == [
        block_id("test-8-10", "two-activities", "activity", "check-one")
    ]

    services.activity_submit(
        pupil=pupil,
        lesson=lesson,
        activity_id=block_id("test-8-10", "two-activities", "activity", "check-one"),
        data={"statement-0": "true"},
    )
    assert services.progress_step_reach(pupil=pupil, lesson=lesson, step=3).is_completed


def test_simultaneous_submits_and_steps_from_two_tabs_stay_consistent(
    transactional_db, young_pupil, curriculum
):
    """Real concurrent requests (threads with their own connections), not just repeats."""
    import threading

    from django.db import connection

    pupil = young_pupil.pupil
    lesson = LessonPage.objects.get(slug="every-activity")
    barrier = threading.Barrier(6)
    errors = []

    def tab(index):
        try:
            barrier.wait()
            if index % 2:
                services.progress_step_reach(pupil=pupil, lesson=lesson, step=index)
            else:
                services.activity_submit(
                    pupil=pupil,
                    lesson=lesson,
                    activity_id=aid(lesson, "key-facts"),
                    data={"card": str(index // 2 % 2)},
                )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tab, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert LessonProgress.objects.filter(pupil=pupil, lesson=lesson).count() == 1
    assert progress_of(pupil, lesson).current_step == 5
    response = ActivityResponse.objects.get(pupil=pupil)
    assert response.answer == {"revealed": [0, 1]}  # no reveal was lost
    assert response.is_complete
