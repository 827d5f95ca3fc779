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


def test_a_patient_gets_their_clinics_contact_and_safety_numbers_and_their_language(
    patient_client, world
):
    world.clinic.country = "AU"
    world.clinic.phone = "02 5550 1234"
    world.clinic.address = "1 Harbour St, Sydney"
    world.clinic.save()
    body = patient_client.get(ME).json()["patient"]
    assert body["clinic"] == {
        "id": world.clinic.pk,
        "name": "Clinic A",
        "email": world.clinic.email,
        "phone": "02 5550 1234",
        "address": "1 Harbour St, Sydney",
        "country": "AU",
        "emergency_number": "000",
        "urgent_route": "call healthdirect (1800 022 222)",
    }
    assert body["language"] == "en"  # the clinic's, until the patient chooses


def test_a_clinics_own_emergency_number_overrides_the_countrys(patient_client, world):
    world.clinic.emergency_number_override = "112"
    world.clinic.save()
    assert patient_client.get(ME).json()["patient"]["clinic"]["emergency_number"] == "112"
