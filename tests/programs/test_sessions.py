from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from programs import services
from programs.models import ExerciseSession, SessionItem
from tests.conftest import bearer

from .helpers import EXERCISES, PROGRAM, SESSIONS, assign, log, shipped, spec

T0 = dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)  # Wednesday afternoon in London


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def program(world, clock):
    return assign(
        world.patient,
        world.physio,
        spec("bird-dog"),  # once a day, 5 days a week
        spec("graded-walking"),  # twice a day, every day
        spec("pelvic-tilt", times_per_day=1, days_per_week=2),
        start_date=dt.date(2026, 3, 2),
    )


@pytest.fixture
def me(world, clock):
    return bearer(world.patient_user)


def session(*keys: str, **extra):
    return {
        "client_id": str(uuid.uuid4()),
        "exercises": [{"exercise": shipped(k).pk} for k in keys],
        **extra,
    }


# --- the patient's program -----------------------------------------------------------------


def test_the_patient_sees_the_program_with_instructions_and_todays_exercises(me, world, program):
    response = me.get(PROGRAM)
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["revision"], body["today"]) == (program.pk, 1, "2026-03-04")
    first = body["items"][0]
    assert first["exercise"]["name"] == "Bird-dog"
    assert first["exercise"]["steps"][0].startswith("Kneel on all fours")
    assert first["dosage"]["days_per_week"] == 5
    assert "clinic" not in first["exercise"]  # no clinic internals in the app
    assert [(d["exercise"]["name"], d["remaining_today"]) for d in body["due_today"]] == [
        ("Bird-dog", 1),
        ("Graded walking", 2),
        ("Pelvic tilt", 1),
    ]
    assert "999" in body["safety_note"]
    assert body["physiotherapist"] == world.physio.get_full_name()


def test_done_exercises_leave_todays_list_and_weekly_targets_give_rest_days(me, world, program):
    monday = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    log(world.patient, monday, "pelvic-tilt")
    log(world.patient, monday + dt.timedelta(days=1), "pelvic-tilt")  # 2 days: done this week
    log(world.patient, T0 - dt.timedelta(hours=2), "graded-walking", "bird-dog")
    due = {d["exercise"]["name"]: d for d in me.get(PROGRAM).json()["due_today"]}
    assert list(due) == ["Graded walking"]
    assert (due["Graded walking"]["done_today"], due["Graded walking"]["remaining_today"]) == (1, 1)


def test_nothing_is_due_before_the_program_starts(world, clock):
    assign(world.patient, world.physio, spec("bird-dog"), start_date=dt.date(2026, 3, 9))
    body = bearer(world.patient_user).get(PROGRAM).json()
    assert body["start_date"] == "2026-03-09"
    assert body["due_today"] == []


def test_a_patient_without_a_program_gets_a_404_saying_so(patient_client, world):
    response = patient_client.get(PROGRAM)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_program"


def test_an_ended_program_is_no_longer_shown(me, world, program):
    services.program_end(program=program, by=world.physio)
    assert me.get(PROGRAM).status_code == 404


# --- logging -------------------------------------------------------------------------------


def test_a_session_is_logged_with_sets_reps_pain_and_difficulty(me, world, program):
    payload = session(
        pain_before=5,
        pain_after=3,
        difficulty="moderate",
        comment="Easier than yesterday",
        performed_at="2026-03-04T14:30:00Z",
    )
    payload["exercises"] = [
        {"exercise": shipped("bird-dog").pk, "sets": 2, "reps": 6},
        {"exercise": shipped("graded-walking").pk},
    ]
    response = me.post(SESSIONS, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["client_id"] == payload["client_id"]
    assert (body["program"], body["revision"]) == (program.pk, 1)
    assert body["performed_at"] == "2026-03-04T14:30:00Z"
    assert (body["pain_before"], body["pain_after"], body["difficulty"]) == (5, 3, "moderate")
    assert [(e["exercise"]["name"], e["sets"], e["reps"]) for e in body["exercises"]] == [
        ("Bird-dog", 2, 6),
        ("Graded walking", None, None),
    ]
    listed = me.get(SESSIONS).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]


def test_performed_at_defaults_to_now(me, world, program):
    body = me.post(SESSIONS, session("bird-dog"), format="json").json()
    assert body["performed_at"] == "2026-03-04T15:00:00Z"


def test_a_repeated_client_id_returns_the_stored_session_and_never_a_second(me, world, program):
    payload = session("bird-dog", pain_before=4, pain_after=4)
    first = me.post(SESSIONS, payload, format="json")
    again = me.post(SESSIONS, payload, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    changed = me.post(SESSIONS, {**payload, "pain_after": 9}, format="json")
    assert changed.status_code == 200
    assert changed.json()["pain_after"] == 4  # the first one stands
    assert ExerciseSession.objects.count() == 1 and SessionItem.objects.count() == 1


def test_a_retry_with_the_same_idempotency_key_is_replayed(me, world, program):
    headers = {"HTTP_IDEMPOTENCY_KEY": "session-1f2e"}
    payload = session("bird-dog")
    first = me.post(SESSIONS, payload, format="json", **headers)
    again = me.post(SESSIONS, payload, format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    other = me.post(SESSIONS, session("graded-walking"), format="json", **headers)
    assert other.status_code == 422
    assert ExerciseSession.objects.count() == 1


def test_the_same_client_id_is_unique_per_patient_in_the_database(world, program):
    first = log(world.patient, T0, "bird-dog")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExerciseSession.objects.create(
            patient=world.patient,
            program=program,
            revision=first.revision,
            client_id=first.client_id,
            performed_at=T0,
        )


def test_another_patient_may_use_the_same_client_id(me, world, program):
    other_program = assign(world.other_patient, world.physio, spec("bird-dog"))
    payload = session("bird-dog")
    assert me.post(SESSIONS, payload, format="json").status_code == 201
    theirs = bearer(world.other_patient.user).post(SESSIONS, payload, format="json")
    assert theirs.status_code == 201
    assert theirs.json()["program"] == other_program.pk


def test_a_session_is_checked_against_the_current_revision(me, world, program):
    services.program_revise(program=program, by=world.physio, items=[spec("dead-bug")])
    dropped = me.post(SESSIONS, session("bird-dog"), format="json")
    assert dropped.status_code == 400
    added = me.post(SESSIONS, session("dead-bug"), format="json")
    assert added.status_code == 201
    assert added.json()["revision"] == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"exercises": [{"exercise": 999999}]}, "exercises"),
        ({"exercises": [{"exercise": "bird-dog"}]}, "exercises"),
        ({"exercises": [{"exercise": 1, "sets": -1}]}, "exercises"),
        ({"exercises": [{"exercise": 1, "weight": 5}]}, "exercises"),
        ({"exercises": []}, "exercises"),
        ({"pain_before": 11}, "pain_before"),
        ({"pain_before": -1}, "pain_before"),
        ({"pain_after": 10.5}, "pain_after"),
        ({"pain_after": "bad"}, "pain_after"),
        ({"difficulty": "brutal"}, "difficulty"),
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"performed_at": "yesterday"}, "performed_at"),
        ({"performed_at": "2026-03-04T16:00:00Z"}, "performed_at"),  # an hour ahead
        ({"performed_at": "2026-03-01T12:00:00Z"}, "performed_at"),  # before the start
        ({"program": 1}, "program"),
    ],
)
def test_invalid_sessions_are_named(me, world, program, change, field):
    response = me.post(SESSIONS, {**session("bird-dog"), **change}, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["error"]["fields"]) == [field]
    assert not ExerciseSession.objects.exists()


def test_a_missing_client_id_is_named(me, world, program):
    payload = session("bird-dog")
    del payload["client_id"]
    response = me.post(SESSIONS, payload, format="json")
    assert list(response.json()["error"]["fields"]) == ["client_id"]


def test_unknown_and_unprescribed_exercises_are_told_apart(
    me, world, program, physio_client, other_clinic_client
):
    theirs = other_clinic_client.post(
        EXERCISES,
        {
            "name": "Their stretch",
            "purpose": "x",
            "steps": ["x"],
            "category": "stretching",
            "direction": "neutral",
            "difficulty": "easy",
        },
        format="json",
    ).json()
    payload = session("bird-dog")
    payload["exercises"] += [
        {"exercise": shipped("dead-bug").pk},
        {"exercise": 999999},
        {"exercise": theirs["id"]},  # exists, but not for this patient: no hint it exists
        {"exercise": shipped("bird-dog").pk},
    ]
    response = me.post(SESSIONS, payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["exercises"] == [
        {},
        {"exercise": ["This exercise is not in your current program."]},
        {"exercise": ["No such exercise."]},
        {"exercise": ["No such exercise."]},
        {"exercise": ["Listed twice: log it once with the sets and reps done."]},
    ]


def test_a_session_after_the_end_date_is_refused(world, clock):
    assign(
        world.patient,
        world.physio,
        spec("bird-dog"),
        start_date=dt.date(2026, 2, 2),
        end_date=dt.date(2026, 3, 1),
    )
    response = bearer(world.patient_user).post(SESSIONS, session("bird-dog"), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "performed_at": ["Your program ended on 1 March 2026."]
    }


def test_logging_without_an_active_program_is_a_conflict(me, world, clock):
    response = me.post(SESSIONS, session("bird-dog"), format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_active_program"


# --- scoping -------------------------------------------------------------------------------


def test_patients_see_only_their_own_sessions(me, world, program):
    mine = log(world.patient, T0, "bird-dog")
    assign(world.other_patient, world.physio, spec("bird-dog"))
    theirs = log(world.other_patient, T0, "bird-dog")
    assert [row["id"] for row in me.get(SESSIONS).json()["results"]] == [mine.pk]
    assert me.get(f"{SESSIONS}{mine.pk}/").status_code == 200
    assert me.get(f"{SESSIONS}{theirs.pk}/").status_code == 404


def test_patients_see_only_their_own_program(world, program, clock):
    assign(world.other_patient, world.physio, spec("dead-bug"))
    theirs = bearer(world.other_patient.user).get(PROGRAM).json()
    assert [i["exercise"]["name"] for i in theirs["items"]] == ["Dead bug"]
    assert bearer(world.patient_user).get(PROGRAM).json()["id"] == program.pk


def test_clinicians_and_anonymous_users_cannot_use_the_patient_endpoints(
    world, program, anon_client, clock
):
    physio = bearer(world.physio)
    for url in (PROGRAM, SESSIONS):
        assert physio.get(url).status_code == 403
        assert anon_client.get(url).status_code == 401
    assert physio.post(SESSIONS, session("bird-dog"), format="json").status_code == 403
    assert anon_client.post(SESSIONS, session("bird-dog"), format="json").status_code == 401


def test_a_deactivated_patient_cannot_log(me, world, program):
    world.patient.is_active = False
    world.patient.save()
    assert me.post(SESSIONS, session("bird-dog"), format="json").status_code == 403


# --- query counts --------------------------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_session_list_query_count_is_constant(me, world, program):
    log(world.patient, T0, "bird-dog")
    few = _count(me, SESSIONS)
    for hours in range(1, 8):
        log(world.patient, T0 - dt.timedelta(hours=hours), "bird-dog", "graded-walking")
    assert _count(me, SESSIONS) == few


def test_program_view_query_count_is_constant(me, world, program):
    few = _count(me, PROGRAM)
    for hours in range(1, 8):
        log(world.patient, T0 - dt.timedelta(hours=hours * 7), "graded-walking", "pelvic-tilt")
    services.program_revise(
        program=program,
        by=world.physio,
        items=[spec("bird-dog"), spec("graded-walking"), spec("pelvic-tilt"), spec("heat")],
    )
    assert _count(me, PROGRAM) == few


# --- the clinician's view of the log -------------------------------------------------------


def test_the_clinician_sees_the_patients_sessions_and_another_clinic_does_not(world, program):
    log(world.patient, T0, "bird-dog", pain_before=6, pain_after=4)
    url = f"/api/v1/clinic/patients/{world.patient.pk}/program-sessions/"
    with time_machine.travel(T0, tick=False):
        listed = bearer(world.physio).get(url)
        assert listed.status_code == 200
        (row,) = listed.json()["results"]
        assert (row["pain_before"], row["pain_after"]) == (6, 4)
        assert bearer(world.other_physio).get(url).status_code == 404
        assert bearer(world.patient_user).get(url).status_code == 403


def test_the_clinicians_session_list_query_count_is_constant(world, program):
    url = f"/api/v1/clinic/patients/{world.patient.pk}/program-sessions/"
    log(world.patient, T0, "bird-dog")
    with time_machine.travel(T0, tick=False):
        few = _count(bearer(world.physio), url)
    for hours in range(1, 8):
        log(world.patient, T0 - dt.timedelta(hours=hours), "bird-dog", "graded-walking")
    with time_machine.travel(T0, tick=False):
        assert _count(bearer(world.physio), url) == few
