"""Every write endpoint, found in the OpenAPI schema (so a new one is covered without being
listed), refuses deep, huge, undecodable, non-object and wrongly typed bodies with a 4xx in the
error shape, and writes nothing: every table's row count is unchanged."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from patients.episodes import episode_record
from programs import catalogue, services
from programs.models import Exercise, ProgramTemplate
from tests.conftest import bearer
from tests.triage.helpers import EMERGENCY, answers
from triage.services import intake_submit

SPEC = SchemaGenerator().get_schema(request=None, public=True)
WRITES = sorted(
    (path, method)
    for path, operations in SPEC["paths"].items()
    for method in operations
    if method in ("post", "put", "patch")
)


def test_the_sweep_found_the_write_endpoints():
    assert len(WRITES) >= 25
    assert ("/api/v1/episodes/", "post") in WRITES
    assert ("/api/v1/auth/token/", "post") in WRITES


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = SPEC["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    for combinator in ("allOf", "oneOf", "anyOf"):
        if combinator in node and "type" not in node:
            return resolve(node[combinator][0])
    return node


WRONG = {"string": 12345, "integer": "7", "number": "7.5", "boolean": 1, "array": "x"}


def wrongly_typed(path: str, method: str) -> dict[str, Any]:
    """Every property the request body declares, each with a value of another JSON type."""
    body = SPEC["paths"][path][method].get("requestBody", {})
    schema = resolve(body.get("content", {}).get("application/json", {}).get("schema", {}))
    wrong: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        prop = resolve(prop)
        if prop.get("readOnly"):
            continue
        kind = prop.get("type", "object" if "properties" in prop else None)
        if kind == "object":
            wrong[name] = "x"
        elif kind in WRONG:
            wrong[name] = WRONG[kind]
    return wrong or {"not_a_field": 1}


DEEP = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
BODIES = {
    "deep": lambda path, method: DEEP,
    "huge": lambda path, method: json.dumps(
        {"notes": "x" * (settings.REQUEST_BODY_MAX_BYTES + 10)}
    ).encode(),
    "undecodable": lambda path, method: b'{"notes": "\xff\xfe\xfa"}',
    "lone-surrogate": lambda path, method: b'{"\\udcff": 1, "notes": "\\ud800"}',
    "not-an-object": lambda path, method: b"[]",
    "wrongly-typed": lambda path, method: json.dumps(wrongly_typed(path, method)).encode(),
}


@pytest.fixture
def ids(world) -> dict[str, int]:
    """One object of each kind that the caller may write to, so a request reaches its parser."""
    now = timezone.now()
    episode = episode_record(
        patient=world.patient, client_id=uuid.uuid4(), started_at=now - dt.timedelta(hours=2),
        duration_minutes=10, peak_intensity=5,
    ).episode  # fmt: skip
    shipped_template = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    program = services.program_assign(
        patient=world.patient, by=world.physio, template=shipped_template
    )
    shipped_exercise = Exercise.objects.filter(clinic__isnull=True).first()
    # After the program: an open escalation stops new prescriptions.
    intake = intake_submit(
        patient=world.patient, submitted_by=world.patient_user, answers=answers(**EMERGENCY)
    )
    return {
        "patients": world.patient.pk,
        "episodes": episode.pk,
        "programs": program.pk,
        "exercises": catalogue.exercise_copy(exercise=shipped_exercise, clinic=world.clinic).pk,
        "program-templates": catalogue.template_copy(
            template=shipped_template, clinic=world.clinic
        ).pk,
        "assessments": intake.assessment.pk,
        "escalations": intake.assessment.escalation.pk,
        "intakes": intake.pk,
    }


def fill(path: str, ids: dict[str, int]) -> str:
    path = path.replace("{patient_pk}", str(ids["patients"]))
    return re.sub(r"([a-z-]+)/\{id\}", lambda m: f"{m.group(1)}/{ids[m.group(1)]}", path)


def client_for(path: str, world) -> APIClient:
    if path.startswith("/api/v1/auth/"):
        return APIClient()
    if path.startswith("/api/v1/clinic/"):
        return bearer(world.admin)  # a clinic admin may use every clinic endpoint
    return bearer(world.patient_user)


def row_counts() -> dict[str, int]:
    """Every table, the access log included: a refused write is not logged as done."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.parametrize(("path", "method"), WRITES)
def test_malformed_bodies_are_refused_with_no_write(world, ids, path, method):
    url = fill(path, ids)
    client = client_for(path, world)
    before = row_counts()
    answered = {}
    for name, make in BODIES.items():
        response = getattr(client, method)(
            url, data=make(path, method), content_type="application/json"
        )
        answered[name] = response.status_code
        assert 400 <= response.status_code < 500, (name, url, response.status_code)
        assert response.status_code not in (401, 403, 404, 405), (name, url, response.content)
        error = json.loads(response.content.decode("utf-8"))["error"]
        assert set(error) == {"code", "message", "fields"}, (name, url)
        if name == "wrongly-typed":
            assert response.status_code == 400 and error["fields"], (url, error)
    assert answered["huge"] == 413
    assert row_counts() == before, url
