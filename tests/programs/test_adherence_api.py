from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patients.models import Episode
from programs import services
from tests.conftest import bearer

from .helpers import ADHERENCE, SESSIONS, adherence_url, assign, log, shipped, spec

UTC = dt.UTC


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {row["exercise"]["name"]: row for row in rows}


# --- New York: sessions either side of local midnight --------------------------------------

NY_NOW = at(2026, 3, 25, 16, 0)  # Wednesday 25 March, noon in New York (EDT, UTC-4)


@pytest.fixture
def new_york(world):
    world.patient.timezone = "America/New_York"
    world.patient.save()
    with time_machine.travel(at(2026, 3, 16, 14, 0), tick=False):
        program = assign(
            world.patient,
            world.physio,
            spec("bird-dog", times_per_day=1, days_per_week=7),  # 7 a week
            spec("graded-walking"),  # twice a day: 14 a week
            start_date=dt.date(2026, 3, 16),
        )
    log(world.patient, at(2026, 3, 17, 13, 0), "bird-dog", "graded-walking")  # Tue 09:00
    log(world.patient, at(2026, 3, 23, 3, 59), "bird-dog")  # Sunday 22nd, 23:59 local
    log(world.patient, at(2026, 3, 23, 4, 1), "bird-dog", "graded-walking")  # Monday 00:01
    log(world.patient, at(2026, 3, 25, 12, 0), "graded-walking")  # Wed 08:00
    return program


def test_weeks_and_days_are_the_patients_local_ones(world, new_york):
    with time_machine.travel(NY_NOW, tick=False):
        response = bearer(world.patient_user).get(ADHERENCE, {"weeks": 2})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["today"], body["first_day"], body["last_day"]) == (
        "2026-03-25",
        "2026-03-16",
        "2026-03-25",
    )
    last_week, this_week = body["weeks"]
    # The 23:59 Sunday session is last week's, although it is Monday in UTC.
    assert (last_week["start"], last_week["end"], last_week["days"]) == (
        "2026-03-16",
        "2026-03-22",
        7,
    )
    assert (last_week["sessions"], last_week["prescribed"], last_week["done"]) == (2, 21.0, 3)
    assert last_week["adherence_percent"] == 14  # 3 of 21
    week = by_name(last_week["exercises"])
    assert (week["Bird-dog"]["prescribed"], week["Bird-dog"]["done"]) == (7.0, 2)
    assert (week["Graded walking"]["prescribed"], week["Graded walking"]["done"]) == (14.0, 1)
    # This week so far is Monday to Wednesday: 3/7 of the weekly dose.
    assert (this_week["start"], this_week["days"], this_week["sessions"]) == ("2026-03-23", 3, 2)
    week = by_name(this_week["exercises"])
    assert (week["Bird-dog"]["prescribed"], week["Bird-dog"]["done"]) == (3.0, 1)
    assert (week["Graded walking"]["prescribed"], week["Graded walking"]["done"]) == (6.0, 2)
    assert this_week["adherence_percent"] == 33  # 3 of 9
    totals = by_name(body["exercises"])
    assert totals["Bird-dog"]["adherence_percent"] == 30  # 3 of 10
    assert totals["Graded walking"]["adherence_percent"] == 15  # 3 of 20
    assert (body["prescribed"], body["done"], body["adherence_percent"]) == (30.0, 6, 20)
    # Local session days: 17, 22, 23 and 25 March.
    assert (body["current_streak_days"], body["longest_streak_days"]) == (1, 2)
    assert body["flagged_for_review"] == []
    assert body["mean_pain_change"] is None  # no pain scores logged


def test_the_clinician_sees_the_same_numbers(world, new_york):
    with time_machine.travel(NY_NOW, tick=False):
        mine = bearer(world.patient_user).get(ADHERENCE, {"weeks": 2}).json()
        theirs = bearer(world.physio).get(adherence_url(world.patient), {"weeks": 2})
    assert theirs.status_code == 200
    assert theirs.json() == mine


def test_four_weeks_by_default_clipped_to_the_program_start(world, new_york):
    with time_machine.travel(NY_NOW, tick=False):
        body = bearer(world.patient_user).get(ADHERENCE).json()
    assert body["weeks_requested"] == 4
    assert [w["start"] for w in body["weeks"]] == ["2026-03-16", "2026-03-23"]


# --- Sydney: the program's first local day starts in the UTC evening before -----------------


def test_a_session_just_after_local_midnight_is_on_the_local_day(world):
    world.patient.timezone = "Australia/Sydney"  # AEDT, UTC+11
    world.patient.save()
    with time_machine.travel(at(2026, 3, 15, 12, 0), tick=False):
        assign(world.patient, world.physio, spec("bird-dog"), start_date=dt.date(2026, 3, 16))
    with time_machine.travel(at(2026, 3, 16, 2, 0), tick=False):  # Monday 13:00 in Sydney
        client = bearer(world.patient_user)
        early = client.post(
            SESSIONS,
            {
                "client_id": str(uuid.uuid4()),
                "performed_at": "2026-03-15T12:59:00Z",  # Sunday 23:59 in Sydney
                "exercises": [{"exercise": shipped("bird-dog").pk}],
            },
            format="json",
        )
        assert early.status_code == 400
        assert early.json()["error"]["fields"] == {
            "performed_at": ["Your program starts on 16 March 2026."]
        }
        ok = client.post(
            SESSIONS,
            {
                "client_id": str(uuid.uuid4()),
                "performed_at": "2026-03-15T13:01:00Z",  # Monday 00:01 in Sydney
                "exercises": [{"exercise": shipped("bird-dog").pk}],
            },
            format="json",
        )
        assert ok.status_code == 201
        body = client.get(ADHERENCE, {"weeks": 1}).json()
    (week,) = body["weeks"]
    assert (week["start"], week["days"], week["sessions"], week["done"]) == ("2026-03-16", 1, 1, 1)
    assert week["prescribed"] == 0.7  # 5 a week over 1 day of 7
    assert week["adherence_percent"] == 100
    assert body["current_streak_days"] == 1


# --- flags from the database ---------------------------------------------------------------


def episode(patient, started_at: dt.datetime, **extra) -> Episode:
    return Episode.objects.create(
        patient=patient, client_id=uuid.uuid4(), started_at=started_at, peak_intensity=7, **extra
    )


def test_exercises_often_followed_by_more_pain_or_a_spasm_are_flagged(world):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        assign(
            world.patient,
            world.physio,
            spec("bird-dog"),
            spec("graded-walking"),
            start_date=dt.date(2026, 3, 2),
        )
    # Bird-dog: pain up by 3, by 2 and by 1: two of three sessions count.
    log(world.patient, at(2026, 3, 3, 9, 0), "bird-dog", pain_before=2, pain_after=5)
    log(world.patient, at(2026, 3, 4, 9, 0), "bird-dog", pain_before=4, pain_after=6)
    log(world.patient, at(2026, 3, 5, 9, 0), "bird-dog", pain_before=3, pain_after=4)
    # Walking: spasms 90 minutes and exactly 2 hours after; not 3 hours after, nor a deleted
    # episode, nor another patient's.
    for day, delay in ((6, 90), (7, 120), (8, 180)):
        session = log(world.patient, at(2026, 3, day, 9, 0), "graded-walking")
        episode(world.patient, session.performed_at + dt.timedelta(minutes=delay))
    episode(world.patient, at(2026, 3, 8, 9, 30), deleted_at=at(2026, 3, 8, 10, 0))
    episode(world.other_patient, at(2026, 3, 8, 9, 30))
    episode(world.patient, at(2026, 3, 5, 8, 0))  # before a session: not "followed by"

    with time_machine.travel(at(2026, 3, 12, 12, 0), tick=False):
        body = bearer(world.physio).get(adherence_url(world.patient), {"weeks": 2}).json()
    # Pain went up by 3, 2 and 1 in the first week's rated sessions.
    assert [w["mean_pain_change"] for w in body["weeks"]] == [2.0, None]
    assert body["mean_pain_change"] == 2.0
    flagged = by_name(body["flagged_for_review"])
    assert flagged == {
        "Bird-dog": {
            "exercise": {"id": shipped("bird-dog").pk, "name": "Bird-dog"},
            "done": 3,
            "pain_increased": 2,
            "spasm_episode_within_2h": 0,
            "reasons": ["pain_increase"],
        },
        "Graded walking": {
            "exercise": {"id": shipped("graded-walking").pk, "name": "Graded walking"},
            "done": 3,
            "pain_increased": 0,
            "spasm_episode_within_2h": 2,
            "reasons": ["spasm_episode"],
        },
    }


# --- which program, validation, scoping ----------------------------------------------------


def test_an_ended_program_can_be_looked_at_by_id(world, new_york):
    services.program_end(program=new_york, by=world.physio)
    with time_machine.travel(NY_NOW + dt.timedelta(days=1), tick=False):
        newer = assign(world.patient, world.physio, spec("heat"))
        client = bearer(world.patient_user)
        current = client.get(ADHERENCE).json()
        old = client.get(ADHERENCE, {"program": new_york.pk}).json()
    assert current["program"] == newer.pk
    assert (old["program"], old["status"]) == (new_york.pk, "ended")
    assert old["done"] == 6


@pytest.mark.parametrize(
    "query",
    [{"weeks": 0}, {"weeks": 53}, {"weeks": "four"}, {"program": "x"}, {"since": "2026-01-01"}],
)
def test_bad_adherence_queries_are_named(world, new_york, query):
    with time_machine.travel(NY_NOW, tick=False):
        response = bearer(world.patient_user).get(ADHERENCE, query)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == list(query)


def test_no_program_is_a_404(patient_client, physio_client, world):
    assert patient_client.get(ADHERENCE).json()["error"]["code"] == "no_program"
    assert physio_client.get(adherence_url(world.patient)).status_code == 404


def test_adherence_is_scoped_to_the_patient_and_the_clinic(world, new_york):
    with time_machine.travel(NY_NOW, tick=False):
        other = assign(world.other_patient, world.physio, spec("heat"))
        # A patient cannot look at another patient's program by id.
        mine = bearer(world.patient_user).get(ADHERENCE, {"program": other.pk})
        assert mine.status_code == 404
        theirs = bearer(world.other_patient.user).get(ADHERENCE).json()
        assert theirs["program"] == other.pk
        # Another clinic: 404 for the patient; a patient or nobody on the clinic URL: 403/401.
        assert bearer(world.other_physio).get(adherence_url(world.patient)).status_code == 404
        assert bearer(world.patient_user).get(adherence_url(world.patient)).status_code == 403
        assert bearer(world.physio).get(ADHERENCE).status_code == 403
    from rest_framework.test import APIClient

    assert APIClient().get(adherence_url(world.patient)).status_code == 401
    assert APIClient().get(ADHERENCE).status_code == 401


def test_adherence_query_count_is_constant(world, new_york):
    def count(client, url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"weeks": 4}).status_code == 200
        return len(ctx.captured_queries)

    with time_machine.travel(NY_NOW, tick=False):
        patient, physio = bearer(world.patient_user), bearer(world.physio)
        few = (count(patient, ADHERENCE), count(physio, adherence_url(world.patient)))
        services.program_revise(
            program=new_york, by=world.physio, items=[spec("bird-dog"), spec("heat")]
        )
    for hour in range(10):
        session = log(world.patient, at(2026, 3, 24, hour, 30), "bird-dog", "heat")
        episode(world.patient, session.performed_at + dt.timedelta(minutes=10))
    with time_machine.travel(NY_NOW, tick=False):
        patient, physio = bearer(world.patient_user), bearer(world.physio)
        assert (count(patient, ADHERENCE), count(physio, adherence_url(world.patient))) == few
