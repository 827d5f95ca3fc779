from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def escalations_realert() -> int:
    return services.escalations_realert()
