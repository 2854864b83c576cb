"""A lesson with a quiz is complete only when the quiz's counted attempt reaches its pass mark.

The quiz result reaches lessons through `quizzes.signals.attempt_submitted` (a receiver in
`lessons.receivers`), and completion is decided by the one service,
`lessons.services.lesson_completion_update`. Completion is one-way: once complete, a worse
later attempt never undoes it.
"""

import shutil

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Revision

from h5p.demo import load_h5p_demo
from lessons import services
from lessons.completion import QuizPassed
from lessons.loader import CURRICULUM_DIR, CurriculumError, block_id, curriculum_load
from lessons.models import ActivityResponse, LessonPage, LessonProgress, ProgressStatus
from lessons.receivers import quiz_activity_id
from lessons.signals import lesson_completed
from quizzes import services as quiz_services
from quizzes.models import Attempt, Option, Question, Quiz
from quizzes.signals import attempt_submitted
from tests.lessons.conftest import FIXTURE_CURRICULUM
from tests.quizzes.helpers import make_quiz, spec, take

# The spec's quiz has six scored questions and a pass mark of 60%.
FAIL = ("q1", "q2", "q3", "q4")  # 2 of 6 right: 33%
PASS = ()  # 6 of 6: 100%
JUST_PASS = ("q1", "q2")  # 4 of 6: 67%


def attach(lesson, quiz) -> LessonPage:
    lesson.quiz = quiz
    lesson.save_revision().publish()
    return LessonPage.objects.get(pk=lesson.pk)


def quiz_for(lesson, **changes):
    return make_quiz(key=f"test-8-10/{lesson.slug}", title=lesson.title, **changes)


@pytest.fixture
def quiz(short_lesson):
    """The spec's quiz (8–10, two goes, best attempt counts)."""
    return quiz_for(short_lesson)


@pytest.fixture
def quiz_lesson(short_lesson, quiz) -> LessonPage:
    """The lesson “Two activities” (3 steps), ending with the quiz."""
    return attach(short_lesson, quiz)


def do_the_steps(pupil, lesson):
    """Answer both activities of "Two activities" and reach its last step."""
    for yaml_id, data in (("check-one", {"statement-0": "true"}), ("cards-one", {"card": "0"})):
        services.activity_submit(
            pupil=pupil,
            lesson=lesson,
            activity_id=block_id("test-8-10", lesson.slug, "activity", yaml_id),
            data=data,
        )
    return services.progress_step_reach(pupil=pupil, lesson=lesson, step=lesson.last_step)


def progress_of(pupil, lesson) -> LessonProgress:
    return LessonProgress.objects.get(pupil=pupil, lesson=lesson)


def quiz_response(pupil, lesson) -> ActivityResponse:
    return ActivityResponse.objects.get(
        pupil=pupil, lesson=lesson, activity_id=quiz_activity_id(lesson.quiz)
    )


@pytest.fixture
def completions():
    sent = []

    def receiver(sender, **kwargs):
        sent.append(kwargs["lesson"].pk)

    lesson_completed.connect(receiver)
    yield sent
    lesson_completed.disconnect(receiver)


# --- The rule ------------------------------------------------------------------------------


def test_the_quiz_is_one_of_the_lessons_requirements(quiz_lesson):
    requirements = quiz_lesson.completion_requirements()
    assert [r for r in requirements if isinstance(r, QuizPassed)] == [
        QuizPassed(quiz=quiz_lesson.quiz)
    ]
    assert not any(
        isinstance(r, QuizPassed)
        for r in LessonPage.objects.get(slug="every-activity").completion_requirements()
    )
    assert LessonPage.objects.get(slug="every-activity").quiz is None


def test_steps_and_activities_alone_do_not_complete_a_lesson_with_a_quiz(pupil, quiz_lesson):
    progress = do_the_steps(pupil, quiz_lesson)
    assert progress.status == ProgressStatus.IN_PROGRESS
    assert progress.completed_at is None


def test_failing_then_passing_on_a_retake_completes_the_lesson(
    django_capture_on_commit_callbacks, pupil, quiz_lesson, completions
):
    do_the_steps(pupil, quiz_lesson)
    with django_capture_on_commit_callbacks(execute=True):
        take(pupil, quiz_lesson.quiz, wrong_keys=FAIL)
    assert progress_of(pupil, quiz_lesson).status == ProgressStatus.IN_PROGRESS
    failed = quiz_response(pupil, quiz_lesson)
    assert (failed.correct, failed.score, failed.is_complete) == (False, 0.33, True)
    assert completions == []

    with django_capture_on_commit_callbacks(execute=True):
        take(pupil, quiz_lesson.quiz, wrong_keys=PASS)
    progress = progress_of(pupil, quiz_lesson)
    assert progress.status == ProgressStatus.COMPLETED and progress.completed_at is not None
    passed = quiz_response(pupil, quiz_lesson)
    assert (passed.correct, passed.score, passed.attempts) == (True, 1.0, 2)
    assert passed.answer["number"] == 2
    assert completions == [quiz_lesson.pk]


def test_passing_the_quiz_first_completes_the_lesson_when_the_last_step_is_reached(
    pupil, quiz_lesson
):
    take(pupil, quiz_lesson.quiz, wrong_keys=JUST_PASS)
    progress = progress_of(pupil, quiz_lesson)
    assert progress.status == ProgressStatus.IN_PROGRESS  # the quiz alone is not the lesson
    assert progress.current_step == 0
    assert do_the_steps(pupil, quiz_lesson).status == ProgressStatus.COMPLETED


def test_best_attempt_counts_a_worse_retake_does_not_matter(pupil, short_lesson):
    lesson = attach(short_lesson, quiz_for(short_lesson, counted_attempt="best"))
    take(pupil, lesson.quiz, wrong_keys=PASS)
    take(pupil, lesson.quiz, wrong_keys=FAIL)  # before the lesson is finished
    response = quiz_response(pupil, lesson)
    assert (response.correct, response.score) == (True, 1.0)  # the best still counts
    assert do_the_steps(pupil, lesson).status == ProgressStatus.COMPLETED


def test_latest_attempt_counts_a_worse_retake_before_finishing_holds_completion_back(
    pupil, short_lesson
):
    lesson = attach(
        short_lesson, quiz_for(short_lesson, counted_attempt="latest", attempts_allowed=3)
    )
    take(pupil, lesson.quiz, wrong_keys=PASS)
    take(pupil, lesson.quiz, wrong_keys=FAIL)
    assert do_the_steps(pupil, lesson).status == ProgressStatus.IN_PROGRESS
    assert quiz_response(pupil, lesson).correct is False
    take(pupil, lesson.quiz, wrong_keys=JUST_PASS)
    assert progress_of(pupil, lesson).status == ProgressStatus.COMPLETED


def test_completion_once_reached_stays_even_if_the_latest_attempt_is_worse(pupil, short_lesson):
    """Completion is one-way (the lessons service): a later, worse "latest" attempt is recorded
    for the teacher, but the pupil keeps the lesson they finished."""
    lesson = attach(short_lesson, quiz_for(short_lesson, counted_attempt="latest"))
    do_the_steps(pupil, lesson)
    take(pupil, lesson.quiz, wrong_keys=PASS)
    completed_at = progress_of(pupil, lesson).completed_at
    assert completed_at is not None
    take(pupil, lesson.quiz, wrong_keys=FAIL)
    progress = progress_of(pupil, lesson)
    assert progress.status == ProgressStatus.COMPLETED and progress.completed_at == completed_at
    response = quiz_response(pupil, lesson)
    assert (response.correct, response.score) == (False, 0.33)


def test_using_every_attempt_without_passing_leaves_the_lesson_unfinished(pupil, quiz_lesson):
    do_the_steps(pupil, quiz_lesson)
    take(pupil, quiz_lesson.quiz, wrong_keys=FAIL)
    take(pupil, quiz_lesson.quiz, wrong_keys=FAIL)
    with pytest.raises(quiz_services.AttemptLimitReached):
        quiz_services.attempt_start(pupil=pupil, quiz=quiz_lesson.quiz)
    assert progress_of(pupil, quiz_lesson).status == ProgressStatus.IN_PROGRESS


def test_the_pass_mark_is_the_quizs_own(pupil, short_lesson):
    lesson = attach(short_lesson, quiz_for(short_lesson, pass_mark=80))
    do_the_steps(pupil, lesson)
    take(pupil, lesson.quiz, wrong_keys=JUST_PASS)  # 67%: a pass at 60, not at 80
    assert progress_of(pupil, lesson).status == ProgressStatus.IN_PROGRESS
    take(pupil, lesson.quiz, wrong_keys=("q1",))  # 83%
    assert progress_of(pupil, lesson).status == ProgressStatus.COMPLETED


def test_only_the_pupils_own_lessons_with_that_quiz_are_touched(
    pupil, quiz_lesson, lesson, older_lesson
):
    attach(older_lesson, quiz_lesson.quiz)  # an 11–13 lesson the pupil cannot open
    take(pupil, quiz_lesson.quiz)
    assert LessonProgress.objects.filter(pupil=pupil).get().lesson_id == quiz_lesson.pk
    assert not ActivityResponse.objects.filter(lesson__in=[lesson, older_lesson]).exists()


def test_the_same_result_sent_twice_changes_nothing(pupil, quiz_lesson):
    do_the_steps(pupil, quiz_lesson)
    attempt = take(pupil, quiz_lesson.quiz, wrong_keys=FAIL)
    before = quiz_response(pupil, quiz_lesson)
    attempt_submitted.send(
        sender=Attempt,
        attempt=attempt,
        pupil=pupil,
        quiz=quiz_lesson.quiz,
        counted_score=attempt.score,
        passed=False,
    )
    after = quiz_response(pupil, quiz_lesson)
    assert (after.attempts, after.updated_at) == (before.attempts, before.updated_at)


def test_the_score_and_the_lesson_progress_commit_together(pupil, quiz_lesson, monkeypatch):
    """The receiver runs inside the quiz's scoring transaction: if recording the lesson result
    fails, the attempt is not submitted either, so the two can never disagree."""
    attempt = quiz_services.attempt_start(pupil=pupil, quiz=quiz_lesson.quiz)

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "progress_record_activity", broken)
    with pytest.raises(RuntimeError):
        quiz_services.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    assert not attempt.is_submitted
    assert not LessonProgress.objects.filter(pupil=pupil).exists()


def test_deleting_the_quiz_removes_the_requirement(pupil, quiz_lesson):
    do_the_steps(pupil, quiz_lesson)
    Quiz.objects.filter(pk=quiz_lesson.quiz_id).delete()
    lesson = LessonPage.objects.get(pk=quiz_lesson.pk)
    assert lesson.quiz is None
    progress = services.progress_step_reach(pupil=pupil, lesson=lesson, step=lesson.last_step)
    assert progress.status == ProgressStatus.COMPLETED


def test_an_editor_attaches_a_quiz_with_the_snippet_chooser(admin_client, quiz):
    from wagtail.snippets.widgets import AdminSnippetChooser

    from lessons.models import ModulePage
    from tests.lessons.test_pages import lesson_form_data

    module = ModulePage.objects.get(slug="test-8-10")
    add_url = f"/admin/pages/add/lessons/lessonpage/{module.pk}/"
    form = admin_client.get(add_url).context["form"]
    assert isinstance(form.fields["quiz"].widget, AdminSnippetChooser)
    data = {**lesson_form_data(), "quiz": str(quiz.pk), "action-publish": "publish"}
    assert admin_client.post(add_url, data).status_code == 302
    assert LessonPage.objects.get(slug="made-in-the-admin").quiz == quiz


# --- The lesson player ---------------------------------------------------------------------


def last_step_url(lesson) -> str:
    return lesson.url + f"step/{lesson.last_step}/"


def quiz_link(lesson) -> str:
    return f"/quizzes/{lesson.quiz_id}/?next=" + last_step_url(lesson).replace("/", "%2F")


def test_the_last_step_offers_the_quiz_until_it_is_passed(pupil_client, pupil, quiz_lesson):
    do_the_steps(pupil, quiz_lesson)
    html = pupil_client.get(last_step_url(quiz_lesson)).content.decode()
    assert "Take the quiz" in html and f'href="{quiz_link(quiz_lesson)}"' in html
    assert "Well done! You have finished this lesson." not in html

    take(pupil, quiz_lesson.quiz, wrong_keys=FAIL)
    html = pupil_client.get(last_step_url(quiz_lesson)).content.decode()
    assert "Have another go at the quiz" in html and quiz_link(quiz_lesson) in html
    assert "Well done!" not in html

    take(pupil, quiz_lesson.quiz)
    html = pupil_client.get(last_step_url(quiz_lesson)).content.decode()
    assert "Well done! You have finished this lesson." in html
    assert quiz_link(quiz_lesson) not in html


def test_the_last_step_says_when_every_go_is_used(pupil_client, pupil, quiz_lesson):
    do_the_steps(pupil, quiz_lesson)
    take(pupil, quiz_lesson.quiz, wrong_keys=FAIL)
    take(pupil, quiz_lesson.quiz, wrong_keys=FAIL)
    html = pupil_client.get(last_step_url(quiz_lesson)).content.decode()
    assert "You have had all your goes at the quiz." in html
    assert quiz_link(quiz_lesson) not in html


def test_a_quiz_left_open_can_be_carried_on(pupil_client, pupil, quiz_lesson):
    do_the_steps(pupil, quiz_lesson)
    quiz_services.attempt_start(pupil=pupil, quiz=quiz_lesson.quiz)
    html = pupil_client.get(last_step_url(quiz_lesson)).content.decode()
    assert "Carry on with the quiz" in html


def test_earlier_steps_do_not_show_the_quiz(pupil_client, pupil, quiz_lesson):
    html = pupil_client.get(quiz_lesson.url + "step/1/").content.decode()
    assert "/quizzes/" not in html


def test_staff_see_that_the_lesson_ends_with_a_quiz(teacher_client, quiz_lesson):
    html = teacher_client.get(last_step_url(quiz_lesson)).content.decode()
    assert "Pupils take the quiz “Check what you learned” here" in html
    assert "Take the quiz" not in html


def test_back_on_the_quiz_result_returns_to_the_lesson(pupil_client, pupil, quiz_lesson):
    do_the_steps(pupil, quiz_lesson)
    assert pupil_client.get(quiz_link(quiz_lesson)).status_code == 200
    attempt = take(pupil, quiz_lesson.quiz)
    html = pupil_client.get(f"/quizzes/attempts/{attempt.pk}/result/").content.decode()
    assert f'href="{last_step_url(quiz_lesson)}"' in html
    back = pupil_client.get(last_step_url(quiz_lesson)).content.decode()
    assert "Well done! You have finished this lesson." in back


def test_my_lessons_shows_the_lesson_completed_only_after_the_quiz(
    pupil_client, pupil, quiz_lesson
):
    def status():
        response = pupil_client.get("/learn/")
        cards = [card for _module, cards in response.context["sections"] for card in cards]
        return next(card for card in cards if card.lesson.pk == quiz_lesson.pk).status

    do_the_steps(pupil, quiz_lesson)
    assert status() == ProgressStatus.IN_PROGRESS
    take(pupil, quiz_lesson.quiz)
    assert status() == ProgressStatus.COMPLETED


def test_the_last_step_costs_the_same_however_many_attempts(pupil_client, pupil, quiz_lesson):
    do_the_steps(pupil, quiz_lesson)
    url = last_step_url(quiz_lesson)
    pupil_client.get(url)  # warm the caches

    def count():
        with CaptureQueriesContext(connection) as captured:
            pupil_client.get(url)
        return len(captured.captured_queries)

    take(pupil, quiz_lesson.quiz, wrong_keys=FAIL)
    one = count()
    take(pupil, quiz_lesson.quiz, wrong_keys=FAIL)
    assert count() == one


# --- Loading quizzes with the curriculum ---------------------------------------------------


@pytest.fixture
def curriculum_dir(tmp_path):
    """A copy of the test curriculum in which "Two activities" ends with the spec's quiz."""
    target = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_CURRICULUM, target)
    edit(target, "ages-8-10.yaml", lambda data: data["lessons"][1].update(quiz=spec()))
    return target


def edit(directory, name, change):
    path = directory / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Page, Revision, Quiz, Question, Option, Attempt, LessonProgress)
    }


def test_loading_attaches_each_lessons_quiz(db, curriculum_dir):
    curriculum_load(directory=curriculum_dir)
    lesson = LessonPage.objects.get(slug="two-activities")
    quiz = lesson.quiz
    assert (quiz.key, quiz.title, quiz.heading, quiz.age_band) == (
        "test-8-10/two-activities",
        "Two activities",
        "Check what you learned",
        "8-10",
    )
    assert quiz.questions.count() == 7
    assert lesson.live and not lesson.has_unpublished_changes
    assert LessonPage.objects.filter(quiz__isnull=True).count() == 2  # no `quiz:` in the file


def test_loading_twice_creates_nothing_and_keeps_progress_and_attempts(
    db, curriculum_dir, pupil, capsys
):
    call_command("load_curriculum", directory=curriculum_dir)
    lesson = LessonPage.objects.get(slug="two-activities")
    do_the_steps(pupil, lesson)
    attempt = take(pupil, lesson.quiz)
    assert progress_of(pupil, lesson).is_completed
    before = counts()

    call_command("load_curriculum", directory=curriculum_dir)
    assert "0 created, 0 updated" in capsys.readouterr().out
    assert counts() == before
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.quiz_id == attempt.quiz_id
    assert progress_of(pupil, lesson).is_completed
    assert Attempt.objects.get(pk=attempt.pk).score == 100
    assert quiz_response(pupil, lesson).correct is True


def test_editing_a_quiz_in_the_file_updates_it_in_place(db, curriculum_dir, pupil):
    curriculum_load(directory=curriculum_dir)
    lesson = LessonPage.objects.get(slug="two-activities")
    attempt = take(pupil, lesson.quiz)
    revisions = Revision.objects.count()
    edit(curriculum_dir, "ages-8-10.yaml", lambda d: d["lessons"][1]["quiz"].update(pass_mark=80))
    report = curriculum_load(directory=curriculum_dir)
    assert report.updated == []  # the page still points at the same quiz
    assert Revision.objects.count() == revisions
    quiz = Quiz.objects.get()
    assert (quiz.pk, quiz.pass_mark) == (lesson.quiz_id, 80)
    assert Attempt.objects.filter(pk=attempt.pk).exists()


def test_removing_a_quiz_from_the_file_detaches_it_and_keeps_the_attempts(
    db, curriculum_dir, pupil
):
    curriculum_load(directory=curriculum_dir)
    lesson = LessonPage.objects.get(slug="two-activities")
    attempt = take(pupil, lesson.quiz)
    edit(curriculum_dir, "ages-8-10.yaml", lambda d: d["lessons"][1].pop("quiz"))
    report = curriculum_load(directory=curriculum_dir)
    assert report.updated == ["test-8-10/two-activities"]
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.quiz is None and not lesson.has_unpublished_changes
    assert Attempt.objects.filter(pk=attempt.pk).exists()


def test_a_broken_quiz_refuses_the_whole_curriculum_before_writing_anything(db, curriculum_dir):
    def break_quiz(data):
        quiz = spec()
        quiz["questions"][0]["strand"] = "feelings"
        data["lessons"][0]["quiz"] = quiz

    edit(curriculum_dir, "ages-11-13.yaml", break_quiz)  # the other file is fine
    pages = Page.objects.count()
    with pytest.raises(CurriculumError) as refused:
        curriculum_load(directory=curriculum_dir)
    assert "ages-11-13.yaml: test-11-13/older-lesson › question q1: unknown strand" in str(
        refused.value
    )
    assert Page.objects.count() == pages
    assert not Quiz.objects.exists()


def test_every_lesson_of_the_real_curriculum_gets_its_quiz(db):
    load_h5p_demo()  # some lessons embed the demo H5P activities
    curriculum_load(directory=CURRICULUM_DIR)
    lessons = list(LessonPage.objects.select_related("quiz"))
    assert len(lessons) >= 16
    assert all(lesson.quiz is not None for lesson in lessons)
    assert len({lesson.quiz_id for lesson in lessons}) == len(lessons) == Quiz.objects.count()
    for lesson in lessons:
        assert lesson.quiz.age_band == lesson.age_band
        assert lesson.quiz.title == lesson.title
