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
