"""Every read and write of patient data leaves an access event; the log cannot be altered."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from clinic.models import PatientAccessEvent
from tests.conftest import bearer
from tests.dashboard.helpers import verified_login
from tests.factories import PatientFactory
from tests.patients.test_episodes import episode
from tests.triage.helpers import EMERGENCY, answers
from triage.models import Escalation
from triage.services import intake_submit


@pytest.fixture
def records(world):
    """One of each kind of patient record, for clinic A's patient."""
    intake = intake_submit(
        patient=world.patient, submitted_by=world.patient_user, answers=answers(**EMERGENCY)
    )
    ep = bearer(world.patient_user).post(V + "/episodes/", episode(), format="json").json()
    PatientAccessEvent.objects.all()  # (reading is fine)
    return {
        "intake": intake.pk,
        "assessment": intake.assessment.pk,
        "escalation": Escalation.objects.get().pk,
        "episode": ep["id"],
    }


V = "/api/v1"
C = "/api/v1/clinic"
NEW_PATIENT = {"first_name": "N", "last_name": "M", "date_of_birth": "1990-01-01"}

# (who, method, url template, body, expected action, expected object type)
ENDPOINTS = [
    ("physio", "get", C + "/patients/", None, "list", "patient"),
    ("physio", "get", C + "/patients/{patient}/", None, "view", "patient"),
    ("physio", "patch", C + "/patients/{patient}/", {"phone": "1"}, "update", "patient"),
    ("physio", "post", C + "/patients/", NEW_PATIENT, "create", "patient"),
    ("physio", "post", C + "/patients/{patient}/invitation/", None, "update", "patient"),
    ("physio", "get", C + "/patients/{patient}/intakes/", None, "list", "intake"),
    ("physio", "post", C + "/patients/{patient}/intakes/", answers(), "create", "intake"),
    ("physio", "get", C + "/assessments/{assessment}/", None, "view", "assessment"),
    ("physio", "post", C + "/assessments/{assessment}/review/", {}, "review", "assessment"),
    ("physio", "get", C + "/escalations/", None, "list", "escalation"),
    ("physio", "get", C + "/escalations/{escalation}/", None, "view", "escalation"),
    (
        "physio",
        "post",
        C + "/escalations/{escalation}/acknowledge/",
        None,
        "acknowledge",
        "escalation",
    ),
    (
        "physio",
        "post",
        C + "/escalations/{escalation}/resolve/",
        {"note": "ok"},
        "resolve",
        "escalation",
    ),
    ("physio", "get", C + "/triage-queue/", None, "list", "assessment"),
    ("physio", "get", C + "/patients/{patient}/episodes/", None, "list", "episode"),
    ("physio", "get", C + "/patients/{patient}/episodes/{episode}/", None, "view", "episode"),
    ("physio", "get", C + "/patients/{patient}/episodes/summary/", None, "view", "episode_summary"),
    ("physio", "get", C + "/patients/{patient}/reassessments/", None, "list", None),
    ("patient", "get", V + "/me/", None, "view", "patient"),
    ("patient", "get", V + "/intakes/", None, "list", "intake"),
    ("patient", "get", V + "/intakes/{intake}/", None, "view", "intake"),
    ("patient", "post", V + "/intakes/", answers(), "create", "intake"),
    ("patient", "get", V + "/episodes/", None, "list", "episode"),
    ("patient", "get", V + "/episodes/{episode}/", None, "view", "episode"),
    ("patient", "patch", V + "/episodes/{episode}/", {"notes": "x"}, "update", "episode"),
    ("patient", "delete", V + "/episodes/{episode}/", None, "delete", "episode"),
    ("patient", "post", V + "/episodes/", "new-episode", "create", "episode"),
    ("patient", "post", V + "/episodes/sync/", "sync", "create", "episode"),
    ("patient", "get", V + "/episodes/summary/", None, "view", "episode_summary"),
]


@pytest.mark.parametrize(("who", "method", "url", "body", "action", "object_type"), ENDPOINTS)
def test_every_patient_data_endpoint_writes_an_access_event(
    world, records, who, method, url, body, action, object_type
):
    user = {"physio": world.physio, "patient": world.patient_user}[who]
    if body == "new-episode":
        body = episode()
    elif body == "sync":
        body = {"episodes": [episode()]}
    before = PatientAccessEvent.objects.count()
    response = getattr(bearer(user), method)(
        url.format(patient=world.patient.pk, **records), body, format="json",
        HTTP_X_REQUEST_ID="req-0123456789",
    )  # fmt: skip
    assert response.status_code < 300, response.content
    events = PatientAccessEvent.objects.order_by("id")[before:]
    mine = [e for e in events if e.action == action]
    assert mine, f"no {action} event for {url}"
    event = mine[-1]
    assert event.actor == user
    assert event.actor_role == ("physiotherapist" if who == "physio" else "patient")
    assert event.request_id == "req-0123456789"
    assert event.ip == "127.0.0.1"
    if object_type:
        assert event.object_type == object_type
    assert {e.clinic_id for e in events} == {world.clinic.pk}


def test_a_list_records_each_patient_on_the_page(world, physio_client):
    PatientFactory(clinic=world.clinic)
    physio_client.get(C + "/patients/")
    listed = PatientAccessEvent.objects.filter(action="list", object_type="patient")
    assert sorted(listed.values_list("patient_id", flat=True)) == sorted(
        world.clinic.patients.values_list("pk", flat=True)
    )


def test_dashboard_pages_are_audited_too(client, world):
    client.force_login(world.physio)
    client.get("/")
    assert PatientAccessEvent.objects.filter(
        action="list", patient_id=world.patient.pk, actor=world.physio
    ).exists()


def test_the_access_log_refuses_updates_and_deletes(world, physio_client):
    physio_client.get(f"/api/v1/clinic/patients/{world.patient.pk}/")
    event = PatientAccessEvent.objects.get()
    with pytest.raises(PermissionError):
        PatientAccessEvent.objects.update(action="delete")
    with pytest.raises(PermissionError):
        PatientAccessEvent.objects.all().delete()
    event.action = "list"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert PatientAccessEvent.objects.get().action == "view"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_itself_refuses_to_alter_the_access_log(world, physio_client):
    physio_client.get(f"/api/v1/clinic/patients/{world.patient.pk}/")
    for sql in ("UPDATE clinic_patientaccessevent SET action = 'x'",
                "DELETE FROM clinic_patientaccessevent"):  # fmt: skip
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert PatientAccessEvent.objects.count() == 1


def test_the_admin_cannot_change_or_delete_access_events(client, world, physio_client):
    physio_client.get(f"/api/v1/clinic/patients/{world.patient.pk}/")
    event = PatientAccessEvent.objects.get()
    world.admin.is_staff = True
    world.admin.save()
    verified_login(client, world.admin)
    page = client.get(f"/admin/clinic/patientaccessevent/?patient_id={world.patient.pk}")
    assert page.status_code == 200 and str(world.physio) in page.content.decode()
    assert (
        client.post(
            f"/admin/clinic/patientaccessevent/{event.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert PatientAccessEvent.objects.count() >= 1


def test_a_patient_sees_which_staff_viewed_their_record_and_nothing_internal(
    world, physio_client, patient_client
):
    physio_client.get(f"/api/v1/clinic/patients/{world.patient.pk}/")
    physio_client.get(f"/api/v1/clinic/patients/{world.other_patient.pk}/")
    patient_client.get(V + "/me/")  # their own reads are not "staff access"
    rows = patient_client.get(V + "/me/access-log/").json()["results"]
    assert [(r["name"], r["role"], r["action"]) for r in rows] == [
        (world.physio.get_full_name(), "physiotherapist", "view")
    ]
    assert set(rows[0]) == {"at", "name", "role", "action", "data"}


def test_staff_of_another_clinic_never_appear_in_a_clinics_events(world, other_clinic_client):
    other_clinic_client.get(f"/api/v1/clinic/patients/{world.patient.pk}/")  # a 404
    assert not PatientAccessEvent.objects.filter(patient_id=world.patient.pk).exists()
