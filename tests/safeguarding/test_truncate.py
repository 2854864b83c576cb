"""TRUNCATE of the safeguarding record is refused by PostgreSQL itself (migrations 0008 and 0009):
the append-only row triggers never see a TRUNCATE."""

import pytest
from django.db import DatabaseError, connection, transaction

from safeguarding.models import AccessLogEntry, ChronologyEntry, Concern, Flag
from safeguarding.services import access_log_record

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE and its triggers are PostgreSQL's"
)

TABLES = (
    "safeguarding_concern",
    "safeguarding_chronologyentry",
    "safeguarding_concernpupillink",
    "safeguarding_flag",
    "safeguarding_accesslogentry",
    "safeguarding_accessloghead",
    # The parts added later (migration 0009): the child's details, imported files, casework.
    "safeguarding_childdetails",
    "safeguarding_importedrecord",
    "safeguarding_caseattachment",
    "safeguarding_caselink",
    "safeguarding_caseaction",
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("table", TABLES)
def test_truncate_is_refused(table, raise_concern, dsl):
    concern = raise_concern()
    access_log_record(user=dsl, action="view_case", concern=concern)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert Concern.objects.count() == 1
    assert ChronologyEntry.objects.count() == 1
    assert AccessLogEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_truncate_of_everything_at_once_is_refused(raise_concern, dsl, pupil):
    raise_concern()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
    assert Concern.objects.count() == 1 and Flag.objects.count() == 0
