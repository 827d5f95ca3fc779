"""The patient's safety message in their language with their clinic's numbers.

The wording is the engine's (triage.engine, pure); the numbers are the clinic's
(clinic.countries via Clinic.safety); the language is the patient's.
"""

from __future__ import annotations

from django.utils import translation

from clinic.models import Clinic
from patients.models import Patient

from . import engine
from .rules import Urgency


def safety_numbers(clinic: Clinic) -> engine.SafetyNumbers:
    """The clinic's numbers, with the urgent service worded in the active language."""
    safety = clinic.safety
    return engine.SafetyNumbers(
        emergency_number=safety.emergency_number,
        urgent_service=str(safety.urgent_service or ""),
    )


def safety_message(patient: Patient, urgency: Urgency) -> str:
    with translation.override(patient.language_code):
        return engine.patient_message(urgency, safety_numbers(patient.clinic), translation.gettext)
