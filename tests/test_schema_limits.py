"""The schema states every limit the server enforces, and the server refuses what it forbids."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from patients.models import Patient
from programs.models import ProgramTemplate
from tests.conftest import bearer
from tests.triage.helpers import EMERGENCY, answers
from triage.services import intake_submit


@pytest.fixture(scope="module")
def spec():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(spec):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def resolve(spec, node):
    while "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_every_request_body_refuses_unknown_fields(spec):
    loose = []
    for path, method, op in operations(spec):
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if body is None:
            continue
        schema = resolve(spec, body["schema"])
        if schema.get("additionalProperties") is not False:
            loose.append((method, path))
    assert loose == []
    nested = [
        name
        for name, component in spec["components"]["schemas"].items()
        if name.endswith("Request") and component.get("additionalProperties") is not False
    ]
    assert nested == []


def _parameter(op, name):
    return next(p for p in op.get("parameters", []) if p["name"] == name)


def test_the_schema_states_the_query_and_header_limits(spec):
    seen = {"days": 0, "weeks": 0, "Idempotency-Key": 0, "page_size": 0}
    for _path, _method, op in operations(spec):
        names = {p["name"] for p in op.get("parameters", [])}
        if "days" in names:
            days = _parameter(op, "days")["schema"]
            assert (days["minimum"], days["maximum"]) == (1, 365)
            seen["days"] += 1
        if "weeks" in names:
            assert _parameter(op, "weeks")["schema"]["minimum"] == 1
            seen["weeks"] += 1
        if "Idempotency-Key" in names:
            key = _parameter(op, "Idempotency-Key")["schema"]
            assert (key["minLength"], key["maxLength"]) == (1, 255)
            seen["Idempotency-Key"] += 1
        if "page_size" in names:
            size = _parameter(op, "page_size")["schema"]
            assert (size["type"], size["minimum"], size["maximum"]) == ("integer", 1, 200)
            seen["page_size"] += 1
    assert seen["days"] == 3 and seen["weeks"] == 2
    assert seen["Idempotency-Key"] >= 4 and seen["page_size"] >= 10


def test_blank_pathway_and_difficulty_answers_are_in_the_enums(spec):
    schemas = spec["components"]["schemas"]
    for component, field in (("Template", "pathway"), ("Session", "difficulty")):
        options = schemas[component]["properties"][field]["oneOf"]
        enums = [v for o in options for v in resolve(spec, o)["enum"]]
        assert "" in enums, (component, field)


def test_revisions_are_declared_paginated(spec):
    path = "/api/v1/clinic/patients/{patient_pk}/programs/{id}/revisions/"
    ref = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    assert {"count", "next", "previous", "results"} <= set(
        resolve(spec, ref["schema"])["properties"]
    )


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/clinic/patients/?page_size=null",
        "/api/v1/clinic/patients/?page_size=0",
        "/api/v1/clinic/patients/?page_size=201",
        "/api/v1/clinic/patients/?page=x",
        "/api/v1/clinic/patients/?is_active=-3614",
        "/api/v1/clinic/patients/?is_active=",
        "/api/v1/clinic/exercises/?is_active=-3614",
        "/api/v1/clinic/program-templates/?shipped=1",
        "/api/v1/clinic/episodes/summary/?days=0",
        "/api/v1/clinic/episodes/summary/?days=366",
    ],
)
def test_query_values_the_schema_forbids_are_a_400(world, query):
    response = bearer(world.physio).get(query)
    assert response.status_code == 400, (query, response.status_code)
    name = query.split("?")[1].split("=")[0]
    assert name in response.json()["error"]["fields"]


def test_query_values_the_schema_allows_still_work(world):
    physio = bearer(world.physio)
    active = physio.get("/api/v1/clinic/patients/?is_active=true&page_size=200").json()
    assert active["count"] == Patient.objects.filter(clinic=world.clinic, is_active=True).count()
    inactive = physio.get("/api/v1/clinic/patients/?is_active=false").json()
    assert inactive["count"] == 0
    shipped = physio.get("/api/v1/clinic/program-templates/?shipped=true&page=1").json()
    assert shipped["count"] == ProgramTemplate.objects.filter(clinic__isnull=True).count()


def test_a_review_note_that_is_not_text_is_a_400(world):
    intake = intake_submit(
        patient=world.patient, submitted_by=world.patient_user, answers=answers(**EMERGENCY)
    )
    url = f"/api/v1/clinic/assessments/{intake.assessment.pk}/review/"
    response = bearer(world.physio).post(url, {"note": 0}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["note"]
    intake.assessment.refresh_from_db()
    assert not hasattr(intake.assessment, "review")
