from __future__ import annotations

import datetime as dt
import uuid

from django.core import mail
from django.utils import timezone

from clinic import outbox
from clinic.models import Notification
from patients.models import Episode
from tests.patients.test_episodes import EPISODES, episode
from tests.triage.helpers import answers
from triage.models import Assessment, Escalation
from triage.services import intake_submit

SYNC = f"{EPISODES}sync/"


# --- offline sync --------------------------------------------------------------------------


def test_a_mixed_batch_creates_exactly_the_new_valid_items(patient_client, world):
    synced = episode()
    assert patient_client.post(EPISODES, synced, format="json").status_code == 201
    fresh_a, fresh_b = episode(peak_intensity=3), episode(peak_intensity=9)
    bad_intensity = episode(peak_intensity=15)
    bad_trigger = episode(triggers=["juggling"])
    batch = [synced, bad_intensity, fresh_a, "not an object", bad_trigger, fresh_b, fresh_a]

    response = patient_client.post(SYNC, {"episodes": batch}, format="json")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [
        "duplicate", "rejected", "created", "rejected", "rejected", "created", "duplicate",
    ]  # fmt: skip
    assert [r["client_id"] for r in results] == [
        synced["client_id"], bad_intensity["client_id"], fresh_a["client_id"], None,
        bad_trigger["client_id"], fresh_b["client_id"], fresh_a["client_id"],
    ]  # fmt: skip
    assert list(results[1]["errors"]) == ["peak_intensity"]
    assert list(results[4]["errors"]) == ["triggers"]
    assert "non_field_errors" in results[3]["errors"]
    assert results[2]["id"] == results[6]["id"] and results[2]["errors"] == {}
    assert Episode.objects.count() == 3
    assert sorted(Episode.objects.values_list("peak_intensity", flat=True)) == [3, 6, 9]


def test_a_batch_over_200_items_is_refused_whole(patient_client, world):
    response = patient_client.post(
        SYNC, {"episodes": [episode() for _ in range(201)]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["episodes"]
    assert not Episode.objects.exists()


def test_a_resent_sync_with_the_same_key_is_replayed(patient_client, world):
    batch = {"episodes": [episode(), episode()]}
    headers = {"HTTP_IDEMPOTENCY_KEY": "sync-42"}
    first = patient_client.post(SYNC, batch, format="json", **headers)
    again = patient_client.post(SYNC, batch, format="json", **headers)
    assert again.json() == first.json()
    assert [r["status"] for r in again.json()["results"]] == ["created", "created"]
    assert Episode.objects.count() == 2


# --- re-triage -----------------------------------------------------------------------------


def test_a_red_flag_in_an_episode_escalates_with_the_intake_safety_message(patient_client, world):
    response = patient_client.post(
        EPISODES, episode(red_flags={"saddle_numbness": True}), format="json"
    )
    assert response.status_code == 201
    triage = response.json()["triage"]
    assert triage["urgency"] == "emergency" and triage["escalated"] is True
    assert triage["flags"] == ["cauda_equina"]
    assert "emergency department" in triage["safety_message"]
    assessment = Assessment.objects.get()
    assert (assessment.source, assessment.episode_id) == ("episode", response.json()["id"])
    escalation = Escalation.objects.get()
    assert escalation.level == "emergency"
    alerts = Notification.objects.filter(
        kind="escalation_alert", context__escalation_id=escalation.pk
    )
    assert sorted(alerts.values_list("recipient", flat=True)) == [
        "admin@a.example",
        "physio@a.example",
    ]
    assert set(alerts.values_list("queue", flat=True)) == {"escalations"}


def test_a_red_flag_episode_escalates_once_even_when_resent_or_edited(patient_client, world):
    payload = episode(red_flags={"fever": True})
    first = patient_client.post(EPISODES, payload, format="json").json()
    patient_client.post(EPISODES, payload, format="json")
    patient_client.post(SYNC, {"episodes": [payload]}, format="json")
    patient_client.patch(f"{EPISODES}{first['id']}/", {"notes": "still hot"}, format="json")
    patient_client.patch(f"{EPISODES}{first['id']}/", {"red_flags": {"fever": True}}, format="json")
    assert Escalation.objects.count() == 1
    assert Escalation.objects.get().level == "urgent"


def test_an_edit_that_adds_a_graver_red_flag_escalates_again_at_the_higher_level(
    patient_client, world
):
    first = patient_client.post(EPISODES, episode(red_flags={"fever": True}), format="json").json()
    patient_client.patch(
        f"{EPISODES}{first['id']}/", {"red_flags": {"fever": True, "bladder": True}}, format="json"
    )
    assert sorted(Escalation.objects.values_list("level", flat=True)) == ["emergency", "urgent"]


def test_re_triage_uses_the_latest_intake_and_the_patients_age(patient_client, world):
    world.patient.date_of_birth = dt.date(1950, 1, 1)
    world.patient.save()
    intake_submit(
        patient=world.patient,
        submitted_by=world.patient_user,
        answers=answers(history_of_cancer=True),
    )
    response = patient_client.post(
        EPISODES, episode(red_flags={"new_weakness": True}), format="json"
    )
    # cancer history + new weakness: R3a (emergency, malignancy) and R2b (urgent, neuro)
    triage = response.json()["triage"]
    assert triage["urgency"] == "emergency"
    assert set(triage["flags"]) == {"malignancy", "neuro_compromise"}


def test_an_episode_without_red_flags_does_not_re_triage(patient_client, world):
    patient_client.post(EPISODES, episode(red_flags={"fever": False}), format="json")
    assert not Assessment.objects.exists() and not Escalation.objects.exists()


def test_a_red_flag_episode_alert_is_delivered(patient_client, world):
    patient_client.post(EPISODES, episode(red_flags={"fainting": True}), format="json")
    for n in Notification.objects.all():
        assert outbox.deliver(n.pk) == "sent"
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@a.example", "physio@a.example"]


# --- medication notes ----------------------------------------------------------------------


def test_a_muscle_relaxant_over_72_hours_is_flagged_and_explained(
    patient_client, physio_client, world
):
    first_dose = timezone.now() - dt.timedelta(hours=80)
    payload = episode(
        started_at=(first_dose - dt.timedelta(hours=1)).isoformat(),
        medicines=[
            {"name": "Cyclobenzaprine", "dose": "5 mg", "taken_at": first_dose.isoformat()},
            {"name": "cyclobenzaprine", "dose": "5 mg",
             "taken_at": (first_dose + dt.timedelta(hours=74)).isoformat()},
        ],
    )  # fmt: skip
    body = patient_client.post(EPISODES, payload, format="json").json()
    patient_notes = {n["id"]: n["message"] for n in body["medication_notes"]}
    assert set(patient_notes) == {"MED1", "MED2"}
    assert "72 hours" in patient_notes["MED1"]
    url = f"/api/v1/clinic/patients/{world.patient.pk}/episodes/{body['id']}/"
    clinician = physio_client.get(url).json()["medication_notes"]
    assert {n["id"] for n in clinician} >= {"MED1", "MED2"}
    assert all(n["clinician_message"] for n in clinician)


def test_a_muscle_relaxant_within_72_hours_is_not_flagged_as_too_long(patient_client, world):
    first_dose = timezone.now() - dt.timedelta(hours=30)
    payload = episode(
        medicines=[
            {"name": "Tizanidine", "taken_at": first_dose.isoformat()},
            {"name": "Tizanidine", "taken_at": (first_dose + dt.timedelta(hours=24)).isoformat()},
        ]
    )
    notes = {
        n["id"]
        for n in patient_client.post(EPISODES, payload, format="json").json()["medication_notes"]
    }
    assert notes == {"MED2"}


def test_concurrent_ids_are_uuid_scoped_per_patient(patient_client, world):
    shared = str(uuid.uuid4())
    from tests.conftest import bearer

    assert (
        patient_client.post(EPISODES, episode(client_id=shared), format="json").status_code == 201
    )
    other = bearer(world.other_patient.user)
    assert other.post(EPISODES, episode(client_id=shared), format="json").status_code == 201
    assert Episode.objects.filter(client_id=shared).count() == 2


def test_a_resend_that_adds_a_red_flag_is_not_dropped_and_escalates(patient_client, world):
    payload = episode()  # first sent with no red flags; the reply was lost
    assert patient_client.post(EPISODES, payload, format="json").status_code == 201
    corrected = {**payload, "red_flags": {"bladder": True, "saddle_numbness": True}}
    synced = patient_client.post(SYNC, {"episodes": [corrected]}, format="json").json()
    assert synced["results"][0]["status"] == "duplicate"
    stored = Episode.objects.get()
    assert stored.red_flags["bladder"] and stored.red_flags["saddle_numbness"]
    assert Escalation.objects.get().level == "emergency"
    again = patient_client.post(EPISODES, {**payload, "red_flags": {}}, format="json")
    assert again.json()["red_flags"]["bladder"] is True  # a resend never clears a "yes"
    assert Escalation.objects.count() == 1


def test_editing_only_the_start_is_checked_against_the_stored_end(patient_client, world):
    start = timezone.now() - dt.timedelta(hours=3)
    created = patient_client.post(
        EPISODES,
        episode(duration_minutes=None, started_at=start.isoformat(),
                ended_at=(start + dt.timedelta(hours=1)).isoformat()),
        format="json",
    ).json()  # fmt: skip
    url = f"{EPISODES}{created['id']}/"
    too_early = (start - dt.timedelta(days=30)).isoformat()
    assert patient_client.patch(url, {"started_at": too_early}, format="json").status_code == 400
    after_end = (start + dt.timedelta(hours=2)).isoformat()
    response = patient_client.patch(url, {"started_at": after_end}, format="json")
    assert list(response.json()["error"]["fields"]) == ["ended_at"]
    assert Episode.objects.get().duration_minutes == 60


def test_sync_echoes_only_real_client_ids(patient_client, world):
    batch = {"episodes": [{"client_id": "\u0000evil", "peak_intensity": 3}]}
    response = patient_client.post(SYNC, batch, format="json", HTTP_IDEMPOTENCY_KEY="nul-1")
    assert response.status_code == 200
    assert response.json()["results"][0]["client_id"] is None


def test_odd_digits_in_days_are_a_400(patient_client, world):
    for days in ("²", "٣", "1e2"):
        response = patient_client.get(f"{EPISODES}summary/", {"days": days})
        assert response.status_code == 400, days
