"""Offline first (issue 12, acceptance 2 and 3): what the patient records with no network
waits on the phone and reaches the server exactly once, whatever happens on the way; a red
flag shows its advice on the phone at once; an emergency screening fills the screen.

The emergency screen for a clinic in the United States, Australia and Germany (its number in
the app, the API, the emails and the reply page): test_safety_numbers.py (issue 15)."""

from __future__ import annotations

import json

import pytest

from clinic.idempotency import HEADER
from patients.models import Episode
from programs.models import ExerciseSession
from tests.conftest import bearer
from tests.factories import PASSWORD
from triage.models import Escalation

from .conftest import give_program
from .flows import answer_screening, eventually, log_session, record_episode, sign_in

ROUTINE = {"age": 40, "sex": "male", "onset": "gradual", "duration_days": 5, "pain_nrs": 4}


def ready_for_offline(device) -> None:
    """The first visit: the service worker holds the app, the phone holds the program."""
    page = device.page
    eventually(
        lambda: page.evaluate("() => Boolean(navigator.serviceWorker.controller)"),
        what="the service worker to control the page",
        device=device,
    )
    device.route("#/exercises", "Today's exercises")
    device.route("#/diary", "My spasm diary")


def waiting_badges(device) -> int:
    return device.page.locator(".badge-waiting").count()


def shows_waiting(device, n: int) -> None:
    eventually(lambda: waiting_badges(device) == n, 10, f"{n} waiting entries", device)


class Sabotage:
    """Spoils the first answer of an endpoint: a 503 before the server sees the request,
    or the server's answer lost after it did the work (the app then sends the same again)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.calls: dict[str, list[dict]] = {}

    def __call__(self, route, request) -> None:
        path = request.url.split("/api/v1/", 1)[1]
        calls = self.calls.setdefault(path, [])
        calls.append({"body": request.post_data, "key": request.headers.get(HEADER.lower())})
        if len(calls) > 1 or self.mode == "plain":
            route.continue_()
        elif self.mode == "first_sync_503":
            route.fulfill(status=503, content_type="application/json", body='{"error": {}}')
        else:  # answer_lost: the server did it, the phone never heard
            route.fetch()
            route.fulfill(status=503, content_type="application/json", body='{"error": {}}')


@pytest.mark.parametrize("mode", ["plain", "first_sync_503", "answer_lost"])
@pytest.mark.django_db(transaction=True)
def test_offline_records_reach_the_server_exactly_once(world, phone, mode):
    patient = world.patient
    give_program(patient, world.physio)
    device = phone()
    sign_in(device, world.patient_user.email)
    ready_for_offline(device)
    sabotage = Sabotage(mode)
    device.context.route("**/api/v1/episodes/sync/", sabotage)
    device.context.route("**/api/v1/program/sessions/", sabotage)

    device.context.set_offline(True)
    for intensity in (4, 6, 8):
        record_episode(device, intensity=intensity, triggers=["sit_to_stand"])
    shows_waiting(device, 3)
    if mode == "plain":
        device.shot("20-offline-diary-waiting")
    log_session(device)
    log_session(device, before=6, after=4)
    if mode == "plain":
        device.shot("21-offline-exercises-waiting")

    # The app is closed and opened again, still with no network: it opens from the phone.
    device.page.close()
    device.open()
    device.go("#/diary")
    shows_waiting(device, 3)
    assert "waiting to be sent" in device.page.locator("#queue-status").inner_text()
    assert Episode.objects.filter(patient=patient).count() == 0
    assert ExerciseSession.objects.filter(patient=patient).count() == 0

    device.context.set_offline(False)
    eventually(
        lambda: (
            Episode.objects.filter(patient=patient).count() == 3
            and ExerciseSession.objects.filter(patient=patient).count() == 2
            and waiting_badges(device) == 0
        ),
        timeout=45,
        what="the queue to drain",
        device=device,
    )
    peaks = Episode.objects.filter(patient=patient).values_list("peak_intensity", flat=True)
    assert sorted(peaks) == [4, 6, 8]
    syncs = sabotage.calls["episodes/sync/"]
    if mode != "plain":
        # The spoiled batch went again, the same batch under the same key.
        assert len(syncs) >= 2 and syncs[0] == syncs[1]
        assert len(sabotage.calls["program/sessions/"]) == 3  # one session resent once

    # The same batch replayed once more by hand: the server answers as before, adds nothing.
    client = bearer(world.patient_user)
    again = client.post(
        "/api/v1/episodes/sync/",
        json.loads(syncs[0]["body"]),
        format="json",
        headers={HEADER: syncs[0]["key"]},
    )
    assert again.status_code == 200
    assert {r["status"] for r in again.json()["results"]} <= {"created", "duplicate"}
    assert Episode.objects.filter(patient=patient).count() == 3
    assert ExerciseSession.objects.filter(patient=patient).count() == 2
    device.check()


@pytest.mark.django_db(transaction=True)
def test_a_red_flag_recorded_offline_shows_the_advice_at_once_and_escalates_once(world, phone):
    patient = world.patient
    device = phone()
    sign_in(device, world.patient_user.email)
    ready_for_offline(device)
    number = (
        bearer(world.patient_user)
        .get("/api/v1/me/")
        .json()["patient"]["clinic"]["emergency_number"]
    )

    device.context.set_offline(True)
    before = list(device.requests)
    record_episode(device, intensity=8, flags=["saddle_numbness"], wait_list=False)
    device.title("Get help now")
    api_calls = [u for u in device.requests[len(before) :] if "/api/" in u]
    assert api_calls == []  # the advice came from the phone, not the network
    assert device.page.locator(f"a[href='tel:{number}']").count() == 1
    device.shot("22-offline-red-flag-advice")
    assert Escalation.objects.filter(patient=patient).count() == 0

    device.context.set_offline(False)
    eventually(
        lambda: Escalation.objects.filter(patient=patient).count() == 1, 30, "escalation", device
    )
    episode = Episode.objects.get(patient=patient)
    assert episode.red_flags.get("saddle_numbness") is True
    # Sent again (a replay from another device, a double tap): still one escalation.
    item = {
        "client_id": str(episode.client_id),
        "started_at": episode.started_at.isoformat(),
        "peak_intensity": 8,
        "red_flags": {"saddle_numbness": True},
    }
    again = bearer(world.patient_user).post(
        "/api/v1/episodes/sync/", {"episodes": [item]}, format="json"
    )
    assert again.json()["results"][0]["status"] == "duplicate"
    assert Escalation.objects.filter(patient=patient).count() == 1
    device.check()


@pytest.mark.django_db(transaction=True)
def test_an_emergency_screening_fills_the_screen_with_tap_to_call(world, phone):
    world.clinic.phone = "+44 20 7946 0000"
    world.clinic.save()
    device = phone()
    sign_in(device, world.patient_user.email)
    me = bearer(world.patient_user).get("/api/v1/me/").json()
    number = me["patient"]["clinic"]["emergency_number"]
    device.shot("16-today-before-screening")
    answers = {**ROUTINE, "saddle_numbness": True, "start_back_9": "Slightly"}
    answers.update({f"start_back_{i}": "1" for i in range(1, 9)})
    answer_screening(device, answers, lambda name: None)
    device.title("Get help now")
    page = device.page
    assert page.evaluate("() => document.body.classList.contains('emergency-mode')")
    assert not page.locator("#nav").is_visible()  # the whole screen: no navigation
    assert page.locator(f"a[href='tel:{number}']").is_visible()
    assert page.locator("a[href='tel:+442079460000']").is_visible()
    device.shot("17-emergency")
    escalations = Escalation.objects.filter(patient=world.patient)
    assert escalations.count() == 1 and escalations.get().assessment.urgency == "emergency"
    device.check()


@pytest.mark.django_db(transaction=True)
def test_a_spanish_speaking_patient_gets_the_app_in_spanish(world, phone):
    world.patient.language = "es"
    world.patient.save()
    device = phone()
    page = device.page
    device.go()
    page.get_by_label("Email").fill(world.patient_user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/app/#/home")
    device.title("Hola")
    assert page.evaluate("() => document.documentElement.lang") == "es"
    assert page.locator("#nav").inner_text().split() == ["Hoy", "Diario", "Ejercicios", "Más"]
    device.shot("18-spanish-today")
    device.route("#/diary/new", "Anotar un espasmo")
    assert "¿Qué lo desencadenó?" in page.locator("main").inner_text()
    device.shot("19-spanish-episode-form")
    device.check()
