"""Recovering safeguarding tasks stranded by a task worker that died or lost its database.

django-tasks-db marks a task RUNNING when a worker claims it, and only that worker ever marks
it finished. A worker killed mid-task (SIGKILL, out of memory, the machine lost) leaves the row
RUNNING for ever: an escalation check that never escalates, an email never sent. So every
`safeguarding_worker` keeps a heartbeat (`WorkerHeartbeat`), and every ~15 seconds one of them
hands back to the queue each safeguarding task still RUNNING under a worker whose heartbeat
stopped more than the lease ago (STREAMWISE_WORKER_LEASE_SECONDS, 30 s by default): a task
stranded by a dead worker runs again within a minute, on any live worker.

Only safeguarding tasks are recovered, because running them again is safe: an escalation check
escalates a concern once (it re-reads the concern under a row lock), and an email's task only
sends a delivery that is still unsent. The email's claim, which would otherwise hold it for
five minutes, is released with it. (A worker killed in the instant between the mail server
accepting a message and the database recording it can therefore send that one message again:
for a safeguarding notice, twice is better than never.)
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from . import conf
from .models import Delivery, WorkerHeartbeat
from .tasks import (
    case_action_reminder,
    concern_escalation_check,
    delivery_send,
    flag_escalation_check,
)

logger = logging.getLogger("streamwise.safeguarding")

SAFEGUARDING_TASK_PATHS = tuple(
    task.module_path
    for task in (
        delivery_send,
        concern_escalation_check,
        flag_escalation_check,
        case_action_reminder,
    )
)
# A safeguarding task that failed because it lost the database is run again after this wait.
DATABASE_FAULT_RETRY = timedelta(seconds=5)
# The exceptions Django raises when the database connection itself fails.
DATABASE_FAULTS = ("django.db.utils.OperationalError", "django.db.utils.InterfaceError")
# Heartbeats of workers gone this long are deleted (their tasks were recovered long before).
HEARTBEAT_KEEP = timedelta(days=1)


def _last_worker(result: DBTaskResult) -> str:
    return result.worker_ids[-1] if result.worker_ids else ""


def _release_delivery_claim(result: DBTaskResult) -> None:
    """An email's claim belongs to the attempt that died (only the task holding the current
    token may claim a delivery): release it for the attempt that runs now. An attempt that had
    reached the mail server is never sent again all the same (see services.notifications)."""
    if result.task_path == delivery_send.module_path:
        kwargs = result.args_kwargs.get("kwargs", {})
        Delivery.objects.filter(
            pk=kwargs.get("delivery_id"), token=kwargs.get("token"), sent_at__isnull=True
        ).update(claimed_until=None)


def failed_on_database(result: DBTaskResult) -> bool:
    """A safeguarding task recorded as failed because its database connection failed mid-task
    (not because of anything in the task): it has to run again, not stay failed."""
    return (
        result.status == TaskResultStatus.FAILED
        and result.task_path in SAFEGUARDING_TASK_PATHS
        and result.exception_class_path in DATABASE_FAULTS
    )


def task_retry_after_database_fault(result: DBTaskResult) -> None:
    """Queue a task that lost its database mid-way to run again shortly."""
    with transaction.atomic():
        _release_delivery_claim(result)
        DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY,
            started_at=None,
            finished_at=None,
            exception_class_path="",
            traceback="",
            run_after=timezone.now() + DATABASE_FAULT_RETRY,
        )
    logger.warning(
        "Safeguarding task %s (%s) lost its database mid-way; it runs again shortly",
        result.pk,
        result.task_path.rsplit(".", 1)[-1],
    )


def _requeue(result: DBTaskResult) -> bool:
    """Hand one RUNNING task back to the queue; False if it finished or was taken meanwhile."""
    with transaction.atomic():
        handed_back = (
            DBTaskResult.objects.filter(
                pk=result.pk, status=result.status, started_at=result.started_at
            )
            .select_for_update()
            .first()
        )
        if handed_back is None or handed_back.worker_ids != result.worker_ids:
            return False
        _release_delivery_claim(result)
        handed_back.status = TaskResultStatus.READY
        handed_back.started_at = None
        handed_back.save(update_fields=["status", "started_at"])
    logger.warning(
        "Safeguarding task %s (%s) handed back to the queue: worker %s is gone",
        result.pk,
        result.task_path.rsplit(".", 1)[-1],
        _last_worker(result),
    )
    return True


def _running_safeguarding_tasks():
    return DBTaskResult.objects.running().filter(task_path__in=SAFEGUARDING_TASK_PATHS)


def tasks_recover_stranded(*, lease: timedelta | None = None) -> int:
    """Hand back every safeguarding task RUNNING under a worker that is gone; returns how many.

    A worker is gone when its heartbeat is older than the lease. A worker with no heartbeat at
    all (a plain `db_worker`, which keeps none) counts as gone only once its task has run for
    longer than the lease, so a live one is not interrupted by a quick recovery.
    """
    lease = lease or timedelta(seconds=conf.worker_lease_seconds())
    cutoff = timezone.now() - lease
    heartbeats = dict(WorkerHeartbeat.objects.values_list("worker_id", "seen_at"))
    count = 0
    for result in _running_safeguarding_tasks():
        worker = _last_worker(result)
        seen_at = heartbeats.get(worker)
        if seen_at is not None and seen_at >= cutoff:
            continue  # alive
        if seen_at is None and result.started_at and result.started_at >= cutoff:
            continue  # an unknown worker, still within its lease
        count += _requeue(result)
    WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - HEARTBEAT_KEEP).delete()
    return count


def tasks_release(*, worker_id: str) -> int:
    """Hand back the safeguarding tasks a live worker holds but is no longer running: called by
    the worker itself after it lost its database connection mid-task, when it could not record
    the result (the task runs again; see the module docstring for why that is safe)."""
    count = 0
    for result in _running_safeguarding_tasks():
        if _last_worker(result) == worker_id:
            count += _requeue(result)
    return count


def heartbeat_beat(*, worker_id: str, hostname: str, pid: int) -> None:
    """Record that this worker is alive."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={"hostname": hostname[:255], "pid": pid, "started_at": now, "seen_at": now},
        )


def heartbeat_stop(*, worker_id: str) -> None:
    """A worker stopping cleanly removes its heartbeat (it holds no task by then)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
