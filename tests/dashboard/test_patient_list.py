"""The patient list: the current clinic's patients, searchable, with status chips."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from clinic.models import PatientAccessEvent
from tests.factories import PatientFactory
from tests.programs.helpers import assign, log, spec
from tests.triage.helpers import EMERGENCY

from .conftest import record_episode, record_intake

URL = "/patients/"


def row(page: str, patient) -> str:
    return re.search(rf'<tr id="patient-{patient.pk}">.*?</tr>', page, re.S).group(0)


def test_the_list_shows_this_clinics_patients_with_their_status_chips(physio_page, world):
    record_intake(world.patient, world.patient_user, **EMERGENCY)
    record_episode(world.patient, days_ago=1, peak=6)
    daily = spec("glute-bridge", times_per_day=1, days_per_week=7)
    assign(world.other_patient, world.physio, daily,
           start_date=timezone.localdate() - dt.timedelta(days=14))  # fmt: skip
    for days in range(1, 8):
        log(world.other_patient, timezone.now() - dt.timedelta(days=days, hours=-1), "glute-bridge")
    page = physio_page.get(URL).content.decode()
    assert world.foreign_patient.last_name not in page
    mine = row(page, world.patient)
    assert "Emergency · alert open" in mine and "chip-emergency" in mine
    assert "Episode 1 d ago" in mine
    assert "100%" in row(page, world.other_patient)
    for label in ("Latest urgency", "Adherence", "Last episode"):
        assert f'<th scope="col">{label}</th>' in page


def test_the_list_is_searchable_by_name_or_email_and_by_my_patients(physio_page, world):
    someone = PatientFactory(clinic=world.clinic, first_name="Zelda", last_name="Quist",
                             email="zq@example.net")  # fmt: skip
    by_name = physio_page.get(URL, {"q": "zelda"}).content.decode()
    assert "Quist" in by_name and world.patient.last_name not in by_name
    by_email = physio_page.get(URL, {"q": "zq@"}).content.decode()
    assert "Quist" in by_email
    mine = physio_page.get(URL, {"mine": "on"}).content.decode()
    assert world.patient.last_name in mine and someone.last_name not in mine
    nothing = physio_page.get(URL, {"q": world.foreign_patient.last_name}).content.decode()
    assert "No patients found." in nothing


def test_the_list_records_one_access_event_per_patient_shown(physio_page, world):
    physio_page.get(URL)
    listed = PatientAccessEvent.objects.filter(actor=world.physio, action="list",
                                               object_type="patient")  # fmt: skip
    assert sorted(listed.values_list("patient_id", flat=True)) == sorted(
        [world.patient.pk, world.other_patient.pk]
    )


def test_the_list_pages_by_fifty(physio_page, world):
    for n in range(55):
        PatientFactory(clinic=world.clinic, last_name=f"Zz{n:02d}")
    first = physio_page.get(URL).content.decode()
    assert "Page 1 of 2" in first and 'page=2"' in first
    assert physio_page.get(URL, {"page": 2}).content.decode().count('<tr id="patient-') == 7


def test_the_list_is_searchable_by_phone_and_date_of_birth_and_shows_birth_and_age(
    physio_page, world
):
    world.patient.phone = "+44 7700 900123"
    world.patient.date_of_birth = dt.date(1980, 3, 21)
    world.patient.save()
    world.foreign_patient.phone = "+44 7700 900123"
    world.foreign_patient.date_of_birth = dt.date(1980, 3, 21)
    world.foreign_patient.save()
    today = timezone.localdate()
    age = today.year - 1980 - ((today.month, today.day) < (3, 21))
    for query in ("07700 900123", "7700900123", "+44 (0)7700-900123", "900123"):
        page = physio_page.get(URL, {"q": query}).content.decode()
        assert f'id="patient-{world.patient.pk}"' in page, query
        assert f'id="patient-{world.other_patient.pk}"' not in page, query
        assert world.foreign_patient.last_name not in page
    for query in ("21/03/1980", "1980-03-21", "21.03.1980", "21 Mar 1980", "21 March 1980"):
        page = physio_page.get(URL, {"q": query}).content.decode()
        assert f'id="patient-{world.patient.pk}"' in page, query
        assert f'id="patient-{world.other_patient.pk}"' not in page, query
    page = physio_page.get(URL).content.decode()
    mine = row(page, world.patient)
    assert "21/03/1980" in mine and f"({age})" in mine
    assert '<th scope="col">Born</th>' in page
    # A name and a birth date (or year) together narrow the list.
    for born in ("21/03/1980", "1980"):
        query = f"{world.patient.last_name} {born}"
        page = physio_page.get(URL, {"q": query}).content.decode()
        assert f'id="patient-{world.patient.pk}"' in page, query


def test_a_number_stored_nationally_is_found_by_its_international_form(physio_page, world):
    """Caller ID shows "+44 7700 900123" for a patient registered as "07700 900123"."""
    world.patient.phone = "07700 900123"
    world.patient.save()
    world.foreign_patient.phone = "07700 900123"
    world.foreign_patient.save()
    for query in ("+44 7700 900123", "+447700900123", "0044 7700 900123", "+353 7700 900123"):
        page = physio_page.get(URL, {"q": query}).content.decode()
        assert f'id="patient-{world.patient.pk}"' in page, query
        assert f'id="patient-{world.other_patient.pk}"' not in page, query
        assert world.foreign_patient.last_name not in page
