"""Issue 15, acceptance 5: existing clinics migrate to GB and their patients see what they saw."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from triage import safety

BEFORE = [("clinic", "0006_notification_kind_created"), ("patients", "0005_patient_notes")]
AFTER = [("clinic", "0007_clinic_country_language_safety_numbers"),
         ("patients", "0006_patient_language")]  # fmt: skip

# The emergency result as every patient was shown it before clinics had a country.
OLD_EMERGENCY_HEADLINE = (
    "GET EMERGENCY HELP NOW. Some of your answers can be a sign of a serious "
    "problem. Go to your nearest emergency department now, or call 999 (or your "
    "local emergency number). Do not wait for your physiotherapy appointment and "
    "do not drive yourself."
)
OLD_URGENT_HEADLINE = (
    "Get medical advice today. Some of your answers need to be checked by a "
    "doctor today: contact your GP, call NHS 111 or call the clinic today. If you "
    "cannot get advice today, or you get worse, go to the emergency department or "
    "call 999."
)


@pytest.mark.django_db(transaction=True)
def test_an_existing_clinic_becomes_gb_and_its_patients_safety_message_is_unchanged():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    clinic = old.get_model("clinic", "Clinic").objects.create(
        name="Old Clinic", slug="old-clinic", email="desk@old.example"
    )
    patient = old.get_model("patients", "Patient").objects.create(
        clinic_id=clinic.pk, first_name="Ann", last_name="Old", date_of_birth=dt.date(1970, 1, 1)
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from clinic.models import Clinic
    from patients.models import Patient

    migrated = Clinic.objects.get(pk=clinic.pk)
    assert (migrated.country, migrated.language) == ("GB", "en")
    assert (migrated.emergency_number_override, migrated.urgent_service_override) == ("", "")
    person = Patient.objects.select_related("clinic").get(pk=patient.pk)
    assert person.language == "" and person.language_code == "en"
    emergency = safety.safety_message(person, "emergency")
    assert emergency.split("\n\n")[0] == OLD_EMERGENCY_HEADLINE
    assert "Go to the emergency department straight away, or call 999, if you notice" in emergency
    assert safety.safety_message(person, "urgent").split("\n\n")[0] == OLD_URGENT_HEADLINE
