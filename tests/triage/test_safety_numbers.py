"""Issue 15, acceptance 1: a clinic's country decides the emergency number in every safety text.

One emergency screening answer per clinic country; the number must be the country's and 999
must appear nowhere: the API's safety message, the patient's follow-up email and the reply page
it links to, and the clinician's alert email. (The patient app reads the
same numbers from GET /api/v1/me/; its own browser test covers what it shows.)
"""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from clinic import outbox
from clinic.models import Notification
from tests.patients.test_followups import links

from .helpers import EMERGENCY, answers


@pytest.mark.parametrize(
    ("country", "number"),
    [("US", "911"), ("AU", "000"), ("DE", "112")],
)
def test_an_emergency_answer_names_the_clinic_countrys_number_everywhere(
    country, number, world, patient_client, django_capture_on_commit_callbacks
):
    world.clinic.country = country
    world.clinic.save()
    has_number = re.compile(rf"(?<!\d){number}(?!\d)")

    # The API's answer.
    response = patient_client.post("/api/v1/intakes/", answers(**EMERGENCY), format="json")
    assert response.status_code == 201
    safety = response.json()["assessment"]["safety_message"]
    assert has_number.search(safety) and "999" not in safety
    assert f"call {number}" in safety

    # The follow-up email the screening schedules, and the reply page it links to.
    [checkin] = Notification.objects.filter(kind="intake_checkin")
    with time_machine.travel(checkin.due_at, tick=False):
        assert outbox.deliver(checkin.pk) == "sent"
    email = mail.outbox[-1]
    html = email.alternatives[0][0]
    for part in (email.body, html):
        assert f"call {number}" in part and "999" not in part
    page = Client().post(links(email)["reply-worse"], {"answer": "worse"}).content.decode()
    assert f"call {number}" in page and "999" not in page

    # The clinician's alert says what the patient was told.
    [alert] = Notification.objects.filter(kind="escalation_alert", recipient="physio@a.example")
    mail.outbox.clear()
    assert outbox.deliver(alert.pk) == "sent"
    assert f"call {number}" in mail.outbox[-1].body and "999" not in mail.outbox[-1].body
