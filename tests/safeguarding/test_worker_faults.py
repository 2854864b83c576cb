"""The task worker against faults, with the real components: `manage.py safeguarding_worker`
processes, an aiosmtpd server, and the database of the run (PostgreSQL where it matters).

- Its database connection terminated again and again mid-run: it reconnects and goes on.
- Killed (SIGKILL) in the middle of sending an email or of an escalation check: another
  worker finishes that task within a minute.
- `scripts/run-worker` starts a worker again when its process dies.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from safeguarding.models import Concern, Delivery, WorkerHeartbeat
from safeguarding.tasks import concern_escalation_check, delivery_send

from .realmail import ROOT, SMTPSink, database_url, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="terminating a backend and holding a row lock are PostgreSQL's",
)


class SlowSMTPSink(SMTPSink):
    """A mail server that can hold every sender at RCPT for `hold` seconds (before any message
    is handed over), so a worker can be caught in the middle of sending."""

    hold = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(self.hold)
        envelope.rcpt_tos.append(address)
        return "250 OK"


class Pool:
    """Real worker processes (or `scripts/run-worker`), every one stopped at the end."""

    def __init__(self, log_dir, smtp_port):
        self.log_dir, self.smtp_port = log_dir, smtp_port
        self.processes: list[subprocess.Popen] = []

    def env(self) -> dict:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.safeguarding.worker_settings",
            "DATABASE_URL": database_url(),
            "EMAIL_MODE": "smtp",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "PYTHONUNBUFFERED": "1",
        }

    def start(
        self, *, worker_id: str = "", script: bool = False, escalate_now: bool = False
    ) -> subprocess.Popen:
        options = ["--queue-name", "default", "--interval", "0.2", "--no-startup-delay"]
        options += ["--no-reload"] + (["--worker-id", worker_id] if worker_id else [])
        env = self.env()
        if escalate_now:
            # Concerns escalate at once (0 minutes, below what the system checks allow a site).
            env["STREAMWISE_ESCALATE_AFTER_MINUTES"] = "0"
            options.append("--skip-checks")
        if script:
            argv = [str(ROOT / "scripts" / "run-worker"), sys.executable, *options]
        else:
            argv = [sys.executable, "manage.py", "safeguarding_worker", *options]
        log = open(self.log_dir / f"worker-{len(self.processes)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=log)
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)


@pytest.fixture
def sink():
    server = SlowSMTPSink()
    server.start()
    yield server
    server.hold = 0
    server.stop()


@pytest.fixture
def pool(tmp_path, sink):
    workers = Pool(tmp_path, sink.port)
    yield workers
    workers.stop_all()


def sent_count() -> int:
    return Delivery.objects.filter(sent_at__isnull=False).count()


def task_row(task) -> DBTaskResult | None:
    return DBTaskResult.objects.filter(task_path=task.module_path).order_by("enqueued_at").first()


def terminate_other_backends() -> int:
    """pg_terminate_backend for every connection to the test database but this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


# --- A lost database connection ---------------------------------------------------------------


@postgresql_only
def test_the_worker_keeps_working_when_its_database_connections_are_terminated(
    sink, pool, raise_concern, dsl, deputy
):
    worker = pool.start()
    raise_concern()
    wait_for(lambda: sent_count() == 2, what="the first emails", logs=pool.logs)

    # Mail is slow, so the worker is caught between claiming, sending and recording.
    sink.hold = 0.3
    terminated, raised = 0, 1
    while raised < 7 or (terminated < 6 and raised < 30):
        raise_concern()
        raised += 1
        time.sleep(0.4)
        terminated += terminate_other_backends()
    assert terminated >= 6
    sink.hold = 0

    wait_for(lambda: sent_count() == 2 * raised, timeout=90, what="every email", logs=pool.logs)
    assert worker.poll() is None, pool.logs()
    assert "lost its database" in pool.logs() or "heartbeat failed" in pool.logs()
    received = sink.received_by()
    assert received[dsl.email] >= raised and received[deputy.email] >= raised
    # And it keeps going afterwards.
    raise_concern()
    wait_for(
        lambda: sent_count() == 2 * raised + 2, what="a later concern's emails", logs=pool.logs
    )
    assert worker.poll() is None


# --- A worker killed mid-task -----------------------------------------------------------------


def test_an_email_stranded_by_a_killed_worker_is_sent_by_another_within_a_minute(
    sink, pool, raise_concern, dsl
):
    sink.hold = 120  # the first worker will still be sending when it is killed
    first = pool.start(worker_id="first")
    raise_concern()
    wait_for(
        lambda: Delivery.objects.filter(attempts=1).exists(),
        what="the first worker to start sending",
        logs=pool.logs,
    )
    time.sleep(0.5)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = time.monotonic()
    row = task_row(delivery_send)
    assert row.status == TaskResultStatus.RUNNING and row.worker_ids == ["first"]

    sink.hold = 0
    pool.start(worker_id="second")
    wait_for(lambda: sent_count() == 1, timeout=60, what="the stranded email", logs=pool.logs)
    assert time.monotonic() - killed_at < 60
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL and row.worker_ids == ["first", "second"]
    assert sink.received_by() == {dsl.email: 1}


@postgresql_only
def test_an_escalation_stranded_by_a_killed_worker_escalates_within_a_minute(
    sink, pool, raise_concern, dsl, settings
):
    settings.STREAMWISE_ESCALATE_AFTER_MINUTES = 0  # its escalation check is due at once
    concern = raise_concern()
    # Only the escalation check matters here (an email's task would wait on the row too).
    DBTaskResult.objects.filter(task_path=delivery_send.module_path).delete()

    # Hold the concern's row, so the worker is caught inside the escalation check.
    with psycopg.connect(database_url()) as blocker:
        blocker.execute(
            "SELECT id FROM safeguarding_concern WHERE id = %s FOR UPDATE", [concern.pk]
        )
        first = pool.start(worker_id="first", escalate_now=True)
        wait_for(
            lambda: task_row(concern_escalation_check).status == TaskResultStatus.RUNNING,
            what="the escalation check to start",
            logs=pool.logs,
        )
        time.sleep(0.5)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        blocker.rollback()
    killed_at = time.monotonic()
    concern.refresh_from_db()
    assert concern.escalated_at is None

    pool.start(worker_id="second", escalate_now=True)
    wait_for(
        lambda: Concern.objects.get(pk=concern.pk).escalated_at is not None,
        timeout=60,
        what="the stranded escalation",
        logs=pool.logs,
    )
    assert time.monotonic() - killed_at < 60
    row = task_row(concern_escalation_check)
    assert row.status == TaskResultStatus.SUCCESSFUL and row.worker_ids == ["first", "second"]


# --- The script that keeps a worker running -------------------------------------------------


def test_run_worker_starts_a_killed_worker_again(sink, pool, raise_concern, dsl):
    script = pool.start(script=True)
    wait_for(lambda: WorkerHeartbeat.objects.exists(), what="a worker's heartbeat", logs=pool.logs)
    first = WorkerHeartbeat.objects.get()
    os.kill(first.pid, signal.SIGKILL)

    wait_for(
        lambda: WorkerHeartbeat.objects.exclude(pid=first.pid).exists(),
        timeout=30,
        what="a new worker",
        logs=pool.logs,
    )
    assert script.poll() is None
    raise_concern()
    wait_for(lambda: sent_count() == 1, what="the new worker to send", logs=pool.logs)

    second = WorkerHeartbeat.objects.exclude(pid=first.pid).get()
    script.terminate()
    script.wait(timeout=20)
    with pytest.raises(ProcessLookupError):
        for _ in range(50):
            os.kill(second.pid, 0)  # gone once the script has stopped it
            time.sleep(0.1)


def test_recovery_leaves_a_live_workers_task_alone(dsl, raise_concern):
    from django.utils import timezone

    from safeguarding.recovery import tasks_recover_stranded

    raise_concern()
    row = task_row(delivery_send)
    row.claim("alive")
    WorkerHeartbeat.objects.create(
        worker_id="alive", started_at=timezone.now(), seen_at=timezone.now()
    )
    assert tasks_recover_stranded(lease=timedelta(seconds=30)) == 0
    WorkerHeartbeat.objects.filter(worker_id="alive").update(
        seen_at=timezone.now() - timedelta(seconds=31)
    )
    assert tasks_recover_stranded(lease=timedelta(seconds=30)) == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY
    assert str(uuid.UUID(row.args_kwargs["kwargs"]["token"]))


def test_a_task_that_lost_its_database_mid_way_runs_again(dsl, raise_concern):
    """A connection terminated inside a task makes the worker record it as failed; for a
    safeguarding task that is the database's fault, so it goes back on the queue (claim
    released) instead of leaving the email unsent."""
    from django.db import OperationalError
    from django.utils import timezone

    from safeguarding.recovery import failed_on_database, task_retry_after_database_fault

    raise_concern()
    row = task_row(delivery_send)
    row.claim("worker")
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_until=timezone.now() + timedelta(minutes=5), attempts=1
    )
    row.set_failed(OperationalError("terminating connection due to administrator command"))
    assert failed_on_database(row)
    task_retry_after_database_fault(row)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY and row.exception_class_path == ""
    assert row.run_after > timezone.now()
    delivery.refresh_from_db()
    assert delivery.claimed_until is None and delivery.sent_at is None

    # A task that failed for a reason of its own stays failed.
    row.claim("worker")
    row.set_failed(ValueError("a bug"))
    assert not failed_on_database(row)
