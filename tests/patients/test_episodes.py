from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from patients.models import Episode
from tests.conftest import bearer

EPISODES = "/api/v1/episodes/"


def episode(**overrides):
    data = {
        "client_id": str(uuid.uuid4()),
        "started_at": (timezone.now() - dt.timedelta(hours=3)).isoformat(),
        "duration_minutes": 45,
        "peak_intensity": 6,
        "side": "left",
        "region": "lumbar",
        "triggers": ["bending_forward", "lifting"],
        "trigger_notes": "picking up a laundry basket",
        "relief": [{"method": "heat", "effect": "good"}, {"method": "rest", "effect": "some"}],
        "medicines": [{"name": "Ibuprofen", "dose": "400 mg"}],
        "function": "walked_with_support",
        "notes": "eased after an hour",
    }
    data.update(overrides)
    return data


def test_a_patient_records_an_episode(patient_client, world):
    response = patient_client.post(EPISODES, episode(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["triggers"] == ["bending_forward", "lifting"]
    assert body["relief"] == [
        {"method": "heat", "effect": "good"},
        {"method": "rest", "effect": "some"},
    ]
    assert body["red_flags"] == {
        "bladder": False, "bowel": False, "saddle_numbness": False, "both_legs": False,
        "new_weakness": False, "fever": False, "fainting": False,
        "chest_pain_or_breathlessness": False,
    }  # fmt: skip
    assert body["triage"] is None
    assert Episode.objects.get().patient == world.patient


def test_an_end_time_sets_the_duration(patient_client, world):
    start = timezone.now() - dt.timedelta(hours=2)
    response = patient_client.post(
        EPISODES,
        episode(duration_minutes=None, started_at=start.isoformat(),
                ended_at=(start + dt.timedelta(minutes=95)).isoformat()),
        format="json",
    )  # fmt: skip
    assert response.json()["duration_minutes"] == 95


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("peak_intensity", 11),
        ("peak_intensity", -1),
        ("peak_intensity", "7"),
        ("peak_intensity", 6.5),
        ("triggers", ["bending_forward", "yoga"]),
        ("relief", [{"method": "acupuncture", "effect": "good"}]),
        ("relief", [{"method": "heat", "effect": "amazing"}]),
        ("relief", [{"method": "heat", "effect": "good"}, {"method": "heat", "effect": "some"}]),
        ("started_at", "2999-01-01T08:00:00Z"),
        ("started_at", "yesterday"),
        ("started_at", "2026-11-20T08:15:00"),
        ("side", "middle"),
        ("function", "ran a marathon"),
        ("red_flags", {"bladder": "yes"}),
        ("red_flags", {"third_eye": True}),
        ("client_id", "not-a-uuid"),
        ("duration_minutes", 99999),
        ("medicines", [{"name": "Diazepam", "taken_at": "2999-01-01T08:00:00Z"}]),
        ("mood", "grumpy"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(patient_client, world, field, value):
    response = patient_client.post(EPISODES, episode(**{field: value}), format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["error"]["fields"]) == [field]
    assert not Episode.objects.exists()


def test_an_end_before_the_start_is_refused(patient_client, world):
    start = timezone.now() - dt.timedelta(hours=2)
    response = patient_client.post(
        EPISODES,
        episode(duration_minutes=None, started_at=start.isoformat(),
                ended_at=(start - dt.timedelta(minutes=1)).isoformat()),
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["ended_at"]


def test_resending_the_same_client_id_returns_the_stored_episode(patient_client, world):
    payload = episode()
    first = patient_client.post(EPISODES, payload, format="json")
    again = patient_client.post(EPISODES, payload, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Episode.objects.count() == 1


def test_idempotency_key_replays_and_refuses_a_different_body(patient_client, world):
    headers = {"HTTP_IDEMPOTENCY_KEY": "k-1"}
    payload = episode()
    first = patient_client.post(EPISODES, payload, format="json", **headers)
    replay = patient_client.post(EPISODES, payload, format="json", **headers)
    assert replay.status_code == first.status_code == 201
    assert replay.json() == first.json()
    different = patient_client.post(EPISODES, episode(), format="json", **headers)
    assert different.status_code == 422
    assert Episode.objects.count() == 1


def test_idempotency_keys_are_per_user(patient_client, world):
    headers = {"HTTP_IDEMPOTENCY_KEY": "shared-key"}
    assert patient_client.post(EPISODES, episode(), format="json", **headers).status_code == 201
    other = bearer(world.other_patient.user)
    assert other.post(EPISODES, episode(), format="json", **headers).status_code == 201
    assert Episode.objects.count() == 2


# --- own episodes only ---------------------------------------------------------------------


def test_another_patients_episode_is_404(patient_client, world):
    theirs = bearer(world.other_patient.user).post(EPISODES, episode(), format="json").json()
    for method in ("get", "patch", "delete"):
        response = getattr(patient_client, method)(f"{EPISODES}{theirs['id']}/", {}, format="json")
        assert response.status_code == 404
    assert patient_client.get(EPISODES).json()["count"] == 0
    assert Episode.objects.get(pk=theirs["id"]).deleted_at is None


def test_clinicians_see_their_patients_episodes_and_another_clinic_gets_404(
    patient_client, physio_client, other_clinic_client, world
):
    created = patient_client.post(EPISODES, episode(), format="json").json()
    url = f"/api/v1/clinic/patients/{world.patient.pk}/episodes/"
    assert [e["id"] for e in physio_client.get(url).json()["results"]] == [created["id"]]
    assert physio_client.get(f"{url}{created['id']}/").status_code == 200
    assert other_clinic_client.get(url).status_code == 404
    assert other_clinic_client.get(f"{url}{created['id']}/").status_code == 404
    assert other_clinic_client.get(f"{url}summary/").status_code == 404
    assert patient_client.get(url).status_code == 403


def test_clinicians_cannot_use_the_patient_diary(physio_client, anon_client, world):
    assert physio_client.post(EPISODES, episode(), format="json").status_code == 403
    assert anon_client.get(EPISODES).status_code == 401


# --- edit and delete -----------------------------------------------------------------------


def test_patch_edits_and_keeps_history(patient_client, world):
    created = patient_client.post(EPISODES, episode(), format="json").json()
    response = patient_client.patch(
        f"{EPISODES}{created['id']}/",
        {"peak_intensity": 8, "triggers": ["sneezing_coughing"]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["peak_intensity"] == 8
    assert response.json()["triggers"] == ["sneezing_coughing"]
    assert response.json()["relief"] == created["relief"]
    assert Episode.objects.get().history.count() >= 2


def test_patch_cannot_change_the_client_id_or_break_the_times(patient_client, world):
    created = patient_client.post(EPISODES, episode(), format="json").json()
    url = f"{EPISODES}{created['id']}/"
    assert (
        patient_client.patch(url, {"client_id": str(uuid.uuid4())}, format="json").status_code
        == 400
    )
    early = (timezone.now() - dt.timedelta(days=30)).isoformat()
    assert patient_client.patch(url, {"ended_at": early}, format="json").status_code == 400
    assert patient_client.patch(url, {"peak_intensity": 12}, format="json").status_code == 400
    assert Episode.objects.get().peak_intensity == 6


def test_delete_is_soft_and_hides_the_episode(patient_client, world):
    created = patient_client.post(EPISODES, episode(), format="json").json()
    assert patient_client.delete(f"{EPISODES}{created['id']}/").status_code == 204
    assert patient_client.get(EPISODES).json()["count"] == 0
    assert patient_client.get(f"{EPISODES}{created['id']}/").status_code == 404
    stored = Episode.objects.get()
    assert stored.deleted_at is not None
    assert stored.history.filter(deleted_at__isnull=False).exists()


def test_episode_list_query_count_is_constant(patient_client, world):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert patient_client.get(EPISODES).status_code == 200
        return len(ctx.captured_queries)

    patient_client.post(EPISODES, episode(), format="json")
    few = count()
    for i in range(10):
        patient_client.post(EPISODES, episode(red_flags={"fever": i % 3 == 0}), format="json")
    assert count() == few
