"""People working at several clinics pick the current one; every page scopes to it."""

from __future__ import annotations

from clinic.models import Membership
from tests.triage.helpers import EMERGENCY

from .conftest import record_intake


def test_a_member_of_two_clinics_switches_and_every_page_follows(physio_page, world):
    Membership.objects.create(user=world.physio, clinic=world.other_clinic, role="physiotherapist")
    record_intake(world.foreign_patient, world.other_physio, **EMERGENCY)
    today = physio_page.get("/today/").content.decode()
    assert 'name="clinic"' in today  # the switcher
    assert "Today at Clinic A" in today and world.foreign_patient.last_name not in today

    response = physio_page.post("/clinic/switch/", {"clinic": world.other_clinic.pk}, follow=True)
    page = response.content.decode()
    assert "Now working at Clinic B" in page and "Today at Clinic B" in page
    assert world.foreign_patient.last_name in page
    patients = physio_page.get("/patients/").content.decode()
    assert world.foreign_patient.last_name in patients and world.patient.last_name not in patients
    assert physio_page.get(f"/patients/{world.foreign_patient.pk}/").status_code == 200
    assert physio_page.get(f"/patients/{world.patient.pk}/").status_code == 404


def test_a_clinic_one_does_not_work_at_is_refused(physio_page, world):
    response = physio_page.post("/clinic/switch/", {"clinic": world.other_clinic.pk})
    assert response.status_code == 404
    assert physio_page.post("/clinic/switch/", {"clinic": "nope"}).status_code == 404
    assert "Today at Clinic A" in physio_page.get("/today/").content.decode()


def test_a_member_of_one_clinic_sees_no_switcher(physio_page, world):
    assert 'name="clinic"' not in physio_page.get("/today/").content.decode()
