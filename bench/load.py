"""Measurement 5: the whole system under the mobile app's load.

gunicorn (bench settings, PostgreSQL, persistent connections), two Celery workers on Redis as
the README deploys them (one for escalations only, one for both queues), an aiosmtpd sink
(tests/smtp_sink.py) and locust in a process of its own. Before the users arrive, a backlog of
reminder emails is queued, so the escalations compete with it. While they run, a no-op task is
sent to the escalations queue twice a second: its enqueue-to-run time is the broker's floor.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from clinic import outbox
from clinic.celery import app as celery_app
from clinic.models import Notification
from patients.models import Episode
from programs.models import ExerciseSession
from tests.smtp_sink import SmtpSink, free_port
from triage.models import Escalation

from . import probe, sweep
from .seed import Preset, Seeded
from .timing import percentile

ROOT = Path(__file__).resolve().parents[1]
ALERT_ID = re.compile(r"alert #(\d+)")
GUNICORN_WORKERS = 4
NOOP_EVERY_SECONDS = 0.5


class TimedSink(SmtpSink):
    """The test suite's SMTP sink, noting when each message arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[tuple[float, Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        before = len(self.messages)
        reply = await super().handle_DATA(server, session, envelope)
        if len(self.messages) > before:
            self.arrivals.append((time.time(), self.messages[-1]))
        return reply


def skip_reason() -> str | None:
    if connection.vendor != "postgresql":
        return "load run skipped: needs PostgreSQL (DATABASE_URL=postgres://...)"
    refusal = sweep.broker_refusal()
    return f"load run skipped: {refusal}" if refusal else None


def _wait(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - 127.0.0.1
            return bool(response.status == 200)
    except OSError:
        return False


class Processes:
    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        self.running.append((name, process))
        return process

    def output(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for _, process in reversed(self.running):
            if process.poll() is None:
                process.terminate()
        for _, process in reversed(self.running):
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        self.running = []


def _queue_reminders(count: int) -> int:
    """Due reminder emails handed to the broker (default queue) before the users arrive."""
    sweep.clear()
    sweep.create_due(count, "reminder", timezone.now())
    handed = 0
    while True:
        n = outbox.sweep()
        if not n:
            return handed
        handed += n


def _purge(client: redis.Redis) -> None:
    client.delete(probe.COMMITS_KEY, probe.NOOP_KEY)
    with celery_app.connection_for_write() as conn:
        for queue in ("escalations", "default"):
            try:
                conn.default_channel.queue_purge(queue)
            except Exception:  # noqa: S112 - never declared: nothing to purge
                continue


def _stats(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0}
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "max_ms": round(max(ms), 1),
    }


def _verify(kind: str, acked: list[dict[str, Any]], since: Any, patient_ids: list[int]) -> dict:
    model = Episode if kind == "episode" else ExerciseSession
    rows = list(
        model.objects.filter(patient_id__in=patient_ids, created_at__gte=since).values_list(
            "patient_id", "client_id", "id"
        )
    )
    stored = Counter((p, str(c)) for p, c, _ in rows)
    ids = {(p, str(c)): i for p, c, i in rows}
    mine = [a for a in acked if a["kind"] == kind]
    lost = [a for a in mine if ids.get((a["patient_id"], a["client_id"])) != a["id"]]
    acked_keys = {(a["patient_id"], a["client_id"]) for a in mine}
    return {
        "acknowledged": len(acked_keys),
        "rows": len(rows),
        "lost": len(lost),
        "duplicated": sum(n - 1 for n in stored.values() if n > 1),
        "unacknowledged_rows": len(set(stored) - acked_keys),
    }


def measure(preset: Preset, seeded: Seeded, *, workdir: Path) -> dict[str, Any]:
    reason = skip_reason()
    if reason:
        return {"skipped": reason}
    workdir.mkdir(parents=True, exist_ok=True)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per command
    procs = Processes(workdir)
    client = redis.Redis.from_url(settings.REDIS_URL)
    _purge(client)
    sink = TimedSink()
    sink.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "DATABASE_CONN_MAX_AGE": "60",
        "BENCH_PROBE_REDIS_URL": settings.REDIS_URL,
        "SITE_URL": base,
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    for scope in ("USER", "ANON"):  # the shipped throttle limits, not the in-process bench's
        env.pop(f"THROTTLE_{scope}", None)
    stop = threading.Event()
    noop_sent = 0

    def send_noops() -> None:
        nonlocal noop_sent
        while not stop.wait(NOOP_EVERY_SECONDS):
            celery_app.send_task("bench.tasks.noop", args=[time.time()], queue="escalations")
            noop_sent += 1

    producer = threading.Thread(target=send_noops, daemon=True)
    try:
        reminders = _queue_reminders(preset.reminder_backlog)
        worker_args = [sys.executable, "-m", "celery", "-A", "clinic", "worker",
                       "--without-mingle", "--without-gossip", "--without-heartbeat",
                       "--loglevel=INFO"]  # fmt: skip
        # The README's deployment: a worker of its own for escalations (prefork, one process
        # per core) and one for both queues, which here works through the reminder backlog.
        procs.start(
            "worker-escalations",
            [
                *worker_args,
                "--pool=prefork",
                "--concurrency=2",
                "-Q",
                "escalations",
                "-n",
                "esc@%h",
            ],
            env,
        )
        procs.start(
            "worker-all",
            [*worker_args, "--pool=solo", "-Q", "escalations,default", "-n", "all@%h"],
            env,
        )
        for name in ("worker-escalations", "worker-all"):
            _wait(lambda n=name: "ready." in procs.output(n), 60, f"{name} to start")
        procs.start(
            "gunicorn",
            [sys.executable, "-m", "gunicorn", "clinic.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", str(GUNICORN_WORKERS), "--log-level", "warning"],
            env,
        )  # fmt: skip
        _wait(lambda: _healthy(f"{base}/healthz"), 60, "gunicorn to answer /healthz")

        accounts = workdir / "accounts.json"
        accounts.write_text(
            json.dumps(
                {
                    "password": seeded.password,
                    "accounts": [a.__dict__ for a in seeded.load_accounts],
                }
            )
        )
        out = workdir / "locust.json"
        since = timezone.now()
        producer.start()
        users = len(seeded.load_accounts)
        locust = procs.start(
            "locust",
            [sys.executable, "-m", "bench.locustfile", "--host", base, "--accounts",
             str(accounts), "--out", str(out), "--users", str(users),
             "--seconds", str(preset.load_seconds)],
            env,
        )  # fmt: skip
        locust.wait(preset.load_seconds + 180)
        stop.set()
        producer.join(5)
        if not out.exists():
            raise RuntimeError(f"locust wrote no result:\n{procs.output('locust')[-3000:]}")
        result = json.loads(out.read_text())

        alerts = Notification.objects.filter(kind="escalation_alert", created_at__gte=since)
        final = (Notification.Status.SENT, Notification.Status.DEAD, Notification.Status.CANCELLED)
        _wait(lambda: not alerts.exclude(status__in=final).exists(), 120, "escalation alerts")
        _wait(lambda: client.llen(probe.NOOP_KEY) >= noop_sent, 30, "the no-op tasks")
        time.sleep(1)

        commits = {int(k): float(v) for k, v in client.hgetall(probe.COMMITS_KEY).items()}
        by_escalation: dict[int, list[float]] = {}
        for arrived, message in sink.arrivals:
            body = message.get_body(("plain",))
            match = ALERT_ID.search(body.get_content() if body is not None else "")
            if match:
                by_escalation.setdefault(int(match.group(1)), []).append(arrived)
        episode_of = dict(
            Escalation.objects.filter(pk__in=by_escalation).values_list(
                "pk", "assessment__episode_id"
            )
        )
        email_latency: list[float] = []
        first_latency: list[float] = []
        for esc, arrivals in by_escalation.items():
            committed = commits.get(episode_of.get(esc) or -1)
            if committed is None:
                continue
            email_latency.extend(a - committed for a in arrivals)
            first_latency.append(min(arrivals) - committed)
        noops = [json.loads(raw) for raw in client.lrange(probe.NOOP_KEY, 0, -1)]
        noop_latency = [ran - enqueued for enqueued, ran in noops]

        load_pids = [a.patient_id for a in seeded.load_accounts]
        acked = result["acknowledged"]
        alert_statuses = Counter(alerts.values_list("status", flat=True))
        email = _stats(email_latency)
        noop = _stats(noop_latency)
        return {
            "users": users,
            "seconds": preset.load_seconds,
            "gunicorn_workers": GUNICORN_WORKERS,
            "stats": result["stats"],
            "ramp": result["ramp"],
            "errors": result["stats"]["total"]["failures"]
            + result["ramp"].get("total", {}).get("failures", 0),
            "anomalies": result["anomalies"][:20],
            "anomaly_count": len(result["anomalies"]),
            "episodes": _verify("episode", acked, since, load_pids),
            "sessions": _verify("session", acked, since, load_pids),
            "red_flag_posts": len(result["red_flag_posts"]),
            "escalations": Escalation.objects.filter(created_at__gte=since).count(),
            "alert_statuses": dict(alert_statuses),
            "alert_emails": email,
            "first_alert_email": _stats(first_latency),
            "noop": noop,
            "ratio": (
                round(email["p95_ms"] / noop["p95_ms"], 2)
                if email.get("n") and noop.get("n")
                else None
            ),
            "reminders_queued": reminders,
            "reminders_sent": Notification.objects.filter(
                kind="reassessment_due", status=Notification.Status.SENT
            ).count(),
            "emails_at_sink": len(sink.arrivals),
        }
    finally:
        stop.set()
        procs.stop_all()
        sink.stop()
        _purge(client)
