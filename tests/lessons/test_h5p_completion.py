"""An H5P activity in a lesson counts toward the lesson through the one completion service.

The pupil plays the activity on the H5P origin; the h5p app checks and clamps the score and sends
`h5p.signals.result_recorded` with the context the lesson step signed into the activity's token
(`lesson:<lesson id>:<activity id>`). `lessons.receivers.h5p_result_recorded` records a finished
result as that activity's answer with `progress_record_activity`, which re-checks completion.
"""

import json
import re
import shutil

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from h5p import services as h5p_services
from h5p.demo import load_h5p_demo
from h5p.models import XAPIStatement
from lessons import services
from lessons.blocks import H5PBlock, h5p_context_id
from lessons.completion import ActivityAnswered
from lessons.loader import CurriculumError, block_id, curriculum_load
from lessons.models import ActivityResponse, LessonPage, LessonProgress, ProgressStatus
from lessons.signals import lesson_completed
from tests import factories
from tests.lessons.conftest import FIXTURE_CURRICULUM

H5P_ORIGIN = "http://h5p.testserver"
CHAT = "spot-the-signs-in-the-chat"
MAYA = "mayas-live-stream"
H5P_STEP = 3  # "Two activities" gets an H5P step before its help step


def edit(directory, name, change):
    path = directory / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def add_h5p_step(data):
    lesson = next(item for item in data["lessons"] if item["slug"] == "two-activities")
    lesson.pop("quiz", None)  # completion here is about the activities and steps only
    step = {"title": "Spot the signs", "blocks": [{"type": "h5p", "activity": CHAT}]}
    lesson["steps"].insert(-1, step)


@pytest.fixture
def h5p_settings(settings):
    settings.STREAMWISE_H5P_ORIGIN = H5P_ORIGIN
    settings.STREAMWISE_SITE_URL = "http://testserver"
    return settings


@pytest.fixture
def activities(db, h5p_settings):
    return load_h5p_demo()


@pytest.fixture
def curriculum_dir(tmp_path):
    target = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_CURRICULUM, target)
    edit(target, "ages-8-10.yaml", add_h5p_step)
    return target


@pytest.fixture
def h5p_lesson(activities, curriculum_dir) -> LessonPage:
    """ "Two activities" (8–10): true or false, reveal cards, the chat H5P activity, help."""
    curriculum_load(directory=curriculum_dir)
    return LessonPage.objects.get(slug="two-activities")


@pytest.fixture
def chat(activities):
    return activities[CHAT]


@pytest.fixture
def completions():
    sent = []

    def receiver(sender, **kwargs):
        sent.append(kwargs["lesson"].pk)

    lesson_completed.connect(receiver)
    yield sent
    lesson_completed.disconnect(receiver)


def activity_id(yaml_id=CHAT) -> str:
    return block_id("test-8-10", "two-activities", "activity", yaml_id)


def statement(verb="completed", raw=None, maximum=None, **result):
    data = {
        "actor": {"name": "Someone Else", "mbox": "mailto:someone@example.com"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": f"{H5P_ORIGIN}/h5p/play/x/", "objectType": "Activity"},
        "context": {"contextActivities": {}},
    }
    if raw is not None or maximum is not None:
        result["score"] = {"min": 0, "raw": raw, "max": maximum}
    if result:
        data["result"] = result
    return data


def finished(raw, maximum, verb="completed"):
    return statement(verb, raw, maximum, completion=True, success=raw == maximum)


def step_html(client, lesson, number=H5P_STEP) -> str:
    response = client.get(lesson.step_url(number))
    assert response.status_code == 200
    return response.content.decode()


def token_on(html: str) -> str:
    match = re.search(r'data-h5p-token="([^"]+)"', html)
    assert match, "the step has no H5P activity"
    return match[1]


def play(client, token, data):
    """What embed.js does when the activity reports a statement."""
    body = json.dumps({"token": token, "statement": data})
    return client.post(reverse("h5p:xapi"), data=body, content_type="application/json")


def record(user, content, data, context):
    """A statement as the h5p app records it (and signals it) for `user`."""
    return h5p_services.statement_record(
        user=user, content=content, statement=data, context_id=context
    )


def do_the_other_things(pupil, lesson):
    """Answer "Two activities"' own activities and reach its last step."""
    for yaml_id, data in (("check-one", {"statement-0": "true"}), ("cards-one", {"card": "0"})):
        services.activity_submit(
            pupil=pupil, lesson=lesson, activity_id=activity_id(yaml_id), data=data
        )
    return services.progress_step_reach(pupil=pupil, lesson=lesson, step=lesson.last_step)


def h5p_response(pupil, lesson):
    return ActivityResponse.objects.filter(
        pupil=pupil, lesson=lesson, activity_id=activity_id()
    ).first()


def status_of(pupil, lesson) -> str | None:
    progress = LessonProgress.objects.filter(pupil=pupil, lesson=lesson).first()
    return progress.status if progress else None


# --- The lesson and its step --------------------------------------------------------------


def test_the_h5p_block_is_a_required_activity_of_its_lesson(h5p_lesson, chat):
    activity = h5p_lesson.activities[activity_id()]
    assert isinstance(activity.block, H5PBlock)
    assert (activity.step, activity.block_type, activity.is_required) == (H5P_STEP, "h5p", True)
    assert activity.value["activity"] == chat
    assert (
        ActivityAnswered(activity_id=activity_id(), step=H5P_STEP, label="Spot the signs")
        in h5p_lesson.completion_requirements()
    )


def test_an_activity_that_cannot_be_played_here_is_not_required(h5p_lesson, h5p_settings, pupil):
    """Without an H5P origin the activity shows "cannot be shown"; the lesson still completes."""
    h5p_settings.STREAMWISE_H5P_ORIGIN = ""
    lesson = LessonPage.objects.get(pk=h5p_lesson.pk)
    assert not lesson.activities[activity_id()].is_required
    assert do_the_other_things(pupil, lesson).status == ProgressStatus.COMPLETED


def test_the_step_embeds_the_activity_signed_for_this_lesson_activity(
    h5p_lesson, chat, pupil, pupil_client
):
    html = step_html(pupil_client, h5p_lesson)
    assert f'src="{H5P_ORIGIN}/h5p/play/{chat.key}/"' in html
    assert 'sandbox="allow-scripts allow-same-origin"' in html
    content, context = h5p_services.xapi_token_read(token=token_on(html), user=pupil.user)
    assert content == chat
    assert context == h5p_context_id(h5p_lesson.pk, activity_id())


def test_a_staff_preview_signs_no_lesson_context(h5p_lesson, teacher):
    client = Client()
    client.force_login(teacher)
    html = step_html(client, h5p_lesson)
    _content, context = h5p_services.xapi_token_read(token=token_on(html), user=teacher)
    assert context == ""


# --- Results that count -------------------------------------------------------------------


def test_a_finished_result_from_the_step_is_the_activitys_answer(
    h5p_lesson, chat, pupil, pupil_client
):
    token = token_on(step_html(pupil_client, h5p_lesson))
    assert play(pupil_client, token, finished(4, chat.max_score)).status_code == 201

    response = h5p_response(pupil, h5p_lesson)
    assert response.activity_type == "h5p"
    assert (response.is_complete, response.correct) == (True, False)
    assert response.score == round(4 / chat.max_score, 4)
    assert response.answer["content"] == str(chat.key)
    assert status_of(pupil, h5p_lesson) == ProgressStatus.IN_PROGRESS
    # Shown as done when the pupil comes back to the step.
    expected = f"Done! You scored 4 out of {chat.max_score}."
    assert expected in step_html(pupil_client, h5p_lesson)


def test_answered_then_completed_counts_once_and_a_better_replay_updates_it(
    h5p_lesson, chat, pupil, pupil_client
):
    token = token_on(step_html(pupil_client, h5p_lesson))
    full = chat.max_score
    play(pupil_client, token, finished(full - 1, full, verb="answered"))
    play(pupil_client, token, finished(full - 1, full))
    response = h5p_response(pupil, h5p_lesson)
    assert (response.attempts, response.correct) == (1, False)

    play(pupil_client, token, finished(full, full))
    response.refresh_from_db()
    assert (response.attempts, response.correct, response.score) == (2, True, 1.0)


def test_the_h5p_activity_with_everything_else_completes_the_lesson(
    django_capture_on_commit_callbacks, h5p_lesson, chat, pupil, pupil_client, completions
):
    progress = do_the_other_things(pupil, h5p_lesson)
    assert progress.status == ProgressStatus.IN_PROGRESS  # the H5P activity is still to do
    last = step_html(pupil_client, h5p_lesson, h5p_lesson.last_step)
    assert h5p_lesson.step_url(H5P_STEP) in last  # "go back and try" links to it

    token = token_on(step_html(pupil_client, h5p_lesson))
    with django_capture_on_commit_callbacks(execute=True):
        play(pupil_client, token, finished(chat.max_score, chat.max_score))
    progress = LessonProgress.objects.get(pupil=pupil, lesson=h5p_lesson)
    assert progress.status == ProgressStatus.COMPLETED and progress.completed_at is not None
    assert completions == [h5p_lesson.pk]
    assert "Well done! You have finished this lesson." in step_html(
        pupil_client, h5p_lesson, h5p_lesson.last_step
    )


def test_a_finished_but_wrong_result_still_completes_the_lesson(h5p_lesson, chat, pupil):
    """Like every activity, it must be answered, not answered correctly."""
    do_the_other_things(pupil, h5p_lesson)
    context = h5p_context_id(h5p_lesson.pk, activity_id())
    record(pupil.user, chat, finished(0, chat.max_score), context)
    assert h5p_response(pupil, h5p_lesson).correct is False
    assert status_of(pupil, h5p_lesson) == ProgressStatus.COMPLETED


# --- Results that change nothing ----------------------------------------------------------


def test_a_forged_score_is_clamped_and_never_completes(h5p_lesson, chat, pupil, pupil_client):
    do_the_other_things(pupil, h5p_lesson)
    token = token_on(step_html(pupil_client, h5p_lesson))
    response = play(pupil_client, token, finished(999, chat.max_score))
    assert response.status_code == 201 and response.json()["clamped"] is True
    response = play(pupil_client, token, statement("completed", 999, 999, completion=True))
    assert response.json()["clamped"] is True

    assert h5p_response(pupil, h5p_lesson) is None
    assert status_of(pupil, h5p_lesson) == ProgressStatus.IN_PROGRESS


def test_a_clamped_result_is_never_counted_whatever_it_claims(h5p_lesson, chat, pupil):
    """Even if a sender said "completed" for a clamped result, lessons does not believe it."""
    from h5p.signals import result_recorded

    do_the_other_things(pupil, h5p_lesson)
    stored = record(pupil.user, chat, statement("answered"), "")
    result_recorded.send(
        sender=XAPIStatement,
        user=pupil.user,
        content=chat,
        statement=stored,
        verb="completed",
        raw=float(chat.max_score),
        max=float(chat.max_score),
        scaled=1.0,
        completed=True,
        passed=True,
        clamped=True,
        context_id=h5p_context_id(h5p_lesson.pk, activity_id()),
    )
    assert h5p_response(pupil, h5p_lesson) is None
    assert status_of(pupil, h5p_lesson) == ProgressStatus.IN_PROGRESS


def test_an_unfinished_result_records_nothing(h5p_lesson, chat, pupil):
    context = h5p_context_id(h5p_lesson.pk, activity_id())
    record(pupil.user, chat, statement("answered", 2, chat.max_score), context)
    record(pupil.user, chat, statement("answered"), context)
    assert h5p_response(pupil, h5p_lesson) is None
    assert status_of(pupil, h5p_lesson) is None


def test_a_result_for_content_not_in_the_lesson_changes_nothing(h5p_lesson, activities, pupil):
    maya = activities[MAYA]
    context = h5p_context_id(h5p_lesson.pk, activity_id())
    record(pupil.user, maya, finished(maya.max_score, maya.max_score), context)
    assert not ActivityResponse.objects.exists()
    assert status_of(pupil, h5p_lesson) is None


@pytest.mark.parametrize(
    "context",
    [
        "",
        "e2e:lesson",
        "lesson:999999:" + "0" * 36,
        "lesson:{lesson}:{other_activity}",  # an activity of the lesson that is not H5P
        "lesson:{other_lesson}:{activity}",  # the activity's id under another lesson
    ],
)
def test_a_result_for_another_place_changes_nothing(h5p_lesson, chat, pupil, context):
    other_lesson = LessonPage.objects.get(slug="every-activity")
    context = context.format(
        lesson=h5p_lesson.pk,
        other_lesson=other_lesson.pk,
        activity=activity_id(),
        other_activity=activity_id("check-one"),
    )
    record(pupil.user, chat, finished(chat.max_score, chat.max_score), context)
    assert not ActivityResponse.objects.exists()
    assert not LessonProgress.objects.exists()


def test_a_result_for_another_user_changes_nothing_for_the_pupil(
    h5p_lesson, chat, pupil, teacher, older_pupil
):
    context = h5p_context_id(h5p_lesson.pk, activity_id())
    full = finished(chat.max_score, chat.max_score)
    # Staff playing the activity (a preview), and a pupil who may not open this lesson.
    record(teacher, chat, full, context)
    record(older_pupil.pupil.user, chat, full, context)
    assert not ActivityResponse.objects.exists()
    # Another pupil of the class: their own answer, never this pupil's.
    classmate = factories.pupil(pupil.teaching_groups.get(), "Noor").pupil
    record(classmate.user, chat, full, context)
    assert ActivityResponse.objects.get().pupil == classmate
    assert h5p_response(pupil, h5p_lesson) is None
    assert status_of(pupil, h5p_lesson) is None


def test_the_lessons_own_form_cannot_answer_an_h5p_activity(h5p_lesson, pupil, pupil_client):
    url = h5p_lesson.url + h5p_lesson.reverse_subpage("lesson_activity", args=[activity_id()])
    response = pupil_client.post(url, {"score": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "saves your answers by itself" in response.content.decode()
    assert not ActivityResponse.objects.exists()


# --- The curriculum files -----------------------------------------------------------------


def test_the_loader_places_the_activity_and_reloading_changes_nothing(h5p_lesson, chat):
    step = h5p_lesson.body[H5P_STEP - 1]
    child = step.value["content"][0]
    assert (child.block_type, child.id) == ("h5p", activity_id())  # the id defaults to the slug
    assert child.value["activity"] == chat


def test_loading_twice_with_an_h5p_block_changes_nothing(h5p_lesson, curriculum_dir):
    report = curriculum_load(directory=curriculum_dir)
    assert report.created == [] and report.updated == []


def test_an_activity_that_is_not_installed_refuses_the_file_before_writing(db, curriculum_dir):
    pages = Page.objects.count()
    with pytest.raises(CurriculumError) as refused:
        curriculum_load(directory=curriculum_dir)
    message = str(refused.value)
    assert f"ages-8-10.yaml › two-activities: the H5P activity “{CHAT}” is not installed" in (
        message
    )
    assert "load_h5p_demo" in message
    assert Page.objects.count() == pages


def test_an_h5p_block_without_an_activity_is_refused(activities, curriculum_dir):
    def drop_activity(data):
        lesson = next(item for item in data["lessons"] if item["slug"] == "two-activities")
        lesson["steps"][H5P_STEP - 1]["blocks"][0].pop("activity")

    edit(curriculum_dir, "ages-8-10.yaml", drop_activity)
    with pytest.raises(CurriculumError, match="an h5p block needs `activity: <slug>`"):
        curriculum_load(directory=curriculum_dir)
