"""Deactivation, erasure on request, and the API's resource limits."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.throttling import ScopedRateThrottle

from clinic import outbox
from clinic.models import Notification, PatientAccessEvent
from patients.models import Episode
from tests.conftest import bearer
from tests.factories import PASSWORD
from tests.patients.test_episodes import episode
from tests.triage.helpers import answers
from triage.models import Intake
from triage.services import intake_submit


def test_a_deactivated_patient_gets_no_more_messages(world, physio_client):
    intake_submit(patient=world.patient, submitted_by=world.patient_user, answers=answers())
    physio_client.patch(f"/api/v1/clinic/patients/{world.patient.pk}/", {"is_active": False},
                        format="json")  # fmt: skip
    checkin = Notification.objects.get(kind="intake_checkin")
    with time_machine.travel(checkin.due_at, tick=False):
        assert outbox.deliver(checkin.pk) == "cancelled"


@pytest.fixture
def records(world, patient_client):
    world.patient.phone = "07700 900001"
    world.patient.save()
    intake_submit(patient=world.patient, submitted_by=world.patient_user, answers=answers(),
                  description="my back")  # fmt: skip
    patient_client.post("/api/v1/episodes/", episode(notes="at my sister's house"), format="json")
    bearer(world.physio).get(f"/api/v1/clinic/patients/{world.patient.pk}/")


def test_only_a_clinic_admin_can_erase_and_must_confirm(world, records):
    url = f"/api/v1/clinic/patients/{world.patient.pk}/erase/"
    assert bearer(world.physio).post(url, {"confirm": True}, format="json").status_code == 403
    unconfirmed = bearer(world.admin).post(url, {}, format="json")
    assert unconfirmed.status_code == 400
    assert "confirm" in unconfirmed.json()["error"]["fields"]
    assert bearer(world.other_physio).post(url, {"confirm": True}, format="json").status_code == 404
    world.patient.refresh_from_db()
    assert world.patient.last_name != f"patient {world.patient.pk}"


def test_erasure_removes_personal_data_and_keeps_the_record_and_the_audit(world, records):
    events_before = PatientAccessEvent.objects.filter(patient_id=world.patient.pk).count()
    old_last_name = world.patient.last_name
    response = bearer(world.admin).post(
        f"/api/v1/clinic/patients/{world.patient.pk}/erase/", {"confirm": True}, format="json"
    )
    assert response.status_code == 200
    p = world.patient
    p.refresh_from_db()
    assert (p.first_name, p.last_name, p.email, p.phone) == ("Erased", f"patient {p.pk}", "", "")
    assert p.date_of_birth == dt.date(1980, 1, 1) and not p.is_active and p.user is None
    assert not p.history.filter(last_name=old_last_name).exists()
    assert not p.history.exclude(phone="").exists()
    assert bearer(world.patient_user).get("/api/v1/me/").status_code == 401
    login = bearer(world.patient_user).post(
        "/api/v1/auth/token/", {"email": "pat@a.example", "password": PASSWORD}, format="json"
    )
    assert login.status_code == 401
    assert Intake.objects.filter(patient=p).count() == 1  # the clinical record stays
    ep = Episode.objects.get(patient=p)
    assert (ep.notes, ep.peak_intensity) == ("", 6)
    assert not ep.history.exclude(notes="").exists()
    events = PatientAccessEvent.objects.filter(patient_id=p.pk)
    assert events.count() == events_before + 1
    assert events.filter(action="delete", actor=world.admin).exists()
    assert set(Notification.objects.filter(context__patient_id=p.pk).values_list(
        "status", flat=True)) == {"cancelled"}  # fmt: skip
    world.other_patient.refresh_from_db()
    assert world.other_patient.first_name != "Erased"


def test_heavy_endpoints_are_throttled_with_a_clear_429(world, patient_client, monkeypatch):
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {"export": "2/hour", "sync": "5/hour"}
    )
    statuses = [patient_client.get("/api/v1/me/export/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = patient_client.get("/api/v1/me/export/")
    assert limited.json()["error"]["code"] == "throttled"
    assert int(limited["Retry-After"]) > 0
    assert bearer(world.other_patient.user).get("/api/v1/me/export/").status_code == 200


def test_erasure_also_forgets_replayable_responses_and_pending_invitations(world, records):
    from clinic.models import IdempotencyRecord, Notification
    from patients.services import invitation_send

    bearer(world.patient_user).post(
        "/api/v1/episodes/", episode(notes="private"), format="json", HTTP_IDEMPOTENCY_KEY="e1"
    )
    invitation_send(patient=world.patient, sent_by=world.physio)
    assert IdempotencyRecord.objects.filter(user=world.patient_user).exists()
    bearer(world.admin).post(
        f"/api/v1/clinic/patients/{world.patient.pk}/erase/", {"confirm": True}, format="json"
    )
    assert not IdempotencyRecord.objects.filter(user=world.patient_user).exists()
    invite = Notification.objects.get(kind="patient_invitation")
    assert (invite.status, invite.recipient) == ("cancelled", "erased@invalid.example")
