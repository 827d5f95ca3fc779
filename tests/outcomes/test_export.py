"""Progress checks in the FHIR export: Observations with their codes, each derived from the
QuestionnaireResponse it was scored from, in a bundle that validates."""

from __future__ import annotations

import datetime as dt

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from tests.outcomes.helpers import check, screen

T0 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
LOINC = "http://loinc.org"
OURS = "urn:clinic:codesystem:instruments"


def _code(resource):
    coding = resource["code"]["coding"][0]
    return coding["system"], coding["code"]


def test_progress_checks_are_observations_linked_to_their_questionnaire_responses(
    world, patient_client
):
    first = screen(world.patient, world.physio, T0, nrs=7, odi_total=20, risk="high")
    two = check(world.patient, first, 2, nrs=6, odi_total=18)
    twelve = check(world.patient, first, 12, nrs=3, odi_total=None)
    bundle = patient_client.get("/api/v1/me/export/fhir/").json()
    Bundle.model_validate(bundle)
    resources = [e["resource"] for e in bundle["entry"]]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    responses = {r["id"]: r for r in resources if r["resourceType"] == "QuestionnaireResponse"}
    assert set(responses) == {f"intake-{first.pk}", f"reassessment-{two.pk}",
                              f"reassessment-{twelve.pk}"}  # fmt: skip
    observations = {
        o["id"]: (_code(o), o.get("valueInteger", o.get("valueQuantity", {}).get("value")),
                  [d["reference"] for d in o["derivedFrom"]])
        for o in resources
        if o["resourceType"] == "Observation"
    }  # fmt: skip
    intake, r2, r12 = (f"intake-{first.pk}", f"reassessment-{two.pk}",
                       f"reassessment-{twelve.pk}")  # fmt: skip
    assert observations == {
        f"{intake}-pain": ((LOINC, "72514-3"), 7, [f"QuestionnaireResponse/{intake}"]),
        f"{intake}-oswestry": ((LOINC, "97909-6"), 40.0, [f"QuestionnaireResponse/{intake}"]),
        f"{intake}-start-back": ((OURS, "start-back-total"), 5,
                                 [f"QuestionnaireResponse/{intake}"]),
        f"{r2}-pain": ((LOINC, "72514-3"), 6, [f"QuestionnaireResponse/{r2}"]),
        f"{r2}-oswestry": ((LOINC, "97909-6"), 36.0, [f"QuestionnaireResponse/{r2}"]),
        f"{r12}-pain": ((LOINC, "72514-3"), 3, [f"QuestionnaireResponse/{r12}"]),
    }  # fmt: skip
    start_back = next(o for o in resources if o["id"] == f"{intake}-start-back")
    risk = start_back["component"][1]["valueCodeableConcept"]["coding"][0]
    assert risk == {"system": OURS, "code": "start-back-risk-high"}
    weeks = [i for i in responses[r12]["item"] if i["linkId"] == "milestone_weeks"]
    assert weeks == [{"linkId": "milestone_weeks", "answer": [{"valueInteger": 12}]}]
    odi_items = [i for i in responses[r2]["item"] if i["linkId"].startswith("oswestry-")]
    assert sum(i["answer"][0]["valueInteger"] for i in odi_items) == 18
