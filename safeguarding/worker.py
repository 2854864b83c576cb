"""A task worker that survives losing its database, and recovers work other workers stranded.

django-tasks-db's `db_worker` ends the process on any database error outside a task (for
instance its backend terminated while it commits the claim of a task), and a task whose result
cannot be recorded leaves its row RUNNING. `safeguarding_worker` runs the same worker loop,
with three additions:

- a lost connection is closed and reopened, with a back-off (1 s doubling to 30 s), and the
  loop goes on; a safeguarding task it could not record is handed back to the queue;
- a heartbeat thread records every few seconds that this worker is alive;
- the same thread, every ~15 seconds, hands back safeguarding tasks stranded by workers that
  are gone (see `safeguarding.recovery`).

The scripts that serve the site also start a worker again whenever its process exits.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time

from django.db import DatabaseError, close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Worker

from . import conf, recovery

logger = logging.getLogger("streamwise.safeguarding")

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
# A worker that has run this long since its last database fault starts its back-off afresh.
BACKOFF_RESET_AFTER = 60.0


def _close_connections() -> None:
    """Drop this thread's database connections, however broken, so the next query reconnects."""
    for connection in connections.all(initialized_only=True):
        # A dead connection may fail to close; it is dropped all the same.
        with contextlib.suppress(Exception):
            connection.close()
        # Django keeps a failed connection object around; forget it so the next use connects.
        connection.connection = None


class ResilientWorker(Worker):
    """django-tasks-db's Worker, kept alive through database faults (see the module doc)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._stop_heartbeat = threading.Event()
        self._lost_task = False

    # --- The worker loop, restarted after a database fault ------------------------------------

    def run(self) -> None:
        heartbeat = threading.Thread(target=self._heartbeat_loop, name="heartbeat", daemon=True)
        heartbeat.start()
        delay, last_fault = BACKOFF_FIRST, 0.0
        try:
            while self.running:
                try:
                    if self._lost_task:
                        recovery.tasks_release(worker_id=self.worker_id)
                        self._lost_task = False
                    super().run()
                    return
                except DatabaseError as error:
                    if time.monotonic() - last_fault > BACKOFF_RESET_AFTER:
                        delay = BACKOFF_FIRST
                    last_fault = time.monotonic()
                    logger.warning(
                        "Task worker %s lost its database (%s); reconnecting in %.0f s",
                        self.worker_id,
                        type(error).__name__,
                        delay,
                    )
                    _close_connections()
                    # The claim of a task may have been committed before the connection broke.
                    self._lost_task = True
                    time.sleep(delay)
                    delay = min(delay * 2, BACKOFF_MAX)
        finally:
            self._stop_heartbeat.set()
            heartbeat.join(timeout=5)

    def run_task(self, db_task_result) -> None:
        try:
            super().run_task(db_task_result)
        except DatabaseError:
            # The task's result could not be recorded (the connection is gone); the loop above
            # reconnects and hands the task back.
            self._lost_task = True
            raise
        if recovery.failed_on_database(db_task_result):
            # The task lost its connection mid-way and was recorded as failed: that is the
            # database's fault, not the task's. Reconnect and run it again shortly.
            _close_connections()
            recovery.task_retry_after_database_fault(db_task_result)

    # --- Heartbeat and recovery, in their own thread and database connection ------------------

    def _heartbeat_loop(self) -> None:
        hostname, pid = socket.gethostname(), os.getpid()
        next_recovery = time.monotonic()
        while not self._stop_heartbeat.is_set():
            try:
                close_old_connections()
                recovery.heartbeat_beat(worker_id=self.worker_id, hostname=hostname, pid=pid)
                if time.monotonic() >= next_recovery:
                    next_recovery = time.monotonic() + conf.worker_recovery_seconds()
                    recovery.tasks_recover_stranded()
            except Exception as error:
                logger.warning(
                    "Task worker %s: heartbeat failed (%s); trying again",
                    self.worker_id,
                    type(error).__name__,
                )
                _close_connections()
            self._stop_heartbeat.wait(conf.worker_heartbeat_seconds())
        try:
            recovery.heartbeat_stop(worker_id=self.worker_id)
        except Exception:  # noqa: S110 - its heartbeat simply goes stale instead
            pass
        finally:
            _close_connections()
