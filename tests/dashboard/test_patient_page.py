"""The patient page: profile, assessments with the rules that fired, the episode charts, the
program with its adherence chart, follow-ups and notes; and its actions."""

from __future__ import annotations

import re

from clinic.models import PatientAccessEvent
from patients.models import PatientInvitation, PatientNote
from programs.models import Program, ProgramTemplate
from tests.triage.helpers import EMERGENCY
from triage.models import Escalation

from .conftest import record_episode, record_intake


def url(patient) -> str:
    return f"/patients/{patient.pk}/"


def test_the_patient_page_shows_every_panel(physio_page, world):
    record_intake(world.patient, world.patient_user, **EMERGENCY)
    record_episode(
        world.patient, days_ago=3, peak=6, triggers=["lifting"], relief=[("heat", "good")]
    )
    record_episode(world.patient, days_ago=1, peak=8, triggers=["lifting", "stress"])
    page = physio_page.get(url(world.patient)).content.decode()
    for heading in ("Profile and contact", "Screening and alerts", "Spasm episodes",
                    "Home exercise program", "Follow-ups", "Notes"):  # fmt: skip
        assert heading in page, heading
    assert "R1a" in page  # the rule that fired
    assert world.patient.email in page
    timeline = re.search(r'<svg class="chart" id="episode-timeline".*?</svg>', page, re.S).group(0)
    assert timeline.count('class="point"') == 2
    assert "Lifting" in page and "Heat" in page
    kinds = set(
        PatientAccessEvent.objects.filter(
            actor=world.physio, patient_id=world.patient.pk
        ).values_list("object_type", flat=True)
    )
    assert {"patient", "assessment", "episode", "program", "followup", "note"} <= kinds


def test_another_clinics_patient_is_404_on_every_patient_page_and_action(physio_page, world):
    theirs = world.foreign_patient
    for path in (
        url(theirs),
        f"/triage/patients/{theirs.pk}/intake/",
        f"/programs/patients/{theirs.pk}/assign/",
    ):
        assert physio_page.get(path).status_code == 404, path
    for path in (
        f"/patients/{theirs.pk}/notes/",
        f"/patients/{theirs.pk}/invite/",
        f"/triage/patients/{theirs.pk}/intake/",
        f"/programs/patients/{theirs.pk}/assign/",
    ):
        assert physio_page.post(path, {"text": "x"}).status_code == 404, path
    assert not PatientNote.objects.exists() and not PatientInvitation.objects.exists()


def test_a_note_is_added_and_an_empty_one_is_refused_with_a_reason(physio_page, world):
    response = physio_page.post(f"/patients/{world.patient.pk}/notes/", {"text": "  "}, follow=True)
    assert "Note not added: Write something first." in response.content.decode()
    physio_page.post(f"/patients/{world.patient.pk}/notes/", {"text": "Phoned: easing."})
    note = PatientNote.objects.get()
    assert (note.patient, note.author, note.text) == (
        world.patient,
        world.physio,
        "Phoned: easing.",
    )
    assert "Phoned: easing." in physio_page.get(url(world.patient)).content.decode()


def test_an_invitation_is_sent_from_the_patient_page(physio_page, world):
    response = physio_page.post(f"/patients/{world.other_patient.pk}/invite/", follow=True)
    assert "Invitation to the app sent" in response.content.decode()
    assert PatientInvitation.objects.filter(patient=world.other_patient).count() == 1


def test_an_escalation_is_resolved_from_the_patient_page(physio_page, world):
    record_intake(world.patient, world.patient_user, **EMERGENCY)
    escalation = Escalation.objects.get()
    here = url(world.patient)
    response = physio_page.post(
        f"/triage/escalations/{escalation.pk}/resolve/", {"note": "", "next": here}, follow=True
    )
    assert "not resolved: Say how it was resolved." in response.content.decode()
    physio_page.post(f"/triage/escalations/{escalation.pk}/resolve/",
                     {"note": "Sent to A&E, seen.", "next": here})  # fmt: skip
    escalation.refresh_from_db()
    assert escalation.status == "resolved" and escalation.resolution_note == "Sent to A&E, seen."


def test_a_program_is_assigned_and_edited(physio_page, world):
    template = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    form = physio_page.get(f"/programs/patients/{world.patient.pk}/assign/")
    assert form.status_code == 200
    response = physio_page.post(
        f"/programs/patients/{world.patient.pk}/assign/", {"template": template.pk}
    )
    assert response.status_code == 302
    program = Program.objects.get(patient=world.patient)
    items = list(program.current_revision.items.all())
    edit = f"/programs/{program.pk}/edit/"
    assert physio_page.get(edit).status_code == 200
    data = {}
    for n in range(len(items)):
        data.update({f"item-{n}-keep": "on", f"item-{n}-times_per_day": 2,
                     f"item-{n}-days_per_week": 5})  # fmt: skip
    data["item-0-keep"] = ""
    assert physio_page.post(edit, data).status_code == 302
    program.refresh_from_db()
    revision = program.current_revision
    assert revision.number == 2
    assert [i.times_per_day for i in revision.items.all()] == [2] * (len(items) - 1)
    page = physio_page.get(url(world.patient)).content.decode()
    assert "weekly-adherence" in page and "Revision 2" in page
