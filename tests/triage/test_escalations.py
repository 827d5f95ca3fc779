from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic import outbox
from clinic.models import Notification
from tests.conftest import bearer
from tests.factories import PatientFactory
from triage.models import Escalation
from triage.services import escalations_realert, intake_submit

from .helpers import EMERGENCY, URGENT, answers

ESCALATIONS = "/api/v1/clinic/escalations/"
QUEUE = "/api/v1/clinic/triage-queue/"
T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def submit(patient, user, **flags):
    return intake_submit(patient=patient, submitted_by=user, answers=answers(**flags))


def alerts(round_: int) -> list[str]:
    return sorted(
        Notification.objects.filter(kind="escalation_alert", context__round=round_).values_list(
            "recipient", flat=True
        )
    )


@pytest.fixture
def emergency(world):
    with time_machine.travel(T0, tick=False):
        submit(world.patient, world.patient_user, **EMERGENCY)
    return Escalation.objects.get()


def test_the_first_alert_goes_to_the_physio_and_the_admins_on_the_escalation_queue(emergency):
    assert alerts(0) == ["admin@a.example", "physio@a.example"]
    n = Notification.objects.get(recipient="physio@a.example")
    assert outbox.deliver(n.pk) == "sent"
    message = mail.outbox[-1]
    assert message.subject.startswith("EMERGENCY triage alert")
    assert emergency.patient.last_name not in message.subject + message.body  # no names by email
    assert f"/triage/#escalation-{emergency.pk}" in message.body


def test_an_unacknowledged_emergency_realerts_the_admins_every_interval(world, emergency):
    with time_machine.travel(T0 + dt.timedelta(minutes=14, seconds=59), tick=False):
        assert escalations_realert() == 0
    with time_machine.travel(T0 + dt.timedelta(minutes=15), tick=False):
        assert escalations_realert() == 1
        assert escalations_realert() == 0  # not twice for the same round
    assert alerts(1) == ["admin@a.example"]
    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        assert escalations_realert() == 1
    assert alerts(2) == ["admin@a.example"]
    emergency.refresh_from_db()
    assert emergency.alerts_sent == 3


def test_acknowledging_stops_the_realerts(world, emergency):
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        response = bearer(world.physio).post(f"{ESCALATIONS}{emergency.pk}/acknowledge/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "acknowledged"
    assert body["acknowledged_by"]["id"] == world.physio.pk
    assert body["acknowledged_at"].startswith("2026-11-20T09:05")
    with time_machine.travel(T0 + dt.timedelta(hours=3), tick=False):
        assert escalations_realert() == 0
    assert alerts(1) == []


def test_a_queued_alert_for_an_acknowledged_escalation_is_not_sent(world, emergency):
    from triage.services import escalation_acknowledge

    escalation_acknowledge(escalation=emergency, user=world.physio)
    n = Notification.objects.get(recipient="admin@a.example")
    assert outbox.deliver(n.pk) == "cancelled"
    assert mail.outbox == []


def test_the_realert_delay_is_configurable_per_clinic(world):
    world.clinic.urgent_realert_minutes = 30
    world.clinic.save()
    with time_machine.travel(T0, tick=False):
        submit(world.patient, world.patient_user, **URGENT)
    with time_machine.travel(T0 + dt.timedelta(minutes=29), tick=False):
        assert escalations_realert() == 0
    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        assert escalations_realert() == 1


def test_urgent_waits_two_hours_by_default(world):
    with time_machine.travel(T0, tick=False):
        submit(world.patient, world.patient_user, **URGENT)
    with time_machine.travel(T0 + dt.timedelta(minutes=119), tick=False):
        assert escalations_realert() == 0
    with time_machine.travel(T0 + dt.timedelta(minutes=120), tick=False):
        assert escalations_realert() == 1


def test_resolve_needs_a_note_and_records_who_and_when(world, emergency, physio_client):
    missing = physio_client.post(f"{ESCALATIONS}{emergency.pk}/resolve/", {}, format="json")
    assert missing.status_code == 400
    assert "note" in missing.json()["error"]["fields"]
    done = physio_client.post(
        f"{ESCALATIONS}{emergency.pk}/resolve/", {"note": "Sent to A&E, MRI booked"}, format="json"
    )
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "resolved"
    assert body["resolution_note"] == "Sent to A&E, MRI booked"
    assert body["resolved_by"]["id"] == world.physio.pk
    assert body["acknowledged_by"]["id"] == world.physio.pk
    again = physio_client.post(f"{ESCALATIONS}{emergency.pk}/acknowledge/")
    assert again.status_code == 409


def test_acknowledging_twice_is_a_conflict_that_keeps_the_first(world, emergency, physio_client):
    assert physio_client.post(f"{ESCALATIONS}{emergency.pk}/acknowledge/").status_code == 200
    second = bearer(world.admin).post(f"{ESCALATIONS}{emergency.pk}/acknowledge/")
    assert second.status_code == 409
    emergency.refresh_from_db()
    assert emergency.acknowledged_by == world.physio


def test_another_clinic_sees_no_escalations_and_cannot_act(world, emergency, other_clinic_client):
    assert other_clinic_client.get(ESCALATIONS).json()["count"] == 0
    assert other_clinic_client.get(f"{ESCALATIONS}{emergency.pk}/").status_code == 404
    response = other_clinic_client.post(f"{ESCALATIONS}{emergency.pk}/acknowledge/")
    assert response.status_code == 404
    emergency.refresh_from_db()
    assert emergency.status == "open"


def test_patients_cannot_see_or_acknowledge_escalations(world, emergency, patient_client):
    assert patient_client.get(ESCALATIONS).status_code == 403
    assert patient_client.post(f"{ESCALATIONS}{emergency.pk}/acknowledge/").status_code == 403


def test_escalations_filter_by_status_and_level(world, physio_client):
    submit(world.patient, world.patient_user, **EMERGENCY)
    submit(world.other_patient, world.physio, **URGENT)
    urgent = Escalation.objects.get(level="urgent")
    physio_client.post(f"{ESCALATIONS}{urgent.pk}/acknowledge/")
    rows = physio_client.get(ESCALATIONS, {"status": "open"}).json()["results"]
    assert [r["level"] for r in rows] == ["emergency"]
    rows = physio_client.get(ESCALATIONS, {"level": "urgent"}).json()["results"]
    assert [r["status"] for r in rows] == ["acknowledged"]
    assert physio_client.get(ESCALATIONS, {"level": "mild"}).status_code == 400


# --- triage queue --------------------------------------------------------------------------


def test_the_queue_is_most_urgent_first_then_oldest_first_and_scoped(world, physio_client):
    p = world.patient
    times = [T0 + dt.timedelta(minutes=m) for m in range(6)]
    plan = [
        ("routine-old", {}),
        ("urgent-old", URGENT),
        ("emergency-new", EMERGENCY),
        ("soon", {"history_of_cancer": True}),
        ("urgent-new", URGENT),
        ("emergency-old-but-later?", EMERGENCY),
    ]
    ids = {}
    for when, (label, flags) in zip(times, plan, strict=True):
        with time_machine.travel(when, tick=False):
            ids[label] = submit(p, world.patient_user, **flags).assessment.pk
    with time_machine.travel(T0, tick=False):
        submit(world.foreign_patient, world.other_physio, **EMERGENCY)
    rows = physio_client.get(QUEUE).json()["results"]
    assert [r["id"] for r in rows] == [
        ids["emergency-new"],
        ids["emergency-old-but-later?"],
        ids["urgent-old"],
        ids["urgent-new"],
        ids["soon"],
        ids["routine-old"],
    ]
    assert rows[0]["escalation"]["status"] == "open"


def test_reviewed_intakes_leave_the_queue_unless_their_escalation_is_unresolved(
    world, physio_client
):
    routine = submit(world.patient, world.patient_user).assessment
    emergency = submit(world.patient, world.patient_user, **EMERGENCY).assessment
    for a in (routine, emergency):
        reviewed = physio_client.post(
            f"/api/v1/clinic/assessments/{a.pk}/review/", {"note": "Seen"}, format="json"
        )
        assert reviewed.status_code == 201
        assert reviewed.json()["review"]["note"] == "Seen"
    assert [r["id"] for r in physio_client.get(QUEUE).json()["results"]] == [emergency.pk]
    physio_client.post(
        f"{ESCALATIONS}{emergency.escalation.pk}/resolve/", {"note": "Called"}, format="json"
    )
    assert physio_client.get(QUEUE).json()["results"] == []


def test_an_assessment_is_reviewed_once(world, physio_client):
    a = submit(world.patient, world.patient_user).assessment
    url = f"/api/v1/clinic/assessments/{a.pk}/review/"
    assert physio_client.post(url, {}, format="json").status_code == 201
    assert physio_client.post(url, {}, format="json").status_code == 409


def test_another_clinic_cannot_review(world, other_clinic_client):
    a = submit(world.patient, world.patient_user).assessment
    url = f"/api/v1/clinic/assessments/{a.pk}/review/"
    assert other_clinic_client.post(url, {}, format="json").status_code == 404
    assert other_clinic_client.get(QUEUE).json()["results"] == []


@pytest.mark.parametrize("url", [QUEUE, ESCALATIONS])
def test_queue_and_escalation_lists_have_constant_query_counts(world, physio_client, url):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert physio_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    submit(world.patient, world.patient_user, **EMERGENCY)
    few = count()
    for i in range(8):
        patient = PatientFactory(clinic=world.clinic, physiotherapist=world.physio)
        a = submit(patient, world.physio, **(EMERGENCY if i % 2 else URGENT)).assessment
        if i % 3 == 0:
            physio_client.post(f"/api/v1/clinic/assessments/{a.pk}/review/", {}, format="json")
            physio_client.post(f"{ESCALATIONS}{a.escalation.pk}/acknowledge/")
    assert count() == few


def test_a_physio_who_has_left_the_clinic_gets_no_alerts(world):
    from clinic.models import Membership

    Membership.objects.filter(user=world.physio, clinic=world.clinic).delete()
    submit(world.patient, world.patient_user, **EMERGENCY)
    assert alerts(0) == ["admin@a.example"]


def test_one_bad_staff_address_does_not_block_an_emergency_intake(world, patient_client):
    world.admin.email = "admin@clinic"  # not a deliverable address
    world.admin.save()
    response = patient_client.post("/api/v1/intakes/", answers(**EMERGENCY), format="json")
    assert response.status_code == 201
    assert response.json()["assessment"]["urgency"] == "emergency"
    assert Escalation.objects.count() == 1
    assert alerts(0) == ["physio@a.example"]
