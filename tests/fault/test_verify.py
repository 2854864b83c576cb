"""The load run's verifier notices lost, duplicated and unnotified writes (it can fail)."""

import uuid

import pytest
from django.utils import timezone

from bench.load.verify import verify
from lessons import services as lesson_services
from lessons.loader import curriculum_load
from lessons.models import LessonPage
from safeguarding.models import ConcernSource, Delivery, EntryKind
from safeguarding.services import chronology_add, concern_raise
from tests.lessons.conftest import FIXTURE_CURRICULUM

pytestmark = pytest.mark.django_db


def checks(report) -> dict:
    return {check.name: check for check in report.checks}


def talk(pupil, key=None):
    return concern_raise(
        raised_by=pupil.user, pupil=pupil, source=ConcernSource.PUPIL, idempotency_key=key
    )


def test_a_concern_whose_emails_were_not_sent_fails_until_they_are(school, dsl, young_pupil):
    key = uuid.uuid4()
    talk(young_pupil.pupil, key)
    acks = [{"kind": "concern", "pupil": young_pupil.pupil.pk, "key": str(key)}]

    report = verify(acks, school=school.slug)
    assert checks(report)["concerns"].ok
    assert not checks(report)["notifications"].ok
    assert not report.ok

    Delivery.objects.update(sent_at=timezone.now())
    assert verify(acks, school=school.slug).ok


def test_an_acknowledged_concern_missing_from_the_database_fails(school, dsl, young_pupil):
    acks = [{"kind": "concern", "pupil": young_pupil.pupil.pk, "key": str(uuid.uuid4())}]

    report = verify(acks, school=school.slug)

    assert checks(report)["concerns"].problem_count == 1
    assert not report.ok


def test_a_concern_nobody_sent_fails(school, dsl, young_pupil):
    talk(young_pupil.pupil, uuid.uuid4())
    Delivery.objects.update(sent_at=timezone.now())

    assert "nobody sent it" in checks(verify([], school=school.slug))["concerns"].problems[0]


def test_a_concern_sent_without_an_answer_may_be_stored(school, dsl, young_pupil):
    """The run can end, or a worker die, between saving a concern and answering the pupil."""
    key = uuid.uuid4()
    talk(young_pupil.pupil, key)
    Delivery.objects.update(sent_at=timezone.now())
    sends = [{"kind": "concern_sent", "pupil": young_pupil.pupil.pk, "key": str(key)}]

    assert verify(sends, school=school.slug).ok


def test_a_note_stored_twice_fails(school, dsl, young_pupil):
    key = uuid.uuid4()
    concern = talk(young_pupil.pupil, key)
    Delivery.objects.update(sent_at=timezone.now())
    text = "Spoke to the class teacher."
    acks = [
        {"kind": "concern", "pupil": young_pupil.pupil.pk, "key": str(key)},
        {"kind": "note", "concern": concern.pk, "text": text},
    ]
    chronology_add(concern=concern, user=dsl, kind=EntryKind.NOTE, text=text)
    assert verify(acks, school=school.slug).ok

    chronology_add(concern=concern, user=dsl, kind=EntryKind.NOTE, text=text)

    assert checks(verify(acks, school=school.slug))["DSL notes"].problems == [
        f"concern {concern.pk}: note stored 2 times"
    ]


def test_progress_behind_an_acknowledged_step_fails(school, young_pupil):
    curriculum_load(directory=FIXTURE_CURRICULUM)
    lesson = LessonPage.objects.get(slug="two-activities")
    pupil = young_pupil.pupil
    lesson_services.progress_step_reach(pupil=pupil, lesson=lesson, step=1)
    ack = {"kind": "progress", "pupil": pupil.pk, "lesson": lesson.get_url(), "step": 1}
    assert checks(verify([ack], school=school.slug))["progress"].ok

    report = verify([ack | {"step": 2}], school=school.slug)

    assert not checks(report)["progress"].ok
