"""Benchmark: the 9 a.m. burst. A school of 300 pupils signs in at once through gunicorn.

    .venv/bin/python -m bench.signin_burst [--classes 10] [--per-class 30] [--workers 4]
        [--threads 2] [--out bench/results/signin-burst.md]

Builds a throwaway site in a temporary folder (SQLite, or DATABASE_URL if set): one school,
`--classes` classes of `--per-class` pupils, half of them 4–10s with picture passwords and half
11+ with typed passwords. Then it starts gunicorn on 127.0.0.1 (`--workers` x `--threads`) and
releases every pupil at the same instant, each with its own browser-like session, all from one
address (as a school is), as a browser with JavaScript does: open the sign-in page, send the
class code, open the names page, tap their name (which posts straight to the pictures or
password page), then send the three tapped pictures together or their password: 5 requests.
A pupil is "in" when the last step redirects to their home. Prints (and writes to `--out`)
when the last pupil got in and p50/p95/max per kind.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.lesson_page import ROOT, _environment, _free_port

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Login:
    code: str
    pupil_id: int
    kind: str  # "pictures" or "password"
    secret: str
    seconds: float = 0.0
    ok: bool = False
    requests: int = 0
    error: str = ""
    steps: list[float] = field(default_factory=list)


def build_site(classes: int, per_class: int) -> list[Login]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from schools.services import (
        NewPupil,
        pupil_create,
        pupils_bulk_create,
        school_create,
        teaching_group_create,
    )

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    school = school_create(name="Burst School", slug="burst-school")
    logins = []
    for number in range(classes):
        pictures = number < classes // 2
        year = 3 if pictures else 8
        group = teaching_group_create(school=school, name=f"Class {number}", year_group=year)
        if pictures:
            for pupil in pupils_bulk_create(
                school=school,
                pupils=[NewPupil(f"C{number} P{i}", year, group) for i in range(per_class)],
            ):
                logins.append(Login(group.code, pupil.pk, "pictures", pupil.picture_password))
        else:
            for i in range(per_class):
                made = pupil_create(
                    school=school,
                    display_name=f"C{number} P{i}",
                    year_group=year,
                    teaching_groups=[group],
                )
                logins.append(Login(group.code, made.pupil.pk, "password", made.password))
    for connection in connections.all():
        connection.close()
    return logins


def sign_in(base: str, login: Login) -> None:
    """Sign in as a browser with JavaScript does: 5 requests either way."""
    import requests
    from urllib3.util import Retry

    session = requests.Session()
    # As a browser does: a request sent on a kept-alive connection the server had just closed
    # (gunicorn closes one idle for 2 s; 300 client threads on two cores can be that slow to
    # send their next request) is sent again once, on a new connection.
    retry = Retry(total=1, connect=1, read=1, status=0, allowed_methods=None, raise_on_status=False)
    session.mount("http://", requests.adapters.HTTPAdapter(max_retries=retry))
    started = time.perf_counter()
    token = ""

    def get(path):
        nonlocal token
        login.requests += 1
        page = session.get(base + path, timeout=120)
        assert page.status_code == 200, f"{path}: {page.status_code}"
        token = CSRF.search(page.text).group(1)
        return page

    def post(path, data):
        login.requests += 1
        return session.post(
            base + path,
            data={"csrfmiddlewaretoken": token, **data},
            allow_redirects=False,
            timeout=120,
        )

    try:
        get("/login/pupil/")
        response = post("/login/pupil/", {"code": login.code})
        assert response.status_code == 302, f"code: {response.status_code}"
        get("/login/pupil/name/")
        # Tapping a name posts straight to the pictures (or password) page.
        response = post("/login/pupil/pictures/", {"pupil": str(login.pupil_id)})
        assert response.status_code == 200, f"name: {response.status_code}"
        if login.kind == "pictures":
            # The page collects the three taps and posts them together.
            response = post("/login/pupil/pictures/", {"picture": login.secret.split("-")})
        else:
            response = post("/login/pupil/pictures/", {"password": login.secret})
        assert response.status_code == 302 and response.headers["Location"].endswith("/learn/"), (
            f"secret: {response.status_code}"
        )
        login.ok = True
    except Exception as error:  # recorded in the results
        login.error = str(error)[:200]
    login.seconds = time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--per-class", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default="")
    parser.add_argument("--keep", action="store_true", help="keep the temporary site folder")
    args = parser.parse_args(argv)

    var_dir = Path(tempfile.mkdtemp(prefix="streamwise-burst-"))
    (var_dir / "static").mkdir()
    env = _environment(var_dir)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    print(f"Building the site in {var_dir} …", flush=True)
    logins = build_site(args.classes, args.per_class)

    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.wsgi:application",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--timeout",
            "60",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import requests

        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(base + "/bench/trivial/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        for _ in range(args.workers * 4):  # let every worker import and connect first
            requests.get(base + "/login/pupil/", timeout=10)

        barrier = threading.Barrier(len(logins) + 1)

        def run(login):
            barrier.wait()
            sign_in(base, login)

        threads = [threading.Thread(target=run, args=(login,)) for login in logins]
        for thread in threads:
            thread.start()
        load_before = os.getloadavg()[0]
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        everyone = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)

    failed = [login for login in logins if not login.ok]
    lines = [
        f"{len(logins)} pupils ({args.classes} classes of {args.per_class}, half pictures, half "
        f"passwords) signing in at once from one address; gunicorn {args.workers} workers x "
        f"{args.threads} threads, {'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'}, "
        f"{os.cpu_count()} cores, load average {load_before:.1f} at the start.",
        "",
        f"Everyone in after **{everyone:.1f} s** "
        f"({sum(login.requests for login in logins)} requests); failures: {len(failed)}.",
        "",
        "| kind | pupils | p50 s | p95 s | max s | requests each |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for kind in ("pictures", "password"):
        times = [login.seconds for login in logins if login.kind == kind and login.ok]
        each = {login.requests for login in logins if login.kind == kind}
        if times:
            lines.append(
                f"| {kind} | {len(times)} | {percentile(times, 50):.1f} | "
                f"{percentile(times, 95):.1f} | {max(times):.1f} | {'/'.join(map(str, each))} |"
            )
    for login in failed[:5]:
        lines.append(f"\nfailed: {login.kind} pupil {login.pupil_id}: {login.error}")
    report = "\n".join(lines)
    print(report)
    if args.out:
        Path(args.out).write_text("# Sign-in burst\n\n" + report + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
