"""Diary statistics against numbers worked out by hand.

The patient lives in New York (UTC-5 in November). "Now" is 2026-11-20 15:00 UTC (10:00 local),
so a 7-day window starts at 2026-11-14 00:00 local = 05:00 UTC.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patients.episodes import episode_delete, episode_record
from tests.conftest import bearer
from tests.factories import PatientFactory

NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


def utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


def record(patient, started_at, intensity, duration=None, ended_at=None, triggers=(), relief=()):
    return episode_record(
        patient=patient,
        client_id=uuid.uuid4(),
        started_at=started_at,
        ended_at=ended_at,
        duration_minutes=duration,
        peak_intensity=intensity,
        triggers=triggers,
        relief=relief,
    ).episode


@pytest.fixture
def diary(world):
    p = world.patient
    p.timezone = "America/New_York"
    p.save()
    # previous window
    record(p, utc(14, 4, 59), 4, 30, triggers=["lifting"])  # 23:59 local on the 13th
    record(p, utc(10, 12), 2, 10)
    # current window
    record(p, utc(14, 5), 6, 20, triggers=["lifting", "stress"],  # 00:00 local Sat 14th
           relief=[{"method": "heat", "effect": "good"}])  # fmt: skip
    record(p, utc(18, 13, 30), 8, 60, triggers=["lifting"],  # 08:30 local Wed
           relief=[{"method": "heat", "effect": "some"},
                   {"method": "ice", "effect": "none"}])  # fmt: skip
    record(p, utc(20, 2), 7, ended_at=utc(20, 3, 30), triggers=["prolonged_sitting"],  # 21:00 Thu
           relief=[{"method": "ice", "effect": "good"}])  # fmt: skip
    deleted = record(p, utc(19, 12), 10, 5, triggers=["unknown"])
    episode_delete(episode=deleted)
    record(world.other_patient, utc(19, 12), 9, 15, triggers=["swimming"])
    return p


def summary(user, days=7):
    with time_machine.travel(NOW, tick=False):
        response = bearer(user).get("/api/v1/episodes/summary/", {"days": days})
    assert response.status_code == 200, response.content
    return response.json()


def test_the_summary_matches_hand_computed_values(diary, world):
    s = summary(world.patient_user)
    assert s["from"] == "2026-11-14T00:00:00-05:00"
    assert s["episodes"] == 3
    assert s["episodes_per_week"] == 3.0
    assert s["mean_intensity"] == 7.0  # (6 + 8 + 7) / 3
    assert s["peak_intensity"] == 8
    assert s["total_duration_minutes"] == 170  # 20 + 60 + 90
    assert s["median_duration_minutes"] == 60
    assert s["triggers"] == [
        {"code": "lifting", "count": 2},
        {"code": "prolonged_sitting", "count": 1},
        {"code": "stress", "count": 1},
    ]
    assert s["relief"] == [
        {"method": "heat", "uses": 2, "mean_effect": 1.5, "good": 1},
        {"method": "ice", "uses": 2, "mean_effect": 1.0, "good": 1},
    ]
    hours = {row["hour"]: row["episodes"] for row in s["by_hour"] if row["episodes"]}
    assert hours == {0: 1, 8: 1, 21: 1}  # local hours, not UTC (5, 13, 2)
    days = {row["weekday"]: row["episodes"] for row in s["by_weekday"] if row["episodes"]}
    assert days == {"Sat": 1, "Wed": 1, "Thu": 1}  # 02:00 UTC Friday is Thursday evening
    assert s["previous"] == {"episodes": 2, "mean_intensity": 3.0}
    assert s["trend"] == {"episodes_change_pct": 50.0, "mean_intensity_change": 4.0}


def test_an_empty_window(world):
    s = summary(world.patient_user)
    assert s["episodes"] == 0
    assert s["episodes_per_week"] == 0.0
    assert s["mean_intensity"] is None and s["peak_intensity"] is None
    assert s["total_duration_minutes"] == 0 and s["median_duration_minutes"] is None
    assert s["triggers"] == [] and s["relief"] == []
    assert sum(row["episodes"] for row in s["by_hour"]) == 0
    assert s["trend"] == {"episodes_change_pct": None, "mean_intensity_change": None}


def test_a_single_episode_and_an_even_count_median(world):
    p = world.patient
    record(p, utc(19, 9), 5, 25)
    assert summary(world.patient_user)["median_duration_minutes"] == 25
    record(p, utc(19, 11), 5, 40)
    assert summary(world.patient_user)["median_duration_minutes"] == 32.5


def test_the_day_boundary_follows_the_patients_timezone(world):
    p = world.patient
    p.timezone = "Australia/Sydney"  # UTC+11 in November
    p.save()
    # Window of 1 day: from 2026-11-21 00:00 Sydney = 2026-11-20 13:00 UTC.
    record(p, utc(20, 12, 59), 3, 10)  # 23:59 on the 20th in Sydney: yesterday
    record(p, utc(20, 13, 0), 9, 10)  # 00:00 on the 21st in Sydney: today
    s = summary(world.patient_user, days=1)
    assert (s["episodes"], s["peak_intensity"]) == (1, 9)
    assert s["previous"]["episodes"] == 1


def test_days_must_be_a_sensible_number(world):
    client = bearer(world.patient_user)  # real time: no travel needed
    for bad in ("0", "366", "week", "-3"):
        response = client.get("/api/v1/episodes/summary/", {"days": bad})
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == ["days"]


def test_the_clinician_sees_the_same_summary_and_another_clinic_does_not(diary, world):
    mine = summary(world.patient_user)
    with time_machine.travel(NOW, tick=False):
        url = f"/api/v1/clinic/patients/{diary.pk}/episodes/summary/"
        assert bearer(world.physio).get(url, {"days": 7}).json() == mine
        assert bearer(world.other_physio).get(url, {"days": 7}).status_code == 404


def test_the_clinic_summary_ranks_triggers_and_finds_worsening_patients(diary, world):
    steady = PatientFactory(clinic=world.clinic)
    record(steady, utc(10, 12), 5, 10)
    record(steady, utc(18, 12), 5, 10)
    harsher = PatientFactory(clinic=world.clinic)
    record(harsher, utc(10, 12), 3, 10)
    record(harsher, utc(18, 12), 5, 10)
    record(world.foreign_patient, utc(18, 12), 9, 10, triggers=["cycling"])
    record(world.foreign_patient, utc(19, 12), 9, 10, triggers=["cycling"])
    with time_machine.travel(NOW, tick=False):
        s = bearer(world.physio).get("/api/v1/clinic/episodes/summary/", {"days": 7}).json()
        theirs = bearer(world.other_physio).get("/api/v1/clinic/episodes/summary/", {"days": 7})
    # The clinic's window is in the clinic's timezone (London, UTC+0 in November): it starts at
    # 2026-11-14 00:00 UTC, so the episode at 04:59 UTC on the 14th is inside it this time.
    assert s["top_triggers"][0] == {"code": "lifting", "count": 3}
    assert "cycling" not in {t["code"] for t in s["top_triggers"]}
    rising = {r["id"]: r for r in s["rising_patients"]}
    assert set(rising) == {diary.pk, harsher.pk}  # not the steady one, not clinic B's
    assert (rising[diary.pk]["episodes"], rising[diary.pk]["previous_episodes"]) == (4, 1)
    assert rising[harsher.pk]["mean_intensity"] == 5.0
    assert rising[harsher.pk]["previous_mean_intensity"] == 3.0
    assert [r["id"] for r in theirs.json()["rising_patients"]] == [world.foreign_patient.pk]


@pytest.mark.parametrize("url", ["/api/v1/episodes/summary/", "/api/v1/clinic/episodes/summary/"])
def test_summary_query_counts_do_not_grow_with_episodes(world, url):
    user = world.patient_user if url.startswith("/api/v1/episodes") else world.physio

    def count() -> int:
        with time_machine.travel(NOW, tick=False):
            client = bearer(user)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    # Start with something on every list (a rising patient included), then add volume.
    record(world.patient, utc(19, 9), 5, 25, triggers=["lifting"])
    record(world.patient, utc(18, 9), 5, 25, triggers=["lifting"])
    few = count()
    for i in range(15):
        record(world.patient, utc(19, 10) - dt.timedelta(hours=i), 4 + i % 5, 10 + i,
               triggers=["stress", "lifting"][: 1 + i % 2],
               relief=[{"method": "heat", "effect": "some"}])  # fmt: skip
        record(PatientFactory(clinic=world.clinic), utc(18, 9), 6, 10)
    assert count() == few
