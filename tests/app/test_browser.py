"""The patient app, end to end in Debian's Chromium at 360x640 (issue 12's acceptance).

Screenshots of every screen land in test-artifacts/app/; axe-core checks each one; every
request the app makes is recorded and must go to /api/v1/ or the app's own files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import cast

import pytest
from django.core import mail

from clinic import outbox
from clinic.models import Notification
from patients.models import Episode, Patient
from programs.models import ExerciseSession
from tests.conftest import bearer
from tests.factories import PatientFactory
from triage.models import Assessment

from .conftest import give_program
from .flows import answer_screening, eventually, log_session, record_episode, sign_in

NEW_PASSWORD = "A-long-pass-phrase-42"
ROUTINE = {"age": 40, "sex": "female", "onset": "sudden", "duration_days": 3, "pain_nrs": 6}
START_BACK_LOW = {**{f"start_back_{i}": "0" for i in range(1, 9)}, "start_back_9": "Not at all"}


def invitation_path(world, patient) -> str:
    """What the patient's email links to, sent the way the dashboard sends it."""
    response = bearer(world.physio).post(f"/api/v1/clinic/patients/{patient.pk}/invitation/")
    assert response.status_code == 202
    notification = Notification.objects.filter(kind="patient_invitation").latest("id")
    assert outbox.deliver(notification.pk) == "sent"
    link = re.search(r"https?://\S+?(/app/#invitation=[\w-]+)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    return link.group(1)


@pytest.mark.django_db(transaction=True)
def test_a_new_patient_walks_through_the_app(world, phone):
    newcomer = cast(Patient, PatientFactory(
        clinic=world.clinic, physiotherapist=world.physio, first_name="Noor",
        email="noor@example.net",
    ))  # fmt: skip
    give_program(newcomer, world.physio)
    path = invitation_path(world, newcomer)
    device = phone()
    page = device.page

    # 1. The invitation link opens the app, which asks for a password and signs Noor in.
    page.goto(f"{device.base}{path}")
    device.title("Welcome, Noor")
    assert "invitation=" not in page.url  # the token leaves the address bar at once
    device.shot("01-invitation")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and open the app").click()
    page.wait_for_url("**/app/#/home")
    device.title("Hello, Noor")
    device.shot("02-today")
    device.larger_text("02-today")

    # Closing and reopening the app keeps the session (the refresh token is in IndexedDB).
    page.close()
    page = device.open()
    device.go("#/home")
    device.title("Hello, Noor")

    # Sign out leaves nothing of Noor's on the phone; sign in again with the new password.
    device.route("#/more", "More")
    device.shot("03-more")
    device.route("#/signout", "Sign out")
    device.shot("03-sign-out")
    page.get_by_role("button", name="Sign out and remove my data from this phone").click()
    device.title("Sign in")
    assert device.idb("kv") == [] and device.idb("queue") == []
    assert page.evaluate("() => localStorage.length + sessionStorage.length") == 0
    device.shot("03-signed-out")
    sign_in(device, "noor@example.net", NEW_PASSWORD)
    assert "refresh" in device.idb("kv")

    # 2. Screening with routine answers: the result shows the safety message and pathway.
    answer_screening(device, {**ROUTINE, **START_BACK_LOW}, device.shot)
    page.wait_for_url("**/app/#/screening/result")
    device.title("Your screening result")
    assessment = Assessment.objects.get(intake__patient=newcomer)
    assert assessment.urgency == "routine"
    text = page.locator("main").inner_text()
    for line in assessment.patient_message.splitlines():
        assert line.removeprefix("- ").strip() in text
    assert "Your care pathway" in text and "low" in text.lower()
    device.shot("06-screening-result")

    # 3. An episode, in a few taps.
    device.route("#/diary/new", "Record a spasm")
    device.shot("07-episode-form")
    device.larger_text("07-episode-form")
    record_episode(device, intensity=7, triggers=["lifting"])
    eventually(lambda: Episode.objects.filter(patient=newcomer).count() == 1, device=device)
    episode = Episode.objects.get(patient=newcomer)
    assert episode.peak_intensity == 7
    assert [t.code for t in episode.triggers.all()] == ["lifting"]
    device.route("#/diary", "My spasm diary")
    page.locator(".entry-link", has_text="Intensity 7/10").wait_for()
    device.shot("08-diary")
    # Edit it (the intensity was lower than first tapped), then record and delete another.
    page.locator(".entry-link", has_text="Intensity 7/10").click()
    device.title("Edit episode")
    device.shot("08-episode-edit")
    page.locator("input[name='peak_intensity'][value='5'] + label").click()
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url("**/app/#/diary")
    page.locator(".entry-link", has_text="Intensity 5/10").wait_for()
    episode.refresh_from_db()
    assert episode.peak_intensity == 5
    record_episode(device, intensity=2)
    eventually(lambda: Episode.objects.filter(patient=newcomer).count() == 2, device=device)
    page.locator(".entry-link", has_text="Intensity 2/10").wait_for()
    page.locator(".entry-link", has_text="Intensity 2/10").click()
    device.title("Edit episode")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete this episode").click()
    page.wait_for_url("**/app/#/diary")
    extra = Episode.objects.get(patient=newcomer, peak_intensity=2)
    eventually(lambda: Episode.objects.get(pk=extra.pk).deleted_at is not None, device=device)
    device.route("#/diary/summary", "My spasm charts")
    device.shot("09-diary-charts")

    # 4. Today's exercises, a session logged with pain before and after, adherence.
    device.route("#/exercises", "Today's exercises")
    assert "2 sets of 10" in page.locator("main").inner_text()
    device.shot("10-exercises")
    page.get_by_role("link", name="Log a session").click()
    device.title("Log a session")
    device.shot("11-log-session")
    log_session(device, before=5, after=3)
    eventually(lambda: ExerciseSession.objects.filter(patient=newcomer).count() == 1, device=device)
    session = ExerciseSession.objects.get(patient=newcomer)
    assert (session.pain_before, session.pain_after) == (5, 3)
    device.route("#/exercises/adherence", "How I am keeping up")
    device.shot("12-adherence")

    # 5. Quiet hours.
    device.route("#/preferences", "Emails and quiet hours")
    page.get_by_label("From", exact=True).fill("21:30")
    page.get_by_label("Until", exact=True).fill("08:00")
    page.get_by_role("button", name="Save").click()
    page.locator(".notice-success", has_text="Saved.").wait_for()
    device.shot("13-preferences")
    newcomer.refresh_from_db()
    assert newcomer.quiet_hours_start.strftime("%H:%M") == "21:30"
    assert newcomer.quiet_hours_end.strftime("%H:%M") == "08:00"

    # 6. My data: the export downloads as a file; who viewed my record.
    device.route("#/my-data", "My data")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download (JSON)").click()
    download = info.value
    assert download.suggested_filename == f"patient-{newcomer.pk}.json"
    exported = json.loads(Path(download.path()).read_text())
    assert "Noor" in json.dumps(exported)
    page.locator(".notice-success", has_text="Downloaded").wait_for()
    device.shot("14-my-data")
    device.route("#/progress-check", "Progress check")
    device.shot("15-progress-check")
    device.route("#/my-progress", "My progress")
    summary = bearer(newcomer.user).get("/api/v1/me/progress/").json()["summary"]
    assert summary in page.locator("main").inner_text()
    device.shot("15-my-progress")

    device.check()  # no axe violations, no CSP or script errors, no request outside the app
