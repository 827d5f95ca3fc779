from __future__ import annotations

import pytest

from clinic.models import Membership
from tests.dashboard.helpers import verified_login
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def staff_admin_client(client, world):
    world.admin.is_staff = True
    world.admin.save()
    return verified_login(client, world.admin)


def test_clinic_staff_see_only_their_clinics_patients_in_the_admin(staff_admin_client, world):
    page = staff_admin_client.get("/admin/patients/patient/").content.decode()
    assert world.patient.last_name in page
    assert world.foreign_patient.last_name not in page


def test_another_clinics_patient_cannot_be_opened_in_the_admin(staff_admin_client, world):
    response = staff_admin_client.get(f"/admin/patients/patient/{world.foreign_patient.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect
    followed = staff_admin_client.get(response["Location"])
    assert world.foreign_patient.last_name not in followed.content.decode()


def test_clinics_and_memberships_are_scoped_too(staff_admin_client, world):
    clinics = staff_admin_client.get("/admin/clinic/clinic/").content.decode()
    assert "Clinic A" in clinics and "Clinic B" not in clinics
    memberships = staff_admin_client.get("/admin/clinic/membership/").content.decode()
    assert str(world.physio) in memberships
    assert str(world.other_physio) not in memberships


def test_a_physiotherapist_cannot_change_clinic_settings_or_memberships(client, world):
    world.physio.is_staff = True
    world.physio.save()
    verified_login(client, world.physio)
    response = client.post(
        "/admin/clinic/membership/add/",
        {"user": world.physio.pk, "clinic": world.clinic.pk, "role": "admin"},
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=world.physio, role="admin").exists()


def test_the_patient_form_offers_only_this_clinics_staff(staff_admin_client, world):
    page = staff_admin_client.get("/admin/patients/patient/add/").content.decode()
    assert str(world.physio) in page
    assert world.other_physio.get_full_name() not in page
    assert "Clinic B" not in page


def test_staff_without_a_clinic_cannot_use_the_admin(client, db):
    loner = UserFactory(is_staff=True)
    verified_login(client, loner)
    response = client.get("/admin/patients/patient/")
    assert response.status_code == 403


def test_an_admin_of_two_clinics_sees_both(client, world):
    MembershipFactory(user=world.admin, clinic=world.other_clinic, role=Membership.Role.ADMIN)
    world.admin.is_staff = True
    world.admin.save()
    verified_login(client, world.admin)
    page = client.get("/admin/patients/patient/").content.decode()
    assert world.patient.last_name in page and world.foreign_patient.last_name in page


def test_another_clinics_history_pages_are_404_and_cannot_revert(staff_admin_client, world):
    foreign = world.foreign_patient
    foreign.phone = "07700 900999"
    foreign.save()
    version = foreign.history.earliest("history_date")
    base = f"/admin/patients/patient/{foreign.pk}/history/"
    assert staff_admin_client.get(base).status_code == 404
    page = staff_admin_client.get(f"{base}{version.history_id}/")
    assert page.status_code == 404
    assert foreign.email not in page.content.decode()
    reverted = staff_admin_client.post(f"{base}{version.history_id}/", {"clinic": world.clinic.pk})
    assert reverted.status_code == 404
    foreign.refresh_from_db()
    assert (foreign.clinic, foreign.phone) == (world.other_clinic, "07700 900999")


def test_own_history_pages_work_and_are_audited(staff_admin_client, world):
    from clinic.models import PatientAccessEvent

    world.patient.phone = "0123"
    world.patient.save()
    version = world.patient.history.earliest("history_date")
    base = f"/admin/patients/patient/{world.patient.pk}/history/"
    assert staff_admin_client.get(base).status_code == 200
    assert staff_admin_client.get(f"{base}{version.history_id}/").status_code == 200
    events = PatientAccessEvent.objects.filter(actor=world.admin, patient_id=world.patient.pk)
    assert events.filter(action="view", object_type="patient").count() == 2


def test_admin_lists_and_pages_of_patient_data_are_audited(staff_admin_client, world):
    from clinic.models import PatientAccessEvent

    staff_admin_client.get("/admin/patients/patient/")
    staff_admin_client.get(f"/admin/patients/patient/{world.patient.pk}/change/")
    events = PatientAccessEvent.objects.filter(actor=world.admin)
    assert set(events.filter(action="list").values_list("patient_id", flat=True)) == {
        world.patient.pk,
        world.other_patient.pk,
    }
    assert events.filter(action="view", patient_id=world.patient.pk).exists()
    assert not events.filter(patient_id=world.foreign_patient.pk).exists()


def test_a_clinic_admin_is_offered_only_their_colleagues_as_members(staff_admin_client, world):
    page = staff_admin_client.get("/admin/clinic/membership/add/").content.decode()
    assert str(world.physio) in page
    assert str(world.other_physio) not in page
