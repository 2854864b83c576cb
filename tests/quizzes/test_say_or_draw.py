"""Say or draw: a 4–7 reflection can be drawn or answered with a picture, never has to be typed,
and the drawing is checked, kept privately and shown only to the pupil and their teachers."""

import base64
import io
import os

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from PIL import Image

from quizzes import services
from quizzes.models import Answer, ReflectionPicture
from quizzes.say_or_draw import MAX_SIDE
from tests import factories
from tests.quizzes.helpers import make_quiz, question


def png_data_url(width=60, height=40, colour="red", fmt="PNG") -> str:
    """A canvas-style data URL; `fmt` other than PNG makes one that only claims to be a PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format=fmt)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def infant(school, teacher):
    group = factories.TeachingGroupFactory(
        school=school, name="Robins", year_group=1, teachers=[teacher]
    )
    return factories.pupil(group, "Ava").pupil


@pytest.fixture
def infant_quiz(db):
    return make_quiz(key="ages-4-7/test-lesson", age_band="4-7", feedback="at_end")


@pytest.fixture
def attempt(infant, infant_quiz):
    return services.attempt_start(pupil=infant, quiz=infant_quiz)


@pytest.fixture
def infant_client(infant):
    client = Client()
    client.force_login(infant.user)
    return client


def _url(attempt, key="q7"):
    questions = services.attempt_questions(attempt)
    number = next(i for i, q in enumerate(questions, start=1) if q.key == key)
    return reverse("quizzes:question", args=[attempt.pk, number])


def _answer(attempt, key="q7"):
    return Answer.objects.filter(attempt=attempt, question__key=key).first()


def test_a_4_to_7_reflection_offers_drawing_and_pictures_and_typing_is_optional(
    infant_client, attempt
):
    html = infant_client.get(_url(attempt)).content.decode()
    assert "<canvas" in html and 'name="drawing"' in html
    assert html.count('name="picture"') == 4 and 'for="picture-teacher"' in html
    assert "have to write anything." in html
    assert 'name="text"' in html and "required" not in html.split('name="text"')[1].split(">")[0]
    assert "say_or_draw.js" in html


def test_a_drawing_is_checked_and_kept_with_no_typing(infant_client, attempt):
    response = infant_client.post(_url(attempt), {"text": "", "drawing": png_data_url()})
    assert response.status_code == 302
    answer = _answer(attempt)
    assert answer.text == ""
    picture = answer.reflection_picture
    with Image.open(io.BytesIO(bytes(picture.drawing))) as image:
        assert image.format == "PNG" and image.size == (60, 40)
    assert picture.chosen == ""


def test_choosing_a_picture_is_an_answer_too(infant_client, attempt):
    infant_client.post(_url(attempt), {"picture": "teacher"})
    assert _answer(attempt).reflection_picture.chosen == "teacher"


@pytest.mark.parametrize(
    "drawing",
    [
        "data:image/png;base64,this is not base64!!",
        "data:text/html;base64,PHNjcmlwdD4=",
        png_data_url(fmt="GIF"),
        png_data_url(fmt="JPEG"),
        "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\nnot really").decode(),
        png_data_url(width=MAX_SIDE + 1, height=10),
    ],
    ids=["not-base64", "html", "gif", "jpeg", "broken-png", "too-wide"],
)
def test_anything_but_a_small_png_is_refused_kindly(infant_client, attempt, drawing):
    response = infant_client.post(_url(attempt), {"drawing": drawing})
    assert response.status_code == 200
    assert "couldn&#x27;t keep that drawing" in response.content.decode()
    assert not ReflectionPicture.objects.exists() and _answer(attempt) is None


def test_a_drawing_too_big_to_keep_is_refused_kindly(infant_client, attempt):
    noise = Image.frombytes("RGB", (600, 400), os.urandom(600 * 400 * 3))  # ~720 kB as PNG
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    response = infant_client.post(_url(attempt), {"drawing": url})
    assert "too big to keep" in response.content.decode()
    assert not ReflectionPicture.objects.exists()


def test_an_unknown_picture_is_refused(infant_client, attempt):
    response = infant_client.post(_url(attempt), {"picture": "../../etc"})
    assert "Please choose one of the pictures." in response.content.decode()
    assert not ReflectionPicture.objects.exists()


def test_older_pupils_reflections_take_no_drawings(pupil_client, pupil, quiz):
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    html = pupil_client.get(_url(attempt)).content.decode()
    assert "<canvas" not in html
    pupil_client.post(_url(attempt), {"text": "Tell a grown-up", "drawing": png_data_url()})
    assert not ReflectionPicture.objects.exists()
    assert _answer(attempt).text == "Tell a grown-up"


def test_typed_words_with_a_drawing_are_still_screened(infant_client, attempt, monkeypatch):
    screened = []
    monkeypatch.setattr(services, "free_text_screen", lambda answer: screened.append(answer))
    infant_client.post(_url(attempt), {"text": "Mum", "drawing": png_data_url()})
    assert [a.text for a in screened] == ["Mum"]


def test_the_drawing_is_only_for_the_pupil_and_their_teachers(
    infant_client, attempt, teacher, school_admin, other_school, school, client
):
    infant_client.post(_url(attempt), {"drawing": png_data_url()})
    picture = ReflectionPicture.objects.get()
    url = reverse("quizzes:reflection_drawing", args=[picture.pk])

    response = infant_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == bytes(picture.drawing)

    for user in (teacher, school_admin):
        staff = Client()
        staff.force_login(user)
        assert staff.get(url).status_code == 200

    classmate = factories.pupil(attempt.pupil.teaching_groups.get(), "Ben").pupil
    stranger_teacher = factories.staff(school, "teacher")
    other_teacher = factories.staff(other_school, "teacher")
    for user in (classmate.user, stranger_teacher, other_teacher):
        other = Client()
        other.force_login(user)
        assert other.get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_the_teacher_drill_down_shows_the_drawing_and_the_chosen_picture(
    infant_client, attempt, infant
):
    infant_client.post(_url(attempt), {"drawing": png_data_url(), "picture": "teacher"})
    picture = ReflectionPicture.objects.get()
    html = render_to_string("quizzes/includes/pupil_pictures.html", {"pupil": infant})
    assert reverse("quizzes:reflection_drawing", args=[picture.pk]) in html
    assert "Ava&#x27;s drawing" in html or "Ava's drawing" in html
    assert "Telling a teacher" in html
    assert question(attempt.quiz, "q7").text in html
