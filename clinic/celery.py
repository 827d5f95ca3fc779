import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.local")

app = Celery("clinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Escalation alerts have a queue of their own so a backlog of reminders never delays them.
app.conf.task_queues = (Queue("escalations"), Queue("default"))
app.conf.task_default_queue = "default"
app.autodiscover_tasks()

# Periodic jobs, all in one place. DatabaseScheduler copies these into django-celery-beat's
# tables, so they are visible (and can be paused) in the admin.
app.conf.beat_schedule = {
    # Every minute: enqueue due notifications, re-enqueue ones whose enqueue was lost,
    # reclaim ones stuck in "sending" past their lease.
    "notifications-sweep": {
        "task": "clinic.tasks.notifications_sweep",
        "schedule": 60.0,
    },
    # Every minute: alert clinic admins again about open escalations nobody has acknowledged
    # within the clinic's delay (15 min for emergencies, 2 h for urgent, by default).
    "escalations-realert": {
        "task": "triage.tasks.escalations_realert",
        "schedule": 60.0,
        "options": {"queue": "escalations"},
    },
    # Every hour: forget stored Idempotency-Key responses older than their 24-hour replay window.
    "idempotency-purge": {
        "task": "clinic.tasks.idempotency_purge",
        "schedule": 3600.0,
    },
    # Every hour: a nudge for active programs with no session for 3 days (one a week at most).
    "adherence-nudges": {
        "task": "programs.tasks.adherence_nudges_schedule",
        "schedule": 3600.0,
    },
}
