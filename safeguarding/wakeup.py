"""Waking an idle task worker the moment a task is queued, so it need not poll often.

A worker that finds no task waits before it looks again. Polling every second costs an idle
worker several per cent of a core (a query, a transaction and Django's connection checks each
time); polling every half minute would delay a safeguarding email by up to that long. So the
worker waits long, and whoever queues a task wakes it:

- on PostgreSQL, queuing a task sends ``NOTIFY streamwise_tasks`` in the same transaction
  (PostgreSQL delivers it at commit, and not at all on rollback); each worker holds one extra
  connection that ``LISTEN``s and sleeps in ``select()`` until a notification or its time out;
- on SQLite (the demo: web server and worker on one machine, one database file), queuing a
  task touches a file beside the database once the transaction commits; the worker looks at
  that file's modification time four times a second, which costs next to nothing;
- anywhere else (or if the listening connection is lost) the worker falls back to sleeping
  the short interval, as django-tasks-db does.

The long wait never delays a task queued to run later (an escalation check, an email retry):
the worker wakes in time for the earliest such task (see ``safeguarding.worker``). The poll
on time out stays as a safety net for anything queued by other means.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from pathlib import Path

from django.db import connections, transaction
from django.db.models.signals import post_save
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("streamwise.safeguarding")

CHANNEL = "streamwise_tasks"
# How often the SQLite waiter looks at the wake file.
FILE_CHECK_SECONDS = 0.25


def wake_file(alias: str = "default") -> Path | None:
    """The file that wakes workers of a file-based SQLite database (None: not one)."""
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(f"{name}-tasks-wake")


def workers_wake(alias: str = "default") -> None:
    """Tell idle workers that a task is ready. On PostgreSQL inside a transaction, the
    notification goes out only if (and when) that transaction commits."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [CHANNEL])
        return
    path = wake_file(alias)
    if path is not None:
        transaction.on_commit(lambda: _touch(path), using=alias)


def _touch(path: Path) -> None:
    try:
        path.touch()
        os.utime(path)
    except OSError as error:  # the worker's poll still finds the task, only later
        logger.warning("Could not wake the task workers (%s)", type(error).__name__)


def _task_saved(sender, instance, created, update_fields=None, **kwargs):
    """A task queued, or handed back to the queue: wake the workers."""
    from django_tasks_db.compat import TaskResultStatus

    if instance.status == TaskResultStatus.READY:
        workers_wake(kwargs.get("using") or "default")


def connect_signals() -> None:
    post_save.connect(_task_saved, sender=DBTaskResult, dispatch_uid="streamwise-task-wake")


# --- The worker's side ------------------------------------------------------------------------


class SleepWaiter:
    """No wake-up available: sleep the whole time."""

    kind = "none"

    def wait(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def close(self) -> None:
        pass


class FileWaiter:
    """SQLite: wake when the wake file's modification time changes."""

    kind = "file"

    def __init__(self, path: Path):
        self.path = path
        self._seen = self._stamp()

    def _stamp(self) -> int:
        try:
            return self.path.stat().st_mtime_ns
        except OSError:
            return 0

    def wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            stamp = self._stamp()
            if stamp != self._seen:
                self._seen = stamp
                return
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(FILE_CHECK_SECONDS, left))

    def close(self) -> None:
        pass


class PostgresWaiter:
    """PostgreSQL: LISTEN on its own connection, wake on a NOTIFY. If that connection is lost,
    sleep `fallback` seconds at a time until it is back."""

    kind = "listen"

    def __init__(self, alias: str, fallback: float):
        self.alias = alias
        self.fallback = fallback
        self._conn = None

    def _connect(self) -> None:
        wrapper = connections[self.alias]
        conn = wrapper.get_new_connection(wrapper.get_connection_params())
        conn.autocommit = True
        conn.execute(f"LISTEN {CHANNEL}")
        self._conn = conn

    def wait(self, seconds: float) -> None:
        if self._conn is None:
            try:
                self._connect()
            except Exception as error:
                logger.warning("Task worker cannot LISTEN (%s); polling", type(error).__name__)
                time.sleep(min(self.fallback, max(seconds, 0)))
                return
            # Freshly listening: anything queued while not listening is found by the next poll.
            return
        try:
            self._wait_for_notify(seconds)
        except Exception as error:
            logger.warning("Task worker lost its LISTEN connection (%s)", type(error).__name__)
            self.close()

    def _wait_for_notify(self, seconds: float) -> None:
        if seconds <= 0:
            return
        # Returns on the first notification (or several that came together), or on time out.
        # One that arrived while the worker was busy is returned at once: one extra poll.
        for _notify in self._conn.notifies(timeout=seconds, stop_after=1):
            pass

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None


def waiter_for(alias: str, fallback: float):
    """The best way to wait for tasks on this database."""
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        return PostgresWaiter(alias, fallback)
    path = wake_file(alias)
    if path is not None:
        return FileWaiter(path)
    return SleepWaiter()
