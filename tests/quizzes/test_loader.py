"""quiz_upsert_from_spec: one lesson's `quiz:` section becomes a Quiz, idempotently."""

from pathlib import Path

import pytest
import yaml

from quizzes.models import Answer, Attempt, Option, Question, Quiz, Shows
from quizzes.services import QuizSpecError, quiz_upsert_from_spec
from tests.quizzes.helpers import make_quiz, question, spec, take

CURRICULUM = Path(__file__).resolve().parents[2] / "lessons" / "curriculum"


def test_creates_a_quiz_with_every_question_type(db):
    quiz = make_quiz()
    assert quiz.key == "ages-8-10/test-lesson"
    assert quiz.title == "Test lesson"
    assert quiz.heading == "Check what you learned"
    assert quiz.age_band == "8-10"
    assert (quiz.pass_mark, quiz.attempts_allowed) == (60, 2)
    kinds = list(quiz.questions.order_by("sort_order").values_list("key", "kind", "strand"))
    assert kinds == [
        ("q1", "single_choice", "online_relationships"),
        ("q2", "multiple_select", "privacy_security"),
        ("q3", "true_false", "privacy_security"),
        ("q4", "ordering", "online_bullying"),
        ("q5", "matching", "managing_information"),
        ("q6", "scenario", "online_relationships"),
        ("q7", "free_text", "health_wellbeing"),
    ]
    q1 = question(quiz, "q1")
    assert [(o.text, o.correct, o.shows) for o in q1.options.order_by("sort_order")] == [
        ("Tell a trusted adult", True, "secure"),
        ("Keep the secret", False, "misconception"),
        ("Ask them why", False, "developing"),
    ]
    assert q1.options.first().feedback == "Yes. A trusted adult can help."
    q3 = question(quiz, "q3")
    assert (q3.answer, q3.shows_if_wrong, q3.feedback) == (
        False,
        Shows.MISCONCEPTION,
        "Pictures can be copied from anywhere.",
    )
    q4 = question(quiz, "q4")
    assert list(q4.options.order_by("sort_order").values_list("text", flat=True)) == [
        "Block them",
        "Report them",
        "Tell a trusted adult",
    ]
    # A muddled order reads as "developing" unless the spec says otherwise.
    assert q4.shows_if_wrong == Shows.DEVELOPING
    q5 = question(quiz, "q5")
    assert q5.options.order_by("sort_order").first().match == (
        "Only people you accept see your videos"
    )
    assert question(quiz, "q6").scenario.startswith("Jas is live.")


def test_running_twice_changes_nothing(db):
    first = make_quiz()
    ids = sorted(Question.objects.values_list("pk", flat=True))
    option_ids = sorted(Option.objects.values_list("pk", flat=True))
    second = make_quiz()
    assert second.pk == first.pk
    assert Quiz.objects.count() == 1
    assert sorted(Question.objects.values_list("pk", flat=True)) == ids
    assert sorted(Option.objects.values_list("pk", flat=True)) == option_ids


def test_reloading_updates_in_place_and_keeps_attempts(pupil):
    quiz = make_quiz()
    attempt = take(pupil, quiz)
    q1_pk = question(quiz, "q1").pk
    changed = spec(pass_mark=80)
    changed["questions"][0]["text"] = "A new wording of question one?"
    changed["questions"][0]["options"][1]["feedback"] = "Kinder feedback."
    changed["questions"].pop(3)  # the ordering question leaves the lesson
    quiz_upsert_from_spec(key=quiz.key, title="Test lesson", spec=changed)
    quiz.refresh_from_db()
    assert quiz.pass_mark == 80
    assert quiz.age_band == "8-10"  # kept when not given again
    q1 = question(quiz, "q1")
    assert q1.pk == q1_pk
    assert q1.text == "A new wording of question one?"
    assert q1.options.get(sort_order=1).feedback == "Kinder feedback."
    assert not Question.objects.filter(quiz=quiz, key="q4").exists()
    assert Attempt.objects.filter(pk=attempt.pk, score=100).exists()
    assert Answer.objects.filter(attempt=attempt, question_id=q1_pk).exists()


def test_question_order_follows_the_spec(db):
    quiz = make_quiz()
    reordered = spec()
    reordered["questions"].reverse()
    quiz_upsert_from_spec(key=quiz.key, title="Test lesson", spec=reordered)
    keys = list(quiz.questions.order_by("sort_order").values_list("key", flat=True))
    assert keys == ["q7", "q6", "q5", "q4", "q3", "q2", "q1"]


def test_options_are_matched_by_position(db):
    quiz = make_quiz()
    fewer = spec()
    fewer["questions"][0]["options"] = fewer["questions"][0]["options"][:2]
    quiz_upsert_from_spec(key=quiz.key, title="Test lesson", spec=fewer)
    assert question(quiz, "q1").options.count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["questions"][0].update(type="essay"), "unknown type"),
        (lambda s: s["questions"][0].update(strand="feelings"), "unknown strand"),
        (lambda s: s["questions"][1].update(id="q1"), "`id` is used twice"),
        (lambda s: s["questions"][0]["options"][1].update(correct=True), "exactly one"),
        (lambda s: s["questions"][0]["options"][1].update(shows="wrong"), "option shows"),
        (lambda s: s["questions"][1].update(options=[]), "at least two options"),
        (lambda s: s["questions"][2].pop("answer"), "true or false"),
        (lambda s: s["questions"][3].update(items=["Block"]), "at least two items"),
        (lambda s: s["questions"][4]["pairs"][0].update(right=""), "something to match"),
        (lambda s: s["questions"][5].update(scenario=""), "scenario"),
        (lambda s: s["questions"].append(dict(s["questions"][6], id="q8")), "at most one free"),
        (lambda s: s.update(pass_mark=120), "pass_mark"),
        (lambda s: s.update(attempts_allowed=0), "attempts_allowed"),
        (lambda s: s.update(questions=[]), "list of questions"),
    ],
)
def test_a_malformed_spec_is_refused_and_nothing_is_written(db, change, message):
    data = spec()
    change(data)
    with pytest.raises(QuizSpecError, match=message):
        quiz_upsert_from_spec(key="m/l", title="Lesson", spec=data, age_band="8-10")
    assert not Quiz.objects.exists()


def test_an_age_band_is_required(db):
    with pytest.raises(QuizSpecError, match="age band"):
        quiz_upsert_from_spec(key="m/l", title="Lesson", spec=spec())


def test_unlimited_attempts(db):
    quiz = make_quiz(attempts_allowed="unlimited")
    assert quiz.attempts_allowed is None


def _curriculum_quizzes():
    for path in sorted(CURRICULUM.glob("ages-*.yaml")):
        data = yaml.safe_load(path.read_text())
        module = data["module"]
        for lesson in data["lessons"]:
            yield module, lesson


def test_every_lesson_of_the_curriculum_has_a_quiz_that_loads(db):
    loaded = 0
    for module, lesson in _curriculum_quizzes():
        quiz = quiz_upsert_from_spec(
            key=f"{module['slug']}/{lesson['slug']}",
            title=lesson["title"],
            spec=lesson["quiz"],
            age_band=module["age_band"],
        )
        count = quiz.questions.count()
        assert 3 <= count <= 6, f"{quiz.key} has {count} questions"
        assert not quiz.questions.filter(strand="").exists()
        loaded += 1
    assert loaded >= 16
    assert Quiz.objects.count() == loaded
    assert set(Quiz.objects.values_list("age_band", flat=True)) == {"4-7", "8-10", "11-13", "14-16"}


def test_problems_can_be_collected_before_anything_is_written(db):
    from quizzes.services import quiz_spec_problems

    assert quiz_spec_problems(key="m/l", spec=spec(), age_band="8-10") == []
    broken = spec()
    broken["questions"][0]["strand"] = "feelings"
    problems = quiz_spec_problems(key="m/l", spec=broken, age_band="8-10")
    assert problems == ["m/l › question q1: unknown strand 'feelings'"]
    assert quiz_spec_problems(key="m/l", spec=spec()) == [
        "m/l: age band None is not one of ['4-7', '8-10', '11-13', '14-16']"
    ]
    assert quiz_spec_problems(key="m/l", spec=["not", "a", "mapping"]) == [
        "m/l: the quiz must be a mapping"
    ]
    assert not Quiz.objects.exists()
