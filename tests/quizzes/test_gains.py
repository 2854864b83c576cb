"""Learning gains: before vs after, per strand and per question, for the pupils who did both."""

from __future__ import annotations

import pytest
import yaml

from quizzes.gains import check_gains, percent, pupil_check_progress
from quizzes.models import CheckPhase
from quizzes.module_checks import check_start, check_upsert_from_spec
from schools.models import Pupil
from tests import factories
from tests.lessons.check_helpers import CHECK_YAML, take_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def check():
    return check_upsert_from_spec(
        key="test-8-10/module-check",
        title="Test module: before and after check",
        spec=yaml.safe_load(CHECK_YAML),
        age_band="8-10",
    )


@pytest.fixture
def pupils(group):
    return {name: factories.pupil(group, name).pupil for name in ("Ann", "Ben", "Cal", "Dee")}


def _rows(rows):
    return {row.key: (row.before, row.after, row.change) for row in rows}


def test_percent_rounds_half_up_and_has_no_answer_for_nobody():
    assert percent(1, 8) == 13 and percent(1, 3) == 33 and percent(2, 3) == 67
    assert percent(0, 0) is None


def test_gains_compare_only_the_pupils_who_did_both(check, pupils, django_assert_num_queries):
    ann, ben, cal, dee = pupils.values()
    take_check(ann, check, CheckPhase.BEFORE, wrong_keys={"c1", "c2", "c3"})
    take_check(ann, check, CheckPhase.AFTER)
    take_check(ben, check, CheckPhase.BEFORE)
    take_check(ben, check, CheckPhase.AFTER, wrong_keys={"c4"})
    # Cal only before and Dee only after, all wrong: they are counted, not compared.
    take_check(cal, check, CheckPhase.BEFORE, wrong_keys={"c1", "c2", "c3", "c4", "c5"})
    take_check(dee, check, CheckPhase.AFTER, wrong_keys={"c1", "c2", "c3", "c4", "c5"})

    with django_assert_num_queries(3):
        gains = check_gains(quiz=check, pupils=Pupil.objects.all())
    assert (gains.did_before, gains.did_after, gains.did_both) == (3, 3, 2)
    assert _rows(gains.questions) == {
        "c1": (50, 100, 50),
        "c2": (50, 100, 50),
        "c3": (50, 100, 50),
        "c4": (100, 50, -50),
        "c5": (100, 100, 0),
    }
    assert _rows(gains.strands) == {
        "online_relationships": (50, 100, 50),
        "health_wellbeing": (100, 100, 0),
        "privacy_security": (75, 75, 0),
    }
    assert gains.questions[3].strand == "Privacy and security"


def test_only_the_pupils_given_are_counted(check, pupils):
    ann, ben, *_ = pupils.values()
    take_check(ann, check, CheckPhase.BEFORE, wrong_keys={"c1"})
    take_check(ann, check, CheckPhase.AFTER)
    take_check(ben, check, CheckPhase.BEFORE)
    take_check(ben, check, CheckPhase.AFTER)
    gains = check_gains(quiz=check, pupils=Pupil.objects.filter(pk=ann.pk))
    assert gains.did_both == 1
    assert _rows(gains.questions)["c1"] == (0, 100, 100)


def test_nobody_did_both_so_there_is_nothing_to_compare(check, pupils):
    gains = check_gains(quiz=check, pupils=Pupil.objects.all())
    assert (gains.did_before, gains.did_after, gains.did_both) == (0, 0, 0)
    assert not gains.has_pairs
    assert all(row.before is None and row.after is None for row in gains.strands)
    assert all(row.change is None for row in gains.questions)

    take_check(pupils["Ann"], check, CheckPhase.BEFORE)
    gains = check_gains(quiz=check, pupils=Pupil.objects.all())
    assert (gains.did_before, gains.did_after, gains.did_both) == (1, 0, 0)
    assert not gains.has_pairs and gains.strands[0].before is None


def test_an_unfinished_or_skipped_answer_is_not_secure(check, pupils):
    ann = pupils["Ann"]
    take_check(ann, check, CheckPhase.BEFORE, skip={"c1", "c2", "c3", "c4", "c5"})
    take_check(ann, check, CheckPhase.AFTER, skip={"c5"})
    check_start(pupil=pupils["Ben"], quiz=check, phase=CheckPhase.BEFORE)  # never handed in
    gains = check_gains(quiz=check, pupils=Pupil.objects.all())
    assert (gains.did_before, gains.did_both) == (1, 1)
    assert _rows(gains.questions)["c5"] == (0, 0, 0)
    assert _rows(gains.questions)["c1"] == (0, 100, 100)


def test_a_pupil_hears_what_they_know_more_about_and_never_a_mark(check, pupils):
    ann, ben, cal = pupils["Ann"], pupils["Ben"], pupils["Cal"]
    take_check(ann, check, CheckPhase.BEFORE, wrong_keys={"c1", "c3"})
    progress = pupil_check_progress(pupil=ann, quiz=check)
    assert "same check again" in progress.message
    take_check(ann, check, CheckPhase.AFTER)
    message = pupil_check_progress(pupil=ann, quiz=check).message
    assert message == (
        "You know more about people online and who to trust and keeping safe and private "
        "online now."
    )
    take_check(ben, check, CheckPhase.BEFORE)
    take_check(ben, check, CheckPhase.AFTER, wrong_keys={"c4"})
    assert "still know the important things" in pupil_check_progress(pupil=ben, quiz=check).message
    take_check(cal, check, CheckPhase.AFTER, wrong_keys={"c1", "c2"})
    message = pupil_check_progress(pupil=cal, quiz=check).message
    assert message.startswith("Well done for finishing the module!")
    assert "keeping safe and private online" in message
    assert "people online" not in message
    assert "%" not in message


def test_the_knowledge_map_counts_the_after_check_but_not_the_before(check, group, teacher):
    from quizzes.analysis import knowledge_map
    from tests.quizzes.helpers import make_quiz

    lesson_quiz = make_quiz()  # 8–10, checks online relationships among others
    ann = factories.pupil(group, "Ann").pupil
    take_check(ann, check, CheckPhase.BEFORE, wrong_keys={"c1", "c2"})
    kmap = knowledge_map(group=group, user=teacher)
    assert all(not cell.counts for row in kmap.rows for cell in row.cells)
    take_check(ann, check, CheckPhase.AFTER, wrong_keys={"c1"})
    kmap = knowledge_map(group=group, user=teacher)
    strand = next(s for s in kmap.strands if s.value == "online_relationships")
    cell = kmap.rows[0].cells[kmap.strands.index(strand)]
    assert (cell.counts["secure"], cell.counts["developing"]) == (1, 1)
    # Where to teach it again: the lesson quiz, never the check itself.
    assert [link.quiz_id for link in strand.quizzes] == [lesson_quiz.pk]
