import pytest

# The real SMTP server and task workers, as the safeguarding worker tests use them.
from tests.safeguarding.test_casework_worker import sink, workers  # noqa: F401
from training.loader import courses_load
from training.models import StaffCoursePage


@pytest.fixture
def courses(db):
    """The three shipped staff courses, loaded as `load_staff_courses` does."""
    courses_load()
    return list(StaffCoursePage.objects.live().order_by("path"))


def right_answers(course) -> dict[str, str]:
    """The quiz form filled in with every correct answer."""
    data = {}
    for number, child in enumerate(course.questions, start=1):
        options = list(child.value["options"])
        data[f"question-{number}"] = str(next(i for i, o in enumerate(options) if o["correct"]))
    return data


def wrong_answers(course) -> dict[str, str]:
    data = {}
    for number, child in enumerate(course.questions, start=1):
        options = list(child.value["options"])
        data[f"question-{number}"] = str(next(i for i, o in enumerate(options) if not o["correct"]))
    return data
