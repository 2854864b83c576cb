"""The module check (before and after): its content files, the loader, and the pupil's flow."""

from __future__ import annotations

import re

import pytest
import yaml
from django.urls import reverse

from h5p.demo import load_h5p_demo
from lessons.loader import CURRICULUM_DIR, CurriculumError, banned_words_in, curriculum_load
from lessons.models import LessonProgress, ModulePage
from lessons.module_checks import check_files, check_key, check_offer, module_checks_load
from quizzes import services
from quizzes.models import Answer, Attempt, CheckPhase, FeedbackTiming, Quiz, QuizPurpose
from quizzes.module_checks import CheckAlreadyTaken, check_start
from tests.quizzes.helpers import right

from .check_helpers import CHECK_YAML, complete_module, load_check, take_check, write_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(curriculum):
    return ModulePage.objects.get(slug="test-8-10")


@pytest.fixture
def check(module, tmp_path):
    return load_check(tmp_path)


# --- Loading ---------------------------------------------------------------------------------


def test_a_check_loads_as_a_module_check_quiz_and_reloads_in_place(check, tmp_path):
    assert check.key == check_key("test-8-10")
    assert check.purpose == QuizPurpose.MODULE_CHECK
    assert check.shuffle_options is True
    assert check.feedback_timing == FeedbackTiming.AT_END
    assert check.attempts_allowed is None
    assert check.age_band == "8-10"
    ids = list(check.questions.order_by("sort_order").values_list("key", "pk"))
    assert [key for key, _pk in ids] == ["c1", "c2", "c3", "c4", "c5"]
    (again,) = module_checks_load(directory=tmp_path)
    assert again.pk == check.pk
    assert list(again.questions.order_by("sort_order").values_list("key", "pk")) == ids
    assert Quiz.objects.module_checks().count() == 1


def test_nothing_is_written_when_any_check_is_wrong(module, tmp_path):
    write_check(tmp_path)
    write_check(tmp_path, CHECK_YAML.replace("test-8-10", "no-such-module"), name="b.yaml")
    with pytest.raises(CurriculumError, match="no module “no-such-module”"):
        module_checks_load(directory=tmp_path)
    assert not Quiz.objects.module_checks().exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["questions"].pop(), "5 to 8 items"),
        (lambda d: d["questions"][0].update(type="free_text"), "a check uses only"),
        (lambda d: d["questions"][0].update(strand="nonsense"), "unknown strand"),
        (lambda d: d["questions"][0]["options"][1].update(correct=False), "exactly one"),
    ],
)
def test_a_malformed_check_is_refused_with_its_reason(module, tmp_path, change, message):
    data = yaml.safe_load(CHECK_YAML)
    change(data)
    write_check(tmp_path, yaml.safe_dump(data))
    with pytest.raises(CurriculumError, match=message):
        module_checks_load(directory=tmp_path)


@pytest.fixture
def shipped(db, settings):
    """The real curriculum's modules (its lessons embed the demo H5P activities)."""
    settings.STREAMWISE_H5P_ORIGIN = "http://h5p.testserver"
    load_h5p_demo()
    curriculum_load(directory=CURRICULUM_DIR)


def test_the_4_to_7_never_words_are_refused_in_a_check(shipped, tmp_path):
    text = (CURRICULUM_DIR / "checks" / "ages-4-7.yaml").read_text()
    write_check(tmp_path, text.replace("Watch it again.", "Give him money."), name="a.yaml")
    with pytest.raises(CurriculumError, match="money"):
        module_checks_load(directory=tmp_path)


def test_the_shipped_checks_load_one_per_module(shipped):
    checks = module_checks_load(directory=CURRICULUM_DIR)
    assert sorted(q.age_band for q in checks) == ["11-13", "14-16", "4-7", "8-10"]
    for quiz in checks:
        module = ModulePage.objects.get(slug=quiz.key.split("/")[0])
        assert quiz.age_band == module.age_band
        assert 5 <= quiz.questions.count() <= 8


def _choices(question):
    return question.get("options") or []


@pytest.mark.parametrize("path", check_files(CURRICULUM_DIR), ids=lambda p: p.name)
def test_the_shipped_checks_are_fair_and_short(path):
    data = yaml.safe_load(path.read_text())
    choice = [q for q in data["questions"] if q["type"] in ("scenario", "single_choice")]
    positions, longest = {}, 0
    for q in choice:
        options = _choices(q)
        at = next(i for i, o in enumerate(options) if o.get("correct"))
        positions[at] = positions.get(at, 0) + 1
        lengths = [len(o["text"]) for o in options]
        longest += lengths[at] == max(lengths)
    assert max(positions.values()) <= len(choice) / 2, positions
    assert longest <= len(choice) / 2
    if data["module"] == "ages-4-7":
        assert not banned_words_in(path.read_text(), "4-7")
        for q in choice:
            assert 2 <= len(_choices(q)) <= 3
            words = len(re.findall(r"\w+", q.get("scenario", "") + " " + q["text"]))
            assert words <= 20, q["id"]


def test_the_shipped_checks_follow_the_evidence_and_order_advice():
    text = " ".join(p.read_text() for p in check_files(CURRICULUM_DIR)).lower()
    # Evidence: the messages, never the image; Report Remove; 999 for a child in danger now.
    assert "never the image itself" in text
    assert "a screenshot of the image" in text  # offered only as the wrong answer
    assert "report remove" in text and "call 999" in text
    data = yaml.safe_load((CURRICULUM_DIR / "checks" / "ages-8-10.yaml").read_text())
    first = next(q for q in data["questions"] if q["text"] == "What should Sam do first?")
    right = next(o["text"] for o in first["options"] if o.get("correct"))
    assert right.startswith("Tell a trusted adult")


# --- What the module page offers -------------------------------------------------------------


def test_the_before_check_is_offered_until_a_lesson_is_done(check, module, pupil):
    offer = check_offer(module=module, pupil=pupil)
    assert offer.offer == CheckPhase.BEFORE and not offer.did_before
    lesson = module.lessons().first()
    LessonProgress.objects.create(pupil=pupil, lesson=lesson, status="completed")
    assert check_offer(module=module, pupil=pupil).offer == ""


def test_the_after_check_is_offered_when_every_lesson_is_complete(check, module, pupil):
    take_check(pupil, check, CheckPhase.BEFORE)
    offer = check_offer(module=module, pupil=pupil)
    assert (offer.offer, offer.did_before) == ("", True)
    assert offer.result_url
    complete_module(pupil, module)
    assert check_offer(module=module, pupil=pupil).offer == CheckPhase.AFTER
    take_check(pupil, check, CheckPhase.AFTER)
    offer = check_offer(module=module, pupil=pupil)
    assert (offer.offer, offer.did_before, offer.did_after) == ("", True, True)


def test_a_phase_is_taken_once_and_an_unfinished_before_is_dropped(check, module, pupil):
    take_check(pupil, check, CheckPhase.BEFORE)
    with pytest.raises(CheckAlreadyTaken):
        check_start(pupil=pupil, quiz=check, phase=CheckPhase.BEFORE)
    attempt = check_start(pupil=pupil, quiz=check, phase=CheckPhase.AFTER)
    assert attempt.phase == CheckPhase.AFTER and attempt.number == 2


def test_an_unfinished_before_never_counts_as_after(check, pupil):
    before = check_start(pupil=pupil, quiz=check, phase=CheckPhase.BEFORE)
    q = services.attempt_questions(before)[0]
    services.answer_save(attempt=before, question=q, raw=right(q))
    after = check_start(pupil=pupil, quiz=check, phase=CheckPhase.AFTER)
    assert not Attempt.objects.filter(pk=before.pk).exists()
    assert not Answer.objects.filter(attempt=after).exists()


def test_a_check_cannot_be_started_as_an_ordinary_quiz(check, pupil, pupil_client):
    with pytest.raises(services.QuizNotAvailable):
        services.attempt_start(pupil=pupil, quiz=check)
    response = pupil_client.post(reverse("quizzes:start", args=[check.pk]))
    assert response.status_code == 403
    assert not Attempt.objects.exists()
    detail = pupil_client.get(reverse("quizzes:detail", args=[check.pk]))
    assert detail.status_code == 302 and detail.url == reverse("learn_home")


def test_options_are_shuffled_per_attempt_and_recorded(check, pupil, module):
    attempt = check_start(pupil=pupil, quiz=check, phase=CheckPhase.BEFORE)
    for q in services.attempt_questions(attempt):
        stored = attempt.option_orders[str(q.pk)]
        assert sorted(stored) == sorted(o.pk for o in q.options.all())


# --- The pupil's pages -----------------------------------------------------------------------


def test_the_module_page_invites_and_the_check_runs_to_a_kind_message(
    check, module, pupil, pupil_client
):
    page = pupil_client.get(module.url)
    assert b"Before you start: what do you think?" in page.content
    start = reverse("learn_module_check", args=[module.pk, "before"])
    response = pupil_client.post(start)
    attempt = Attempt.objects.get(pupil=pupil, quiz=check)
    assert response.url == reverse("quizzes:question", args=[attempt.pk, 1])
    # The pupil answers nothing and hands it in: passing is fine.
    pupil_client.post(reverse("quizzes:finish", args=[attempt.pk]))
    result = pupil_client.get(reverse("quizzes:result", args=[attempt.pk]))
    text = result.content.decode()
    assert "same check again at the end of the module" in text
    assert "%" not in text and "out of" not in text
    assert "Back to the module" in text

    # The after check is not open before the lessons are done.
    early = pupil_client.post(reverse("learn_module_check", args=[module.pk, "after"]))
    assert early.status_code == 302 and early.url == module.url
    assert Attempt.objects.filter(pupil=pupil, quiz=check).count() == 1

    complete_module(pupil, module)
    assert b"You finished the lessons!" in pupil_client.get(module.url).content
    pupil_client.post(reverse("learn_module_check", args=[module.pk, "after"]))
    after = Attempt.objects.get(pupil=pupil, quiz=check, phase="after")
    for q in services.attempt_questions(after):
        pupil_client.post(
            reverse("quizzes:question", args=[after.pk, after.question_order.index(q.pk) + 1]),
            _form(q),
        )
    pupil_client.post(reverse("quizzes:finish", args=[after.pk]))
    text = pupil_client.get(reverse("quizzes:result", args=[after.pk])).content.decode()
    assert "You know more about" in text
    assert "people online and who to trust" in text


def _form(q):
    raw = right(q)
    if "answer" in raw:
        return {"answer": "true" if raw["answer"] else "false"}
    return raw


def test_staff_and_other_age_bands_are_not_offered_a_check(check, module, older_pupil, client):
    assert check_offer(module=module, pupil=None) is None
    client.force_login(older_pupil.pupil.user)
    response = client.post(reverse("learn_module_check", args=[module.pk, "before"]))
    assert response.status_code == 404
