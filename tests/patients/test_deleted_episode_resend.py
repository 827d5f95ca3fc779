"""A resend of an episode the patient deleted: a defined 410, and a red flag is never lost."""

from __future__ import annotations

import pytest

from clinic.models import Notification
from patients.models import Episode
from tests.patients.test_episodes import EPISODES, episode
from triage.models import Escalation

SYNC = f"{EPISODES}sync/"
KEYS = pytest.mark.parametrize("key", [None, "resend-1"], ids=["no-key", "idempotency-key"])


def _headers(key: str | None, suffix: str = "") -> dict[str, str]:
    return {"HTTP_IDEMPOTENCY_KEY": key + suffix} if key else {}


def _recorded_then_deleted(client, payload) -> int:
    created = client.post(EPISODES, payload, format="json")
    assert created.status_code == 201
    assert client.delete(f"{EPISODES}{created.json()['id']}/").status_code == 204
    return created.json()["id"]


@KEYS
def test_resending_a_deleted_episode_is_a_410_naming_it(patient_client, world, key):
    payload = episode()
    deleted_id = _recorded_then_deleted(patient_client, payload)

    response = patient_client.post(EPISODES, payload, format="json", **_headers(key))

    assert response.status_code == 410, response.content
    body = response.json()
    assert body["error"]["code"] == "episode_deleted"
    assert body["error"]["fields"] == {}
    assert body["episode"]["id"] == deleted_id
    assert body["episode"]["client_id"] == payload["client_id"]
    assert body["triage"] is None
    stored = Episode.objects.get()
    assert stored.deleted_at is not None  # the patient's deletion stands
    assert patient_client.get(EPISODES).json()["count"] == 0


@KEYS
def test_a_red_flag_resent_on_a_deleted_episode_is_kept_escalated_once_and_answered(
    patient_client, world, key
):
    payload = episode()
    _recorded_then_deleted(patient_client, payload)
    flagged = {**payload, "red_flags": {"bladder": True, "saddle_numbness": True}}

    first = patient_client.post(EPISODES, flagged, format="json", **_headers(key))
    retry = patient_client.post(EPISODES, flagged, format="json", **_headers(key))

    for response in (first, retry):
        assert response.status_code == 410, response.content
        triage = response.json()["triage"]
        assert triage["urgency"] == "emergency" and triage["escalated"] is True
        assert "emergency department" in triage["safety_message"]
        assert response.json()["error"]["message"].startswith(triage["safety_message"])
    stored = Episode.objects.get()
    assert stored.red_flags["bladder"] and stored.red_flags["saddle_numbness"]
    assert stored.deleted_at is not None
    escalation = Escalation.objects.get()  # exactly one, and it was committed
    assert escalation.level == "emergency" and escalation.assessment.episode_id == stored.pk
    assert Notification.objects.filter(
        kind="escalation_alert", context__escalation_id=escalation.pk
    ).exists()


@KEYS
def test_a_deleted_episode_in_a_sync_batch_is_reported_and_its_red_flag_escalates(
    patient_client, world, key
):
    payload = episode()
    deleted_id = _recorded_then_deleted(patient_client, payload)
    flagged = {**payload, "red_flags": {"fever": True}}
    fresh = episode(red_flags={"saddle_numbness": True})

    response = patient_client.post(
        SYNC, {"episodes": [flagged, fresh]}, format="json", **_headers(key)
    )

    assert response.status_code == 200, response.content
    deleted, created = response.json()["results"]
    assert (deleted["status"], deleted["id"]) == ("deleted", deleted_id)
    assert deleted["triage"]["urgency"] == "urgent" and deleted["triage"]["safety_message"]
    assert created["status"] == "created"
    assert created["triage"]["urgency"] == "emergency"
    assert "emergency department" in created["triage"]["safety_message"]
    assert sorted(Escalation.objects.values_list("level", flat=True)) == ["emergency", "urgent"]
    again = patient_client.post(
        SYNC, {"episodes": [flagged]}, format="json", **_headers(key, "-again")
    )
    assert again.json()["results"][0]["status"] == "deleted"
    assert Escalation.objects.count() == 2
    assert Episode.objects.get(pk=deleted_id).deleted_at is not None
