from pathlib import Path

import pytest
from django.test import Client

from lessons.loader import curriculum_load
from lessons.models import LessonPage
from schools.views import PUPIL_BACKEND
from tests.lessons import builders

FIXTURE_CURRICULUM = Path(__file__).parent / "curriculum"


@pytest.fixture
def curriculum(db):
    """The small test curriculum (tests/lessons/curriculum/) loaded into the page tree."""
    return curriculum_load(directory=FIXTURE_CURRICULUM)


@pytest.fixture
def lesson(curriculum) -> LessonPage:
    """An 8–10 lesson with one of every activity type."""
    return LessonPage.objects.get(slug="every-activity")


@pytest.fixture
def short_lesson(curriculum) -> LessonPage:
    return LessonPage.objects.get(slug="two-activities")


@pytest.fixture
def older_lesson(curriculum) -> LessonPage:
    return LessonPage.objects.get(slug="older-lesson")


@pytest.fixture
def pupil(young_pupil):
    """A Year 4 pupil (ages 8–10), as a Pupil."""
    return young_pupil.pupil


@pytest.fixture
def pupil_client(pupil):
    """A pupil signed in as the pupil sign-in does it (the pupil session backend)."""
    client = Client()
    client.force_login(pupil.user, backend=PUPIL_BACKEND)
    return client


@pytest.fixture
def teacher_client(teacher):
    client = Client()
    client.force_login(teacher)
    return client


@pytest.fixture
def build_lesson(curriculum):
    """Make an extra 8–10 lesson with `steps` activity steps (for query-count tests)."""

    def build(slug: str, steps: int) -> LessonPage:
        return builders.lesson_with_steps(slug=slug, steps=steps)

    return build
