"""Recording an intake from the dashboard: every red-flag question needs an explicit answer;
the result is graded, stored as submitted by the clinician, and escalated if it must be."""

from __future__ import annotations

from clinic.models import PatientAccessEvent
from triage.models import Escalation, Intake
from triage.questionnaire import REQUIRED_FIELDS


def url(patient) -> str:
    return f"/triage/patients/{patient.pk}/intake/"


def answered(**overrides) -> dict[str, object]:
    data: dict[str, object] = {name: "no" for name in REQUIRED_FIELDS if name != "age"}
    data.update(pain_nrs=7, onset="sudden", duration_days=2, sex="female")
    data.update(overrides)
    return data


def test_the_form_asks_every_questionnaire_question(physio_page, world):
    page = physio_page.get(url(world.patient)).content.decode()
    assert page.count('type="radio"') >= 2 * (len(REQUIRED_FIELDS) - 1)
    assert "Does the patient report saddle or perianal numbness" in page
    assert "© Keele University 2007" in page


def test_unanswered_red_flag_questions_are_refused_and_named(physio_page, world):
    data = answered()
    del data["saddle_numbness"]
    data["pain_nrs"] = 15
    response = physio_page.post(url(world.patient), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "There are 2 problems" in page
    assert "A red-flag question left blank is never read as no." in page
    assert "Not answered: ask, then tick yes or no." in page
    assert "Ensure this value is less than or equal to 10." in page
    assert not Intake.objects.exists()


def test_an_onset_age_above_the_age_and_a_half_done_start_back_are_explained(physio_page, world):
    data = answered(back_pain_onset_age=60, sb1="1", sb2="0")
    page = physio_page.post(url(world.patient), data).content.decode()
    assert f"Cannot be more than the patient&#x27;s age ({world.patient.age})." in page
    assert "STarT Back: answer all nine questions, or none." in page
    assert not Intake.objects.exists()


def test_an_emergency_intake_is_recorded_graded_and_escalated(physio_page, world):
    start_back = {f"sb{n}": "1" for n in range(1, 9)} | {"sb9": "Very much"}
    data = answered(saddle_numbness="yes", description="Phoned: numb since the morning.",
                    **start_back)  # fmt: skip
    response = physio_page.post(url(world.patient), data, follow=True)
    page = response.content.decode()
    assert "Screening saved: EMERGENCY, possible cauda equina syndrome." in page
    assert "cauda_equina" not in page and "Rules fired" not in page  # not the machine summary
    intake = Intake.objects.get()
    assert intake.submitted_by == world.physio and intake.answers["saddle_numbness"] is True
    assert intake.answers["bladder_dysfunction"] is False
    assert (intake.start_back or [])[8:] == ["Very much"]
    assert intake.assessment.start_back_risk == "high"
    assert Escalation.objects.get(patient=world.patient).level == "emergency"
    assert PatientAccessEvent.objects.filter(action="create", object_type="intake").exists()


def test_an_inactive_patients_intake_is_refused_with_the_reason(physio_page, world):
    world.patient.is_active = False
    world.patient.save()
    page = physio_page.post(url(world.patient), answered()).content.decode()
    assert "This patient record is inactive." in page
    assert not Intake.objects.exists()


def test_a_routine_screening_is_confirmed_in_plain_words(physio_page, world):
    page = physio_page.post(url(world.patient), answered(), follow=True).content.decode()
    assert "Screening saved: ROUTINE, no red flag." in page
    assert "Urgency: routine" not in page
