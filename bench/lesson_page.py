"""Benchmark: a loaded lesson step served to logged-in pupils, through gunicorn (2 workers).

    .venv/bin/python -m bench.lesson_page [--requests 600] [--concurrency 8]

Builds a throwaway site in a temporary folder (SQLite, or DATABASE_URL if set): the real
curriculum, a school with pupils and their sessions, and a plain Wagtail rich-text page. Then it
starts gunicorn on 127.0.0.1 and, for each target, sends a fixed number of GET requests from
`--concurrency` client threads (each with its own pupil's session cookie), and prints requests
per second and p50/p95 latency:

- floor:   a trivial Django view through the same middleware and server;
- plain:   a Wagtail page with a rich-text body, rendered in the pupil layout;
- lesson:  a lesson step with activities, as a pupil with progress and stored answers.

The lesson page should stay within 2x of the plain Wagtail page (printed at the end).
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSON_MODULE = "ages-11-13"
PUPILS = 16


def _environment(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        STREAMWISE_VAR_DIR=str(var_dir),
        SECRET_KEY=secrets.token_urlsafe(48),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        STREAMWISE_PLAIN_STATIC="1",
        EMAIL_MODE="console",
        LOG_LEVEL="WARNING",
    )
    return env


@dataclass
class Site:
    lesson_path: str
    plain_path: str
    sessions: list[str]


def build_site() -> Site:
    """Create the database and content (runs in this process, before gunicorn starts)."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connections

    from bench.benchpages.models import RichTextPage
    from lessons import services
    from lessons.models import LessonLibraryPage, LessonPage, ModulePage
    from schools.services import pupil_create, school_create, teaching_group_create

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    # Curriculum lessons embed the demo H5P activities, so they are installed first.
    call_command("load_h5p_demo", verbosity=0, stdout=io.StringIO())
    call_command("load_curriculum", verbosity=0, stdout=io.StringIO())

    module = ModulePage.objects.get(slug=LESSON_MODULE)
    lesson = LessonPage.objects.child_of(module).live().first()
    activities = list(lesson.activities.values())
    step = activities[0].step

    library = LessonLibraryPage.objects.get()
    paragraphs = "".join(
        f"<p>{child.value['text'] if isinstance(child.value, dict) else child.value}</p>"
        for s in lesson.steps
        for child in s.children
        if child.block_type in ("key_message", "text")
    )
    plain = library.add_child(
        instance=RichTextPage(title="A plain page", slug="plain-page", body=paragraphs * 3)
    )
    plain.save_revision().publish()

    school = school_create(name="Bench School", slug="bench-school")
    group = teaching_group_create(school=school, name="Y7", year_group=7)
    sessions = []
    for number in range(PUPILS):
        pupil = pupil_create(
            school=school, display_name=f"Pupil {number}", year_group=7, teaching_groups=[group]
        ).pupil
        services.progress_step_reach(pupil=pupil, lesson=lesson, step=step)
        session = SessionStore()
        session[SESSION_KEY] = str(pupil.user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = pupil.user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    for connection in connections.all():
        connection.close()
    return Site(lesson_path=lesson.url + f"step/{step}/", plain_path=plain.url, sessions=sessions)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, session: str) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        response = connection.getresponse()
        response.read()
        status = response.status
    finally:
        connection.close()
    return status, time.perf_counter() - started


def _wait_until_up(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            if _get(port, "/bench/trivial/", "")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def run_target(name, port, path, sessions, *, requests, concurrency) -> Result:
    for session in sessions[:concurrency]:  # warm every worker's caches
        for _ in range(4):
            _get(port, path, session)
    per_thread = requests // concurrency
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker(index: int):
        session = sessions[index % len(sessions)]
        mine, bad = [], 0
        for _ in range(per_thread):
            status, seconds = _get(port, path, session)
            mine.append(seconds)
            bad += status != 200
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return Result(name, per_thread * concurrency, errors[0], elapsed, latencies)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=600, help="requests per target")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--keep", action="store_true", help="keep the temporary site folder")
    args = parser.parse_args(argv)

    var_dir = Path(tempfile.mkdtemp(prefix="streamwise-bench-"))
    (var_dir / "static").mkdir()
    env = _environment(var_dir)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    print(f"Building the site in {var_dir} …", flush=True)
    site = build_site()

    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_until_up(port, server)
        targets = [
            ("floor: trivial Django view", "/bench/trivial/"),
            ("plain Wagtail rich-text page", site.plain_path),
            ("lesson step (pupil)", site.lesson_path),
        ]
        print(
            f"gunicorn, 2 sync workers, 127.0.0.1:{port}; {args.concurrency} client threads, "
            f"{args.requests} requests per target; {len(site.sessions)} pupil sessions\n"
        )
        print(f"{'target':<32} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}  path")
        results = {}
        for name, path in targets:
            result = run_target(
                name,
                port,
                path,
                site.sessions,
                requests=args.requests,
                concurrency=args.concurrency,
            )
            results[name] = result
            print(
                f"{name:<32} {result.rps:>8.1f} {result.percentile(50):>8.1f} "
                f"{result.percentile(95):>8.1f} {result.errors:>7}  {path}",
                flush=True,
            )
        lesson = results["lesson step (pupil)"]
        plain = results["plain Wagtail rich-text page"]
        ratio = plain.rps / lesson.rps
        verdict = "within 2x" if ratio <= 2 else "SLOWER than 2x"
        print(f"\nlesson vs plain Wagtail page: {ratio:.2f}x the time per request ({verdict})")
        failed = any(r.errors for r in results.values())
        return 1 if failed else 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
