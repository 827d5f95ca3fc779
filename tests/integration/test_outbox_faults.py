"""Follow-ups through a real Celery worker and SMTP: exactly once, whatever fails on the way."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.utils import timezone

from clinic import outbox
from clinic.models import Notification
from clinic.tasks import notification_deliver
from patients.followups import followup_schedule

from .conftest import configured_broker_url, purge_configured_queues, wait_for

pytestmark = pytest.mark.services


@pytest.fixture
def patient(world):
    # No quiet hours: these tests may run at any hour.
    p = world.patient
    p.quiet_hours_start = p.quiet_hours_end = dt.time(0)
    p.save()
    purge_configured_queues()
    return p


def schedule_checkin(patient, key="checkin-1"):
    return followup_schedule(
        patient=patient, kind="intake_checkin", due_at=timezone.now(), dedupe_key=key,
        context={"intake_id": 0},
    )  # fmt: skip


def status(n: Notification) -> tuple[str, int]:
    n.refresh_from_db()
    return n.status, n.attempts


def test_a_due_follow_up_arrives_once_with_both_parts_and_its_headers(
    transactional_db, patient, smtp_sink, start_worker
):
    start_worker(broker_url=configured_broker_url(), smtp_port=smtp_sink.port)
    n = schedule_checkin(patient)
    wait_for(lambda: smtp_sink.messages, 30, "the follow-up email")
    time.sleep(1.5)
    [message] = smtp_sink.messages
    assert message["To"] == "pat@a.example"
    assert message["Subject"] == "How are you getting on? - Clinic A"
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # long headers are folded
    assert unsubscribe.startswith("<http") and "/followups/unsubscribe/" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert {p.get_content_type() for p in message.iter_parts()} == {"text/plain", "text/html"}
    assert "/followups/reply/" in message.get_body(("plain",)).get_content()
    assert status(n) == ("sent", 1)


def test_a_temporary_smtp_failure_is_retried_and_then_sent(
    transactional_db, patient, smtp_sink, start_worker
):
    smtp_sink.replies = ["451 4.7.1 Greylisted"]
    start_worker(broker_url=configured_broker_url(), smtp_port=smtp_sink.port)
    n = schedule_checkin(patient)
    wait_for(lambda: smtp_sink.messages, 30, "the retried email")
    assert status(n) == ("sent", 2)
    assert smtp_sink.attempts == 2 and len(smtp_sink.messages) == 1


def test_a_permanent_failure_is_marked_dead_and_not_retried(
    transactional_db, patient, smtp_sink, start_worker
):
    smtp_sink.replies = ["550 5.1.1 Mailbox unknown"]
    start_worker(broker_url=configured_broker_url(), smtp_port=smtp_sink.port)
    n = schedule_checkin(patient)
    wait_for(lambda: status(n)[0] == "dead", 30, "the row to be marked dead")
    time.sleep(2.5)  # longer than a retry would wait
    assert status(n) == ("dead", 1)
    assert "Mailbox unknown" in Notification.objects.get(pk=n.pk).last_error
    assert smtp_sink.attempts == 1 and smtp_sink.messages == []


def test_a_worker_killed_mid_send_is_not_silently_lost_and_sends_once(
    transactional_db, patient, smtp_sink, start_worker, settings
):
    smtp_sink.hold = threading.Event()
    worker = start_worker(broker_url=configured_broker_url(), smtp_port=smtp_sink.port)
    n = schedule_checkin(patient)
    assert smtp_sink.holding.wait(30), "the worker never reached the SMTP server"
    worker.kill()
    smtp_sink.hold and smtp_sink.hold.set()
    assert status(n) == ("sending", 1)  # claimed by a worker that no longer exists

    lease = dt.timedelta(seconds=settings.NOTIFICATION_SENDING_LEASE_SECONDS)
    outbox.sweep(timezone.now() + lease + dt.timedelta(seconds=1))  # beat, after the lease
    assert status(n)[0] == "failed"
    start_worker(broker_url=configured_broker_url(), smtp_port=smtp_sink.port)
    wait_for(lambda: smtp_sink.messages, 30, "the re-sent email")
    time.sleep(1.5)
    assert len(smtp_sink.messages) == 1
    assert status(n) == ("sent", 2)


def test_two_workers_given_the_same_row_send_it_once(
    transactional_db, patient, smtp_sink, start_worker
):
    n = schedule_checkin(patient)
    wait_for(lambda: Notification.objects.get(pk=n.pk).enqueued_at, 5, "the first enqueue")
    for _ in range(3):  # duplicates, as a redelivery or a second sweep would make
        notification_deliver.apply_async((n.pk,), queue="default")
    start_worker(broker_url=configured_broker_url(), smtp_port=smtp_sink.port)
    start_worker(broker_url=configured_broker_url(), smtp_port=smtp_sink.port)
    wait_for(lambda: smtp_sink.messages, 30, "the email")
    time.sleep(2)
    assert len(smtp_sink.messages) == 1
    assert status(n) == ("sent", 1)
