from __future__ import annotations

from tests.conftest import bearer
from tests.factories import MembershipFactory

ME = "/api/v1/me/"


def test_a_clinician_sees_their_role_and_clinics(physio_client, world):
    body = physio_client.get(ME).json()
    assert body["role"] == "clinician"
    assert body["clinics"] == [
        {"id": world.clinic.pk, "name": "Clinic A", "role": "physiotherapist"}
    ]
    assert body["patient"] is None


def test_staff_of_two_clinics_see_both(world):
    MembershipFactory(user=world.physio, clinic=world.other_clinic, role="admin")
    body = bearer(world.physio).get(ME).json()
    assert sorted((c["name"], c["role"]) for c in body["clinics"]) == [
        ("Clinic A", "physiotherapist"),
        ("Clinic B", "admin"),
    ]


def test_a_patient_sees_their_own_profile_and_nothing_else(patient_client, world):
    body = patient_client.get(ME).json()
    assert body["role"] == "patient"
    assert body["clinics"] == []
    assert body["patient"]["id"] == world.patient.pk
    assert body["patient"]["email"] == "pat@a.example"
    assert body["patient"]["clinic"]["name"] == "Clinic A"
    assert body["patient"]["physiotherapist"] == world.physio.get_full_name()
    assert str(world.other_patient.pk) not in str(body["patient"]["id"])


def test_me_needs_authentication(anon_client, db):
    response = anon_client.get(ME)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
