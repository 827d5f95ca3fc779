from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PatientFactory
from triage.models import Escalation
from triage.services import escalation_resolve, intake_submit

from .helpers import EMERGENCY, URGENT, answers


def submit(patient, user, **flags):
    return intake_submit(patient=patient, submitted_by=user, answers=answers(**flags))


def test_the_queue_page_shows_this_clinics_alerts_and_acknowledges_in_one_click(client, world):
    submit(world.patient, world.patient_user, **EMERGENCY)
    submit(world.foreign_patient, world.other_physio, **EMERGENCY)
    mine = Escalation.objects.get(patient=world.patient)
    client.force_login(world.physio)
    page = client.get("/triage/").content.decode()
    assert world.patient.full_name in page and "EMERGENCY" in page
    assert world.foreign_patient.full_name not in page
    response = client.post(f"/triage/escalations/{mine.pk}/acknowledge/", follow=True)
    assert "acknowledged" in response.content.decode()
    mine.refresh_from_db()
    assert (mine.status, mine.acknowledged_by) == ("acknowledged", world.physio)


def test_another_clinics_alert_is_404_on_the_page_actions(client, world):
    submit(world.foreign_patient, world.other_physio, **EMERGENCY)
    theirs = Escalation.objects.get()
    client.force_login(world.physio)
    assert client.post(f"/triage/escalations/{theirs.pk}/acknowledge/").status_code == 404
    assert (
        client.post(f"/triage/escalations/{theirs.pk}/resolve/", {"note": "x"}).status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == "open"


def test_resolving_without_a_note_explains_why_and_changes_nothing(client, world):
    submit(world.patient, world.patient_user, **URGENT)
    escalation = Escalation.objects.get()
    client.force_login(world.physio)
    page = client.post(f"/triage/escalations/{escalation.pk}/resolve/", {"note": " "}, follow=True)
    assert "not resolved" in page.content.decode()
    escalation.refresh_from_db()
    assert escalation.status == "open"


def test_page_actions_need_csrf(world):
    from django.test import Client

    submit(world.patient, world.patient_user, **EMERGENCY)
    escalation = Escalation.objects.get()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.physio)
    assert strict.post(f"/triage/escalations/{escalation.pk}/acknowledge/").status_code == 403
    escalation.refresh_from_db()
    assert escalation.status == "open"


def resolved_alert(patient, by):
    assessment = submit(patient, by, **URGENT).assessment
    escalation_resolve(escalation=assessment.escalation, user=by, note="Seen today.",
                       mark_reviewed=True)  # fmt: skip


def test_the_queue_page_query_count_is_constant(client, world):
    client.force_login(world.physio)
    submit(world.patient, world.patient_user, **EMERGENCY)
    submit(world.other_patient, world.physio)  # a routine screening to review
    resolved_alert(world.other_patient, world.physio)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/triage/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(6):
        submit(PatientFactory(clinic=world.clinic), world.physio, **(URGENT if i % 2 else {}))
    for escalation in Escalation.objects.filter(status="open")[:2]:
        client.post(f"/triage/escalations/{escalation.pk}/acknowledge/")
    for _ in range(3):
        resolved_alert(PatientFactory(clinic=world.clinic), world.admin)
    assert count() == few
