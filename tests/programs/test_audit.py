"""Every read and write of a patient's program data leaves an access event (clinic.audit)."""

from __future__ import annotations

import uuid

import pytest

from clinic.models import PatientAccessEvent
from tests.conftest import bearer

from .helpers import ADHERENCE, PROGRAM, SESSIONS, assign, shipped, spec

C = "/api/v1/clinic/patients/{patient}"


@pytest.fixture
def records(world):
    program = assign(world.patient, world.physio, spec("bird-dog"))
    session = bearer(world.patient_user).post(
        SESSIONS,
        {"client_id": str(uuid.uuid4()), "exercises": [{"exercise": shipped("bird-dog").pk}]},
        format="json",
    )
    return {"program": program.pk, "session": session.json()["id"]}


def new_session() -> dict:
    return {"client_id": str(uuid.uuid4()), "exercises": [{"exercise": shipped("bird-dog").pk}]}


# (who, method, url template, body, expected action, expected object type)
ENDPOINTS = [
    ("physio", "get", C + "/programs/", None, "list", "program"),
    ("physio", "get", C + "/programs/{program}/", None, "view", "program"),
    ("physio", "get", C + "/programs/{program}/revisions/", None, "view", "program"),
    ("physio", "post", C + "/programs/{program}/revisions/", {"notes": "x"}, "update", "program"),
    ("physio", "post", C + "/programs/{program}/end/", {}, "update", "program"),
    ("physio", "get", C + "/programs/suggestion/", None, "view", "program_suggestion"),
    ("physio", "get", C + "/program-sessions/", None, "list", "exercise_session"),
    ("physio", "get", C + "/adherence/", None, "view", "program_adherence"),
    ("patient", "get", PROGRAM, None, "view", "program"),
    ("patient", "get", SESSIONS, None, "list", "exercise_session"),
    ("patient", "get", SESSIONS + "{session}/", None, "view", "exercise_session"),
    ("patient", "post", SESSIONS, "new-session", "create", "exercise_session"),
    ("patient", "get", ADHERENCE, None, "view", "program_adherence"),
]


@pytest.mark.parametrize(("who", "method", "url", "body", "action", "object_type"), ENDPOINTS)
def test_every_program_endpoint_writes_an_access_event(
    world, records, who, method, url, body, action, object_type
):
    user = {"physio": world.physio, "patient": world.patient_user}[who]
    before = PatientAccessEvent.objects.count()
    response = getattr(bearer(user), method)(
        url.format(patient=world.patient.pk, **records),
        new_session() if body == "new-session" else body,
        format="json",
        HTTP_X_REQUEST_ID="req-0123456789",
    )
    assert response.status_code < 300, response.content
    events = [e for e in PatientAccessEvent.objects.order_by("id")[before:] if e.action == action]
    assert events, f"no {action} event for {url}"
    event = events[-1]
    assert (event.actor, event.object_type, event.patient_id) == (
        user,
        object_type,
        world.patient.pk,
    )
    assert event.request_id == "req-0123456789"


def test_creating_a_program_is_recorded(world, physio_client):
    response = physio_client.post(
        C.format(patient=world.patient.pk) + "/programs/",
        {"items": [{"exercise": shipped("bird-dog").pk}]},
        format="json",
    )
    assert response.status_code == 201
    event = PatientAccessEvent.objects.get(action="create")
    assert (event.object_type, event.object_id) == ("program", str(response.json()["id"]))


def test_a_repeated_session_is_not_recorded_as_a_second_create(world, records):
    payload = new_session()
    client = bearer(world.patient_user)
    client.post(SESSIONS, payload, format="json")
    client.post(SESSIONS, payload, format="json")
    creates = PatientAccessEvent.objects.filter(action="create", object_type="exercise_session")
    assert creates.count() == 2  # the fixture's session and this one, once


def test_another_clinic_leaves_no_events_on_the_patient(world, records, other_clinic_client):
    other_clinic_client.get(C.format(patient=world.patient.pk) + "/programs/")
    other_clinic_client.get(C.format(patient=world.patient.pk) + "/adherence/")
    assert not PatientAccessEvent.objects.filter(actor=world.other_physio).exists()
