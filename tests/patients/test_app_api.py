"""What the patient web app needed from the API: an invitation that ends signed in, the
diary's vocabulary, and which progress check is open. Tested like every other endpoint,
another clinic's users included."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from patients import services
from patients.models import PatientInvitation
from tests.conftest import bearer
from tests.factories import PatientFactory, UserFactory
from tests.triage.helpers import answers
from triage.services import intake_submit, reassessment_record

INFO = "/api/v1/auth/invitation/"
ACCEPT = "/api/v1/auth/invitation/accept/"
PASSWORD = "A-long-pass-phrase"


@pytest.fixture
def newcomer(world):
    return PatientFactory(clinic=world.clinic, email="newcomer@example.net", first_name="Noor")


def token_for(patient, by) -> str:
    invitation = services.invitation_send(patient=patient, sent_by=by)
    return services.invitation_mint_token(invitation)


def test_the_app_reads_whom_an_invitation_is_for(anon_client, world, newcomer):
    token = token_for(newcomer, world.physio)
    response = anon_client.post(INFO, {"token": token}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "first_name": "Noor",
        "email": "newcomer@example.net",
        "clinic_name": "Clinic A",
    }


def test_accepting_an_invitation_in_the_app_signs_the_patient_in(anon_client, world, newcomer):
    token = token_for(newcomer, world.physio)
    response = anon_client.post(ACCEPT, {"token": token, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    pair = response.json()
    me = anon_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert me.json()["role"] == "patient" and me.json()["patient"]["id"] == newcomer.pk
    refreshed = anon_client.post(
        "/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json"
    )
    assert refreshed.status_code == 200
    # The password works for a normal sign-in too, and the link is spent.
    login = anon_client.post(
        "/api/v1/auth/token/",
        {"email": "newcomer@example.net", "password": PASSWORD},
        format="json",
    )
    assert login.status_code == 200
    assert PatientInvitation.objects.get(patient=newcomer).used_at is not None
    again = anon_client.post(ACCEPT, {"token": token, "password": PASSWORD}, format="json")
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "invitation_invalid"
    assert anon_client.post(INFO, {"token": token}, format="json").status_code == 400


def test_an_invitation_token_of_another_clinic_signs_in_only_its_own_patient(anon_client, world):
    foreign = world.foreign_patient
    token = token_for(foreign, world.other_physio)
    pair = anon_client.post(ACCEPT, {"token": token, "password": PASSWORD}, format="json").json()
    client = anon_client
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert client.get("/api/v1/me/").json()["patient"]["id"] == foreign.pk
    # Clinic A's patient's diary is not reachable with clinic B's patient's tokens.
    assert client.get("/api/v1/episodes/").json()["count"] == 0


def test_a_weak_password_is_refused_and_the_link_still_works(anon_client, world, newcomer):
    token = token_for(newcomer, world.physio)
    weak = anon_client.post(ACCEPT, {"token": token, "password": "12345678"}, format="json")
    assert weak.status_code == 400
    assert weak.json()["error"]["fields"]["password"]
    newcomer.refresh_from_db()
    assert newcomer.user is None
    assert anon_client.post(INFO, {"token": token}, format="json").status_code == 200


def test_bad_invitation_requests_are_clear_4xx(anon_client, world, newcomer):
    token = token_for(newcomer, world.physio)
    assert anon_client.post(INFO, {"token": "nope"}, format="json").status_code == 400
    assert anon_client.post(INFO, {}, format="json").json()["error"]["fields"]["token"]
    unknown = anon_client.post(INFO, {"token": token, "extra": 1}, format="json")
    assert unknown.status_code == 400
    missing = anon_client.post(ACCEPT, {"token": token}, format="json")
    assert missing.status_code == 400 and "password" in missing.json()["error"]["fields"]
    with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
        expired = anon_client.post(ACCEPT, {"token": token, "password": PASSWORD}, format="json")
    assert expired.status_code == 400 and expired.json()["error"]["code"] == "invitation_invalid"


def test_a_stale_token_in_the_app_does_not_block_an_invitation(anon_client, world, newcomer):
    token = token_for(newcomer, world.physio)
    anon_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
    assert anon_client.post(INFO, {"token": token}, format="json").status_code == 200


def test_the_diary_vocabulary_lists_codes_the_episode_api_accepts(patient_client):
    data = patient_client.get("/api/v1/episodes/vocabulary/").json()
    assert {"code": "lifting", "label": "Lifting"} in data["triggers"]
    assert {"code": "heat", "label": "Heat"} in data["relief_methods"]
    assert [t["code"] for t in data["relief_effects"]] == ["none", "some", "good"]
    flags = {t["code"] for t in data["red_flags"]}
    assert flags == {
        "bladder", "bowel", "saddle_numbness", "both_legs", "new_weakness", "fever",
        "fainting", "chest_pain_or_breathlessness",
    }  # fmt: skip
    episode = {
        "client_id": "7d6c2a9e-5b4f-4c71-9d0e-1f2a3b4c5d6e",
        "started_at": timezone.now().isoformat(),
        "peak_intensity": 5,
        "triggers": [t["code"] for t in data["triggers"]],
        "relief": [{"method": data["relief_methods"][0]["code"], "effect": "good"}],
        "red_flags": {code: False for code in flags},
    }
    assert patient_client.post("/api/v1/episodes/", episode, format="json").status_code == 201


def test_the_vocabulary_is_for_patients_only(physio_client, other_clinic_client, anon_client):
    assert physio_client.get("/api/v1/episodes/vocabulary/").status_code == 403
    assert other_clinic_client.get("/api/v1/episodes/vocabulary/").status_code == 403
    assert anon_client.get("/api/v1/episodes/vocabulary/").status_code == 401


def test_the_open_progress_check_follows_the_first_screening(patient_client, world):
    empty = patient_client.get("/api/v1/reassessments/due/").json()
    assert empty == {"due_weeks": None, "next_weeks": None, "next_opens_on": None, "done_weeks": []}
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        intake_submit(patient=world.patient, submitted_by=world.patient_user, answers=answers())
        early = patient_client.get("/api/v1/reassessments/due/").json()
    assert early["due_weeks"] is None and early["next_weeks"] == 2
    assert early["next_opens_on"] == (start + dt.timedelta(weeks=1)).date().isoformat()
    with time_machine.travel(start + dt.timedelta(weeks=2, days=1), tick=False):
        patient_client = bearer(world.patient_user)  # the first access token has expired
        due = patient_client.get("/api/v1/reassessments/due/").json()
        assert due["due_weeks"] == 2
        reassessment_record(patient=world.patient, pain_nrs=3, oswestry=None)
        after = patient_client.get("/api/v1/reassessments/due/").json()
    assert after["due_weeks"] is None and after["done_weeks"] == [2] and after["next_weeks"] == 6


def test_the_open_progress_check_is_the_callers_own(world, physio_client, other_clinic_client):
    intake_submit(patient=world.patient, submitted_by=world.patient_user, answers=answers())
    assert physio_client.get("/api/v1/reassessments/due/").status_code == 403
    assert other_clinic_client.get("/api/v1/reassessments/due/").status_code == 403
    # Another clinic's patient sees their own (nothing yet), never clinic A's patient's.
    foreign_user = UserFactory(email="f@b.example")
    PatientFactory(clinic=world.other_clinic, user=foreign_user)
    mine = bearer(foreign_user).get("/api/v1/reassessments/due/").json()
    assert mine["next_weeks"] is None and mine["done_weeks"] == []


def test_the_diary_vocabulary_is_in_the_patients_language(world, patient_client):
    english = patient_client.get("/api/v1/episodes/vocabulary/").json()
    world.patient.language = "es"
    world.patient.save()
    spanish = patient_client.get("/api/v1/episodes/vocabulary/").json()
    assert [t["code"] for t in spanish["triggers"]] == [t["code"] for t in english["triggers"]]
    triggers = {t["code"]: t["label"] for t in spanish["triggers"]}
    assert triggers["bending_forward"] == "Inclinarse hacia delante"
    assert {r["code"]: r["label"] for r in spanish["relief_methods"]}["heat"] == "Calor"
    assert {r["code"]: r["label"] for r in spanish["red_flags"]}["saddle_numbness"] == (
        "Adormecimiento entre las piernas, en los genitales o alrededor del ano"
    )
    assert {s["code"]: s["label"] for s in spanish["sides"]}["both"] == "Ambos lados"
    assert {t["code"]: t["label"] for t in english["triggers"]}["bending_forward"] == (
        "Bending forward"
    )
