import pytest
from django.test import Client

from tests.quizzes.helpers import make_quiz


@pytest.fixture
def quiz(db):
    """An 8–10 quiz with one question of every type, two attempts allowed."""
    return make_quiz()


@pytest.fixture
def pupil(young_pupil):
    """A Year 4 pupil (ages 8–10) in the Kestrels class."""
    return young_pupil.pupil


@pytest.fixture
def pupil_client(pupil):
    client = Client()
    client.force_login(pupil.user)
    return client


@pytest.fixture
def teacher_client(teacher):
    client = Client()
    client.force_login(teacher)
    return client
