"""Assigning, editing and ending a program from the dashboard, with the services' rules said
in plain words next to the form."""

from __future__ import annotations

from patients.vocabulary import MovementDirection
from programs.models import Exercise, Program, ProgramTemplate
from tests.triage.helpers import URGENT

from .conftest import record_intake


def assign_url(patient) -> str:
    return f"/programs/patients/{patient.pk}/assign/"


def test_assigning_needs_a_template_or_exercises(physio_page, world):
    response = physio_page.post(assign_url(world.patient), {})
    assert response.status_code == 400
    assert "Choose a template or at least one exercise." in response.content.decode()


def test_an_open_urgent_alert_blocks_prescribing_and_says_so(physio_page, world):
    record_intake(world.patient, world.patient_user, **URGENT)
    template = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    page = physio_page.post(assign_url(world.patient), {"template": template.pk}).content.decode()
    assert "unresolved emergency or urgent escalation" in page
    assert not Program.objects.exists()


def test_exercises_in_the_aggravating_direction_need_a_ticked_confirmation(physio_page, world):
    world.patient.aggravating_direction = MovementDirection.FLEXION
    world.patient.save()
    flexion = Exercise.objects.filter(clinic__isnull=True, direction="flexion").first()
    data = {"exercises": [flexion.pk]}
    page = physio_page.post(assign_url(world.patient), data).content.decode()
    assert "Tick the box below to prescribe them anyway" in page
    assert f"{flexion.name}: Moves into flexion" in page
    assert not Program.objects.exists()
    response = physio_page.post(
        assign_url(world.patient), {**data, "confirm_direction_conflicts": "on"}
    )
    assert response.status_code == 302
    assert Program.objects.get().current_revision.items.get().exercise == flexion


def test_a_program_is_ended_with_a_reason(physio_page, world):
    template = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    physio_page.post(assign_url(world.patient), {"template": template.pk})
    program = Program.objects.get()
    physio_page.post(f"/programs/{program.pk}/end/", {"reason": "Discharged, doing well."})
    program.refresh_from_db()
    assert program.status == "ended" and program.end_reason == "Discharged, doing well."
    assert physio_page.get(f"/programs/{program.pk}/edit/").status_code == 302


def test_an_edit_that_leaves_no_exercise_is_refused(physio_page, world):
    template = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    physio_page.post(assign_url(world.patient), {"template": template.pk})
    program = Program.objects.get()
    count = program.current_revision.items.count()
    data = {f"item-{n}-times_per_day": 1 for n in range(count)}
    data |= {f"item-{n}-days_per_week": 7 for n in range(count)}
    page = physio_page.post(f"/programs/{program.pk}/edit/", data).content.decode()
    assert "A program needs at least one exercise." in page
    program.refresh_from_db()
    assert program.current_revision.number == 1


def test_another_clinics_exercises_and_templates_cannot_be_prescribed(physio_page, world):
    from programs import catalogue

    shipped = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    theirs = catalogue.exercise_copy(
        exercise=Exercise.objects.filter(clinic__isnull=True).first(), clinic=world.other_clinic
    )
    their_template = catalogue.template_copy(template=shipped, clinic=world.other_clinic)
    page = physio_page.get(assign_url(world.patient)).content.decode()
    assert f'<option value="{shipped.pk}"' in page and 'id="pick-' in page  # what is looked for
    assert f'id="pick-{theirs.pk}"' not in page
    assert f'<option value="{their_template.pk}"' not in page
    for data in ({"exercises": [theirs.pk]}, {"template": their_template.pk}):
        response = physio_page.post(assign_url(world.patient), data)
        assert response.status_code == 400, data
        assert "Select a valid choice" in response.content.decode()
    assert not Program.objects.exists()
    # The same form with the clinic's own choice goes through: the refusal above is tenancy.
    assert physio_page.post(assign_url(world.patient), {"template": shipped.pk}).status_code == 302
