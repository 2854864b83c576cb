"""An idle `safeguarding_worker` with a long poll interval still starts work at once, through the
real components (aiosmtpd, the worker process; PostgreSQL LISTEN/NOTIFY or SQLite's wake file):

- a concern raised while the worker waits has its email at the DSL in well under the interval;
- a task queued to run a few seconds later runs on time, not at the next poll;
- several tasks queued together are all done after one wake-up.
"""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from safeguarding.models import WorkerHeartbeat
from safeguarding.services import concern_raise

from .realmail import ROOT, SMTPSink, database_url, wait_for
from .wake_tasks import note_when_run

pytestmark = pytest.mark.django_db(transaction=True)

POLL = 60  # seconds: no test here may pass by polling


@pytest.fixture
def sink():
    server = SMTPSink()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def idle_worker(tmp_path, sink):
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.safeguarding.worker_settings",
        "DATABASE_URL": database_url(),
        "EMAIL_MODE": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "PYTHONUNBUFFERED": "1",
    }
    argv = [sys.executable, "manage.py", "safeguarding_worker", "--queue-name", "default"]
    argv += ["--interval", str(POLL), "--no-startup-delay", "--no-reload"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=log)

    def logs():
        return log_path.read_text(errors="replace")

    wait_for(WorkerHeartbeat.objects.exists, what="the worker to start", logs=logs)
    kind = "listen" if connection.vendor == "postgresql" else "file"
    wait_for(lambda: f"waits for tasks by {kind}" in logs(), what="the wake-up", logs=logs)
    time.sleep(1.5)  # it has looked at the empty queue and is waiting now
    yield logs
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def test_a_concern_raised_while_the_worker_idles_is_emailed_at_once(
    sink, idle_worker, teacher, pupil, dsl
):
    raised = time.monotonic()
    concern_raise(raised_by=teacher, pupil=pupil, what_happened="Someone online asked for a photo.")
    wait_for(
        lambda: dsl.email in sink.received_by(), timeout=POLL, what="the email", logs=idle_worker
    )
    assert time.monotonic() - raised < 5, idle_worker()


def test_a_task_queued_for_later_runs_on_time_not_at_the_next_poll(idle_worker, tmp_path):
    marker = tmp_path / "ran"
    due = time.time() + 3
    note_when_run.using(run_after=timezone.now() + timedelta(seconds=3)).enqueue(str(marker))
    wait_for(marker.exists, timeout=POLL, what="the task queued for later", logs=idle_worker)
    ran_at = float(marker.read_text())
    assert due - 0.5 <= ran_at < due + 3, idle_worker()


def test_tasks_queued_together_are_all_done_after_one_wake_up(idle_worker, tmp_path):
    markers = [tmp_path / f"ran-{n}" for n in range(3)]
    queued = time.monotonic()
    for marker in markers:
        note_when_run.enqueue(str(marker))
    wait_for(
        lambda: all(m.exists() for m in markers), timeout=POLL, what="all three", logs=idle_worker
    )
    assert time.monotonic() - queued < 5, idle_worker()
