"""The access log records what happened: a refused or failed action is not logged as done."""

from __future__ import annotations

import pytest
from django.test import Client

from clinic.models import PatientAccessEvent
from tests.conftest import bearer
from tests.dashboard.helpers import verified_login
from tests.triage.helpers import EMERGENCY, answers
from triage.models import Escalation
from triage.services import intake_submit

C = "/api/v1/clinic"


@pytest.fixture
def escalation(world):
    intake_submit(patient=world.patient, submitted_by=world.patient_user,
                  answers=answers(**EMERGENCY))  # fmt: skip
    return Escalation.objects.get()


def events(action: str, **filters):
    return PatientAccessEvent.objects.filter(action=action, **filters)


def test_a_second_acknowledgement_is_a_409_and_is_not_logged(
    world, escalation, physio_client, patient_client
):
    url = f"{C}/escalations/{escalation.pk}/acknowledge/"
    assert physio_client.post(url).status_code == 200
    assert bearer(world.admin).post(url).status_code == 409
    assert physio_client.post(url).status_code == 409
    logged = events("acknowledge", object_id=str(escalation.pk))
    assert [(e.actor_id, e.patient_id) for e in logged] == [(world.physio.pk, world.patient.pk)]
    # What the patient reads in their access log: one acknowledgement, by who did it.
    rows = patient_client.get("/api/v1/me/access-log/").json()["results"]
    assert [r["name"] for r in rows if r["action"] == "acknowledge"] == [
        world.physio.get_full_name()
    ]


def test_refused_resolutions_are_not_logged(world, escalation, physio_client):
    url = f"{C}/escalations/{escalation.pk}/resolve/"
    assert physio_client.post(url, {}, format="json").status_code == 400  # no note
    assert physio_client.post(url, {"note": "A&E"}, format="json").status_code == 200
    assert physio_client.post(url, {"note": "again"}, format="json").status_code == 409
    assert events("resolve").count() == 1


def test_an_erasure_that_was_refused_is_not_logged_as_a_deletion(world, physio_client):
    url = f"{C}/patients/{world.patient.pk}/erase/"
    assert physio_client.post(url, {"confirm": True}, format="json").status_code == 403
    admin = bearer(world.admin)
    assert admin.post(url, {"confirm": False}, format="json").status_code == 400
    assert not events("delete").exists()
    assert admin.post(url, {"confirm": True}, format="json").status_code == 200
    assert list(events("delete").values_list("actor_id", flat=True)) == [world.admin.pk]


def test_a_refused_review_is_not_logged(world, escalation, physio_client):
    url = f"{C}/assessments/{escalation.assessment_id}/review/"
    assert physio_client.post(url, {}, format="json").status_code == 201
    assert physio_client.post(url, {}, format="json").status_code == 409
    assert events("review").count() == 1


def test_another_clinic_cannot_act_and_leaves_no_event(world, escalation, other_clinic_client):
    url = f"{C}/escalations/{escalation.pk}/acknowledge/"
    assert other_clinic_client.post(url).status_code == 404
    assert not PatientAccessEvent.objects.filter(actor=world.other_physio).exists()
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.OPEN


def test_a_successful_change_is_still_logged(world, physio_client):
    response = physio_client.patch(
        f"{C}/patients/{world.patient.pk}/", {"phone": "0123"}, format="json"
    )
    assert response.status_code == 200
    assert list(events("update").values_list("patient_id", flat=True)) == [world.patient.pk]


def test_the_dashboard_logs_one_acknowledgement_and_one_review(world, escalation):
    physio = Client()
    physio.force_login(world.physio)
    admin = verified_login(Client(), world.admin)
    for client in (physio, admin, physio):
        assert client.post(f"/triage/escalations/{escalation.pk}/acknowledge/").status_code == 302
    for client in (physio, admin):
        client.post(f"/triage/assessments/{escalation.assessment_id}/review/", {"note": ""})
    for client in (admin, physio):
        client.post(f"/triage/escalations/{escalation.pk}/resolve/", {"note": "Seen"})
    assert [e.actor_id for e in events("acknowledge")] == [world.physio.pk]
    assert [e.actor_id for e in events("review")] == [world.physio.pk]
    assert [e.actor_id for e in events("resolve")] == [world.admin.pk]
