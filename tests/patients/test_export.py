"""A patient's data export: complete, theirs only, and valid FHIR."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from clinic.models import PatientAccessEvent
from programs.models import ProgramTemplate
from programs.services import program_assign
from tests.conftest import bearer
from tests.patients.test_episodes import episode
from tests.triage.helpers import EMERGENCY, answers
from triage.services import intake_submit


@pytest.fixture
def history(world, patient_client):
    template = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    program = program_assign(patient=world.patient, by=world.physio, template=template)
    program_assign(patient=world.other_patient, by=world.physio, template=template,
                   notes="SOMEONE ELSE")  # fmt: skip
    mine = [
        intake_submit(patient=world.patient, submitted_by=world.patient_user,
                      answers=answers(**EMERGENCY), start_back=[1] * 8 + ["Extremely"]),
        intake_submit(patient=world.patient, submitted_by=world.physio, answers=answers()),
    ]  # fmt: skip
    episodes = [
        patient_client.post("/api/v1/episodes/", episode(notes=f"note {i}"), format="json").json()
        for i in range(3)
    ]
    episodes.append(
        patient_client.post(
            "/api/v1/episodes/", episode(red_flags={"fever": True}), format="json"
        ).json()
    )
    deleted = patient_client.post("/api/v1/episodes/", episode(), format="json").json()
    patient_client.delete(f"/api/v1/episodes/{deleted['id']}/")
    other = bearer(world.other_patient.user)
    other.post("/api/v1/episodes/", episode(notes="SOMEONE ELSE"), format="json")
    intake_submit(patient=world.other_patient, submitted_by=world.physio,
                  answers=answers(), description="SOMEONE ELSE")  # fmt: skip
    return {
        "intakes": [i.pk for i in mine],
        "episodes": [e["id"] for e in episodes],
        "programs": [program.pk],
    }


def test_the_json_export_has_all_of_mine_and_nothing_of_anyone_elses(
    world, history, patient_client
):
    response = patient_client.get("/api/v1/me/export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    doc = response.json()
    assert doc["patient"]["id"] == world.patient.pk
    assert [e["id"] for e in doc["episodes"]] == history["episodes"]  # not the deleted one
    assert [i["id"] for i in doc["intakes"]] == history["intakes"]
    assert doc["intakes"][0]["assessment"]["urgency"] == "emergency"
    assert [p["id"] for p in doc["programs"]] == history["programs"]
    assert doc["programs"][0]["revisions"][0]["items"]
    text = json.dumps(doc)
    assert "SOMEONE ELSE" not in text
    assert world.other_patient.last_name not in text and world.other_patient.email not in text


def test_the_fhir_export_is_a_valid_r4_bundle_of_my_records(world, history, patient_client):
    bundle = patient_client.get("/api/v1/me/export/fhir/").json()
    Bundle.model_validate(bundle)
    resources = [entry["resource"] for entry in bundle["entry"]]
    for resource in resources:  # each entry against its own resource model too
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    by_type: dict[str, list] = {}
    for r in resources:
        by_type.setdefault(r["resourceType"], []).append(r)
    assert [p["id"] for p in by_type["Patient"]] == [str(world.patient.pk)]
    assert len(by_type["QuestionnaireResponse"]) == 2
    episodes = [o for o in by_type["Observation"] if o["id"].startswith("episode-")]
    assert [o["valueInteger"] for o in episodes] == [6, 6, 6, 6]
    [care_plan] = by_type["CarePlan"]
    assert care_plan["id"] == f"program-{history['programs'][0]}"
    assert care_plan["status"] == "active" and care_plan["activity"]
    flags = {f["code"]["text"] for f in by_type["Flag"]}
    assert "Red flag: cauda_equina (emergency)" in flags
    assert any("fever" in f for f in flags)
    assert {r["subject"]["reference"] for r in resources if "subject" in r} == {
        f"Patient/{world.patient.pk}"
    }
    assert "SOMEONE ELSE" not in json.dumps(bundle)


def test_clinicians_export_their_patients_and_another_clinic_gets_404(
    world, history, physio_client, other_clinic_client
):
    for suffix in ("", "fhir/"):
        url = f"/api/v1/clinic/patients/{world.patient.pk}/export/{suffix}"
        assert physio_client.get(url).status_code == 200
        assert other_clinic_client.get(url).status_code == 404
    assert (
        PatientAccessEvent.objects.filter(
            action="export", actor=world.physio, patient_id=world.patient.pk
        ).count()
        == 2
    )
    assert not PatientAccessEvent.objects.filter(actor=world.other_physio).exists()


def test_exports_are_only_for_the_patient_and_their_clinic(patient_client, physio_client, world):
    assert physio_client.get("/api/v1/me/export/").status_code == 403
    url = f"/api/v1/clinic/patients/{world.patient.pk}/export/"
    assert patient_client.get(url).status_code == 403
