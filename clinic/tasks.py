from celery import shared_task

from . import idempotency, outbox


@shared_task(acks_late=True, ignore_result=True)
def notification_deliver(notification_id: int) -> str:
    return outbox.deliver(notification_id)


@shared_task(ignore_result=True)
def notifications_sweep() -> int:
    return outbox.sweep()


@shared_task(ignore_result=True)
def idempotency_purge() -> int:
    return idempotency.purge_expired()
