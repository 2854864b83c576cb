"""Benchmark: what an idle task worker costs, and how fast a concern's email still goes out.

    .venv/bin/python -m bench.idle_worker [--seconds 60] [--concerns 5]
        [--database-url postgres://postgres@127.0.0.1:5432/sw_idle_bench]
        [--out bench/results/idle-worker.md] [-- WORKER OPTIONS…]

Builds a throwaway PostgreSQL database (dropped at the end): one school, a teacher, a DSL and a
pupil. Starts a real aiosmtpd sink and one real `manage.py safeguarding_worker` exactly as
`scripts/serve-prod` does (options after `--` are passed on, e.g. `-- --interval 1`). Once it
has started (its first heartbeat) and settled, it samples, over `--seconds` of idleness, the
CPU time of the worker process and of its PostgreSQL backends, as a percentage of one core.
Then it raises
`--concerns` concerns, a few idle seconds apart, and times each from `concern_raise` returning
to the DSL's email arriving at the sink.
"""

from __future__ import annotations

import argparse
import contextlib
import email
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from email import policy
from pathlib import Path
from urllib.parse import urlparse

from bench.lesson_page import ROOT, _environment, _free_port


class Sink:
    """An aiosmtpd server on 127.0.0.1 noting when each message arrived."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.port = _free_port()
        self.arrived: list[tuple[float, list[str], str]] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.arrived.append(
                (time.monotonic(), list(envelope.rcpt_tos), str(message["subject"]))
            )
        return "250 OK: queued"

    def start(self):
        self._controller.start()

    def stop(self):
        self._controller.stop()


def _admin_execute(url: str, sql: str) -> None:
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(url.replace(parsed.path, "/postgres"), autocommit=True) as conn:
        conn.execute(sql)


def build_site():
    """Migrate the empty database and make a school with a DSL, a teacher and a pupil."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from schools.models import StaffRole
    from schools.services import (
        pupil_create,
        school_create,
        staff_role_grant,
        teaching_group_create,
    )

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.contrib.auth import get_user_model

    school = school_create(name="Idle School", slug="idle-school")
    users = {}
    for role, address in ((StaffRole.DSL, "dsl"), (StaffRole.TEACHER, "teacher")):
        user = get_user_model().objects.create(
            username=f"{address}@idle.example", email=f"{address}@idle.example"
        )
        staff_role_grant(user=user, school=school, role=role)
        users[address] = user
    group = teaching_group_create(
        school=school, name="Kestrels", year_group=4, teachers=[users["teacher"]]
    )
    pupil = pupil_create(
        school=school, display_name="Isla", year_group=4, teaching_groups=[group]
    ).pupil
    for connection in connections.all():
        connection.close()
    return users, pupil


def _cpu(process) -> float | None:
    import psutil

    try:
        times = process.cpu_times()
    except psutil.NoSuchProcess:
        return None
    return times.user + times.system


def _worker_backends(worker) -> list:
    """The PostgreSQL server processes serving the worker's connections (matched on the
    worker's local TCP ports, which PostgreSQL reports as client_port)."""
    import psutil
    from django.db import connection

    ports = [c.laddr.port for c in worker.net_connections(kind="tcp") if c.raddr]
    if not ports:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE client_port = ANY(%s)", [ports])
        pids = [row[0] for row in cursor.fetchall()]
    found = []
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            found.append(psutil.Process(pid))
    return found


def measure_idle(worker: subprocess.Popen, seconds: float) -> dict[str, float]:
    """CPU of the worker, and of its PostgreSQL backends (looked up every second: a worker may
    reconnect; a backend's CPU between its last sample and its exit is missed)."""
    import psutil

    process = psutil.Process(worker.pid)
    worker_start = _cpu(process)
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    for backend in _worker_backends(process):
        used = _cpu(backend)
        if used is not None:
            first[backend.pid] = last[backend.pid] = used
    wall_start = time.monotonic()
    while time.monotonic() - wall_start < seconds:
        time.sleep(1.0)
        for backend in _worker_backends(process):
            used = _cpu(backend)
            if used is not None:
                first.setdefault(backend.pid, 0.0)
                last[backend.pid] = used
    wall = time.monotonic() - wall_start
    worker_total = _cpu(process)
    worker_used = worker_total - worker_start
    # What `ps -o %cpu` shows: CPU time since start over time since start, start-up included.
    lifetime = 100 * worker_total / (time.time() - process.create_time())
    backends_used = sum(last[pid] - first[pid] for pid in last)
    return {
        "worker": 100 * worker_used / wall,
        "backends": 100 * backends_used / wall,
        "backend_count": len(last),
        "lifetime": lifetime,
        "wall": wall,
    }


def time_concerns(sink: Sink, users, pupil, count: int, seed: int) -> list[float]:
    """Raise `count` concerns, each after some idle seconds; seconds until the DSL's email."""
    from django.db import connections

    from safeguarding.services import concern_raise

    rng = random.Random(seed)
    dsl = users["dsl"].email
    timings = []
    for _ in range(count):
        time.sleep(rng.uniform(2.0, 6.0))  # the worker is idle again, somewhere in its wait
        before = sum(1 for _, to, _ in sink.arrived if dsl in to)
        concern_raise(
            raised_by=users["teacher"],
            pupil=pupil,
            what_happened="A stranger online asked her to keep a secret.",
        )
        raised = time.monotonic()
        deadline = raised + 60
        while time.monotonic() < deadline:
            arrivals = [at for at, to, _ in sink.arrived if dsl in to]
            if len(arrivals) > before:
                timings.append(arrivals[before] - raised)
                break
            time.sleep(0.01)
        else:
            timings.append(float("inf"))
        connections.close_all()
    return timings


def _wait_until_idle(worker: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until the worker has started and recorded its first heartbeat."""
    from django.db import connections

    from safeguarding.models import WorkerHeartbeat

    deadline = time.monotonic() + timeout
    while not WorkerHeartbeat.objects.exists():
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited: {worker.stderr.read()[-2000:]}")
        if time.monotonic() > deadline:
            raise RuntimeError("the worker did not start")
        time.sleep(0.5)
    connections.close_all()


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    worker_options = []
    if "--" in argv:
        worker_options = argv[argv.index("--") + 1 :]
        argv = argv[: argv.index("--")]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--settle", type=float, default=10, help="seconds after its first heartbeat"
    )
    parser.add_argument("--concerns", type=int, default=5)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/sw_idle_bench"
    )
    parser.add_argument("--label", default="", help="a name for this run in the results")
    parser.add_argument(
        "--worker-root",
        default=str(ROOT),
        help="run the worker from this checkout (e.g. the main branch, for a 'before' figure)",
    )
    parser.add_argument("--out", default="")
    args = parser.parse_args(argv)

    db_name = urlparse(args.database_url).path.lstrip("/")
    _admin_execute(args.database_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    _admin_execute(args.database_url, f'CREATE DATABASE "{db_name}"')
    var_dir = Path(tempfile.mkdtemp(prefix="streamwise-idle-"))
    sink = Sink()
    sink.start()
    env = _environment(var_dir)
    env.update(
        DATABASE_URL=args.database_url,
        EMAIL_MODE="smtp",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
        STREAMWISE_SITE_URL="https://streamwise.example",
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    users, pupil = build_site()

    command = [sys.executable, "manage.py", "safeguarding_worker", "--queue-name", "default"]
    command += ["--no-reload", *worker_options]
    worker = subprocess.Popen(
        command,
        cwd=args.worker_root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        print(f"Worker started: {' '.join(command[1:])}", flush=True)
        _wait_until_idle(worker)
        # Its start-up (imports, first connections) is over: now it only waits.
        time.sleep(args.settle)
        load_before = os.getloadavg()
        print(f"Sampling idle CPU for {args.seconds:.0f} s …", flush=True)
        idle = measure_idle(worker, args.seconds)
        load_after = os.getloadavg()
        print(f"Raising {args.concerns} concerns …", flush=True)
        timings = time_concerns(sink, users, pupil, args.concerns, seed=16)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        sink.stop()
        from django.db import connections

        connections.close_all()
        _admin_execute(args.database_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        shutil.rmtree(var_dir, ignore_errors=True)

    options = " ".join(worker_options) or "(defaults)"
    if Path(args.worker_root).resolve() != ROOT:
        options += f" (worker code from {args.worker_root})"
    shown = ", ".join(f"{t:.2f}" for t in timings)
    lines = [
        f"### {args.label or 'Run'} — worker options: {options}",
        "",
        f"- Idle CPU over {idle['wall']:.0f} s: worker process **{idle['worker']:.2f} %** of a "
        f"core; the {idle['backend_count']} PostgreSQL backend(s) it used {idle['backends']:.2f} %"
        f" (`ps -o %cpu` at the end, start-up averaged in: {idle['lifetime']:.1f} %)",
        f"- Concern submitted → DSL's email at the SMTP sink, {len(timings)} concerns: "
        f"{shown} s (max **{max(timings):.2f} s**)",
        f"- Load average (1/5/15 min) before sampling {load_before[0]:.2f}/{load_before[1]:.2f}/"
        f"{load_before[2]:.2f}, after {load_after[0]:.2f}/{load_after[1]:.2f}/"
        f"{load_after[2]:.2f} on {os.cpu_count()} cores",
        "",
    ]
    print("\n".join(lines))
    if args.out:
        with open(args.out, "a") as out:
            out.write("\n".join(lines) + "\n")
    return 0 if max(timings) < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
