"""The fault run, short: Streamwise served as in production under a small school's load, one
web worker killed and the task worker restarted mid-run, then nothing may be missing.

Runs on PostgreSQL (the production set-up) in its own database, with `-m fault`
(`make fault`, and a step of `.ci/run`); the normal test run leaves it out. It takes about
two minutes: set-up, 60 s of load, the checks. `make load` is the full five-minute version.
"""

import os
from urllib.parse import urlsplit

import pytest

from bench.load.run import DEFAULT_SERVER, LoadConfig, run

pytestmark = pytest.mark.fault


def database_server() -> str:
    """The PostgreSQL server of DATABASE_URL (the CI's), else LOAD_DATABASE_SERVER or local."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"
    return os.environ.get("LOAD_DATABASE_SERVER", DEFAULT_SERVER)


def test_killing_a_web_worker_and_restarting_the_task_worker_loses_nothing(tmp_path):
    config = LoadConfig(
        duration=int(os.environ.get("FAULT_RUN_SECONDS", "60")),
        pupils=30,
        classes=3,
        teachers=2,
        leads=1,
        spawn_rate=10,
        think_min=1,
        think_max=3,
        talk_share=0.25,
        web_workers=2,
        web_threads=2,
        task_workers=2,
        results=tmp_path,
        name="fault",
        database_server=database_server(),
        notification_wait=60,
        collect_static=False,
    )

    result = run(config)

    summary = result.summary_path.read_text()
    assert [fault.what.split()[0:2] for fault in result.faults] == [
        ["killed", "gunicorn"],
        ["task", "worker"],
    ], summary
    assert "NO replacement" not in result.faults[0].what
    checks = {check["name"]: check for check in result.verification["checks"]}
    failed = {name: check["problems"] for name, check in checks.items() if not check["ok"]}
    assert result.ok, failed
    # The run did what it is meant to prove something about.
    for name in (
        "progress",
        "activity answers",
        "quiz answers",
        "quiz attempts",
        "concerns",
        "DSL notes",
        "notifications",
    ):
        assert checks[name]["acknowledged"] > 0, f"no {name} were written\n{summary}"
    assert result.verification["counts"]["server_errors"] == 0, summary
