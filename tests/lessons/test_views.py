"""The course site, the pupil's home and the lesson player, as pupils and staff use them."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from lessons.blocks import HelpBlock
from lessons.loader import block_id
from lessons.models import ActivityResponse, LessonProgress, ProgressStatus
from tests import factories


def aid(lesson, yaml_id):
    return block_id("test-8-10", lesson.slug, "activity", yaml_id)


def activity_url(lesson, yaml_id):
    return lesson.url + lesson.reverse_subpage("lesson_activity", args=[aid(lesson, yaml_id)])


def progress_url(lesson):
    return lesson.url + lesson.reverse_subpage("lesson_progress")


# --- Who may see what -------------------------------------------------------------------------


def test_the_course_site_is_public_and_lists_modules_by_age_band(client, curriculum):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ages 8–10" in html and "Ages 11–13" in html
    assert html.index("Ages 8–10") < html.index("Ages 11–13")
    assert "Test module 8-10" in html


def test_a_module_page_is_public_but_teacher_notes_are_for_staff(client, teacher_client, lesson):
    module = lesson.get_parent()
    public = client.get(module.url).content.decode()
    assert "Every activity" in public and "Second paragraph" not in public
    staff = teacher_client.get(module.url).content.decode()
    assert "Teacher notes" in staff and "<b>bold</b>" in staff


@pytest.mark.parametrize("path", ["", "step/1/"])
def test_visitors_are_sent_to_the_pupil_login(client, lesson, path):
    response = client.get(lesson.url + path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("pupil_login"))
    # A teacher previewing follows "Staff log in", which carries them back to the lesson.
    login_page = client.get(response.url).content.decode()
    assert f'href="{reverse("account_login")}?next={lesson.url}{path}"' in login_page


def test_visitors_cannot_post_answers(client, lesson):
    response = client.post(activity_url(lesson, "key-facts"), {"card": "0"})
    assert response.status_code == 302
    assert not ActivityResponse.objects.exists()


def test_an_answer_after_the_session_ended_sends_the_page_to_log_in(client, lesson):
    response = client.post(
        activity_url(lesson, "key-facts"),
        {"card": "0"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver" + lesson.url},
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith(reverse("pupil_login"))
    assert lesson.url in response.headers["HX-Redirect"]


def test_a_pupil_cannot_open_another_age_bands_lessons(older_pupil, lesson):
    client = Client()
    client.force_login(older_pupil.pupil.user)
    assert client.get(lesson.url).status_code == 403
    assert client.post(activity_url(lesson, "key-facts"), {"card": "0"}).status_code == 403
    assert not ActivityResponse.objects.exists()


def test_a_user_with_no_role_is_refused(db, lesson):
    client = Client()
    client.force_login(factories.UserFactory())
    assert client.get(lesson.url).status_code == 403


def test_pupils_only_change_their_own_progress(pupil_client, pupil, group, lesson):
    other = factories.pupil(group, "Jo").pupil
    pupil_client.post(progress_url(lesson), {"step": "3", "pupil": other.pk})
    pupil_client.post(activity_url(lesson, "key-facts"), {"card": "0", "pupil": other.pk})
    assert set(LessonProgress.objects.values_list("pupil", flat=True)) == {pupil.pk}
    assert set(ActivityResponse.objects.values_list("pupil", flat=True)) == {pupil.pk}


def test_answers_need_a_csrf_token(pupil, lesson):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pupil.user)
    assert client.post(activity_url(lesson, "key-facts"), {"card": "0"}).status_code == 403


# --- Staff preview ------------------------------------------------------------------------------


def test_staff_preview_checks_answers_but_records_nothing(teacher_client, lesson):
    page = teacher_client.get(lesson.url)
    assert page.status_code == 200
    assert "Preview: answers are checked, but nothing is saved." in page.content.decode()

    response = teacher_client.post(
        activity_url(lesson, "ok-or-not"),
        {"card-0": "ok", "card-1": "not-ok", "card-2": "ask"},
        headers={"HX-Request": "true"},
    )
    assert "You sorted 3 of 3 cards" in response.content.decode()
    moved = teacher_client.post(progress_url(lesson), {"step": "3"})
    assert moved.status_code == 303
    assert not LessonProgress.objects.exists() and not ActivityResponse.objects.exists()


def test_staff_preview_carries_a_branching_story_in_the_form(teacher_client, lesson):
    first = teacher_client.post(
        activity_url(lesson, "jas-gets-a-message"),
        {"scene": "start", "choice": "1"},
        headers={"HX-Request": "true"},
    )
    html = first.content.decode()
    assert "The viewer asks for her school too." in html
    state = re.search(r'name="state" value="([^"]+)"', html).group(1).replace("&quot;", '"')
    second = teacher_client.post(
        activity_url(lesson, "jas-gets-a-message"),
        {"scene": "asks-again", "choice": "0", "state": state},
        headers={"HX-Request": "true"},
    )
    assert "That's the end of the story" in second.content.decode()


# --- The pupil's journey ------------------------------------------------------------------------


def test_learn_home_shows_the_pupils_modules_with_progress(
    pupil_client, pupil, lesson, older_lesson
):
    response = pupil_client.get(reverse("learn_home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Every activity" in html and "Two activities" in html
    assert "Older lesson" not in html  # another age band
    assert 'class="theme-pupil band-8-10' in html
    assert html.count("<progress") == 2
    assert "Carry on where you left off" not in html

    pupil_client.post(progress_url(lesson), {"step": "3"})
    html = pupil_client.get(reverse("learn_home")).content.decode()
    assert "Carry on where you left off" in html
    assert 'value="38"' in html  # 3 of 8 steps


def test_a_lesson_starts_with_the_ground_rules(pupil_client, lesson):
    response = pupil_client.get(lesson.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Our ground rules" in html and "You can pass." in html
    assert "Start the lesson" in html
    assert not LessonProgress.objects.exists()  # looking records nothing


def test_moving_on_and_coming_back_resumes_where_the_pupil_left_off(pupil_client, pupil, lesson):
    response = pupil_client.post(progress_url(lesson), {"step": "1"})
    assert response.status_code == 303 and response.url == lesson.url + "step/1/"
    pupil_client.post(progress_url(lesson), {"step": "4"})

    reopened = pupil_client.get(lesson.url)
    assert reopened.status_code == 302 and reopened.url == lesson.url + "step/4/"
    page = pupil_client.get(reopened.url)
    assert "Carry on where you left off" in page.content.decode()
    assert LessonProgress.objects.get(pupil=pupil).current_step == 4


def test_an_answer_posted_without_javascript_comes_back_on_the_step(pupil_client, pupil, lesson):
    response = pupil_client.post(
        activity_url(lesson, "quick-check"), {"statement-0": "false", "statement-1": "false"}
    )
    assert response.status_code == 303
    assert response.url == lesson.url + "step/5/#activity-" + aid(lesson, "quick-check")
    html = pupil_client.get(lesson.url + "step/5/").content.decode()
    assert "You got 1 of 2." in html
    assert "Profiles can be fake." in html
    assert 'value="false" id="activity-' in html


def test_an_answer_posted_with_htmx_gets_just_the_activity_back(pupil_client, lesson):
    response = pupil_client.post(
        activity_url(lesson, "chat-signs"), {"flag": ["1", "3"]}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "You found 2 of 2 warning signs." in html
    assert f'id="activity-{aid(lesson, "chat-signs")}"' in html


def test_an_incomplete_answer_is_explained(pupil_client, lesson):
    htmx = pupil_client.post(
        activity_url(lesson, "ok-or-not"), {"card-0": "ok"}, headers={"HX-Request": "true"}
    )
    assert 'role="alert"' in htmx.content.decode()
    assert "Sort every card" in htmx.content.decode()
    plain = pupil_client.post(activity_url(lesson, "ok-or-not"), {"card-0": "ok"})
    assert plain.status_code == 200 and "Sort every card" in plain.content.decode()
    assert 'value="ok" id="activity-' in plain.content.decode()
    assert not ActivityResponse.objects.exists()


def test_the_last_step_says_what_is_left_and_then_well_done(pupil_client, pupil, short_lesson):
    last = short_lesson.url + f"step/{short_lesson.last_step}/"
    pupil_client.post(progress_url(short_lesson), {"step": str(short_lesson.last_step)})
    html = pupil_client.get(last).content.decode()
    assert "To finish the lesson" in html and 'href="' + short_lesson.url + 'step/1/"' in html

    pupil_client.post(
        short_lesson.url
        + "activity/"
        + block_id("test-8-10", "two-activities", "activity", "check-one")
        + "/",
        {"statement-0": "true"},
    )
    pupil_client.post(
        short_lesson.url
        + "activity/"
        + block_id("test-8-10", "two-activities", "activity", "cards-one")
        + "/",
        {"card": "0"},
    )
    html = pupil_client.get(last).content.decode()
    assert "Well done! You have finished this lesson." in html
    assert LessonProgress.objects.get(pupil=pupil).status == ProgressStatus.COMPLETED
    assert "Look again" in pupil_client.get(reverse("learn_home")).content.decode()


@pytest.mark.parametrize(
    ("method", "path", "data", "status"),
    [
        ("get", "step/99/", None, 404),
        ("post", "activity/not-an-activity/", {}, 404),
        ("get", "activity/{id}/", None, 405),
        ("get", "progress/", None, 405),
        ("post", "progress/", {"step": "two"}, 400),
        ("post", "step/1/", {}, 405),
    ],
)
def test_bad_requests_are_refused(pupil_client, lesson, method, path, data, status):
    url = lesson.url + path.format(id=aid(lesson, "key-facts"))
    response = (
        getattr(pupil_client, method)(url, data)
        if data is not None
        else getattr(pupil_client, method)(url)
    )
    assert response.status_code == status


# --- Page furniture -------------------------------------------------------------------------------


def test_every_step_has_a_read_aloud_button_and_no_inline_code(pupil_client, lesson):
    for number in range(lesson.last_step + 1):
        response = pupil_client.get(lesson.url + f"step/{number}/")
        html = response.content.decode()
        assert html.count("data-read-aloud ") == 1, number
        assert " style=" not in html and "<style" not in html
        for tag in re.findall(r"<script[^>]*>", html):
            assert 'src="' in tag and "nonce=" in tag, tag
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("band", "present", "absent"),
    [
        ("4-7", ["0800 1111", "grown-up you trust"], ["CEOP", "Report Remove", "police"]),
        ("8-10", ["0800 1111", "CEOP Safety Centre"], ["Report Remove"]),
        ("11-13", ["0800 1111", "CEOP Safety Centre", "Report Remove"], []),
        ("14-16", ["0800 1111", "CEOP Safety Centre", "Report Remove"], []),
    ],
)
def test_help_signposting_fits_the_age_band(band, present, absent):
    html = HelpBlock().render({"text": "Extra words."}, context={"age_band": band})
    assert "Extra words." in html
    for text in present:
        assert text in html
    for text in absent:
        assert text not in html
