from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.models import Membership
from patients.models import Patient
from tests.conftest import bearer
from tests.factories import ClinicFactory, MembershipFactory, PatientFactory

LIST = "/api/v1/clinic/patients/"


def detail(patient: Patient) -> str:
    return f"{LIST}{patient.pk}/"


def valid_patient(**overrides):
    data = {
        "first_name": "Robin",
        "last_name": "Hale",
        "date_of_birth": "1975-04-12",
        "email": "robin.hale@example.net",
        "timezone": "Europe/Dublin",
    }
    data.update(overrides)
    return data


# --- tenancy -------------------------------------------------------------------------------


def test_physio_lists_only_their_clinics_patients(physio_client, world):
    response = physio_client.get(LIST)
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {world.patient.pk, world.other_patient.pk}


def test_physio_of_another_clinic_sees_none_of_clinic_a(other_clinic_client, world):
    ids = {row["id"] for row in other_clinic_client.get(LIST).json()["results"]}
    assert ids == {world.foreign_patient.pk}


@pytest.mark.parametrize("method", ["get", "patch"])
def test_another_clinics_patient_is_404(other_clinic_client, world, method):
    response = getattr(other_clinic_client, method)(detail(world.patient), {}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_inviting_another_clinics_patient_is_404(other_clinic_client, world):
    response = other_clinic_client.post(f"{detail(world.patient)}invitation/")
    assert response.status_code == 404
    assert not world.patient.invitations.exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", LIST), ("post", LIST), ("get", "detail"), ("patch", "detail"), ("post", "invite")],
)
def test_patients_are_forbidden_and_anonymous_unauthorised(
    patient_client, anon_client, world, method, path
):
    url = {"detail": detail(world.patient), "invite": f"{detail(world.patient)}invitation/"}.get(
        path, path
    )
    forbidden = getattr(patient_client, method)(url, {}, format="json")
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["code"] == "permission_denied"
    anonymous = getattr(anon_client, method)(url, {}, format="json")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"


# --- create and update ---------------------------------------------------------------------


def test_physio_creates_a_patient_in_their_clinic(physio_client, world):
    response = physio_client.post(
        LIST, valid_patient(physiotherapist=world.physio.pk), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["clinic"] == world.clinic.pk
    assert body["physiotherapist"]["id"] == world.physio.pk
    assert body["timezone"] == "Europe/Dublin"
    assert body["has_app_account"] is False
    assert Patient.objects.get(pk=body["id"]).clinic == world.clinic


def test_missing_fields_are_named(physio_client, world):
    response = physio_client.post(LIST, {"email": "x@example.net"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert {"first_name", "last_name", "date_of_birth"} <= set(error["fields"])
    assert not Patient.objects.filter(email="x@example.net").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date_of_birth", "12/04/1975"),
        ("timezone", "Mars/Olympus_Mons"),
        ("email", "not-an-email"),
        ("quiet_hours_start", "25:00"),
        ("first_name", ""),
    ],
)
def test_invalid_values_are_named(physio_client, world, field, value):
    response = physio_client.post(LIST, valid_patient(**{field: value}), format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


@pytest.mark.parametrize("field", ["shoe_size", "id", "has_app_account", "user", "created_at"])
def test_unknown_and_read_only_fields_are_rejected(physio_client, world, field):
    response = physio_client.post(LIST, valid_patient(**{field: 1}), format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Patient.objects.filter(last_name="Hale").exists()


def test_a_physio_of_another_clinic_cannot_be_assigned(physio_client, world):
    response = physio_client.post(
        LIST, valid_patient(physiotherapist=world.other_physio.pk), format="json"
    )
    assert response.status_code == 400
    assert "physiotherapist" in response.json()["error"]["fields"]


def test_a_patient_cannot_be_created_in_another_clinic(physio_client, world):
    response = physio_client.post(LIST, valid_patient(clinic=world.other_clinic.pk), format="json")
    assert response.status_code == 400
    assert "clinic" in response.json()["error"]["fields"]
    assert not world.other_clinic.patients.filter(last_name="Hale").exists()


def test_staff_of_two_clinics_must_say_which(world):
    MembershipFactory(user=world.physio, clinic=world.other_clinic)
    client = bearer(world.physio)
    response = client.post(LIST, valid_patient(), format="json")
    assert response.status_code == 400
    assert "clinic" in response.json()["error"]["fields"]
    chosen = client.post(LIST, valid_patient(clinic=world.other_clinic.pk), format="json")
    assert chosen.status_code == 201
    assert chosen.json()["clinic"] == world.other_clinic.pk


def test_the_same_email_twice_in_one_clinic_is_refused(physio_client, world):
    response = physio_client.post(LIST, valid_patient(email="PAT@a.example"), format="json")
    assert response.status_code == 400
    assert "already has a patient with this email" in json.dumps(response.json())


def test_patch_updates_only_the_given_fields(physio_client, world):
    response = physio_client.patch(detail(world.patient), {"phone": "07700 900123"}, format="json")
    assert response.status_code == 200
    world.patient.refresh_from_db()
    assert world.patient.phone == "07700 900123"
    assert world.patient.history.count() == 2  # the change is in the patient's history


def test_patch_rejects_bad_values_without_a_partial_write(physio_client, world):
    response = physio_client.patch(
        detail(world.patient), {"phone": "0123", "date_of_birth": "yesterday"}, format="json"
    )
    assert response.status_code == 400
    world.patient.refresh_from_db()
    assert world.patient.phone == ""


def test_clinic_cannot_be_changed_by_patch(physio_client, world):
    response = physio_client.patch(
        detail(world.patient), {"clinic": world.other_clinic.pk}, format="json"
    )
    assert response.status_code == 400
    world.patient.refresh_from_db()
    assert world.patient.clinic == world.clinic


def test_put_and_delete_are_not_offered(physio_client, world):
    assert (
        physio_client.put(detail(world.patient), valid_patient(), format="json").status_code == 405
    )
    assert physio_client.delete(detail(world.patient)).status_code == 405
    assert Patient.objects.filter(pk=world.patient.pk).exists()


def test_deactivating_a_patient_stops_their_login(physio_client, anon_client, world):
    physio_client.patch(detail(world.patient), {"is_active": False}, format="json")
    login = anon_client.post(
        "/api/v1/auth/token/",
        {"email": "pat@a.example", "password": "correct-horse-battery-staple"},
        format="json",
    )
    assert login.status_code == 401
    assert Patient.objects.filter(pk=world.patient.pk, is_active=False).exists()


# --- malformed requests --------------------------------------------------------------------


def test_malformed_json_is_400(physio_client, world):
    response = physio_client.generic(
        "POST", LIST, '{"first_name": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_wrong_content_type_is_415(physio_client, world, content_type):
    response = physio_client.generic("POST", LIST, "first_name=Robin", content_type=content_type)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_a_json_array_instead_of_an_object_is_400(physio_client, world):
    response = physio_client.post(LIST, [valid_patient()], format="json")
    assert response.status_code == 400


def test_an_oversized_body_is_413_before_it_is_read(physio_client, world, settings):
    body = json.dumps(valid_patient(last_name="x" * (settings.REQUEST_BODY_MAX_BYTES + 10)))
    response = physio_client.generic("POST", LIST, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert not Patient.objects.filter(first_name="Robin").exists()


# --- listing -------------------------------------------------------------------------------


def test_filters_by_physiotherapist_and_active(physio_client, world):
    colleague = MembershipFactory(clinic=world.clinic, role=Membership.Role.PHYSIOTHERAPIST).user
    theirs = PatientFactory(clinic=world.clinic, physiotherapist=colleague)
    PatientFactory(clinic=world.clinic, physiotherapist=colleague, is_active=False)
    response = physio_client.get(LIST, {"physiotherapist": colleague.pk, "is_active": "true"})
    assert [row["id"] for row in response.json()["results"]] == [theirs.pk]


def test_search_by_name(physio_client, world):
    wanted = PatientFactory(clinic=world.clinic, first_name="Evangeline", last_name="Quist")
    PatientFactory(clinic=world.other_clinic, first_name="Evangeline", last_name="Quist")
    response = physio_client.get(LIST, {"search": "evangeline quist"})
    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]


def test_page_size_has_a_hard_maximum(physio_client, world):
    Patient.objects.bulk_create(
        PatientFactory.build(clinic=world.clinic, email="") for _ in range(205)
    )
    too_many = physio_client.get(LIST, {"page_size": 1000})
    assert too_many.status_code == 400  # the schema's maximum, refused rather than clamped
    assert list(too_many.json()["error"]["fields"]) == ["page_size"]
    response = physio_client.get(LIST, {"page_size": 200})
    assert len(response.json()["results"]) == 200
    assert response.json()["count"] == 207


def test_list_query_count_does_not_grow_with_patients(physio_client, world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert physio_client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    other = ClinicFactory()
    for i in range(30):
        colleague = MembershipFactory(clinic=world.clinic).user if i % 10 == 0 else world.physio
        PatientFactory(clinic=world.clinic, physiotherapist=colleague)
        PatientFactory(clinic=other)
    assert queries() == few


def test_filters_confirm_nothing_about_other_clinics(physio_client, world):
    foreign = physio_client.get(LIST, {"clinic": world.other_clinic.pk})
    missing = physio_client.get(LIST, {"clinic": 999999})
    assert foreign.status_code == missing.status_code == 200  # a valid id, as the schema says
    assert foreign.json() == missing.json() and foreign.json()["count"] == 0
    foreign = physio_client.get(LIST, {"physiotherapist": world.other_physio.pk})
    assert (foreign.status_code, foreign.json()["count"]) == (200, 0)
    assert physio_client.get(LIST, {"clinic": "1.0"}).status_code == 400
