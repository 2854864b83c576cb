"""Wonde records for tests that need a connection or a preview without running a sync."""

from schools.models import WondeConnection, WondeSync
from schools.wonde.secret import token_encrypt, token_hint

TOKEN = "wonde-test-token-0123456789abcdef"


def wonde_connection(school) -> WondeConnection:
    connection, _ = WondeConnection.objects.get_or_create(
        school=school,
        defaults={
            "wonde_school_id": "A1930499544",
            "token_encrypted": token_encrypt(TOKEN),
            "token_hint": token_hint(TOKEN),
        },
    )
    return connection


def wonde_preview_sync(school) -> WondeSync:
    """A first sync of the school waiting to be checked: one class of one new pupil."""
    wonde_connection(school)
    data = {
        "name": school.name,
        "classes": [
            {
                "id": "C900",
                "name": "Wonde Wrens",
                "students": {"data": [{"id": "S900"}]},
                "employees": {"data": []},
            }
        ],
        "students": [
            {
                "id": "S900",
                "forename": "Nia",
                "surname": "Wonde",
                "year": {"data": {"name": "Year 4", "code": "4"}},
            }
        ],
        "employees": [],
    }
    sync = WondeSync.objects.filter(school=school, status=WondeSync.Status.PREVIEW).first()
    if sync is None:
        sync = WondeSync.objects.create(
            school=school,
            trigger=WondeSync.Trigger.FIRST,
            status=WondeSync.Status.PREVIEW,
            data=data,
        )
    return sync
