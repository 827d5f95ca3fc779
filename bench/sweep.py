"""Measurement 4: the outbox sweep (clinic.outbox.sweep) handing 10,000 due follow-ups to the
broker and marking them enqueued, against a per-row save() loop doing the same.

Both sides start from the same freshly created due rows (created untimed) and call the same
publish function per row: a no-op in the headline (database work only), the real broker in the
second line when Redis is configured.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic import outbox
from clinic.celery import app as celery_app
from clinic.models import Notification
from clinic.tasks import notification_deliver
from patients.models import Patient

from .seed import Preset, Seeded

ROUNDS = 3


def create_due(count: int, tag: str, now: dt.datetime) -> None:
    patients = list(
        Patient.objects.filter(is_active=True)
        .order_by("pk")
        .values("pk", "email", "clinic_id")[:1000]
    )
    rows = []
    for i in range(count):
        p = patients[i % len(patients)]
        rows.append(
            Notification(
                kind="reassessment_due",
                recipient=p["email"],
                clinic_id=p["clinic_id"],
                context={"patient_id": p["pk"], "weeks": 2},
                dedupe_key=f"bench:{tag}:{i}",
                due_at=now - dt.timedelta(minutes=1 + i % 60),
                queue="default",
            )
        )
    Notification.objects.bulk_create(rows, batch_size=2000)


def clear() -> None:
    Notification.objects.filter(dedupe_key__startswith="bench:").delete()


@contextmanager
def publishing(real: bool) -> Iterator[list[int]]:
    """Count publishes; replace them with a no-op unless `real`."""
    published: list[int] = []
    original = notification_deliver.apply_async

    def stub(args: Any = None, kwargs: Any = None, **options: Any) -> None:
        published.append(args[0])
        if real:
            original(args, kwargs, **options)

    notification_deliver.apply_async = stub
    try:
        yield published
    finally:
        notification_deliver.apply_async = original


def app_side(now: dt.datetime) -> int:
    batches = 0
    while outbox.sweep(now=now):
        batches += 1
    return batches


def save_loop(now: dt.datetime) -> int:
    """What the sweep replaces: load the due rows, then publish and save() each one."""
    due = (
        Notification.objects.filter(status__in=outbox.CLAIMABLE, due_at__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - outbox.REENQUEUE_AFTER))
        .order_by("due_at")
    )
    count = 0
    for n in due.iterator(chunk_size=2000):
        notification_deliver.apply_async((n.pk,), queue=n.queue)
        n.enqueued_at = now
        n.save()
        count += 1
    return count


def _timed(
    side: Callable[[dt.datetime], int], count: int, tag: str, real: bool
) -> tuple[float, int]:
    clear()
    now = timezone.now()
    create_due(count, tag, now)
    with publishing(real) as published:
        t0 = time.perf_counter()
        side(now)
        seconds = time.perf_counter() - t0
    enqueued = Notification.objects.filter(
        dedupe_key__startswith="bench:", enqueued_at__isnull=False
    ).count()
    if enqueued != count or len(published) != count:
        raise AssertionError(f"{tag}: {enqueued} marked and {len(published)} published of {count}")
    return seconds, count


def queries_per_batch(count: int) -> list[int]:
    clear()
    now = timezone.now()
    create_due(count, "count", now)
    per_batch: list[int] = []
    with publishing(real=False):
        while True:
            with CaptureQueriesContext(connection) as ctx:
                handed = outbox.sweep(now=now)
            if not handed:
                break
            per_batch.append(len(ctx.captured_queries))
    return per_batch


def redis_database(url: str) -> int:
    path = urlsplit(url).path.strip("/")
    return int(path) if path.isdigit() else 0


def broker_refusal() -> str | None:
    """Why the bench will not publish to (and purge) the configured Redis, if it will not."""
    if not settings.REDIS_URL:
        return "needs Redis (REDIS_URL=redis://...)"
    if redis_database(settings.REDIS_URL) == 0:
        # The bench purges the escalations and default queues: never a deployment's database.
        return "REDIS_URL names Redis database 0; give the bench one of its own (.../13)"
    return None


def _purge_broker() -> None:
    with celery_app.connection_for_write() as conn:
        for queue in ("default", "escalations"):
            try:
                conn.default_channel.queue_purge(queue)
            except Exception:  # noqa: S112 - never declared: nothing to purge
                continue


def measure(preset: Preset, seeded: Seeded) -> dict[str, Any]:
    n = preset.notifications
    per_batch = queries_per_batch(n)
    app_times: list[float] = []
    loop_times: list[float] = []
    for r in range(ROUNDS):
        sides = [("app", app_side, app_times), ("loop", save_loop, loop_times)]
        for name, side, out in sides if r % 2 == 0 else reversed(sides):
            seconds, _ = _timed(side, n, f"{name}{r}", real=False)
            out.append(seconds)
    result: dict[str, Any] = {
        "rows": n,
        "batch_size": outbox.SWEEP_BATCH,
        "rounds": ROUNDS,
        "app": _rate(app_times, n),
        "floor": _rate(loop_times, n),
        "ratio": round(statistics.median(loop_times) / statistics.median(app_times), 2),
        "queries_per_batch": sorted(set(per_batch)),
        "batches": len(per_batch),
        "loop_queries": 1 + n,
    }
    if broker_refusal() is None:
        _purge_broker()
        app_s, _ = _timed(app_side, n, "broker-app", real=True)
        _purge_broker()
        loop_s, _ = _timed(save_loop, n, "broker-loop", real=True)
        _purge_broker()
        result["with_broker"] = {
            "app": _rate([app_s], n),
            "floor": _rate([loop_s], n),
            "ratio": round(loop_s / app_s, 2),
        }
    clear()
    return result


def _rate(times: list[float], n: int) -> dict[str, float]:
    median = statistics.median(times)
    return {"median_s": round(median, 3), "rows_per_second": round(n / median)}
