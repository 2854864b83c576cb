"""The load run (and its fault run): Streamwise served as in production, a school day of
simulated users against it, then a check that nothing the users saw saved was lost.

    .venv/bin/python -m bench.load.run                    # `make load`: 5 minutes, with faults
    .venv/bin/python -m bench.load.run --duration 90 --pupils 30 --teachers 2 --leads 1

Steps, all on 127.0.0.1:

1. a fresh PostgreSQL database (`streamwise_load_<pid>` on LOAD_DATABASE_SERVER, default the
   local server), migrated, with the real curriculum and the load school (`bench.load.seed`);
2. the `make serve-prod` set-up: gunicorn (`--web-workers` x `--web-threads`), `--task-workers`
   `db_worker` processes, production settings (no DEBUG), static files through whitenoise,
   emails to a file mailbox;
3. Locust, headless and bounded (`--duration`), with the users in `bench/load/locustfile.py`;
4. the faults (unless `--no-faults`): at 40% of the run one gunicorn worker is SIGKILLed (the
   master starts a new one), at 60% one task worker is stopped and a new one started;
5. `bench.load.verify`: every acknowledged write is in the database once, every concern's
   notifications are sent;
6. Locust's CSV files, a markdown summary and the servers' warning logs in `--results`
   (default `bench/results/`).

Every process is started in its own process group and killed in `finally`; the database is
dropped at the end (`--keep-database` keeps it for a look).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
SCHOOL = "load-academy"
PUPIL_PAGE_P95_TARGET_MS = 500


@dataclass
class LoadConfig:
    duration: int = 300
    pupils: int = 300
    classes: int = 10
    teachers: int = 10
    leads: int = 2
    spawn_rate: float = 2.0  # pupils arriving: 300 take 2.5 minutes, class after class
    think_min: float = 15.0
    think_max: float = 45.0
    talk_share: float = 0.05
    web_workers: int = 4
    web_threads: int = 2
    web_timeout: int = 60
    task_workers: int = 2
    faults: bool = True
    results: Path = ROOT / "bench" / "results"
    name: str = "load"
    database_server: str = DEFAULT_SERVER
    keep_database: bool = False
    notification_wait: float = 120.0
    # The clients fetch pages, not CSS or images: a short run may skip collectstatic (whitenoise
    # then serves the uncompressed files under their plain names).
    collect_static: bool = True


@dataclass
class Fault:
    at: float  # seconds since the load started
    what: str


@dataclass
class RunResult:
    config: LoadConfig
    verification: dict
    stats: list[dict]
    faults: list[Fault] = field(default_factory=list)
    cpu_cores: dict[str, float] = field(default_factory=dict)
    summary_path: Path | None = None

    @property
    def ok(self) -> bool:
        return bool(self.verification.get("ok"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin_query(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def site_environment(config: LoadConfig, *, workdir: Path, port: int, database_url: str) -> dict:
    """Production settings as `scripts/serve-prod` sets them: no DEBUG, plain HTTP on
    loopback (so no HTTPS redirect or secure-only cookies), emails to a file mailbox."""
    env = dict(os.environ)
    env.pop("DEBUG", None)
    env.update(
        DJANGO_SETTINGS_MODULE="streamwise.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(48),
        STREAMWISE_ACCESS_LOG_KEY=secrets.token_urlsafe(48),
        STREAMWISE_VAR_DIR=str(workdir),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STREAMWISE_H5P_ORIGIN=f"http://localhost:{port}",
        STREAMWISE_SITE_URL=f"http://127.0.0.1:{port}",
        WAGTAILADMIN_BASE_URL=f"http://127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        EMAIL_MODE="file",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if not config.collect_static:
        env["STREAMWISE_PLAIN_STATIC"] = "1"
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def log(message: str) -> None:
    print(f"[load] {message}", file=sys.stderr, flush=True)


def prepare_site(config: LoadConfig, env: dict, roster: Path) -> None:
    commands = [["migrate", "--noinput", "-v", "0"], ["createcachetable"]]
    if config.collect_static:
        commands.append(["collectstatic", "--noinput", "-v", "0"])
    commands += [["load_h5p_demo", "-v", "0"], ["load_curriculum", "-v", "0"]]
    for command in commands:
        started = time.monotonic()
        manage(env, *command)
        log(f"{command[0]}: {time.monotonic() - started:.0f} s")
    subprocess.run(
        [PYTHON, "-m", "bench.load.seed", "--out", str(roster)]
        + ["--classes", str(config.classes), "--pupils", str(config.pupils)]
        + ["--teachers", str(config.teachers), "--leads", str(config.leads)],
        cwd=ROOT,
        env=env,
        check=True,
    )


class Servers:
    """gunicorn and the task workers, each in its own process group."""

    def __init__(self, config: LoadConfig, env: dict, port: int, logs: Path):
        self.config, self.env, self.port, self.logs = config, env, port, logs
        self.web: subprocess.Popen | None = None
        self.task_workers: list[subprocess.Popen] = []

    def _start(self, args: list[str], log_name: str) -> subprocess.Popen:
        with (self.logs / log_name).open("ab") as log:
            return subprocess.Popen(
                args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def start(self) -> None:
        for _ in range(self.config.task_workers):
            self.start_task_worker()
        self.web = self._start(
            [str(BIN / "gunicorn"), "streamwise.wsgi:application"]
            + ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.config.web_workers)]
            + ["--threads", str(self.config.web_threads), "--timeout", str(self.config.web_timeout)]
            + ["--graceful-timeout", "10"],
            "gunicorn.log",
        )
        self.wait_until_up()

    def start_task_worker(self) -> None:
        self.task_workers.append(
            self._start(
                [PYTHON, "manage.py", "safeguarding_worker", "--queue-name", "default"],
                "db_worker.log",
            )
        )

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/login/pupil/", timeout=5)
                return
            except OSError:
                if self.web.poll() is not None:
                    raise RuntimeError("gunicorn exited; see its log") from None
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer in time")

    def web_workers(self) -> list[psutil.Process]:
        return psutil.Process(self.web.pid).children()

    def kill_web_worker(self) -> str:
        """SIGKILL one gunicorn worker, as the kernel's OOM killer would; wait for its
        replacement."""
        victim = self.web_workers()[0]
        victim.send_signal(signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pids = {worker.pid for worker in self.web_workers()}
            if victim.pid not in pids and len(pids) >= self.config.web_workers:
                return f"killed gunicorn worker {victim.pid} (SIGKILL); master started a new one"
            time.sleep(0.2)
        return f"killed gunicorn worker {victim.pid}; NO replacement within 30 s"

    def restart_task_worker(self) -> str:
        """Stop the oldest task worker as a deploy or restart would (SIGTERM, SIGKILL after
        20 s), and start a new one."""
        old = self.task_workers.pop(0)
        old.send_signal(signal.SIGTERM)
        try:
            old.wait(timeout=20)
            how = "stopped (SIGTERM)"
        except subprocess.TimeoutExpired:
            os.killpg(old.pid, signal.SIGKILL)
            old.wait()
            how = "killed (SIGKILL after 20 s)"
        self.start_task_worker()
        return f"task worker {old.pid} {how}; started task worker {self.task_workers[-1].pid}"

    def stop(self) -> None:
        for process in [self.web, *self.task_workers]:
            if process is not None and process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=15)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    _kill_group(process)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    process.wait()


def run_locust(
    config: LoadConfig, env: dict, *, port: int, roster: Path, acks: Path, csv_prefix: Path
):
    users = config.pupils + config.teachers + config.leads
    locust_env = env | {
        "LOAD_ROSTER": str(roster),
        "LOAD_ACKS": str(acks),
        "LOAD_THINK_MIN": str(config.think_min),
        "LOAD_THINK_MAX": str(config.think_max),
        "LOAD_TALK_SHARE": str(config.talk_share),
        "LOAD_TEACHERS": str(config.teachers),
        "LOAD_LEADS": str(config.leads),
    }
    return subprocess.Popen(
        [str(BIN / "locust"), "-f", str(ROOT / "bench/load/locustfile.py"), "--headless"]
        + ["--users", str(users), "--spawn-rate", str(config.spawn_rate)]
        + ["--run-time", f"{config.duration}s", "--stop-timeout", "5"]
        + ["--host", f"http://127.0.0.1:{port}", "--csv", str(csv_prefix), "--only-summary"]
        + ["--loglevel", "WARNING"],
        cwd=ROOT,
        env=locust_env,
        start_new_session=True,
    )


@dataclass
class CpuSample:
    """CPU seconds used so far: by the whole machine, the web and task workers, the clients."""

    machine: float
    serving: float
    clients: float

    @classmethod
    def take(cls, servers: Servers, locust: subprocess.Popen) -> CpuSample:
        busy = psutil.cpu_times()
        machine = sum(getattr(busy, name, 0.0) for name in ("user", "nice", "system", "irq",
                                                            "softirq", "steal"))  # fmt: skip
        serving = [servers.web.pid, *(worker.pid for worker in servers.task_workers)]
        return cls(machine, _tree_cpu_seconds(serving), _tree_cpu_seconds([locust.pid]))

    def cores_since(self, start: CpuSample, seconds: float) -> dict[str, float]:
        """Average cores busy between two samples, by whom. "Other" is PostgreSQL plus anyone
        else on the machine (on a shared machine, other people's work)."""
        machine, serving = self.machine - start.machine, self.serving - start.serving
        clients = self.clients - start.clients
        return {
            "machine": machine / seconds,
            "web and task workers": serving / seconds,
            "load clients (Locust)": clients / seconds,
            "other (PostgreSQL, other users)": max(machine - serving - clients, 0) / seconds,
        }


def _tree_cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            for process in [root, *root.children(recursive=True)]:
                times = process.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def inject_faults(servers: Servers, *, duration: int, started: float, stop: threading.Event):
    """Run in a thread during the load: the two faults of the fault run, at 40% and 60%."""
    faults = []
    for share, action in ((0.4, servers.kill_web_worker), (0.6, servers.restart_task_worker)):
        if stop.wait(max(0.0, started + share * duration - time.monotonic())):
            return faults
        faults.append(Fault(at=round(time.monotonic() - started, 1), what=action()))
        log(faults[-1].what)
    return faults


def read_stats(csv_prefix: Path) -> list[dict]:
    path = Path(f"{csv_prefix}_stats.csv")
    if not path.exists():
        return []
    with path.open() as stats:
        return list(csv.DictReader(stats))


def _pupil_page_p95(stats: list[dict]) -> tuple[int, str]:
    """The worst p95 of pupil pages (login posts excluded: they hash a password on purpose)."""
    worst, where = 0, ""
    for row in stats:
        name = row["Name"]
        if name.startswith("pupil:") and "login" not in name:
            p95 = int(float(row["95%"] or 0))
            if p95 > worst:
                worst, where = p95, name
    return worst, where


def write_summary(
    result: RunResult, *, started_at: datetime, wall: float, shared_note: str
) -> Path:
    config, stats = result.config, result.stats
    total = next((row for row in stats if row["Name"] == "Aggregated"), None)
    rows = [row for row in stats if row["Name"] != "Aggregated"]
    worst, where = _pupil_page_p95(stats)
    met = "met" if worst < PUPIL_PAGE_P95_TARGET_MS else "MISSED"
    lines = [
        f"# Load run `{config.name}` — {started_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"- machine: {platform.node()}, {os.cpu_count()} CPUs, "
        f"{psutil.virtual_memory().total // 2**30} GiB RAM, {platform.platform()}",
        f"- {shared_note}",
        f"- users: {config.pupils} pupils in {config.classes} classes, {config.teachers} teachers, "
        f"{config.leads} DSLs; spawn {config.spawn_rate}/s; think time "
        f"{config.think_min:g}–{config.think_max:g} s; {config.talk_share:.0%} of visits to "
        '/learn/ go on to "Talk to someone"',
        f"- serving: gunicorn {config.web_workers} workers x {config.web_threads} threads "
        f"(timeout {config.web_timeout} s), "
        f"{config.task_workers} db_worker, PostgreSQL, whitenoise; {config.duration} s of load "
        f"({wall:.0f} s wall time with set-up and checks)",
        "",
        "## Results",
        "",
    ]
    if total:
        failures = int(total["Failure Count"])
        requests = int(total["Request Count"])
        lines += [
            f"- requests: {requests}, {float(total['Requests/s']):.1f}/s; failures: {failures} "
            f"({failures / max(requests, 1):.2%})",
            f"- p50 / p95 / p99, all requests: {total['50%']} / {total['95%']} / {total['99%']} ms",
            f"- worst pupil-page p95 (logins excluded): {worst} ms ({where}); target "
            f"{PUPIL_PAGE_P95_TARGET_MS} ms: {met}",
        ]
    counts = result.verification.get("counts", {})
    lines += [
        f"- connections lost and re-sent by clients: {counts.get('connections_lost', '?')}; "
        f"server errors (5xx): {counts.get('server_errors', '?')}",
        "",
        f"CPU during the load, in cores busy on average (of {os.cpu_count()}): "
        + ", ".join(f"{who} {cores:.2f}" for who, cores in result.cpu_cores.items()),
        "",
        "## Faults",
        "",
        *([f"- at {fault.at} s: {fault.what}" for fault in result.faults] or ["- none"]),
        "",
        "## Verification",
        "",
        f"**{'PASSED' if result.ok else 'FAILED'}**: stored "
        + ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in counts.items()),
        "",
        "| check | acknowledged | problems |",
        "| --- | ---: | --- |",
    ]
    for check in result.verification.get("checks", []):
        problems = "; ".join(check["problems"][:3]) or "none"
        lines.append(f"| {check['name']} | {check['acknowledged']} | {problems} |")
    lines += [
        "",
        "## Per endpoint (ms)",
        "",
        "| endpoint | requests | failures | req/s | p50 | p95 | p99 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in sorted(rows, key=lambda row: row["Name"]):
        lines.append(
            f"| {row['Type']} {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.2f} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    path = config.results / f"{config.name}.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def _machine_note() -> str:
    load1, _load5, _load15 = os.getloadavg()
    others = [
        p.info["name"]
        for p in psutil.process_iter(["name", "cmdline"])
        if p.info["name"] and "pytest" in " ".join(p.info["cmdline"] or [])
    ]
    shared = f"shared: {len(others)} other pytest processes running" if others else "not shared"
    return f"machine at start: load average {load1:.1f}; {shared}"


def run(config: LoadConfig) -> RunResult:
    """The whole run; see the module docstring."""
    config.results.mkdir(parents=True, exist_ok=True)
    database = f"streamwise_load_{os.getpid()}"
    port = free_port()
    started_at, wall_start = datetime.now(UTC), time.monotonic()
    shared_note = _machine_note()
    with tempfile.TemporaryDirectory(prefix="streamwise-load-") as tmp:
        workdir = Path(tmp)
        env = site_environment(
            config, workdir=workdir, port=port,
            database_url=f"{config.database_server}/{database}",
        )  # fmt: skip
        roster, acks = workdir / "roster.json", workdir / "acks.jsonl"
        csv_prefix = config.results / config.name
        # Warnings and errors only (LOG_LEVEL=WARNING): worker kills and restarts show there.
        servers = Servers(config, env, port, logs=config.results / f"{config.name}_logs")
        servers.logs.mkdir(exist_ok=True)
        for old_log in servers.logs.glob("*.log"):
            old_log.unlink()
        locust = None
        cpu: dict[str, float] = {}
        stop_faults = threading.Event()
        faults: list[Fault] = []
        _admin_query(config.database_server, f'CREATE DATABASE "{database}"')
        try:
            prepare_site(config, env, roster)
            servers.start()
            log(f"serving on port {port}; load for {config.duration} s")
            locust = run_locust(
                config, env, port=port, roster=roster, acks=acks, csv_prefix=csv_prefix
            )
            load_started = time.monotonic()
            cpu_start = CpuSample.take(servers, locust)
            fault_thread = None
            if config.faults:
                fault_thread = threading.Thread(
                    target=lambda: faults.extend(
                        inject_faults(
                            servers,
                            duration=config.duration,
                            started=load_started,
                            stop=stop_faults,
                        )
                    )
                )
                fault_thread.start()
            # The last CPU sample is taken while Locust still runs (its times go when it exits).
            with contextlib.suppress(subprocess.TimeoutExpired):
                locust.wait(timeout=max(config.duration - 2, 1))
            cpu = CpuSample.take(servers, locust).cores_since(
                cpu_start, time.monotonic() - load_started
            )
            locust.wait(timeout=120)
            stop_faults.set()
            if fault_thread:
                fault_thread.join()
            log("load finished; verifying")
            report_path = workdir / "verification.json"
            subprocess.run(
                [PYTHON, "-m", "bench.load.verify", str(acks), "--school", SCHOOL]
                + ["--mailbox", str(workdir / "mailbox"), "--wait", str(config.notification_wait)]
                + ["--json", str(report_path)],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=False,
            )  # fmt: skip
            verification = json.loads(report_path.read_text()) if report_path.exists() else {}
        finally:
            stop_faults.set()
            if locust is not None and locust.poll() is None:
                _kill_group(locust)
            servers.stop()
            if not config.keep_database:
                _admin_query(
                    config.database_server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'
                )
        result = RunResult(
            config=config,
            verification=verification,
            stats=read_stats(csv_prefix),
            faults=faults,
            cpu_cores=cpu,
        )
        (config.results / f"{config.name}_verification.json").write_text(
            json.dumps(verification, indent=2)
        )
        result.summary_path = write_summary(
            result,
            started_at=started_at,
            wall=time.monotonic() - wall_start,
            shared_note=shared_note,
        )
    return result


def main(argv: list[str] | None = None) -> int:
    defaults = LoadConfig()
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    for name, value in vars(defaults).items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            continue
        parser.add_argument(flag, type=type(value), default=value)
    parser.add_argument("--no-faults", dest="faults", action="store_false")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--no-collect-static", dest="collect_static", action="store_false")
    args = parser.parse_args(argv)
    config = LoadConfig(**vars(args))
    config.database_server = os.environ.get("LOAD_DATABASE_SERVER", config.database_server)
    result = run(config)
    print(result.summary_path.read_text())
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
