"""Real parts for the integration tests: a Celery worker process, Redis and an SMTP sink."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from clinic.celery import app as celery_app
from tests.conftest import service_unavailable
from tests.smtp_sink import free_port

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], Any], timeout: float = 30, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class RedisServer:
    """A private redis-server, so a test can take the broker down and bring it back."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self._answers, 10, "redis-server to start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        service_unavailable("redis-server is not installed")
    server = RedisServer(binary)  # type: ignore[arg-type]
    server.start()
    yield server
    server.stop()


@contextmanager
def publishing_to(broker_url: str) -> Iterator[None]:
    """Point this process's Celery producer at another broker for the duration."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = broker_url
    # Celery caches its connection and producer pools; drop them so the new URL is used.
    celery_app._pool = None  # type: ignore[attr-defined]
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous
        celery_app._pool = None  # type: ignore[attr-defined]
        celery_app.amqp._producer_pool = None


def database_url() -> str:
    """The test database this process is using, for the worker process to share."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    def __init__(
        self, *, broker_url: str | None, smtp_port: int, log: Path, env: dict[str, str]
    ) -> None:
        env = {**os.environ, **env}
        env.update(
            DJANGO_SETTINGS_MODULE="clinic.settings.test",
            DATABASE_URL=database_url(),
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
            # Retries a second apart, so the fault tests do not wait for real backoff.
            NOTIFICATION_RETRY_BASE_SECONDS=env.get("NOTIFICATION_RETRY_BASE_SECONDS", "1"),
        )
        if broker_url:
            env["REDIS_URL"] = broker_url
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "clinic", "worker", "--loglevel=INFO",
             "--queues=escalations,default", "--concurrency=1", "--pool=solo",
             "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(lambda: "ready." in self.output() or self.process.poll() is not None, 60,
                 "the worker to start")  # fmt: skip
        if self.process.poll() is not None:
            raise AssertionError(f"worker exited:\n{self.output()[-3000:]}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def kill(self) -> None:
        """As if the machine lost power: no goodbye, no ack."""
        self.process.kill()  # SIGKILL; the solo pool has no child processes
        self.process.wait(10)


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    workers: list[Worker] = []

    def start(*, broker_url: str | None, smtp_port: int, **env: str) -> Worker:
        worker = Worker(
            broker_url=broker_url,
            smtp_port=smtp_port,
            log=tmp_path / f"worker{len(workers)}.log",
            env=env,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def configured_broker_url() -> str | None:
    """The broker the suite is configured for: Redis in CI, the file broker on a bare machine."""
    return settings.REDIS_URL or None


def purge_configured_queues() -> None:
    with celery_app.connection_for_write() as conn:
        for queue in ("escalations", "default"):
            try:
                conn.default_channel.queue_purge(queue)
            except Exception:  # noqa: S112 - a queue that was never declared has nothing to purge
                continue
