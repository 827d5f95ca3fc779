from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.models import Notification
from tests.factories import PatientFactory
from triage.models import Assessment, Escalation, Intake
from triage.questionnaire import REQUIRED_FIELDS

from .helpers import EMERGENCY, URGENT, answers

INTAKES = "/api/v1/intakes/"


def test_a_routine_intake_is_graded_and_safety_netted(patient_client, world):
    response = patient_client.post(INTAKES, answers(pain_nrs=10), format="json")
    assert response.status_code == 201, response.json()
    assessment = response.json()["assessment"]
    assert assessment["urgency"] == "routine"  # pain 10 alone is not a red flag
    assert assessment["flags"] == [] and assessment["rules"] == []
    assert "Cauda equina warning signs" in assessment["safety_message"]
    assert not Escalation.objects.exists()
    assert not Notification.objects.filter(kind="escalation_alert").exists()


def test_an_emergency_intake_commits_assessment_escalation_and_alerts_together(
    patient_client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = patient_client.post(INTAKES, answers(**EMERGENCY), format="json")
    assert response.status_code == 201
    body = response.json()["assessment"]
    assert body["urgency"] == "emergency"
    assert body["flags"] == ["cauda_equina"]
    assert [r["id"] for r in body["rules"]] == ["R1a"]
    assert body["rules"][0]["source"]
    assert "emergency department" in body["safety_message"]
    assert "999" in body["safety_message"]
    escalation = Escalation.objects.get()
    assert (escalation.level, escalation.status) == ("emergency", "open")
    assert escalation.assessment.intake == Intake.objects.get()
    alerts = Notification.objects.filter(kind="escalation_alert")
    assert sorted(alerts.values_list("recipient", flat=True)) == [
        "admin@a.example",
        "physio@a.example",
    ]
    assert set(alerts.values_list("queue", flat=True)) == {"escalations"}
    assert all(set(n.context) == {"escalation_id", "round"} for n in alerts)  # ids only
    assert len(callbacks) == 2  # the alerts are enqueued once the transaction has committed


def test_an_urgent_intake_asks_for_same_day_advice_and_escalates(patient_client, world):
    body = patient_client.post(INTAKES, answers(**URGENT), format="json").json()["assessment"]
    assert body["urgency"] == "urgent"
    assert "today" in body["safety_message"]
    assert Escalation.objects.get().level == "urgent"


def test_soon_is_flagged_but_not_escalated(patient_client, world):
    body = patient_client.post(INTAKES, answers(history_of_cancer=True), format="json").json()[
        "assessment"
    ]
    assert (body["urgency"], body["flags"]) == ("soon", ["malignancy"])
    assert not Escalation.objects.exists()


def test_start_back_and_oswestry_are_scored_and_recommend_a_pathway(patient_client, world):
    payload = answers(
        start_back=[1, 1, 0, 1, 1, 1, 1, 1, "Very much"],
        oswestry={"pain_intensity": 3, "personal_care": 1, "lifting": [2, 4], "walking": 1,
                  "sitting": 2, "standing": 2, "sleeping": 1, "social_life": 2,
                  "travelling": 1},
    )  # fmt: skip
    body = patient_client.post(INTAKES, payload, format="json").json()["assessment"]
    assert body["start_back"] == {"total": 8, "psychosocial": 5, "risk": "high"}
    assert body["pathway"]["code"] == "psychologically_informed_physiotherapy"
    # 3+1+4+1+2+2+1+2+1 = 17 of 45 -> 37.8 %
    assert body["oswestry"] == {"score": 37.8, "band": "moderate"}


def test_patients_see_only_plain_language_medication_notes(patient_client, physio_client, world):
    payload = answers(medicines=[{"name": "Diazepam", "dose": "5 mg"}, {"name": "Naproxen"}])
    created = patient_client.post(INTAKES, payload, format="json").json()
    notes = created["assessment"]["medication_notes"]
    assert [n["id"] for n in notes] == ["MED2"]
    assert "drowsiness" in notes[0]["message"]
    clinician = physio_client.get(f"/api/v1/clinic/assessments/{created['assessment']['id']}/")
    assert {"MED2", "MED5"} <= {n["id"] for n in clinician.json()["medication_notes"]}


def test_the_stored_assessment_names_its_rules_and_rule_set_version(patient_client, world):
    patient_client.post(INTAKES, answers(history_of_cancer=True, fever=True), format="json")
    assessment = Assessment.objects.get()
    assert assessment.urgency == "urgent"
    assert sorted(assessment.flags) == ["infection", "malignancy"]
    assert assessment.rule_ids == ["R3c", "R4b"]
    assert assessment.ruleset_version == "2026.1"
    assert Intake.objects.get().answers["fever"] is True


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["saddle_numbness", "chest_pain_or_breathlessness", "age"])
def test_a_missing_red_flag_answer_is_named_never_a_silent_no(patient_client, world, missing):
    payload = answers()
    del payload[missing]
    response = patient_client.post(INTAKES, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [missing]
    assert not Intake.objects.exists()


def test_an_empty_intake_names_every_required_question(patient_client, world):
    response = patient_client.post(INTAKES, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == set(REQUIRED_FIELDS)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("fever", "yes"),
        ("fever", 1),
        ("age", 130),
        ("pain_nrs", 11),
        ("onset", "slowly"),
        ("start_back", [1, 0, 1]),
        ("start_back", [1, 0, 1, 0, 1, 0, 1, 0, "a bit"]),
        ("oswestry", {"walking": 6}),
        ("oswestry", {"jogging": 2}),
        ("medicines", [{"name": ""}]),
        ("medicines", [{"name": "Ibuprofen", "since": "2999-01-01"}]),
        ("medicines", [{"name": "Ibuprofen", "colour": "red"}]),
        ("description", 42),
        ("shoe_size", 9),
    ],
)
def test_invalid_answers_are_named(patient_client, world, field, value):
    response = patient_client.post(INTAKES, answers(**{field: value}), format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["error"]["fields"]) == [field]
    assert not Intake.objects.exists()


def test_a_patient_cannot_set_privileged_fields(patient_client, world):
    response = patient_client.post(
        INTAKES, answers(patient=world.other_patient.pk, urgency="routine"), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"patient", "urgency"}


# --- scoping -------------------------------------------------------------------------------


def test_patients_see_only_their_own_intakes(patient_client, world):
    from triage.services import intake_submit

    mine = intake_submit(patient=world.patient, submitted_by=world.patient_user, answers=answers())
    theirs = intake_submit(
        patient=world.other_patient, submitted_by=world.physio, answers=answers()
    )
    listed = [row["id"] for row in patient_client.get(INTAKES).json()["results"]]
    assert listed == [mine.pk]
    assert patient_client.get(f"{INTAKES}{theirs.pk}/").status_code == 404


def test_clinicians_record_intakes_for_their_patients_only(
    physio_client, other_clinic_client, world
):
    url = f"/api/v1/clinic/patients/{world.patient.pk}/intakes/"
    created = physio_client.post(url, answers(**URGENT), format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["assessment"]["urgency"] == "urgent"
    assert "Rules fired" in body["assessment"]["clinician_summary"]
    assert Intake.objects.get().submitted_by == world.physio
    assert other_clinic_client.post(url, answers(), format="json").status_code == 404
    assert other_clinic_client.get(url).status_code == 404
    assert physio_client.get(url).json()["count"] == 1


def test_clinicians_cannot_use_the_patient_endpoint_and_patients_not_the_clinic_one(
    physio_client, patient_client, anon_client, world
):
    assert physio_client.post(INTAKES, answers(), format="json").status_code == 403
    url = f"/api/v1/clinic/patients/{world.patient.pk}/intakes/"
    assert patient_client.post(url, answers(), format="json").status_code == 403
    assert anon_client.post(INTAKES, answers(), format="json").status_code == 401


def test_intake_list_query_count_is_constant(patient_client, world):
    from triage.services import intake_submit

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert patient_client.get(INTAKES).status_code == 200
        return len(ctx.captured_queries)

    intake_submit(patient=world.patient, submitted_by=world.patient_user, answers=answers())
    few = count()
    for _ in range(10):
        intake_submit(
            patient=world.patient, submitted_by=world.patient_user, answers=answers(**URGENT)
        )
    PatientFactory(clinic=world.clinic)
    assert count() == few


def test_the_app_gets_the_form_with_keele_wording_and_no_oswestry_statements(patient_client, world):
    form = patient_client.get("/api/v1/intake-form/").json()
    assert form["version"] == "2026.1"
    by_name = {f["name"]: f for f in form["fields"]}
    assert by_name["saddle_numbness"]["required"] is True
    assert by_name["buttock_pain"]["required"] is False
    assert {n for n, f in by_name.items() if f["required"]} == set(REQUIRED_FIELDS)
    assert len(form["start_back"]["items"]) == 9
    assert form["start_back"]["copyright"] == "© Keele University 2007"
    assert form["start_back"]["items"][0].startswith("My back pain has spread down my leg")
    assert [s["name"] for s in form["oswestry"]["sections"]][:2] == [
        "pain_intensity",
        "personal_care",
    ]


def test_a_retried_intake_with_the_same_key_is_replayed_not_repeated(patient_client, world):
    headers = {"HTTP_IDEMPOTENCY_KEY": "intake-7f3a"}
    first = patient_client.post(INTAKES, answers(**EMERGENCY), format="json", **headers)
    again = patient_client.post(INTAKES, answers(**EMERGENCY), format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Intake.objects.count() == 1 and Escalation.objects.count() == 1
    other = patient_client.post(INTAKES, answers(), format="json", **headers)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
