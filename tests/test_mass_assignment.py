"""Fields a caller must not set are refused by name, and nothing is written."""

from __future__ import annotations

import pytest

from patients.models import Episode
from programs import services
from programs.models import ExerciseSession, ProgramTemplate
from tests.conftest import bearer
from tests.patients.test_episodes import episode
from tests.triage.helpers import answers
from triage.models import Escalation, Intake, Reassessment
from triage.services import intake_submit

PRIVILEGED_EPISODE = {
    "patient": 999, "triage": {"urgency": "routine"}, "medication_notes": [],
    "deleted_at": None, "id": 5, "created_at": "2026-01-01T00:00:00Z",
}  # fmt: skip
PRIVILEGED_INTAKE = {
    "patient": 999, "urgency": "routine", "flags": [], "assessment": {"urgency": "routine"},
    "clinician_summary": "fine", "escalation": None, "review": {"note": "ok"},
}  # fmt: skip


@pytest.mark.parametrize(("field", "value"), PRIVILEGED_EPISODE.items())
def test_a_patient_cannot_set_privileged_episode_fields(patient_client, world, field, value):
    response = patient_client.post("/api/v1/episodes/", episode(**{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Episode.objects.exists()


@pytest.mark.parametrize(("field", "value"), PRIVILEGED_INTAKE.items())
def test_a_patient_cannot_set_privileged_intake_fields(patient_client, world, field, value):
    response = patient_client.post("/api/v1/intakes/", answers(**{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Intake.objects.exists()


@pytest.mark.parametrize("field", ["milestone_weeks", "comparison", "baseline", "patient"])
def test_a_patient_cannot_set_reassessment_bookkeeping(patient_client, world, field):
    intake_submit(patient=world.patient, submitted_by=world.patient_user, answers=answers())
    response = patient_client.post(
        "/api/v1/reassessments/", {"pain_nrs": 3, field: 12}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Reassessment.objects.exists()


@pytest.mark.parametrize("field", ["patient", "program", "revision", "id"])
def test_a_patient_cannot_point_a_session_elsewhere(patient_client, world, field):
    template = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    program = services.program_assign(patient=world.patient, by=world.physio, template=template)
    exercise_id = program.revisions.first().items.first().exercise_id
    body = {
        "client_id": "6f1d9c1e-3b7a-4d27-9c55-3f0c2f0b4e11",
        "exercises": [{"exercise": exercise_id}],
        field: 1,
    }
    response = patient_client.post("/api/v1/program/sessions/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert not ExerciseSession.objects.exists()


def test_a_patient_cannot_edit_their_episodes_triage_or_owner(patient_client, world):
    created = patient_client.post(
        "/api/v1/episodes/", episode(red_flags={"fever": True}), format="json"
    ).json()
    for field, value in (("patient", world.other_patient.pk), ("triage", None)):
        response = patient_client.patch(
            f"/api/v1/episodes/{created['id']}/", {field: value}, format="json"
        )
        assert response.status_code == 400
    assert Episode.objects.get().patient == world.patient
    assert Escalation.objects.count() == 1


@pytest.mark.parametrize("field", ["clinic", "user", "has_app_account", "created_at"])
def test_clinicians_cannot_move_a_patient_or_forge_their_account(physio_client, world, field):
    value = {"clinic": world.other_clinic.pk, "user": world.other_patient.user.pk}.get(field, 1)
    response = physio_client.patch(
        f"/api/v1/clinic/patients/{world.patient.pk}/", {field: value}, format="json"
    )
    assert response.status_code == 400
    world.patient.refresh_from_db()
    assert (world.patient.clinic, world.patient.user) == (world.clinic, world.patient_user)


def test_an_escalation_status_cannot_be_posted(physio_client, world):
    intake_submit(patient=world.patient, submitted_by=world.patient_user,
                  answers=answers(saddle_numbness=True))  # fmt: skip
    escalation = Escalation.objects.get()
    url = f"/api/v1/clinic/escalations/{escalation.pk}/resolve/"
    response = physio_client.post(
        url, {"note": "x", "status": "open", "resolved_by": 1}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"status", "resolved_by"}
    escalation.refresh_from_db()
    assert escalation.status == "open"
    assert bearer(world.patient_user).get("/api/v1/clinic/escalations/").status_code == 403
