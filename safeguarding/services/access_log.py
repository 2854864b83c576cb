"""The hash-chained access log: who viewed, searched or exported what."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from schools.models import Pupil, School

from .. import conf
from ..models import (
    AccessAction,
    AccessLogEntry,
    AccessLogHead,
    Concern,
    Flag,
)
from .common import (
    ACCESS_LOG_GENESIS,
    logger,
)

# --- Access log ---------------------------------------------------------------------------------


def _access_hash(entry: AccessLogEntry) -> str:
    payload = json.dumps(
        [
            entry.seq,
            entry.created_at.astimezone(UTC).isoformat(),
            entry.user_id,
            entry.user_label,
            entry.superuser,
            entry.school_id,
            entry.action,
            entry.concern_id,
            entry.pupil_id,
            entry.flag_id,
            entry.detail,
            entry.prev_hash,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return salted_hmac(
        "streamwise.safeguarding.access-log",
        payload,
        secret=conf.access_log_key(),
        algorithm="sha256",
    ).hexdigest()


def _access_log_head() -> AccessLogHead:
    """The chain's head, locked: holding it makes appends happen one at a time."""
    head = AccessLogHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        last = AccessLogEntry.objects.order_by("-seq").first()
        try:
            with transaction.atomic():
                AccessLogHead.objects.create(
                    pk=1,
                    seq=last.seq if last else 0,
                    entry_hash=last.entry_hash if last else "",
                )
        except IntegrityError:
            pass  # created by a concurrent append
        head = AccessLogHead.objects.select_for_update().get(pk=1)
    return head


@transaction.atomic
def access_log_record(
    *,
    user,
    action: str,
    concern: Concern | None = None,
    pupil: Pupil | None = None,
    flag: Flag | None = None,
    school: School | None = None,
    detail: str = "",
) -> AccessLogEntry:
    """Append who viewed, searched or exported what to the hash-chained access log.

    Call it before showing the record: no view without its log entry.
    """
    if school is None:
        owner = concern or pupil or flag
        school = owner.school if owner is not None else None
    head = _access_log_head()
    entry = AccessLogEntry(
        seq=head.seq + 1,
        created_at=timezone.now(),
        user=user,
        user_label=(user.email or user.get_username())[:300],
        superuser=bool(user.is_superuser),
        school=school,
        action=action,
        concern=concern,
        pupil=pupil,
        flag=flag,
        detail=detail[:300],
        prev_hash=head.entry_hash or ACCESS_LOG_GENESIS,
    )
    entry.entry_hash = _access_hash(entry)
    entry.save()
    head.seq, head.entry_hash = entry.seq, entry.entry_hash
    head.save(update_fields=["seq", "entry_hash"])
    if action == AccessAction.DENIED or entry.superuser:
        logger.warning("Safeguarding access log %s: %s by user %s", entry.seq, action, user.pk)
    return entry


@dataclass
class AccessLogVerification:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def access_log_verify() -> AccessLogVerification:
    """Recompute the whole chain: any changed, removed, inserted or reordered entry shows up."""
    result = AccessLogVerification()
    previous, expected = ACCESS_LOG_GENESIS, 1
    for entry in AccessLogEntry.objects.order_by("seq").iterator():
        if entry.seq != expected:
            result.problems.append(
                f"Entries {expected}–{entry.seq - 1} are missing."
                if entry.seq > expected
                else f"Entry {entry.seq} is out of order."
            )
        if entry.prev_hash != previous:
            result.problems.append(f"Entry {entry.seq} does not follow the entry before it.")
        if _access_hash(entry) != entry.entry_hash:
            result.problems.append(f"Entry {entry.seq} has been changed.")
        previous, expected = entry.entry_hash, entry.seq + 1
        result.checked += 1
    head = AccessLogHead.objects.filter(pk=1).first()
    last_seq = expected - 1
    if head is None:
        if result.checked:
            result.problems.append("The record of the log's last entry is missing.")
    elif head.seq != last_seq or (head.entry_hash or ACCESS_LOG_GENESIS) != previous:
        result.problems.append(
            f"The log should end at entry {head.seq} but ends at entry {last_seq}: "
            "entries have been removed or changed at the end."
        )
    return result
