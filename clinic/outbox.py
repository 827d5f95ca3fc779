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

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Notification
from .transports import Message, TransportError, send_email

log = logging.getLogger(__name__)

Renderer = Callable[[Notification], Message]
_renderers: dict[str, Renderer] = {}

CLAIMABLE = (Notification.Status.PENDING, Notification.Status.FAILED)
REENQUEUE_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 500


class NotificationCancelled(Exception):
    """Raised by a renderer when the message no longer applies (e.g. the patient opted out)."""


class NotificationDeferred(Exception):
    """Raised by a renderer when the message must wait (e.g. the patient's quiet hours)."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"deferred until {until.isoformat()}")
        self.until = until


def register(kind: str, renderer: Renderer) -> None:
    _renderers[kind] = renderer


def max_attempts() -> int:
    return int(settings.NOTIFICATION_MAX_ATTEMPTS)


def backoff(attempts: int) -> timedelta:
    """Capped exponential: base, 2x base, 4x base ... never above the cap."""
    base = settings.NOTIFICATION_RETRY_BASE_SECONDS
    cap = settings.NOTIFICATION_RETRY_CAP_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def sending_lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATION_SENDING_LEASE_SECONDS)


def enqueue(
    notifications: list[Notification],
    *,
    countdown: float | None = None,
    now: datetime | None = None,
) -> None:
    """Hand rows to the broker; a failure only logs, the sweep will try again."""
    from .tasks import notification_deliver

    sent: list[int] = []
    for n in notifications:
        try:
            notification_deliver.apply_async((n.pk,), queue=n.queue, countdown=countdown)
        except Exception:  # the broker is down: the row stays pending for the sweep
            log.warning("notification %s: enqueue failed, left for the sweep", n.pk, exc_info=True)
            break
        sent.append(n.pk)
    if sent:
        Notification.objects.filter(pk__in=sent).update(enqueued_at=now or timezone.now())


def enqueue_on_commit(notification: Notification) -> None:
    if notification.due_at <= timezone.now():
        transaction.on_commit(lambda: enqueue([notification]))


def claim(notification_id: int, now: datetime) -> bool:
    """Move one due row to sending; exactly one caller can win."""
    return (
        Notification.objects.filter(
            pk=notification_id, status__in=CLAIMABLE, due_at__lte=now
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
    except NotificationCancelled as exc:
        return _finish(notification, Notification.Status.CANCELLED, error=str(exc))
    except NotificationDeferred as exc:
        return _defer(notification, exc.until)
    except Exception as exc:  # a bug or vanished data: retrying cannot help, so say so loudly
        log.exception("notification %s: rendering failed", notification.pk)
        return _finish(notification, Notification.Status.DEAD, error=f"{type(exc).__name__}: {exc}")
    if message.to and message.to != notification.recipient:
        Notification.objects.filter(pk=notification.pk).update(recipient=message.to)
    try:
        send_email(message.to or notification.recipient, message)
    except TransportError as exc:
        if exc.permanent or notification.attempts >= max_attempts():
            log.warning(
                "notification %s dead after %s attempts", notification.pk, notification.attempts
            )
            return _finish(notification, Notification.Status.DEAD, error=str(exc))
        return _retry_later(notification, str(exc))
    return _finish(notification, Notification.Status.SENT)


def _sending(notification: Notification) -> Q:
    return Q(pk=notification.pk, status=Notification.Status.SENDING)


def _finish(notification: Notification, status: str, *, error: str = "") -> str:
    Notification.objects.filter(_sending(notification)).update(
        status=status,
        last_error=error,
        sent_at=timezone.now() if status == Notification.Status.SENT else None,
    )
    return status


def _defer(notification: Notification, until: datetime) -> str:
    # Waiting is not a failed attempt: give the attempt back.
    Notification.objects.filter(_sending(notification)).update(
        status=Notification.Status.PENDING,
        due_at=until,
        enqueued_at=None,
        attempts=F("attempts") - 1,
    )
    return "deferred"


def _retry_later(notification: Notification, error: str) -> str:
    delay = backoff(notification.attempts)
    updated = Notification.objects.filter(_sending(notification)).update(
        status=Notification.Status.FAILED,
        last_error=error,
        due_at=timezone.now() + delay,
        enqueued_at=timezone.now(),
    )
    if updated:
        enqueue([notification], countdown=delay.total_seconds())
    return "retry"


def sweep(now: datetime | None = None) -> int:
    """Reclaim stale sends and enqueue due rows, a batch at a time; returns the count enqueued."""
    now = now or timezone.now()
    # A row still "sending" after the lease belongs to a worker that died mid-send: send it
    # again, unless it has used up its attempts (then it is dead, for someone to look at).
    stale = Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=now - sending_lease()
    )
    stale.filter(attempts__gte=max_attempts()).update(
        status=Notification.Status.DEAD,
        last_error="The worker stopped while sending, on the last attempt.",
    )
    stale.update(
        status=Notification.Status.FAILED,
        last_error="The worker stopped while sending; sending again.",
        enqueued_at=None,
    )
    due = list(
        Notification.objects.filter(status__in=CLAIMABLE, due_at__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REENQUEUE_AFTER))
        .order_by("due_at")
        .only("pk", "queue")[:SWEEP_BATCH]
    )
    enqueue(due, now=now)
    return len(due)


def retry_now(notification_ids: list[int]) -> int:
    """Admin action: put dead or failed rows back in the queue."""
    rows = Notification.objects.filter(
        pk__in=notification_ids,
        status__in=[Notification.Status.DEAD, Notification.Status.FAILED],
    )
    count = rows.update(
        status=Notification.Status.PENDING, due_at=timezone.now(), enqueued_at=None, attempts=0
    )
    return count


def cancel(notification_ids: list[int]) -> int:
    return Notification.objects.filter(pk__in=notification_ids, status__in=CLAIMABLE).update(
        status=Notification.Status.CANCELLED
    )
