"""Lesson bodies parsed once per process, keyed by their saved text (issue 16).

Turning a lesson's saved StreamField JSON into blocks (Wagtail's `to_python`) cost about a
third of a millisecond on every step and answer of the bench lesson, and a millisecond on
average over the curriculum. The result depends only on that text and on the code, so a
process keeps the parsed steps of the bodies it has seen, keyed by the text itself: a new
revision is new text, and nothing needs forgetting when a lesson is published.

Bodies that hold records (a chosen image, document or H5P activity) are never kept: the record
may change while the lesson's text stays the same. Those are parsed on each request, as before.
Kept steps are shared by every request in the process and never changed after parsing (a
pupil's answers and states live in `lessons.player`'s per-request objects).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.db.models import Model
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue

KEPT = 32  # bodies per process (a school's modules have about 20 lessons)

_kept: OrderedDict[tuple[str, str], list] = OrderedDict()
_lock = threading.Lock()


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
    when they hold no records (`text` None: parse, keep nothing)."""
    if text is None:
        return parse()
    key = (db, text)
    with _lock:
        steps = _kept.get(key)
        if steps is not None:
            _kept.move_to_end(key)
            return steps
    steps = parse()
    if any(_holds_records(step.picture) or _holds_records(step.narration) for step in steps):
        return steps
    if any(_holds_records(child.value) for step in steps for child in step.children):
        return steps
    with _lock:
        _kept[key] = steps
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return steps


def forget_all() -> None:
    """Forget every kept body (tests)."""
    with _lock:
        _kept.clear()
