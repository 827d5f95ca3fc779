"""Registering and editing a patient on the dashboard (issue 13, finding 1): any clinician of
the clinic, a warning on a likely duplicate, the next steps, audited; and the admin's patient
form for a clinic admin (clinic set for them, follow-up kinds as tick boxes)."""

from __future__ import annotations

import datetime as dt
import re

from clinic.models import PatientAccessEvent
from patients.models import Patient
from tests.factories import MembershipFactory, PatientFactory, UserFactory

from .helpers import verified_login

NEW = "/patients/new/"


def details(world, **changes):
    data = {
        "first_name": "Maria",
        "last_name": "Okafor",
        "date_of_birth": "21/03/1980",
        "email": "maria@example.net",
        "phone": "+44 7700 900123",
        "timezone": "Europe/London",
        "physiotherapist": world.physio.pk,
    }
    data.update(changes)
    return data


def test_a_physiotherapist_who_is_not_an_admin_registers_a_patient(physio_page, world):
    page = physio_page.get(NEW)
    assert page.status_code == 200
    html = page.content.decode()
    # Only this clinic's clinicians can be assigned.
    assert f'value="{world.physio.pk}"' in html and f'value="{world.admin.pk}"' in html
    assert f'value="{world.other_physio.pk}"' not in html

    response = physio_page.post(NEW, details(world))
    patient = Patient.objects.get(last_name="Okafor")
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient.pk}/?new=1#next"
    assert patient.clinic == world.clinic and patient.physiotherapist == world.physio
    assert patient.date_of_birth == dt.date(1980, 3, 21)
    assert patient.phone == "+44 7700 900123" and str(patient.timezone) == "Europe/London"
    event = PatientAccessEvent.objects.get(patient_id=patient.pk, action="create")
    assert event.actor == world.physio and event.object_type == "patient"

    landing = physio_page.get(response["Location"]).content.decode()
    steps = re.search(r'id="next".*?</div>\s*</div>', landing, re.S).group(0)
    assert (
        f'href="/triage/patients/{patient.pk}/intake/"' in steps and "Record a screening" in steps
    )
    assert f'action="/patients/{patient.pk}/invite/"' in steps and "Send app invitation" in steps


def test_a_physiotherapist_of_another_clinic_cannot_be_assigned(physio_page, world):
    response = physio_page.post(NEW, details(world, physiotherapist=world.other_physio.pk))
    assert response.status_code == 400
    assert not Patient.objects.filter(last_name="Okafor").exists()


def test_a_likely_duplicate_is_shown_and_needs_a_confirmation(physio_page, world):
    existing = PatientFactory(clinic=world.clinic, first_name="Maria", last_name="OKAFOR",
                              date_of_birth=dt.date(1980, 3, 21), email="")  # fmt: skip
    # The same person at another clinic is not this clinic's duplicate (and stays unseen).
    PatientFactory(clinic=world.other_clinic, first_name="Maria", last_name="Okafor",
                   date_of_birth=dt.date(1980, 3, 21))  # fmt: skip
    response = physio_page.post(NEW, details(world, email=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert Patient.objects.filter(clinic=world.clinic, last_name__iexact="okafor").count() == 1
    assert "same name and date of birth" in html
    assert f'href="/patients/{existing.pk}/"' in html
    assert html.count("/patients/") and 'name="confirm_duplicate"' in html

    confirmed = physio_page.post(NEW, details(world, email="", confirm_duplicate="on"))
    assert confirmed.status_code == 302
    assert Patient.objects.filter(clinic=world.clinic, last_name__iexact="okafor").count() == 2


def test_bad_details_are_refused_with_a_summary_that_links_to_each_field(physio_page, world):
    response = physio_page.post(
        NEW, details(world, first_name="", date_of_birth="31/02/1980", email="not-an-email")
    )
    html = response.content.decode()
    assert response.status_code == 400 and not Patient.objects.filter(last_name="Okafor").exists()
    summary = re.search(r'<div class="callout danger error-summary".*?</div>', html, re.S).group(0)
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    for field in ("first_name", "date_of_birth", "email"):
        assert f'href="#id_{field}"' in summary
        assert f'id="id_{field}"' in html


def test_a_clinician_edits_a_patients_details_and_the_edit_is_audited(physio_page, world):
    url = f"/patients/{world.other_patient.pk}/edit/"
    page = physio_page.get(url).content.decode()
    assert f'value="{world.other_patient.last_name}"' in page
    response = physio_page.post(
        url,
        details(
            world,
            first_name=world.other_patient.first_name,
            last_name=world.other_patient.last_name,
            phone="01632 960001",
            email="new@example.net",
            physiotherapist=world.admin.pk,
        ),
    )
    assert response.status_code == 302
    world.other_patient.refresh_from_db()
    assert world.other_patient.phone == "01632 960001"
    assert world.other_patient.physiotherapist == world.admin
    assert PatientAccessEvent.objects.filter(
        patient_id=world.other_patient.pk, action="update", actor=world.physio
    ).exists()
    # The patient page offers the edit.
    profile = physio_page.get(f"/patients/{world.other_patient.pk}/").content.decode()
    assert f'href="{url}"' in profile


def test_another_clinics_patient_cannot_be_edited(physio_page, world):
    url = f"/patients/{world.foreign_patient.pk}/edit/"
    assert physio_page.get(url).status_code == 404
    assert physio_page.post(url, details(world)).status_code == 404
    world.foreign_patient.refresh_from_db()
    assert world.foreign_patient.last_name != "Okafor"


def test_the_admin_puts_a_clinic_admins_new_patient_in_their_clinic(client, world):
    world.admin.is_staff = True
    world.admin.save()
    verified_login(client, world.admin)
    page = client.get("/admin/patients/patient/add/").content.decode()
    assert 'name="clinic"' not in page
    assert "Muted kinds" not in page and 'name="muted_kinds"' in page
    assert 'type="checkbox" name="muted_kinds" value="episode_check"' in page
    response = client.post(
        "/admin/patients/patient/add/",
        {
            "first_name": "Ada", "last_name": "Admin", "date_of_birth": "1970-01-02",
            "email": "pat@a.example", "timezone": "Europe/London", "email_opt_in": "on",
            "quiet_hours_start": "21:00", "quiet_hours_end": "08:00", "is_active": "on",
            "muted_kinds": ["episode_check"],
        },
    )  # fmt: skip
    # The email is the clinic's other patient's: refused on the form, not a database error.
    assert response.status_code == 200
    assert "already has a patient with this email" in response.content.decode()
    response = client.post(
        "/admin/patients/patient/add/",
        {
            "first_name": "Ada", "last_name": "Admin", "date_of_birth": "1970-01-02",
            "email": "ada@example.net", "timezone": "Europe/London", "email_opt_in": "on",
            "quiet_hours_start": "21:00", "quiet_hours_end": "08:00", "is_active": "on",
            "muted_kinds": ["episode_check"],
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    ada = Patient.objects.get(last_name="Admin")
    assert ada.clinic == world.clinic and ada.muted_kinds == ["episode_check"]
    assert PatientAccessEvent.objects.filter(patient_id=ada.pk, action="create").exists()


def test_an_admin_of_two_clinics_still_picks_one_of_theirs(client, world):
    both = UserFactory(email="both@a.example", is_staff=True)
    MembershipFactory(clinic=world.clinic, user=both, role="admin")
    MembershipFactory(clinic=world.other_clinic, user=both, role="admin")
    verified_login(client, both)
    page = client.get("/admin/patients/patient/add/").content.decode()
    assert 'name="clinic"' in page


def test_the_patient_form_sets_a_language_or_leaves_the_clinics(physio_page, world):
    world.clinic.language = "es"
    world.clinic.save()
    page = physio_page.get(NEW).content.decode()
    select = re.search(r'<select name="language".*?</select>', page, re.S).group(0)
    assert '<option value="" selected>The clinic&#x27;s language (Español)</option>' in select
    assert '<option value="en">English</option>' in select

    # Blank: the patient follows the clinic's language.
    physio_page.post(NEW, details(world))
    maria = Patient.objects.get(last_name="Okafor")
    assert maria.language == "" and maria.language_code == "es"
    profile = physio_page.get(f"/patients/{maria.pk}/").content.decode()
    assert '<dt>Language</dt><dd>Español <span class="muted">(the clinic\'s)</span>' in profile

    # A choice of its own, shown when the form opens again, and back to blank.
    edit = f"/patients/{maria.pk}/edit/"
    physio_page.post(edit, details(world, language="en"))
    maria.refresh_from_db()
    assert maria.language == "en" and maria.language_code == "en"
    assert '<option value="en" selected>English</option>' in physio_page.get(edit).content.decode()
    physio_page.post(edit, details(world, language=""))
    maria.refresh_from_db()
    assert maria.language == ""
    refused = physio_page.post(edit, details(world, language="xx"))
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()
    maria.refresh_from_db()
    assert maria.language == ""


def test_the_admin_shows_and_sets_the_patients_language(client, world):
    world.admin.is_staff = True
    world.admin.save()
    verified_login(client, world.admin)
    url = f"/admin/patients/patient/{world.patient.pk}/change/"
    page = client.get(url).content.decode()
    assert '<select name="language"' in page and '<option value="es">Español</option>' in page
    response = client.post(
        url,
        {
            "first_name": world.patient.first_name, "last_name": world.patient.last_name,
            "date_of_birth": "1970-01-02", "email": world.patient.email,
            "timezone": "Europe/Madrid", "language": "es", "email_opt_in": "on",
            "quiet_hours_start": "21:00", "quiet_hours_end": "08:00", "is_active": "on",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    world.patient.refresh_from_db()
    assert world.patient.language == "es"
