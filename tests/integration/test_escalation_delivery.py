"""An emergency intake, end to end: API -> outbox -> broker -> Celery worker -> SMTP."""

from __future__ import annotations

import base64
import json
import time

import pytest
import redis

from clinic import outbox
from clinic.models import Notification
from tests.triage.helpers import EMERGENCY, answers
from triage.models import Escalation

from .conftest import configured_broker_url, publishing_to, purge_configured_queues, wait_for

pytestmark = pytest.mark.services

INTAKES = "/api/v1/intakes/"


def test_an_emergency_alert_reaches_smtp_through_the_worker_exactly_once(
    transactional_db, world, patient_client, smtp_sink, start_worker
):
    purge_configured_queues()
    start_worker(broker_url=configured_broker_url(), smtp_port=smtp_sink.port)

    response = patient_client.post(INTAKES, answers(**EMERGENCY), format="json")

    assert response.status_code == 201
    escalation = Escalation.objects.get()
    wait_for(lambda: len(smtp_sink.messages) >= 2, 30, "two alert emails")
    time.sleep(1.5)  # room for a duplicate to show up, if there were one
    assert smtp_sink.recipients() == ["admin@a.example", "physio@a.example"]
    message = smtp_sink.messages[0]
    assert message["Subject"].startswith("EMERGENCY triage alert")
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type() for part in message.iter_parts()}
    assert parts == {"text/plain", "text/html"}
    assert f"alert #{escalation.pk}" in message.get_body(("plain",)).get_content()
    statuses = Notification.objects.filter(kind="escalation_alert").values_list(
        "status", "attempts", "queue"
    )
    assert sorted(statuses) == [("sent", 1, "escalations")] * 2


def test_with_the_broker_down_the_intake_succeeds_and_the_alert_goes_out_once_it_returns(
    transactional_db, world, patient_client, smtp_sink, private_redis, start_worker
):
    with publishing_to(private_redis.url):
        worker = start_worker(broker_url=private_redis.url, smtp_port=smtp_sink.port)
        private_redis.stop()

        response = patient_client.post(INTAKES, answers(**EMERGENCY), format="json")

        assert response.status_code == 201
        assert response.json()["assessment"]["urgency"] == "emergency"
        assert Escalation.objects.filter(status="open").count() == 1
        pending = Notification.objects.filter(
            kind="escalation_alert", status="pending", enqueued_at__isnull=True
        )
        assert pending.count() == 2
        assert smtp_sink.messages == []

        private_redis.start()
        assert outbox.sweep() == 2  # what beat does every minute
        wait_for(lambda: len(smtp_sink.messages) >= 2, 60, "alerts after the broker returned")
        assert outbox.sweep() == 0
        time.sleep(1.5)
    assert smtp_sink.recipients() == ["admin@a.example", "physio@a.example"], worker.output()[
        -2000:
    ]
    alerts = Notification.objects.filter(kind="escalation_alert")
    assert set(alerts.values_list("status", flat=True)) == {"sent"}


def test_broker_messages_carry_ids_and_no_patient_data(
    transactional_db, world, patient_client, private_redis
):
    world.patient.first_name, world.patient.last_name = "Zebedee", "Quixote-Smith"
    world.patient.save()
    with publishing_to(private_redis.url):
        response = patient_client.post(
            INTAKES, answers(**EMERGENCY, description="numb when wiping"), format="json"
        )
    assert response.status_code == 201
    raw = redis.Redis.from_url(private_redis.url).lrange("escalations", 0, -1)
    assert len(raw) == 2
    ids = sorted(Notification.objects.filter(kind="escalation_alert").values_list("pk", flat=True))
    seen = []
    for item in raw:
        envelope = json.loads(item)
        body = base64.b64decode(envelope["body"])
        args, kwargs, _ = json.loads(body)
        seen.append(args[0])
        assert kwargs == {}
        text = (item + body).decode(errors="replace")
        for secret in ("Zebedee", "Quixote", "pat@a.example", "numb when wiping", "saddle"):
            assert secret not in text
    assert sorted(seen) == ids


def test_a_red_flag_episode_alerts_once_through_the_worker_even_when_resent_and_edited(
    transactional_db, world, patient_client, smtp_sink, start_worker
):
    from tests.patients.test_episodes import EPISODES, episode

    purge_configured_queues()
    start_worker(broker_url=configured_broker_url(), smtp_port=smtp_sink.port)
    payload = episode(red_flags={"bowel": True})

    first = patient_client.post(EPISODES, payload, format="json")
    resent = patient_client.post(EPISODES, payload, format="json")
    synced = patient_client.post(f"{EPISODES}sync/", {"episodes": [payload]}, format="json")
    edited = patient_client.patch(
        f"{EPISODES}{first.json()['id']}/", {"notes": "a bit better now"}, format="json"
    )

    assert (first.status_code, resent.status_code, edited.status_code) == (201, 200, 200)
    assert synced.json()["results"][0]["status"] == "duplicate"
    assert first.json()["triage"]["urgency"] == "emergency"
    wait_for(lambda: len(smtp_sink.messages) >= 2, 30, "the episode's alert emails")
    time.sleep(2)
    assert smtp_sink.recipients() == ["admin@a.example", "physio@a.example"]
    assert Escalation.objects.count() == 1
