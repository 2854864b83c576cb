"""Lesson bodies parsed once per process, keyed by their saved text (issue 16).

Turning a lesson's saved StreamField JSON into blocks (Wagtail's `to_python`) cost about a
third of a millisecond on every step and answer of the bench lesson, a millisecond and a half on
the H5P lesson, and a millisecond on average over the curriculum. The result depends only on
that text and on the code, so a process keeps the parsed steps of the bodies it has seen, keyed
by the text itself: a new revision is new text, and nothing needs forgetting when a lesson is
published.

Bodies that hold records (a step's picture, a recorded narration, an H5P activity) carry those
records as they were read. Saving or deleting an image, a document or an H5P activity forgets
every such body in that process at once; other processes keep theirs for at most
`STREAMWISE_LESSON_RECORDS_SECONDS` (default 60; 0 never keeps them), as with the remembered
site (`streamwise.site_cache`). Kept steps are shared by every request in the process and never
changed after parsing (a pupil's answers and states live in `lessons.player`'s per-request
objects).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Model
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue

KEPT = 32  # bodies per process (a school's modules have about 20 lessons)

# (database, text) -> (steps, when kept, whether they hold records)
_kept: OrderedDict[tuple[str, str], tuple[list, float, bool]] = OrderedDict()
_lock = threading.Lock()


def _records_seconds() -> float:
    return float(getattr(settings, "STREAMWISE_LESSON_RECORDS_SECONDS", 60))


def _holds_records(value) -> bool:
    if isinstance(value, Model):
        return True
    if isinstance(value, StructValue):
        return any(_holds_records(v) for v in value.values())
    if isinstance(value, StreamValue | ListValue):
        return any(_holds_records(child.value) for child in _bound(value))
    if isinstance(value, list | tuple):
        return any(_holds_records(v) for v in value)
    return False


def _bound(value) -> Iterable:
    # ListValue iterates values; its bound blocks are `bound_blocks`. StreamValue iterates
    # its bound blocks.
    return value.bound_blocks if isinstance(value, ListValue) else value


def parsed_steps(db: str, text: str | None, parse: Callable[[], list]) -> list:
    """The steps `parse()` makes of a lesson body saved as `text`, kept for the next request
    (`text` None: parse, keep nothing)."""
    if text is None:
        return parse()
    key = (db, text)
    with _lock:
        hit = _kept.get(key)
        if hit is not None:
            steps, kept_at, records = hit
            if not records or time.monotonic() - kept_at < _records_seconds():
                _kept.move_to_end(key)
                return steps
            del _kept[key]
    steps = parse()
    records = _steps_hold_records(steps)
    if records and _records_seconds() <= 0:
        return steps
    with _lock:
        _kept[key] = (steps, time.monotonic(), records)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return steps


def _steps_hold_records(steps) -> bool:
    return any(
        _holds_records(step.picture)
        or _holds_records(step.narration)
        or any(_holds_records(child.value) for child in step.children)
        for step in steps
    )


def forget_records(**kwargs) -> None:
    """Forget the kept bodies that hold records (receiver of the records' save and delete)."""
    with _lock:
        for key in [key for key, (_s, _t, records) in _kept.items() if records]:
            del _kept[key]


def forget_all() -> None:
    """Forget every kept body (tests)."""
    with _lock:
        _kept.clear()
