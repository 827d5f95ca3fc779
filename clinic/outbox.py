"""The notification outbox: scheduling, race-safe claiming, delivery with classified retries.

Rows are created inside the caller's transaction and enqueued after commit; the worker claims a
row with a conditional UPDATE, sends outside any transaction, then records the outcome. The beat
sweep enqueues rows that became due, re-enqueues ones whose enqueue was lost (broker down) and
reclaims rows left in "sending" by a worker that died.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Notification
from .transports import Message, TransportError, send_email

log = logging.getLogger(__name__)

Renderer = Callable[[Notification], Message]
_renderers: dict[str, Renderer] = {}

MAX_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 30
# Far below the Redis visibility timeout (1 h), so a retry is never redelivered twice.
BACKOFF_CAP_SECONDS = 15 * 60
SENDING_LEASE = timedelta(minutes=10)
REENQUEUE_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 500


class NotificationCancelled(Exception):
    """Raised by a renderer when the message no longer applies (e.g. the patient opted out)."""


def register(kind: str, renderer: Renderer) -> None:
    _renderers[kind] = renderer


def backoff(attempts: int) -> timedelta:
    return timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    )


def enqueue(notifications: list[Notification]) -> None:
    """Hand rows to the broker; a failure only logs, the sweep will try again."""
    from .tasks import notification_deliver

    sent: list[int] = []
    for n in notifications:
        try:
            notification_deliver.apply_async((n.pk,), queue=n.queue)
        except Exception:  # the broker is down: the row stays pending for the sweep
            log.warning("notification %s: enqueue failed, left for the sweep", n.pk, exc_info=True)
            break
        sent.append(n.pk)
    if sent:
        Notification.objects.filter(pk__in=sent).update(enqueued_at=timezone.now())


def enqueue_on_commit(notification: Notification) -> None:
    if notification.due_at <= timezone.now():
        transaction.on_commit(lambda: enqueue([notification]))


def claim(notification_id: int, now: datetime) -> bool:
    """Move one due row from pending to sending; exactly one caller can win."""
    return (
        Notification.objects.filter(
            pk=notification_id, status=Notification.Status.PENDING, due_at__lte=now
        ).update(status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        == 1
    )


def deliver(notification_id: int) -> str:
    """Claim, render, send and record one notification. Returns the resulting status."""
    now = timezone.now()
    if not claim(notification_id, now):
        return "not-claimed"
    notification = Notification.objects.select_related("clinic").get(pk=notification_id)
    try:
        message = _renderers[notification.kind](notification)
        send_email(notification.recipient, message)
    except NotificationCancelled as exc:
        return _finish(notification, Notification.Status.CANCELLED, error=str(exc))
    except TransportError as exc:
        if exc.permanent or notification.attempts >= MAX_ATTEMPTS:
            log.warning(
                "notification %s dead after %s attempts", notification.pk, notification.attempts
            )
            return _finish(notification, Notification.Status.DEAD, error=str(exc))
        return _retry_later(notification, str(exc))
    return _finish(notification, Notification.Status.SENT)


def _finish(notification: Notification, status: str, *, error: str = "") -> str:
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=status,
        last_error=error,
        sent_at=timezone.now() if status == Notification.Status.SENT else None,
    )
    return status


def _retry_later(notification: Notification, error: str) -> str:
    delay = backoff(notification.attempts)
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.PENDING,
        last_error=error,
        due_at=timezone.now() + delay,
        enqueued_at=None,
    )
    return "retry"


def sweep(now: datetime | None = None) -> int:
    """Reclaim stale sends and enqueue due rows, a batch at a time; returns the count enqueued."""
    now = now or timezone.now()
    Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=now - SENDING_LEASE
    ).update(status=Notification.Status.PENDING, enqueued_at=None)
    due = list(
        Notification.objects.filter(status=Notification.Status.PENDING, due_at__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REENQUEUE_AFTER))
        .order_by("due_at")
        .only("pk", "queue")[:SWEEP_BATCH]
    )
    enqueue(due)
    return len(due)
