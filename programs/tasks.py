from celery import shared_task

from . import followups


@shared_task(ignore_result=True)
def adherence_nudges_schedule() -> int:
    return followups.adherence_nudges_schedule()
