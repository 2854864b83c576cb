"""The access log is a hash chain: `verify_access_log` notices any change, removal or insertion."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from safeguarding.models import AccessAction, AccessLogEntry, AccessLogHead
from safeguarding.services import access_log_record, access_log_verify

ROOT = Path(__file__).resolve().parents[2]


def drop_append_only_protection():
    """What someone with direct database access could do before tampering."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS safeguarding_accesslogentry_no_update")
        else:
            cursor.execute(
                "DROP TRIGGER IF EXISTS safeguarding_accesslogentry_append_only "
                "ON safeguarding_accesslogentry"
            )


def restore_protection():
    """Put back the one trigger `drop_append_only_protection` took away."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER IF NOT EXISTS safeguarding_accesslogentry_no_update BEFORE UPDATE "
                "ON safeguarding_accesslogentry BEGIN "
                "SELECT RAISE(ABORT, 'safeguarding records are append-only'); END"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER safeguarding_accesslogentry_append_only BEFORE UPDATE OR DELETE "
                "ON safeguarding_accesslogentry FOR EACH ROW "
                "EXECUTE FUNCTION safeguarding_refuse_change()"
            )


def tamper(sql, params=()):
    drop_append_only_protection()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def logged(raise_concern, dsl, deputy):
    concern = raise_concern()
    for user, action in ((dsl, "view_case"), (deputy, "view_case"), (dsl, "export_case")):
        access_log_record(user=user, action=action, concern=concern)
    access_log_record(user=dsl, action=AccessAction.SEARCH, school=concern.school, detail="Isla")
    return concern


def test_entries_are_chained(logged, dsl):
    entries = list(AccessLogEntry.objects.order_by("seq"))
    assert [entry.seq for entry in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == "0" * 64
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.entry_hash
    head = AccessLogHead.objects.get()
    assert (head.seq, head.entry_hash) == (4, entries[-1].entry_hash)
    assert access_log_verify().ok
    call_command("verify_access_log")


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("UPDATE safeguarding_accesslogentry SET detail = 'Jack' WHERE seq = 4", "changed"),
        ("UPDATE safeguarding_accesslogentry SET action = 'view_pupil' WHERE seq = 2", "changed"),
        ("DELETE FROM safeguarding_accesslogentry WHERE seq = 2", "missing"),
        ("DELETE FROM safeguarding_accesslogentry WHERE seq = 4", "should end at entry 4"),
    ],
)
def test_tampering_is_detected(logged, sql, problem):
    tamper(sql)
    result = access_log_verify()
    assert not result.ok
    assert any(problem in message for message in result.problems), result.problems
    with pytest.raises(CommandError, match="tampered"):
        call_command("verify_access_log")


def test_a_forged_entry_with_a_recomputed_plain_hash_is_detected(logged, dsl):
    import hashlib

    entry = AccessLogEntry.objects.get(seq=3)
    forged = hashlib.sha256(b"forged").hexdigest()
    tamper(
        "UPDATE safeguarding_accesslogentry SET user_label = %s, entry_hash = %s WHERE seq = 3",
        ["someone.else@school.example", forged],
    )
    problems = access_log_verify().problems
    assert "Entry 3 has been changed." in problems
    assert "Entry 4 does not follow the entry before it." in problems
    assert entry.entry_hash != forged


def test_the_log_records_superusers_and_refused_attempts(raise_concern, teacher):
    from tests import factories

    concern = raise_concern()
    superuser = factories.UserFactory(is_superuser=True)
    entry = access_log_record(user=superuser, action=AccessAction.DENIED, concern=concern)
    assert entry.superuser and entry.school == concern.school
    assert access_log_verify().ok


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_non_zero_on_tampering(raise_concern, dsl):
    """Run as an operator would: a separate process on the same database."""
    concern = raise_concern()
    access_log_record(user=dsl, action="view_case", concern=concern)
    access_log_record(user=dsl, action="view_case", concern=concern)
    settings_dict = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{settings_dict['NAME']}"
    else:
        env["DATABASE_URL"] = (
            f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@"
            f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/"
            f"{settings_dict['NAME']}"
        )
    command = [sys.executable, "manage.py", "verify_access_log"]
    ok = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert "OK: 2 access log entries verified" in ok.stdout
    try:
        tamper("UPDATE safeguarding_accesslogentry SET detail = 'x' WHERE seq = 1")
        bad = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    finally:
        restore_protection()
    assert bad.returncode != 0
    assert "Entry 1 has been changed." in bad.stderr
