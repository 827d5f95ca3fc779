"""Outbox delivery over real SMTP (an aiosmtpd sink): retries, dead letters, claims, sweeps."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import connection

from clinic import outbox
from clinic.models import Notification
from clinic.services import notification_schedule
from patients.models import PatientInvitation
from tests.dashboard.helpers import verified_login

T0 = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def invitation(world):
    """A ready-to-send message: an app invitation (it needs no follow-up preferences)."""
    invitation = PatientInvitation.objects.create(
        patient=world.patient, expires_at=T0 + dt.timedelta(days=3)
    )
    return notification_schedule(
        kind="patient_invitation",
        recipient="pat@a.example",
        clinic=world.clinic,
        context={"invitation_id": invitation.pk},
        dedupe_key=f"invite:{invitation.pk}",
        due_at=T0,
    )


def deliver_at(notification, when):
    with time_machine.travel(when, tick=False):
        return outbox.deliver(notification.pk)


def test_backoff_doubles_and_is_capped_below_the_visibility_timeout(settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS, settings.NOTIFICATION_RETRY_CAP_SECONDS = 30, 900
    assert [outbox.backoff(n).total_seconds() for n in range(1, 8)] == [
        30, 60, 120, 240, 480, 900, 900,
    ]  # fmt: skip
    assert (
        settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
        > settings.NOTIFICATION_RETRY_CAP_SECONDS
    )


def test_a_temporary_smtp_failure_is_retried_then_sent(invitation, smtp_backend):
    smtp_backend.replies = ["451 4.7.1 Greylisted, try again"]
    assert deliver_at(invitation, T0) == "retry"
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == ("failed", 1)
    assert "451" in invitation.last_error
    assert invitation.due_at == T0 + dt.timedelta(seconds=30)
    assert deliver_at(invitation, T0 + dt.timedelta(seconds=10)) == "not-claimed"  # not yet
    assert deliver_at(invitation, T0 + dt.timedelta(seconds=30)) == "sent"
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == ("sent", 2)
    assert smtp_backend.recipients() == ["pat@a.example"]


def test_a_permanent_failure_is_dead_with_its_error_and_not_retried(invitation, smtp_backend):
    smtp_backend.replies = ["550 5.1.1 No such mailbox"]
    assert deliver_at(invitation, T0) == "dead"
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == ("dead", 1)
    assert "550" in invitation.last_error and "No such mailbox" in invitation.last_error
    assert deliver_at(invitation, T0 + dt.timedelta(hours=1)) == "not-claimed"
    assert outbox.sweep(T0 + dt.timedelta(hours=1)) == 0
    assert smtp_backend.attempts == 1


def test_an_unreachable_smtp_server_counts_as_temporary(invitation, settings, smtp_backend):
    settings.EMAIL_PORT = 1  # nothing listens there
    assert deliver_at(invitation, T0) == "retry"


def test_temporary_failures_turn_dead_after_the_last_attempt(invitation, settings, smtp_backend):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    smtp_backend.replies = ["421 4.3.2 Busy"] * 3
    when = T0
    results = []
    for _ in range(3):
        results.append(deliver_at(invitation, when))
        invitation.refresh_from_db()
        when = invitation.due_at
    assert results == ["retry", "retry", "dead"]
    assert invitation.attempts == 3 and "421" in invitation.last_error


def test_two_workers_claiming_one_row_send_once(transactional_db, invitation, smtp_backend):
    barrier = threading.Barrier(8)

    def attempt(_: int) -> str:
        barrier.wait()
        try:
            return deliver_at(invitation, T0)
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(attempt, range(8)))
    assert sorted(results) == ["not-claimed"] * 7 + ["sent"]
    assert len(smtp_backend.messages) == 1


def test_a_row_stuck_in_sending_is_reclaimed_after_the_lease(invitation, settings, smtp_backend):
    settings.NOTIFICATION_SENDING_LEASE_SECONDS = 600
    assert outbox.claim(invitation.pk, T0)  # a worker claimed it and then died
    assert outbox.sweep(T0 + dt.timedelta(seconds=599)) == 0
    outbox.sweep(T0 + dt.timedelta(seconds=601))
    invitation.refresh_from_db()
    assert invitation.status == "failed"
    assert "stopped while sending" in invitation.last_error
    assert deliver_at(invitation, T0 + dt.timedelta(seconds=602)) == "sent"
    assert len(smtp_backend.messages) == 1


def test_a_lost_enqueue_is_picked_up_by_the_sweep_once(invitation):
    # Never enqueued (as when the broker was down at commit time).
    assert Notification.objects.get(pk=invitation.pk).enqueued_at is None
    assert outbox.sweep(T0) == 1
    assert outbox.sweep(T0 + dt.timedelta(minutes=1)) == 0  # already handed over
    assert outbox.sweep(T0 + dt.timedelta(minutes=6)) == 1  # handed over but never run


def test_scheduling_is_idempotent_by_dedupe_key(world):
    first = notification_schedule(kind="k", recipient="a@example.net", dedupe_key="event-1")
    again = notification_schedule(kind="k", recipient="b@example.net", dedupe_key="event-1")
    assert first.pk == again.pk
    assert Notification.objects.count() == 1


def test_admin_can_retry_a_dead_row_and_cancel_a_pending_one(client, world, invitation):
    Notification.objects.filter(pk=invitation.pk).update(status="dead", attempts=6)
    other = notification_schedule(kind="patient_invitation", recipient="x@example.net",
                                  clinic=world.clinic, dedupe_key="other")  # fmt: skip
    world.admin.is_staff = True
    world.admin.save()
    verified_login(client, world.admin)
    changelist = "/admin/clinic/notification/"
    client.post(changelist, {"action": "retry", "_selected_action": [invitation.pk]})
    client.post(changelist, {"action": "cancel", "_selected_action": [other.pk]})
    invitation.refresh_from_db()
    other.refresh_from_db()
    assert (invitation.status, invitation.attempts) == ("pending", 0)
    assert other.status == "cancelled"


def test_a_message_that_cannot_be_rendered_is_dead_not_retried_forever(world, invitation):
    PatientInvitation.objects.all().delete()  # the data behind it is gone
    assert deliver_at(invitation, T0) == "dead"
    invitation.refresh_from_db()
    assert "DoesNotExist" in invitation.last_error
    assert outbox.sweep(T0 + dt.timedelta(hours=2)) == 0


def test_a_row_stuck_sending_on_its_last_attempt_is_dead_for_review(invitation, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    assert outbox.claim(invitation.pk, T0)  # the worker died mid-send on its only attempt
    outbox.sweep(T0 + dt.timedelta(seconds=settings.NOTIFICATION_SENDING_LEASE_SECONDS + 1))
    invitation.refresh_from_db()
    assert invitation.status == "dead" and "last attempt" in invitation.last_error


def test_the_admin_cannot_cancel_escalation_alerts(client, world):
    from tests.triage.helpers import EMERGENCY, answers
    from triage.services import intake_submit

    intake_submit(patient=world.patient, submitted_by=world.patient_user,
                  answers=answers(**EMERGENCY))  # fmt: skip
    alert_ids = list(Notification.objects.filter(queue="escalations").values_list("pk", flat=True))
    world.admin.is_staff = True
    world.admin.save()
    from tests.dashboard.helpers import verified_login

    verified_login(client, world.admin)
    client.post("/admin/clinic/notification/", {"action": "cancel", "_selected_action": alert_ids})
    assert set(Notification.objects.filter(pk__in=alert_ids).values_list("status", flat=True)) == {
        "pending"
    }


def test_stored_idempotent_responses_are_purged_after_24_hours(world, patient_client):
    from clinic.idempotency import purge_expired
    from clinic.models import IdempotencyRecord

    patient_client.post("/api/v1/episodes/sync/", {"episodes": [{"x": 1}]}, format="json",
                        HTTP_IDEMPOTENCY_KEY="k")  # fmt: skip
    assert IdempotencyRecord.objects.count() == 1
    assert purge_expired(dt.datetime.now(dt.UTC) + dt.timedelta(hours=23)) == 0
    assert purge_expired(dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)) == 1
