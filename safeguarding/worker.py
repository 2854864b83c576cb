"""A task worker that survives losing its database, and recovers work other workers stranded.

django-tasks-db's `db_worker` ends the process on any database error outside a task (for
instance its backend terminated while it commits the claim of a task), and a task whose result
cannot be recorded leaves its row RUNNING. `safeguarding_worker` runs the same worker loop,
with four additions:

- a lost connection is closed and reopened, with a back-off (1 s doubling to 30 s), and the
  loop goes on; a safeguarding task it could not record is handed back to the queue;
- a heartbeat thread records every few seconds that this worker is alive;
- the same thread, every ~15 seconds, hands back safeguarding tasks stranded by workers that
  are gone (see `safeguarding.recovery`);
- when there is nothing to do it waits for a wake-up (PostgreSQL LISTEN/NOTIFY, or a file
  beside an SQLite database; see `safeguarding.wakeup`) or for the earliest task queued to run
  later, polling only every STREAMWISE_WORKER_IDLE_POLL_SECONDS as a safety net, so an idle
  worker costs next to nothing and a new task still starts at once.

The scripts that serve the site also start a worker again whenever its process exits.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import socket
import threading
import time

from django.db import DatabaseError, OperationalError, close_old_connections, connections, router
from django.db.models import Min
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from . import conf, recovery, wakeup

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

    def __init__(self, *, interval: float | None = None, **kwargs):
        # interval None: poll rarely if this database can wake the worker, else every second.
        self._interval_given = interval
        super().__init__(interval=1.0 if interval is None else interval, **kwargs)
        self._stop_heartbeat = threading.Event()
        self._lost_task = False
        self._waiter = wakeup.SleepWaiter()

    # --- The worker loop, restarted after a database fault ------------------------------------

    def run(self) -> None:
        heartbeat = threading.Thread(target=self._heartbeat_loop, name="heartbeat", daemon=True)
        heartbeat.start()
        self._waiter = wakeup.waiter_for(router.db_for_write(DBTaskResult), fallback=1.0)
        if self._interval_given is None and self._waiter.kind != "none":
            self.interval = conf.worker_idle_poll_seconds()
        logger.info(
            "Task worker %s: waits for tasks by %s, polling every %s s",
            self.worker_id,
            self._waiter.kind,
            self.interval,
        )
        delay, last_fault = BACKOFF_FIRST, 0.0
        try:
            while self.running:
                try:
                    if self._lost_task:
                        recovery.tasks_release(worker_id=self.worker_id)
                        self._lost_task = False
                    self._work()
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
            self._waiter.close()
            self._stop_heartbeat.set()
            heartbeat.join(timeout=5)

    def _work(self) -> None:
        """The worker loop: claim and run ready tasks; when there are none, wait for a wake-up,
        the next task queued for later, or the poll interval, whichever comes first."""
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - spreads workers started together
            self.startup_delay = False
        while self.running:
            close_old_connections()
            task_result, looked = self._claim_next()
            if task_result is not None:
                self.run_task(task_result)
            elif self.batch and looked:
                logger.info("Task worker %s: no more tasks; exiting", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Task worker %s ran %d tasks; exiting", self.worker_id, self.max_tasks)
                return
            close_old_connections()
            if self.running and task_result is None:
                self._waiter.wait(self._idle_wait() if looked else self.interval)

    def _queue(self, tasks):
        tasks = tasks.filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        return tasks

    def _claim_next(self) -> tuple[DBTaskResult | None, bool]:
        """Claim the next ready task, if any; also whether the queue could be looked at (a busy
        SQLite database is not an error: it is looked at again after a wait)."""
        tasks = self._queue(DBTaskResult.objects.ready())
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                return None, False
        return task_result, True

    def _idle_wait(self) -> float:
        """Seconds to wait: the poll interval, or less if a task is queued to run sooner."""
        next_at = (
            self._queue(DBTaskResult.objects.filter(status=TaskResultStatus.READY))
            .filter(run_after__gt=timezone.now())
            .exclude(run_after=get_date_max())
            .aggregate(next_at=Min("run_after"))["next_at"]
        )
        if next_at is None:
            return self.interval
        return max(0.0, min(self.interval, (next_at - timezone.now()).total_seconds() + 0.05))

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
