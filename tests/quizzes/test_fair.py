"""Fair quizzes: options shuffled per attempt and remembered, pinned options stay put, ordering
questions that accept any order starting with the first step, and the editor's warning."""

import random

import pytest
from django.contrib.auth import get_user_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from quizzes import services
from quizzes.models import Attempt, Quiz
from quizzes.questions import evaluate
from quizzes.review import attempt_lines
from tests.quizzes.helpers import make_quiz, options, question, spec, take

FIVE_OPTIONS = {
    "type": "single_choice",
    "id": "q1",
    "strand": "online_relationships",
    "text": "Someone you only know online asks you to keep a secret. What is best?",
    "options": [
        {"text": "Tell a trusted adult", "correct": True},
        {"text": "Keep the secret"},
        {"text": "Ask them why"},
        {"text": "Send them a photo"},
        {"text": "None of these", "pinned": True},
    ],
}


def test_options_are_shuffled_by_default_and_pinned_ones_keep_their_place(db, pupil):
    assert Quiz._meta.get_field("shuffle_options").default is True
    quiz = make_quiz(questions=[FIVE_OPTIONS])
    assert quiz.shuffle_options is True
    q = question(quiz, "q1")
    authored = [o.pk for o in options(q)]
    assert [o.pinned for o in options(q)] == [False, False, False, False, True]
    random.seed(7)
    seen = set()
    for _ in range(8):
        attempt = services.attempt_start(pupil=pupil, quiz=quiz)
        shown = [o.pk for o in services.option_order(attempt, q)]
        assert attempt.option_orders[str(q.pk)] == shown  # stored with the attempt
        assert shown[-1] == authored[-1]  # "None of these" stays last
        assert sorted(shown) == sorted(authored)
        seen.add(tuple(shown))
        Attempt.objects.filter(pk=attempt.pk).delete()
    assert len(seen) > 1


def test_a_quiz_can_keep_the_authored_order(db, pupil):
    quiz = make_quiz(questions=[FIVE_OPTIONS], shuffle_options=False)
    q = question(quiz, "q1")
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    assert [o.pk for o in services.option_order(attempt, q)] == [o.pk for o in options(q)]


def _reverse_orders(attempt: Attempt) -> Attempt:
    """Give an attempt a known, non-authored option order for every choice question."""
    orders = dict(attempt.option_orders)
    for q in services.attempt_questions(attempt):
        if q.kind in ("single_choice", "scenario", "multiple_select"):
            orders[str(q.pk)] = [o.pk for o in reversed(options(q))]
    Attempt.objects.filter(pk=attempt.pk).update(option_orders=orders)
    attempt.refresh_from_db()
    return attempt


def test_the_review_shows_the_options_in_the_order_the_pupil_saw(pupil_client, pupil, quiz):
    pupil_client.post(f"/quizzes/{quiz.pk}/start/")
    attempt = _reverse_orders(Attempt.objects.get(pupil=pupil, quiz=quiz))
    q1 = question(quiz, "q1")
    number = [q.key for q in services.attempt_questions(attempt)].index("q1") + 1
    url = f"/quizzes/attempts/{attempt.pk}/questions/{number}/"
    wrong = next(o for o in options(q1) if not o.correct)
    pupil_client.post(url, {"option": str(wrong.pk)})
    page = pupil_client.get(url).content.decode()  # answered: locked, with feedback
    texts = [o.text for o in reversed(options(q1))]
    positions = [page.index(f">{text}</label>") for text in texts]
    assert positions == sorted(positions), "options are not in the pupil's order"
    assert "Good try. Here is something to remember." in page


def test_the_teachers_view_lists_the_options_in_the_pupils_order(db, pupil, quiz):
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    attempt = _reverse_orders(attempt)
    q1 = question(quiz, "q1")
    services.answer_save(
        attempt=attempt, question=q1, raw={"option": next(o.pk for o in options(q1) if o.correct)}
    )
    lines = attempt_lines([Attempt.objects.get(pk=attempt.pk)])[attempt.pk]
    shown = " / ".join(f"“{o.text}”" for o in reversed(options(q1)))
    assert any(f"saw {shown}; chose “Tell a trusted adult” (right)" in line for line in lines)


# --- Ordering: any order that starts with the first step -----------------------------------

TELL_FIRST = {
    "type": "ordering",
    "id": "q1",
    "strand": "online_relationships",
    "text": "Something online worries you. What comes first?",
    "accept": "starts_with_first",
    "items": ["Tell a trusted adult", "Keep the messages", "Report it", "Block the account"],
    "feedback": "Tell a trusted adult first.",
}


def test_any_order_starting_with_the_first_item_is_right(db):
    quiz = make_quiz(questions=[TELL_FIRST])
    q = question(quiz, "q1")
    assert q.accept == "starts_with_first"
    tell, keep, report, block = (o.pk for o in options(q))
    good = evaluate(q, [tell, block, report, keep])
    assert good.correct is True
    assert "Any order that starts with “Tell a trusted adult” is right" in " ".join(good.feedback)
    bad = evaluate(q, [block, report, tell, keep])
    assert bad.correct is False
    assert "Tell a trusted adult first." in bad.feedback


def test_by_default_only_the_order_given_is_right(db):
    quiz = make_quiz(questions=[{**TELL_FIRST, "accept": "exact"}])
    q = question(quiz, "q1")
    tell, keep, report, block = (o.pk for o in options(q))
    assert evaluate(q, [tell, keep, report, block]).correct is True
    assert evaluate(q, [tell, block, report, keep]).correct is False


def test_a_pupil_who_tells_first_passes(db, pupil):
    quiz = make_quiz(questions=[TELL_FIRST])
    q = question(quiz, "q1")
    tell, keep, report, block = (o.pk for o in options(q))
    attempt = take(pupil, quiz, answers={"q1": {"order": [tell, report, block, keep]}})
    assert attempt.score == 100


@pytest.mark.parametrize(
    "question_spec",
    [
        {**TELL_FIRST, "accept": "first_two"},
        {**FIVE_OPTIONS, "accept": "starts_with_first"},
    ],
)
def test_the_loader_refuses_a_wrong_accept(db, question_spec):
    problems = services.quiz_spec_problems(key="k/l", spec=spec(questions=[question_spec]))
    assert any("`accept` is for ordering questions" in p for p in problems)


# --- The editor's fairness warning -----------------------------------------------------------


def _choice(text, correct_first: bool):
    right = {"text": f"{text} right", "match": "", "correct": True, "pinned": False}
    wrong = {"text": "No, not this one at all", "match": "", "correct": False, "pinned": False}
    opts = [right, wrong] if correct_first else [wrong, right]
    return {
        "kind": "single_choice",
        "strand": "online_relationships",
        "scenario": "",
        "text": text,
        "answer": "",
        "feedback": "",
        "shows_if_wrong": "misconception",
        "accept": "exact",
        "options": inline_formset(
            [
                {**o, "shows": "secure" if o["correct"] else "developing", "feedback": ""}
                for o in opts
            ]
        ),
    }


def _post(client, *questions):
    return client.post(
        "/admin/snippets/quizzes/quiz/add/",
        nested_form_data(
            {
                "title": "Editor quiz",
                "heading": "",
                "age_band": "8-10",
                "intro": "",
                "remember": "",
                "pass_mark": 60,
                "attempts_allowed": 3,
                "counted_attempt": "best",
                "feedback_timing": "per_question",
                "shuffle_options": "on",
                "questions": inline_formset(list(questions)),
            }
        ),
        follow=True,
    )


@pytest.fixture
def editor(db, client):
    user = get_user_model().objects.create_superuser(
        username="editor@streamwise.example", email="editor@streamwise.example", password="x"
    )
    client.force_login(user)
    return client


def test_the_editor_warns_but_saves_a_quiz_whose_answers_are_easy_to_guess(editor):
    response = _post(editor, *(_choice(f"Q{n}", correct_first=True) for n in range(3)))
    assert Quiz.objects.filter(title="Editor quiz").exists()  # saved, not blocked
    body = response.content.decode()
    assert "Saved, but worth a look" in body
    assert "the right answer is the 1st option in 3 of 3 choice questions" in body


def test_the_editor_says_nothing_about_a_fair_quiz(editor):
    response = _post(
        editor,
        _choice("Q0", correct_first=True),
        _choice("Q1", correct_first=False),
        _choice("Q2", correct_first=True),
        _choice("Q3", correct_first=False),
    )
    assert Quiz.objects.filter(title="Editor quiz").exists()
    assert "Saved, but worth a look" not in response.content.decode()


# --- Cards for ages 4–10, with the selects as the no-JavaScript fallback ----------------------


def test_ordering_for_ages_8_to_10_offers_cards_over_the_select_fallback(pupil_client, pupil):
    quiz = make_quiz(questions=[TELL_FIRST])
    pupil_client.post(f"/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get(pupil=pupil, quiz=quiz)
    page = pupil_client.get(f"/quizzes/attempts/{attempt.pk}/questions/1/").content.decode()
    assert 'data-quiz-cards="ordering"' in page
    assert 'name="place_1"' in page  # what is posted, and all there is without JavaScript
    assert "quizzes/cards.js" in page
    response = pupil_client.post(
        f"/quizzes/attempts/{attempt.pk}/questions/1/",
        {f"place_{n}": str(o.pk) for n, o in enumerate(options(question(quiz, "q1")), start=1)},
    )
    assert response.status_code == 302


def test_older_pupils_keep_the_select_for_each_place(db, older_pupil):
    from django.test import Client

    quiz = make_quiz(key="ages-11-13/x", age_band="11-13", questions=[TELL_FIRST])
    client = Client()
    client.force_login(older_pupil.pupil.user)
    client.post(f"/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get(quiz=quiz)
    page = client.get(f"/quizzes/attempts/{attempt.pk}/questions/1/").content.decode()
    assert 'name="place_1"' in page
    assert "data-quiz-cards=" not in page
