from __future__ import annotations

from django.core.management import call_command

from patients.models import Patient
from programs.models import ExerciseSession, Program
from tests.conftest import bearer

from .helpers import ADHERENCE, PROGRAM


def test_the_demo_patient_has_the_suggested_program_and_a_log_to_look_at(db):
    call_command("seed_demo")
    jamie = Patient.objects.get(email="patient@example.com")
    program = Program.objects.get(patient=jamie, status="active")
    assert program.current_revision.template.name == "Core and hip strengthening progression"
    assert ExerciseSession.objects.filter(patient=jamie).count() == 16 + 8
    client = bearer(jamie.user)
    assert client.get(PROGRAM).json()["id"] == program.pk
    report = client.get(ADHERENCE).json()
    assert len(report["weeks"]) >= 3 and 0 < report["adherence_percent"] < 100
    flagged = {f["exercise"]["name"] for f in report["flagged_for_review"]}
    assert flagged == {"Side plank on knees", "Dead bug", "Clamshell"}
