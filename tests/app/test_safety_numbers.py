"""Issue 15, acceptance 1: a clinic's country decides the emergency number in every safety text.

One emergency screening per clinic country, answered by the patient in the app (Chromium at
phone size, against a live server). The number must be the country's and 999 must appear
nowhere: the app's emergency screen and its tap-to-call link, the safety message the API
returned to the app and still returns to the patient, the patient's follow-up email and the
reply page it links to, and the clinician's alert email. (The default country's emergency
screen, its clinic phone button and full-screen mode: test_offline.py's
test_an_emergency_screening_fills_the_screen_with_tap_to_call.)
"""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from clinic import outbox
from clinic.models import Notification
from tests.conftest import bearer
from tests.patients.test_followups import links
from triage.models import Escalation

from .flows import answer_screening, sign_in

ROUTINE = {"age": 40, "sex": "female", "onset": "sudden", "duration_days": 3, "pain_nrs": 6}
EMERGENCY = {"saddle_numbness": True}  # R1a
START_BACK_LOW = {**{f"start_back_{i}": "0" for i in range(1, 9)}, "start_back_9": "Not at all"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("country", "number"),
    [("US", "911"), ("AU", "000"), ("DE", "112")],
)
def test_an_emergency_answer_names_the_clinic_countrys_number_everywhere(
    country, number, world, phone
):
    world.clinic.country = country
    world.clinic.save()
    has_number = re.compile(rf"(?<!\d){number}(?!\d)")

    # The app: the patient answers the screening on the phone; the screen names the number.
    device = phone()
    page = device.page
    sign_in(device, world.patient_user.email)
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/intakes/") and r.request.method == "POST"
    ) as sent:
        answer_screening(device, {**ROUTINE, **EMERGENCY, **START_BACK_LOW}, lambda name: None)
    device.title("Get help now")
    screen = page.locator("main").inner_text()
    assert f"Call {number} now" in screen and "999" not in screen
    call = page.locator("a.btn-emergency")
    assert call.is_visible() and call.inner_text().strip() == f"Call {number}"
    assert call.get_attribute("href") == f"tel:{number}"
    tel_links = page.locator("a[href^='tel:']").evaluate_all("els => els.map(e => e.href)")
    assert not [href for href in tel_links if "999" in href], tel_links
    device.shot(f"17-emergency-{country.lower()}")

    # The API: what it answered the app, and what it returns to the patient afterwards.
    assert sent.value.status == 201
    safety = sent.value.json()["assessment"]["safety_message"]
    assert has_number.search(safety) and "999" not in safety
    assert f"call {number}" in safety
    # The app shows the server's message: its sentence with the number is on the screen.
    told = re.search(rf"[^.\n]*call {number}[^.\n]*", safety)
    assert told and told.group(0) in screen, (told, screen)
    listed = bearer(world.patient_user).get("/api/v1/intakes/?page_size=1")
    assert listed.status_code == 200
    assert listed.json()["results"][0]["assessment"]["safety_message"] == safety
    [escalation] = Escalation.objects.filter(patient=world.patient)
    assert escalation.assessment.urgency == "emergency"

    # The follow-up email the screening schedules, and the reply page it links to.
    [checkin] = Notification.objects.filter(kind="intake_checkin")
    with time_machine.travel(checkin.due_at, tick=False):
        assert outbox.deliver(checkin.pk) == "sent"
    email = mail.outbox[-1]
    html = email.alternatives[0][0]
    for part in (email.body, html):
        assert f"call {number}" in part and "999" not in part
    reply = Client().post(links(email)["reply-worse"], {"answer": "worse"})
    assert reply.status_code == 200
    page_text = reply.content.decode()
    assert f"call {number}" in page_text and "999" not in page_text

    # The clinician's alert says what the patient was told.
    [alert] = Notification.objects.filter(kind="escalation_alert", recipient="physio@a.example")
    mail.outbox.clear()
    assert outbox.deliver(alert.pk) == "sent"
    assert f"call {number}" in mail.outbox[-1].body and "999" not in mail.outbox[-1].body
    device.check()
