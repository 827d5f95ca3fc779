"""Malformed input is a 4xx in the error shape, before any view code: never a 500."""

from __future__ import annotations

import json
import uuid

import pytest

from patients.models import Episode, Patient
from programs.models import Exercise, Program, ProgramTemplate
from tests.conftest import bearer
from tests.patients.test_episodes import EPISODES, episode

DEEP_LIST = b"[" * 10_000 + b"]" * 10_000
DEEP_OBJECT = b'{"a":' * 10_000 + b"1" + b"}" * 10_000


def raw_post(client, url: str, body: bytes, method: str = "post"):
    return getattr(client, method)(url, data=body, content_type="application/json")


def assert_error_shape(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content
    body = json.loads(response.content.decode("utf-8"))
    assert set(body["error"]) == {"code", "message", "fields"}
    return body


# --- finding 4: other 500s from input -------------------------------------------------------


@pytest.mark.parametrize("body", [b"[]", b'"x"', b"null", b"1", b"true"])
def test_erasure_with_a_body_that_is_not_an_object_is_a_400(world, body):
    url = f"/api/v1/clinic/patients/{world.patient.pk}/erase/"
    response = raw_post(bearer(world.admin), url, body)
    assert_error_shape(response)
    world.patient.refresh_from_db()
    assert world.patient.is_active and world.patient.first_name != "Erased"


@pytest.mark.parametrize("confirm", ["true", 1, "yes", False])
def test_erasure_needs_the_json_true_itself(world, confirm):
    url = f"/api/v1/clinic/patients/{world.patient.pk}/erase/"
    response = bearer(world.admin).post(url, {"confirm": confirm}, format="json")
    assert list(assert_error_shape(response)["error"]["fields"]) == ["confirm"]
    world.patient.refresh_from_db()
    assert world.patient.is_active


HUGE_NUMBERS = [b"1e309", b"-1e309", b"100000000000000000000000000000", b"1.5", b"0", b"-1"]


@pytest.mark.parametrize("number", HUGE_NUMBERS)
def test_a_huge_or_odd_number_in_an_id_field_is_a_400(world, number):
    physio = bearer(world.physio)
    patients_before = Patient.objects.count()
    person = b'"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1980-01-01"'
    for field in (b"physiotherapist", b"clinic"):
        body = b"{" + person + b', "' + field + b'": ' + number + b"}"
        response = raw_post(physio, "/api/v1/clinic/patients/", body)
        assert_error_shape(response)
    assert Patient.objects.count() == patients_before

    programs = f"/api/v1/clinic/patients/{world.patient.pk}/programs/"
    response = raw_post(physio, programs, b'{"template": ' + number + b"}")
    assert_error_shape(response)
    assert not Program.objects.exists()

    exercise = Exercise.objects.filter(clinic__isnull=True).first()
    template = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    copies_before = Exercise.objects.count(), ProgramTemplate.objects.count()
    for url in (
        f"/api/v1/clinic/exercises/{exercise.pk}/copy/",
        f"/api/v1/clinic/program-templates/{template.pk}/copy/",
    ):
        response = raw_post(physio, url, b'{"clinic": ' + number + b"}")
        assert_error_shape(response)
    assert (Exercise.objects.count(), ProgramTemplate.objects.count()) == copies_before


@pytest.mark.parametrize(
    "relief",
    [[{"effect": "good"}], [{"method": "heat"}], [{}]],
    ids=["no-method", "no-effect", "empty"],
)
def test_an_episode_relief_item_missing_a_key_is_a_400(patient_client, world, relief):
    created = patient_client.post(EPISODES, episode(), format="json").json()
    for method, url, body in (
        ("patch", f"{EPISODES}{created['id']}/", {"relief": relief}),
        ("post", EPISODES, episode(relief=relief)),
        ("patch", f"{EPISODES}{created['id']}/", {"medicines": [{"dose": "1 tablet"}]}),
    ):
        response = getattr(patient_client, method)(url, body, format="json")
        fields = assert_error_shape(response)["error"]["fields"]
        assert set(fields) <= {"relief", "medicines"} and fields, fields
    stored = Episode.objects.get()
    assert sorted(stored.relief.values_list("method", flat=True)) == ["heat", "rest"]


# --- finding 7 (last part): one strict type rule for every input ---------------------------


def _session_body(**overrides):
    exercise = Exercise.objects.filter(clinic__isnull=True).first()
    body = {"client_id": str(uuid.uuid4()), "exercises": [{"exercise": exercise.pk}]}
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("who", "method", "url", "name", "value"),
    [
        ("patient", "post", "/api/v1/program/sessions/", "pain_before", "7"),
        ("patient", "post", "/api/v1/program/sessions/", "pain_after", 7.0),
        ("patient", "post", "/api/v1/program/sessions/", "comment", 5),
        ("patient", "post", EPISODES, "peak_intensity", "7"),
        ("patient", "post", EPISODES, "notes", 0),
        ("patient", "post", EPISODES, "client_id", 12),
        ("patient", "post", "/api/v1/reassessments/", "pain_nrs", "3"),
        ("patient", "patch", "/api/v1/me/preferences/", "email_opt_in", 1),
        ("patient", "patch", "/api/v1/me/preferences/", "email_opt_in", "true"),
        ("physio", "patch", "patient", "email_opt_in", 1),
        ("physio", "patch", "patient", "is_active", "false"),
        ("physio", "patch", "patient", "first_name", 42),
        ("physio", "patch", "patient", "physiotherapist", "1"),
        ("physio", "post", "/api/v1/clinic/program-templates/", "position", "1"),
        ("physio", "post", "/api/v1/clinic/exercises/", "steps", ["ok", 3]),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 20 else None,
)
def test_strings_are_not_numbers_nor_numbers_booleans_anywhere(
    world, who, method, url, name, value
):
    client = bearer(world.patient_user if who == "patient" else world.physio)
    if url == "patient":
        url = f"/api/v1/clinic/patients/{world.patient.pk}/"
    payload = {name: value}
    if url == EPISODES:
        payload = episode(**payload)
    elif url.endswith("sessions/"):
        payload = _session_body(**payload)
    before = world.patient.email_opt_in, world.patient.is_active, world.patient.first_name
    response = getattr(client, method)(url, payload, format="json")
    fields = assert_error_shape(response)["error"]["fields"]
    assert name in fields, fields
    world.patient.refresh_from_db()
    assert (world.patient.email_opt_in, world.patient.is_active, world.patient.first_name) == before
    assert not Episode.objects.exists()
