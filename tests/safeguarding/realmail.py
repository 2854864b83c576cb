"""A real SMTP server (aiosmtpd) and the real task worker (`manage.py db_worker`) for tests."""

from __future__ import annotations

import contextlib
import email
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    to: list[str]
    subject: str
    body: str
    raw: str


class SMTPSink:
    """An SMTP server on 127.0.0.1 that accepts mail, refuses it ("451 try later"), or is not
    running at all (connections refused)."""

    def __init__(self):
        self.port = free_port()
        self.refusing = False
        self.refused = 0
        self.messages: list[Received] = []
        self._lock = threading.Lock()
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            with self._lock:
                self.refused += 1
            return "451 4.3.0 Mailbox busy, try again later"
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.messages.append(
                Received(
                    to=list(envelope.rcpt_tos),
                    subject=str(message["subject"]),
                    body=message.get_body(preferencelist=("plain",)).get_content(),
                    raw=envelope.original_content.decode("utf-8", "replace"),
                )
            )
        return "250 OK: queued"

    def start(self):
        if self._controller is None:
            self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def received_by(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for message in list(self.messages):
            for address in message.to:
                counts[address] = counts.get(address, 0) + 1
        return counts


def database_url() -> str:
    """The test database, as a URL another process can open."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


class Workers:
    """Starts and stops real `db_worker` processes; every one is stopped at the end."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self._running: list[tuple[subprocess.Popen, object]] = []

    def start(self, *, smtp_port: int) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.safeguarding.worker_settings",
            "DATABASE_URL": database_url(),
            "EMAIL_MODE": "smtp",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "PYTHONUNBUFFERED": "1",
        }
        log = open(self.log_dir / f"worker-{len(self._running)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--queue-name",
                "default",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--no-reload",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self._running.append((process, log))
        return process

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)

    def stop_all(self) -> None:
        for process, log in self._running:
            self.stop(process)
            with contextlib.suppress(Exception):
                log.close()
        self._running.clear()

    def logs(self) -> str:
        return "\n".join(
            path.read_text(errors="replace") for path in sorted(self.log_dir.glob("worker-*.log"))
        )


def wait_for(condition, *, timeout: float = 30, what: str = "condition", logs=lambda: ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}.\n{logs()}")
