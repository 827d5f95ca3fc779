"""Writes owned by the clinic package: notifications scheduled on behalf of domain apps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import outbox
from .models import Clinic, Notification, User


def notification_schedule(
    *,
    kind: str,
    recipient: str,
    dedupe_key: str,
    clinic: Clinic | None = None,
    recipient_user: User | None = None,
    context: dict[str, Any] | None = None,
    due_at: datetime | None = None,
    queue: str = "default",
) -> Notification:
    """Create (once per dedupe_key) an outbox row; it is enqueued after the caller's commit."""
    with transaction.atomic():
        existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
        notification = Notification(
            kind=kind,
            recipient=recipient,
            recipient_user=recipient_user,
            clinic=clinic,
            context=context or {},
            dedupe_key=dedupe_key,
            due_at=due_at or timezone.now(),
            queue=queue,
        )
        notification.full_clean(exclude=["dedupe_key"])
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:  # a concurrent caller scheduled the same event first
            return Notification.objects.get(dedupe_key=dedupe_key)
    outbox.enqueue_on_commit(notification)
    return notification


def notification_cancel(*, dedupe_key: str) -> bool:
    """Cancel a scheduled message that has not gone out yet; True if there was one."""
    return bool(
        Notification.objects.filter(
            dedupe_key=dedupe_key,
            status__in=[Notification.Status.PENDING, Notification.Status.FAILED],
        ).update(status=Notification.Status.CANCELLED)
    )
