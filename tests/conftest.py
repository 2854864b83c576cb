import pytest

from schools.models import StaffRole
from tests import factories


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from lessons.body_cache import forget_all as forget_bodies
    from streamwise.site_cache import forget_sites

    # Each test's database starts afresh (a flush sends no signals): forget remembered sites too.
    cache.clear()
    forget_sites()
    forget_bodies()
    yield
    cache.clear()
    forget_sites()
    forget_bodies()


@pytest.fixture
def school(db):
    return factories.SchoolFactory(name="Oakfield", slug="oakfield")


@pytest.fixture
def other_school(db):
    return factories.SchoolFactory(name="Elmwood", slug="elmwood")


@pytest.fixture
def teacher(school):
    return factories.staff(school, StaffRole.TEACHER)


@pytest.fixture
def school_admin(school):
    return factories.staff(school, StaffRole.SCHOOL_ADMIN)


@pytest.fixture
def dsl(school):
    return factories.staff(school, StaffRole.DSL)


@pytest.fixture
def group(school, teacher):
    return factories.TeachingGroupFactory(
        school=school, name="Kestrels", year_group=4, teachers=[teacher]
    )


@pytest.fixture
def senior_group(school, teacher):
    return factories.TeachingGroupFactory(
        school=school, name="Hawks", year_group=7, teachers=[teacher]
    )


@pytest.fixture
def young_pupil(group):
    return factories.pupil(group, "Isla")


@pytest.fixture
def older_pupil(senior_group):
    return factories.pupil(senior_group, "Quinn")


@pytest.fixture(autouse=True)
def _access_log_anchor(settings, tmp_path_factory):
    """faults: each test gets its own access log anchor file (never the repository's var/)."""
    anchor_dir = tmp_path_factory.mktemp("anchor")
    settings.STREAMWISE_ACCESS_LOG_ANCHOR_PATH = str(anchor_dir / "access-log-anchor.json")


@pytest.fixture(autouse=True, scope="session")
def _flush_past_truncate_triggers():
    """faults: on PostgreSQL the safeguarding record refuses TRUNCATE (migration 0003_faults),
    and Django empties tables between transactional tests with TRUNCATE. The test run's
    superuser flushes with session_replication_role = replica, which skips those triggers for
    that one transaction (an application's database user cannot set it)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        return original(self, ["SET LOCAL session_replication_role = replica", *sql_list])

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


# A local server that answers like Wonde's API (tests/wonde_server), for the Wonde sync tests.
from tests.wonde_server.fixtures import wonde_server  # noqa: E402,F401
