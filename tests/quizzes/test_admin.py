"""The quiz editor: a Wagtail snippet with inline questions, validation, preview and chooser."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from wagtail.search.index import insert_or_update_object
from wagtail.snippets.models import get_snippet_models
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from quizzes.models import Question, Quiz


@pytest.fixture
def editor(db, client):
    user = get_user_model().objects.create_superuser(
        username="editor@streamwise.example", email="editor@streamwise.example", password="x"
    )
    client.force_login(user)
    return client


def option(text, *, correct=False, shows="developing", feedback="", match=""):
    return {"text": text, "match": match, "correct": correct, "shows": shows, "feedback": feedback}


def question_data(kind="single_choice", options=(), **fields):
    data = {
        "kind": kind,
        "strand": "online_relationships",
        "scenario": "",
        "text": "What should Jas do?",
        "answer": "",
        "feedback": "",
        "shows_if_wrong": "misconception",
        "accept": "exact",
        "options": inline_formset(list(options)),
    }
    data.update(fields)
    return data


def quiz_post(*questions, title="Admin quiz"):
    return nested_form_data(
        {
            "title": title,
            "heading": "",
            "age_band": "8-10",
            "intro": "",
            "remember": "",
            "pass_mark": 60,
            "attempts_allowed": 3,
            "counted_attempt": "best",
            "feedback_timing": "per_question",
            "questions": inline_formset(list(questions)),
        }
    )


GOOD = question_data(
    options=[
        option("Tell her mum", correct=True, shows="secure", feedback="Yes, kind and safe."),
        option("Reply to the viewer", shows="misconception", feedback="Better to tell."),
    ]
)


def test_quiz_is_a_snippet():
    assert Quiz in get_snippet_models()


def test_an_editor_creates_a_quiz_with_nested_options(editor):
    response = editor.post("/admin/snippets/quizzes/quiz/add/", quiz_post(GOOD))
    assert response.status_code == 302, response.content.decode()[:2000]
    quiz = Quiz.objects.get(title="Admin quiz")
    q = quiz.questions.get()
    assert q.key.startswith("q-")
    assert list(q.options.order_by("sort_order").values_list("text", "correct", "shows")) == [
        ("Tell her mum", True, "secure"),
        ("Reply to the viewer", False, "misconception"),
    ]


def test_a_question_that_does_not_fit_its_type_is_refused(editor):
    two_right = question_data(options=[option("A", correct=True), option("B", correct=True)])
    response = editor.post("/admin/snippets/quizzes/quiz/add/", quiz_post(two_right))
    assert response.status_code == 200
    assert "Mark exactly one option as correct." in response.content.decode()
    assert not Quiz.objects.exists()


def test_a_true_false_question_needs_its_answer(editor):
    statement = question_data(kind="true_false", text="Profiles can be fake.")
    response = editor.post("/admin/snippets/quizzes/quiz/add/", quiz_post(statement))
    assert "Say whether the statement is true or false." in response.content.decode()
    statement["answer"] = "true"
    response = editor.post("/admin/snippets/quizzes/quiz/add/", quiz_post(statement))
    assert response.status_code == 302
    assert Question.objects.get().answer is True


def test_the_preview_shows_unsaved_questions(editor):
    url = "/admin/snippets/quizzes/quiz/preview/"
    response = editor.post(url, quiz_post(GOOD, title="Draft quiz"))
    assert response.json()["is_valid"] is True
    page = editor.get(url).content.decode()
    assert "Tell her mum" in page
    assert "Yes, kind and safe." in page
    assert "Online relationships" in page
    assert not Quiz.objects.exists()


def test_the_chooser_lists_and_searches_quizzes(editor, quiz):
    from tests.quizzes.helpers import make_quiz

    other = make_quiz(key="m/other", title="Gifts with strings attached")
    # The search index is updated by a background task in the running site; do it here.
    for item in (quiz, other):
        insert_or_update_object(item)
    listing = editor.get("/admin/snippets/choose/quizzes/quiz/").content.decode()
    assert "Test lesson" in listing and "Gifts with strings attached" in listing
    found = editor.get("/admin/snippets/choose/quizzes/quiz/results/?q=gifts").content.decode()
    assert "Gifts with strings attached" in found
    assert "Test lesson" not in found


def test_the_listing(editor, quiz):
    body = editor.get("/admin/snippets/quizzes/quiz/").content.decode()
    assert "Test lesson" in body


def test_the_shared_read_aloud_script_exists():
    # Quiz pages load the lesson player's read-aloud script (see includes/assets_scripts.html).
    assert finders.find("lessons/read_aloud.js")


def test_an_editor_can_copy_a_quiz(editor, quiz):
    response = editor.get(f"/admin/snippets/quizzes/quiz/copy/{quiz.pk}/")
    assert response.status_code == 200
    assert "Tell a trusted adult" in response.content.decode()
