"""The access log can't be cut short unnoticed: `verify_access_log` anchors its last verified
entry in a file outside the database and compares next time."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from safeguarding.models import AccessLogEntry, AccessLogHead
from safeguarding.services import access_log_record, access_log_verify

from .test_access_log import drop_append_only_protection


@pytest.fixture
def anchor(settings, tmp_path) -> Path:
    path = tmp_path / "anchor" / "access-log-anchor.json"
    settings.STREAMWISE_ACCESS_LOG_ANCHOR_PATH = str(path)
    return path


@pytest.fixture
def logged(raise_concern, dsl, deputy):
    concern = raise_concern()
    for user in (dsl, deputy, dsl, deputy, dsl):
        access_log_record(user=user, action="view_case", concern=concern)
    return concern


@pytest.fixture
def tamper():
    """Direct database writes, as someone with database access could make (the test's
    transaction puts the dropped protection back)."""

    def run(*statements):
        drop_append_only_protection()
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)

    return run


def verify():
    call_command("verify_access_log")


def test_a_clean_check_records_the_anchor_and_the_next_one_compares(logged, anchor, capsys):
    verify()
    assert "anchored at entry 5" in capsys.readouterr().out
    recorded = json.loads(anchor.read_text())
    assert recorded["seq"] == 5
    assert recorded["entry_hash"] == AccessLogEntry.objects.get(seq=5).entry_hash
    access_log_record(user=logged.raised_by, action="denied", concern=logged)
    verify()  # a longer log is fine, and moves the anchor on
    assert json.loads(anchor.read_text())["seq"] == 6


def test_cutting_the_newest_entries_and_moving_the_head_back_is_tampering(logged, anchor, tamper):
    verify()
    third = AccessLogEntry.objects.get(seq=3)
    tamper(
        ("DELETE FROM safeguarding_accesslogentry WHERE seq > 3", []),
        ("UPDATE safeguarding_accessloghead SET seq = 3, entry_hash = %s", [third.entry_hash]),
    )
    assert access_log_verify().ok  # the chain alone cannot see it
    with pytest.raises(CommandError, match="tampered"):
        verify()
    assert json.loads(anchor.read_text())["seq"] == 5  # the anchor is not moved back
    with pytest.raises(CommandError):
        verify()  # and it keeps failing


def test_emptying_both_tables_is_tampering(logged, anchor, tamper, capsys):
    verify()
    tamper(
        ("DELETE FROM safeguarding_accesslogentry", []),
        ("DELETE FROM safeguarding_accessloghead", []),
    )
    assert access_log_verify().ok
    with pytest.raises(CommandError, match="tampered"):
        verify()
    assert "fewer entries (0) than last seen (5," in capsys.readouterr().err


def test_a_rewritten_tail_with_a_valid_chain_is_tampering(logged, anchor, tamper, dsl, capsys):
    """Even someone holding the key who re-writes the newest entries is caught."""
    verify()
    second = AccessLogEntry.objects.get(seq=2)
    tamper(
        ("DELETE FROM safeguarding_accesslogentry WHERE seq > 2", []),
        ("UPDATE safeguarding_accessloghead SET seq = 2, entry_hash = %s", [second.entry_hash]),
    )
    for _ in range(3):
        access_log_record(user=dsl, action="search", school=logged.school)
    assert access_log_verify().ok and AccessLogHead.objects.get().seq == 5
    with pytest.raises(CommandError, match="tampered"):
        verify()
    assert "Entry 5 is not the one last seen" in capsys.readouterr().err


def test_an_edited_anchor_file_is_refused(logged, anchor, capsys):
    verify()
    recorded = json.loads(anchor.read_text())
    recorded["seq"] = 2
    anchor.write_text(json.dumps(recorded))
    with pytest.raises(CommandError):
        verify()
    assert "has been changed or is not ours" in capsys.readouterr().err


def test_without_an_anchor_path_it_says_so(logged, settings, capsys):
    settings.STREAMWISE_ACCESS_LOG_ANCHOR_PATH = ""
    verify()
    assert "Not anchored" in capsys.readouterr().out
