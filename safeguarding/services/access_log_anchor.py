"""An anchor for the access log outside the database, so it cannot be cut short unnoticed.

The hash chain shows any entry changed, removed from the middle or reordered, but someone who
can write to the database could delete the newest entries and move the head back, or empty
both tables, and the chain would still verify. So the daily check (`manage.py
verify_access_log`) records the head it verified, its sequence number and hash, in a file
outside the database (STREAMWISE_ACCESS_LOG_ANCHOR_PATH), sealed with the access log's key, and
next time compares: fewer entries than last seen, or a different entry at that number, is
tampering. The file is only moved forward by a check that found nothing wrong, so a tampered
log keeps failing until someone looks. Keep the file where the database's users cannot write
(and back it up with the server, not with the database).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .. import conf
from ..models import AccessLogEntry

_SALT = "streamwise.safeguarding.access-log-anchor"


@dataclass(frozen=True)
class AccessLogAnchor:
    seq: int
    entry_hash: str
    recorded_at: str


def _mac(seq: int, entry_hash: str, recorded_at: str) -> str:
    payload = json.dumps([seq, entry_hash, recorded_at], separators=(",", ":"))
    return salted_hmac(_SALT, payload, secret=conf.access_log_key(), algorithm="sha256").hexdigest()


class AnchorUnreadable(Exception):
    """The anchor file exists but is not one this site wrote (edited, damaged or foreign)."""


def access_log_anchor_read(path: Path) -> AccessLogAnchor | None:
    """The anchor last recorded, or None if there is no file yet."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        anchor = AccessLogAnchor(
            seq=int(data["seq"]), entry_hash=str(data["entry_hash"]), recorded_at=data["at"]
        )
        mac = str(data["mac"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AnchorUnreadable(f"The access log anchor {path} cannot be read: {error}") from error
    if not constant_time_compare(mac, _mac(anchor.seq, anchor.entry_hash, anchor.recorded_at)):
        raise AnchorUnreadable(f"The access log anchor {path} has been changed or is not ours.")
    return anchor


def access_log_anchor_problems(anchor: AccessLogAnchor | None) -> list[str]:
    """What is wrong with the log compared with the anchor: cut short, or rewritten."""
    if anchor is None or anchor.seq == 0:
        return []
    last = AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    if last < anchor.seq:
        return [
            f"The log has fewer entries ({last}) than last seen ({anchor.seq}, "
            f"checked {anchor.recorded_at}): entries have been removed from the end."
        ]
    at_anchor = AccessLogEntry.objects.filter(seq=anchor.seq).values_list("entry_hash", flat=True)
    if list(at_anchor) != [anchor.entry_hash]:
        return [
            f"Entry {anchor.seq} is not the one last seen (checked {anchor.recorded_at}): "
            "the log has been rewritten."
        ]
    return []


def access_log_anchor_write(path: Path) -> AccessLogAnchor:
    """Record the log's current last entry as the new anchor (atomically: a crash leaves the
    old file or the new one, never half of one)."""
    last = AccessLogEntry.objects.order_by("-seq").values("seq", "entry_hash").first()
    seq, entry_hash = (last["seq"], last["entry_hash"]) if last else (0, "")
    at = timezone.now().isoformat(timespec="seconds")
    body = {"seq": seq, "entry_hash": entry_hash, "at": at, "mac": _mac(seq, entry_hash, at)}
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".access-log-anchor-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(body, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return AccessLogAnchor(seq=seq, entry_hash=entry_hash, recorded_at=at)
