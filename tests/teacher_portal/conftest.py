import pytest

from schools.models import StaffRole
from tests import factories


@pytest.fixture
def run_tasks(db):
    """Run every queued background task, as the `db_worker` would.

    (The real worker closes the database connection when it finishes, which a test running
    inside a transaction cannot survive, so the queued rows are run here one by one.)
    """
    from django_tasks_db.models import DBTaskResult

    def run():
        for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
            result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
            result.set_successful(None)

    return run


@pytest.fixture
def admin_client(client, school_admin):
    client.force_login(school_admin)
    return client


@pytest.fixture
def other_admin(other_school):
    return factories.staff(other_school, StaffRole.SCHOOL_ADMIN)


@pytest.fixture
def far_group(other_school):
    return factories.TeachingGroupFactory(school=other_school, name="Elm 4", year_group=4)


# --- Lessons and work set (progress grid, exports, overviews) ---------------------------------


@pytest.fixture
def curriculum(db):
    """The small test curriculum: an 8–10 module of two lessons, an 11–13 module of one."""
    from lessons.loader import curriculum_load
    from tests.lessons.conftest import FIXTURE_CURRICULUM

    return curriculum_load(directory=FIXTURE_CURRICULUM)


@pytest.fixture
def module(curriculum):
    from lessons.models import ModulePage

    return ModulePage.objects.get(slug="test-8-10")


@pytest.fixture
def lesson(curriculum):
    """ "Every activity": one of every activity type."""
    from lessons.models import LessonPage

    return LessonPage.objects.get(slug="every-activity")


@pytest.fixture
def short_lesson(curriculum):
    """ "Two activities": a true-or-false and reveal cards, three steps."""
    from lessons.models import LessonPage

    return LessonPage.objects.get(slug="two-activities")


@pytest.fixture
def older_lesson(curriculum):
    """The 11–13 module's lesson."""
    from lessons.models import LessonPage

    return LessonPage.objects.get(slug="older-lesson")


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def work(group, module, teacher):
    """The 8–10 module set for Kestrels (Year 4), open a week ago, due in a week."""
    import datetime

    from django.utils import timezone

    from lessons.services import assignment_create

    today = timezone.localdate()
    return assignment_create(
        group=group,
        module=module,
        opens_on=today - datetime.timedelta(days=7),
        due_on=today + datetime.timedelta(days=7),
        created_by=teacher,
    )
