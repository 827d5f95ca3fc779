from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from programs.models import Program, ProgramRevision
from tests.factories import PatientFactory
from tests.triage.helpers import EMERGENCY, URGENT, answers
from triage.models import Escalation
from triage.services import escalation_acknowledge, escalation_resolve, intake_submit

from .helpers import (
    EXERCISES,
    PROGRAM,
    TEMPLATES,
    assign,
    programs_url,
    shipped,
    shipped_template,
    spec,
)

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)  # a Monday


def items(*keys: str, **dosage: int) -> list[dict]:
    return [{"exercise": shipped(k).pk, **({"dosage": dosage} if dosage else {})} for k in keys]


# --- assignment ----------------------------------------------------------------------------


def test_a_program_is_assigned_from_a_template(physio_client, patient_client, world):
    template = shipped_template("core-hip-progression")
    response = physio_client.post(
        programs_url(world.patient),
        {"template": template.pk, "start_date": "2026-03-02", "notes": "Twice daily if you can."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    revision = body["current_revision"]
    assert body["status"] == "active" and body["patient"] == world.patient.pk
    assert revision["number"] == 1 and revision["template"]["id"] == template.pk
    assert revision["start_date"] == "2026-03-02" and revision["end_date"] is None
    assert [i["exercise"]["id"] for i in revision["items"]] == list(
        template.items.values_list("exercise_id", flat=True)
    )
    bridge = next(i for i in revision["items"] if i["exercise"]["name"].startswith("Bottom"))
    assert bridge["dosage"]["days_per_week"] == 5
    assert revision["created_by"]["id"] == world.physio.pk
    assert patient_client.get(PROGRAM).json()["id"] == body["id"]


def test_a_program_is_assigned_from_scratch_with_per_exercise_dosage(physio_client, world):
    payload = {
        "items": [
            {"exercise": shipped("prone-press-up").pk, "dosage": {"reps": 8, "times_per_day": 6}},
            {"exercise": shipped("graded-walking").pk, "notes": "Flat ground."},
        ],
        "start_date": "2026-03-02",
        "end_date": "2026-03-29",
    }
    response = physio_client.post(programs_url(world.patient), payload, format="json")
    assert response.status_code == 201, response.json()
    press, walk = response.json()["current_revision"]["items"]
    assert press["dosage"] == {
        "sets": 1,  # from the exercise's default
        "reps": 8,
        "hold_seconds": None,
        "duration_minutes": None,
        "times_per_day": 6,
        "days_per_week": 7,
    }
    assert walk["notes"] == "Flat ground." and walk["dosage"]["duration_minutes"] == 10
    assert response.json()["current_revision"]["end_date"] == "2026-03-29"


def test_explicit_items_win_over_the_template_which_is_kept_as_the_source(physio_client, world):
    template = shipped_template("extension-bias")
    response = physio_client.post(
        programs_url(world.patient),
        {"template": template.pk, "items": items("prone-lying")},
        format="json",
    )
    revision = response.json()["current_revision"]
    assert [i["exercise"]["name"] for i in revision["items"]] == ["Lying face down"]
    assert revision["template"]["id"] == template.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "template"),
        ({"template": 999999}, "template"),
        ({"items": []}, "items"),
        ({"items": [{"exercise": 999999}]}, "items"),
        ({"items": [{"exercise": "bridge"}]}, "items"),
        ({"items": [{"dosage": {"reps": 3}}]}, "items"),
        ({"items": [{"exercise": 1, "dosage": {"days_per_week": 9}}]}, "items"),
        ({"template": 1, "start_date": "soon"}, "start_date"),
        ({"template": 1, "start_date": "2026-03-10", "end_date": "2026-03-01"}, "end_date"),
        ({"template": 1, "status": "ended"}, "status"),
        ({"template": 1, "confirm_direction_conflicts": "maybe"}, "confirm_direction_conflicts"),
    ],
)
def test_invalid_assignments_are_named(physio_client, world, payload, field):
    response = physio_client.post(programs_url(world.patient), payload, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["error"]["fields"]) == [field]
    assert not Program.objects.exists()


def test_exercises_and_templates_of_another_clinic_cannot_be_prescribed(
    physio_client, other_clinic_client, world
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
    response = physio_client.post(
        programs_url(world.patient), {"items": [{"exercise": theirs["id"]}]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["items"][0]["exercise"]
    template = other_clinic_client.post(
        TEMPLATES, {"name": "Theirs", "items": items("bird-dog")}, format="json"
    ).json()
    response = physio_client.post(
        programs_url(world.patient), {"template": template["id"]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["template"]


# --- one active program --------------------------------------------------------------------


def test_a_second_active_program_is_refused(physio_client, world):
    url = programs_url(world.patient)
    assert physio_client.post(url, {"items": items("bird-dog")}, format="json").status_code == 201
    second = physio_client.post(url, {"items": items("dead-bug")}, format="json")
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "active_program_exists"
    assert Program.objects.filter(patient=world.patient).count() == 1


def test_the_database_allows_only_one_active_program_per_patient(world):
    Program.objects.create(patient=world.patient)
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.create(patient=world.patient)
    Program.objects.create(patient=world.patient, status=Program.Status.ENDED)
    Program.objects.create(patient=world.other_patient)


def test_ending_a_program_allows_a_new_one(physio_client, world):
    url = programs_url(world.patient)
    first = physio_client.post(url, {"items": items("bird-dog")}, format="json").json()
    ended = physio_client.post(f"{url}{first['id']}/end/", {"reason": "Discharged"}, format="json")
    assert ended.status_code == 200
    body = ended.json()
    assert (body["status"], body["end_reason"], body["ended_by"]["id"]) == (
        "ended",
        "Discharged",
        world.physio.pk,
    )
    again = physio_client.post(f"{url}{first['id']}/end/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "program_ended"
    revise = physio_client.post(f"{url}{first['id']}/revisions/", {}, format="json")
    assert revise.status_code == 409
    second = physio_client.post(url, {"items": items("dead-bug")}, format="json")
    assert second.status_code == 201
    listed = physio_client.get(url).json()
    assert [(p["id"], p["status"]) for p in listed["results"]] == [
        (second.json()["id"], "active"),
        (first["id"], "ended"),
    ]


# --- revisions -----------------------------------------------------------------------------


def test_an_edit_makes_a_new_revision_and_the_patient_sees_the_latest(
    physio_client, patient_client, world
):
    url = programs_url(world.patient)
    program = physio_client.post(
        url,
        {
            "items": items("bird-dog", "graded-walking"),
            "notes": "Start gently.",
            "start_date": "2026-03-02",
        },
        format="json",
    ).json()
    response = physio_client.post(
        f"{url}{program['id']}/revisions/",
        {"items": [{"exercise": shipped("bird-dog").pk, "dosage": {"reps": 10}}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    revision = response.json()["current_revision"]
    assert revision["number"] == 2
    assert [i["exercise"]["name"] for i in revision["items"]] == ["Bird-dog"]
    assert revision["items"][0]["dosage"]["reps"] == 10
    # Left out: carried over from revision 1.
    assert revision["notes"] == "Start gently." and revision["start_date"] == "2026-03-02"
    mine = patient_client.get(PROGRAM).json()
    assert mine["revision"] == 2
    assert [i["exercise"]["name"] for i in mine["items"]] == ["Bird-dog"]
    page = physio_client.get(f"{url}{program['id']}/revisions/").json()
    assert (page["count"], page["next"]) == (2, None)  # paginated, as the schema says
    history = page["results"]
    assert [r["number"] for r in history] == [2, 1]
    assert [i["exercise"]["name"] for i in history[1]["items"]] == ["Bird-dog", "Graded walking"]
    assert ProgramRevision.objects.filter(program_id=program["id"]).count() == 2


def test_a_revision_without_items_keeps_them_and_changes_dates_or_notes(physio_client, world):
    url = programs_url(world.patient)
    program = physio_client.post(url, {"items": items("clamshell")}, format="json").json()
    response = physio_client.post(
        f"{url}{program['id']}/revisions/",
        {"end_date": "2099-01-31", "notes": "Two more weeks."},
        format="json",
    )
    revision = response.json()["current_revision"]
    assert (revision["number"], revision["end_date"], revision["notes"]) == (
        2,
        "2099-01-31",
        "Two more weeks.",
    )
    assert [i["exercise"]["name"] for i in revision["items"]] == ["Clamshell"]
    cleared = physio_client.post(
        f"{url}{program['id']}/revisions/", {"end_date": None}, format="json"
    )
    assert cleared.json()["current_revision"]["end_date"] is None


def test_two_revisions_cannot_share_a_number(world):
    program = assign(world.patient, world.physio, spec("bird-dog"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramRevision.objects.create(program=program, number=1, start_date=dt.date(2026, 3, 2))


def test_an_archived_exercise_stays_in_later_revisions_but_cannot_be_added(physio_client, world):
    own = physio_client.post(
        EXERCISES,
        {
            "name": "Our stretch",
            "purpose": "x",
            "steps": ["x"],
            "category": "stretching",
            "direction": "neutral",
            "difficulty": "easy",
        },
        format="json",
    ).json()
    url = programs_url(world.patient)
    program = physio_client.post(url, {"items": [{"exercise": own["id"]}]}, format="json").json()
    physio_client.delete(f"{EXERCISES}{own['id']}/")
    kept = physio_client.post(f"{url}{program['id']}/revisions/", {"notes": "x"}, format="json")
    assert kept.status_code == 201
    other = physio_client.post(
        programs_url(world.other_patient), {"items": [{"exercise": own["id"]}]}, format="json"
    )
    assert other.status_code == 400
    assert other.json()["error"]["fields"]["items"] == [
        {"exercise": ["This exercise has been archived."]}
    ]


# --- safety: escalations -------------------------------------------------------------------


@pytest.fixture
def escalation(world):
    intake_submit(patient=world.patient, submitted_by=world.patient_user, answers=answers(**URGENT))
    return Escalation.objects.get(patient=world.patient)


def test_assignment_is_refused_while_an_escalation_is_open(physio_client, world, escalation):
    response = physio_client.post(
        programs_url(world.patient), {"items": items("bird-dog")}, format="json"
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "open_escalation"
    assert "Resolve it" in error["message"]
    assert not Program.objects.exists()
    # Acknowledged is not resolved: still refused.
    escalation_acknowledge(escalation=escalation, user=world.physio)
    again = physio_client.post(
        programs_url(world.patient), {"items": items("bird-dog")}, format="json"
    )
    assert again.status_code == 409
    # Another patient of the clinic is not affected.
    other = physio_client.post(
        programs_url(world.other_patient), {"items": items("bird-dog")}, format="json"
    )
    assert other.status_code == 201


def test_assignment_works_once_the_escalation_is_resolved(physio_client, world, escalation):
    escalation_resolve(escalation=escalation, user=world.physio, note="Seen same day: no CES.")
    response = physio_client.post(
        programs_url(world.patient), {"items": items("bird-dog")}, format="json"
    )
    assert response.status_code == 201


def test_an_emergency_blocks_edits_but_not_ending_the_program(physio_client, world):
    url = programs_url(world.patient)
    program = physio_client.post(url, {"items": items("bird-dog")}, format="json").json()
    intake_submit(
        patient=world.patient, submitted_by=world.patient_user, answers=answers(**EMERGENCY)
    )
    edit = physio_client.post(f"{url}{program['id']}/revisions/", {"notes": "x"}, format="json")
    assert edit.status_code == 409
    assert edit.json()["error"]["code"] == "open_escalation"
    assert physio_client.post(f"{url}{program['id']}/end/", {}, format="json").status_code == 200


# --- safety: directional preference --------------------------------------------------------


@pytest.fixture
def flexion_aggravated(world):
    world.patient.aggravating_direction = "flexion"
    world.patient.save()
    return world.patient


def test_exercises_into_the_aggravating_direction_need_confirmation(
    physio_client, world, flexion_aggravated
):
    url = programs_url(world.patient)
    payload = {"items": items("bird-dog", "knee-to-chest", "cat-camel")}
    response = physio_client.post(url, payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "direction_conflict"
    assert "Single knee to chest, Cat-camel move into flexion" in error["message"]
    assert [bool(e) for e in error["fields"]["items"]] == [False, True, True]
    assert "confirm_direction_conflicts" in error["fields"]
    assert not Program.objects.exists()

    confirmed = physio_client.post(
        url, {**payload, "confirm_direction_conflicts": True}, format="json"
    )
    assert confirmed.status_code == 201
    revision = confirmed.json()["current_revision"]
    assert revision["aggravating_direction"] == "flexion"
    assert revision["confirmed_direction_conflicts"] == [
        {"exercise": shipped("knee-to-chest").pk, "name": "Single knee to chest",
         "direction": "flexion"},
        {"exercise": shipped("cat-camel").pk, "name": "Cat-camel", "direction": "flexion"},
    ]  # fmt: skip


def test_a_template_with_conflicts_needs_confirmation_too(physio_client, world, flexion_aggravated):
    response = physio_client.post(
        programs_url(world.patient),
        {"template": shipped_template("flexion-bias").pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "direction_conflict"


def test_no_warning_without_a_recorded_direction_or_for_neutral_exercises(physio_client, world):
    response = physio_client.post(
        programs_url(world.patient), {"items": items("knee-to-chest")}, format="json"
    )
    assert response.status_code == 201
    world.other_patient.aggravating_direction = "extension"
    world.other_patient.save()
    neutral = physio_client.post(
        programs_url(world.other_patient), {"items": items("bird-dog", "heat")}, format="json"
    )
    assert neutral.status_code == 201
    assert neutral.json()["current_revision"]["confirmed_direction_conflicts"] == []


def test_confirmed_conflicts_carry_over_to_revisions_but_new_ones_need_confirming(
    physio_client, world, flexion_aggravated
):
    url = programs_url(world.patient)
    program = physio_client.post(
        url,
        {"items": items("knee-to-chest"), "confirm_direction_conflicts": True},
        format="json",
    ).json()
    dosage_only = physio_client.post(
        f"{url}{program['id']}/revisions/",
        {"items": [{"exercise": shipped("knee-to-chest").pk, "dosage": {"reps": 5}}]},
        format="json",
    )
    assert dosage_only.status_code == 201
    assert len(dosage_only.json()["current_revision"]["confirmed_direction_conflicts"]) == 1
    added = physio_client.post(
        f"{url}{program['id']}/revisions/",
        {"items": items("knee-to-chest", "rock-back")},
        format="json",
    )
    assert added.status_code == 400
    assert (
        "Kneeling rock-back (child's pose) moves into flexion" in added.json()["error"]["message"]
    )
    # When the recorded direction changes, earlier confirmations no longer count.
    world.patient.aggravating_direction = "extension"
    world.patient.save()
    press = physio_client.post(
        f"{url}{program['id']}/revisions/", {"items": items("prone-press-up")}, format="json"
    )
    assert press.status_code == 400


# --- the STarT Back suggestion -------------------------------------------------------------

HIGH_RISK = [1, 1, 0, 1, 1, 1, 1, 1, "Very much"]
MEDIUM_RISK = [1, 1, 1, 1, 0, 0, 0, 0, "Slightly"]


def test_the_latest_start_back_pathway_preselects_a_template(physio_client, world):
    url = f"{programs_url(world.patient)}suggestion/"
    empty = physio_client.get(url).json()
    assert (empty["pathway"], empty["suggested_template"]) == (None, None)

    with time_machine.travel(T0):
        intake_submit(
            patient=world.patient,
            submitted_by=world.patient_user,
            answers=answers(),
            start_back=HIGH_RISK,
        )
    body = physio_client.get(url).json()
    assert body["pathway"]["code"] == "psychologically_informed_physiotherapy"
    assert body["suggested_template"]["name"] == "Confidence and graded activity"
    assert body["open_escalation"] is False and body["active_program"] is None

    with time_machine.travel(T0 + dt.timedelta(days=14)):
        intake_submit(
            patient=world.patient,
            submitted_by=world.patient_user,
            answers=answers(),
            start_back=MEDIUM_RISK,
        )
    body = physio_client.get(url).json()
    assert body["pathway"] == {"code": "physiotherapy", "label": "Physiotherapy"}
    assert body["suggested_template"]["name"] == "Core and hip strengthening progression"
    assert body["suggested_template"]["items"]  # the assign form can show it at once


def test_the_clinics_own_template_for_the_pathway_is_suggested_first(
    physio_client, other_clinic_client, world
):
    intake_submit(
        patient=world.patient,
        submitted_by=world.patient_user,
        answers=answers(),
        start_back=MEDIUM_RISK,
    )
    payload = {"name": "Ours", "pathway": "physiotherapy", "items": items("bird-dog")}
    other_clinic_client.post(TEMPLATES, {**payload, "name": "Theirs"}, format="json")
    url = f"{programs_url(world.patient)}suggestion/"
    assert physio_client.get(url).json()["suggested_template"]["shipped"] is True
    physio_client.post(TEMPLATES, payload, format="json")
    assert physio_client.get(url).json()["suggested_template"]["name"] == "Ours"


def test_the_suggestion_avoids_templates_in_the_aggravating_direction(physio_client, world):
    world.patient.aggravating_direction = "neutral"
    world.patient.save()
    intake_submit(
        patient=world.patient,
        submitted_by=world.patient_user,
        answers=answers(),
        start_back=[0] * 8 + ["Not at all"],
    )
    url = f"{programs_url(world.patient)}suggestion/"
    body = physio_client.get(url).json()
    assert body["pathway"]["code"] == "advice_self_management"
    assert body["suggested_template"]["name"] == "First 72 hours of an acute spasm"
    # Flexion-aggravated: the acute template's pelvic tilt conflicts, the work one does not.
    world.patient.aggravating_direction = "flexion"
    world.patient.save()
    body = physio_client.get(url).json()
    assert body["suggested_template"]["name"] == "Keep moving at work"
    assert body["direction_conflicts"] == []


def test_the_suggestion_reports_an_open_escalation(physio_client, world, escalation):
    body = physio_client.get(f"{programs_url(world.patient)}suggestion/").json()
    assert body["open_escalation"] is True


# --- scoping -------------------------------------------------------------------------------


def test_another_clinic_cannot_see_or_change_a_patients_programs(
    physio_client, other_clinic_client, world
):
    url = programs_url(world.patient)
    program = physio_client.post(url, {"items": items("bird-dog")}, format="json").json()
    detail = f"{url}{program['id']}/"
    for get in (url, detail, f"{detail}revisions/", f"{url}suggestion/"):
        assert other_clinic_client.get(get).status_code == 404
    for post in (url, f"{detail}revisions/", f"{detail}end/"):
        response = other_clinic_client.post(post, {"items": items("dead-bug")}, format="json")
        assert response.status_code == 404
    # Nor through one of their own patients' URLs.
    foreign_url = programs_url(world.foreign_patient)
    assert other_clinic_client.get(f"{foreign_url}{program['id']}/").status_code == 404
    assert physio_client.get(programs_url(world.foreign_patient)).status_code == 404
    assert Program.objects.get().status == "active"


def test_patients_and_anonymous_users_cannot_use_the_clinic_program_api(
    patient_client, anon_client, world
):
    program = assign(world.patient, world.physio, spec("bird-dog"))
    url = programs_url(world.patient)
    for client, expected in ((patient_client, 403), (anon_client, 401)):
        assert client.get(url).status_code == expected
        assert client.get(f"{url}{program.pk}/").status_code == expected
        assert client.post(url, {"items": items("dead-bug")}, format="json").status_code == (
            expected
        )
        assert client.post(f"{url}{program.pk}/end/", {}, format="json").status_code == expected
    assert Program.objects.get().status == "active"


def test_program_list_query_count_is_constant(physio_client, world):
    url = programs_url(world.patient)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert physio_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    program = assign(world.patient, world.physio, spec("bird-dog"))
    few = count()
    physio_client.post(f"{url}{program.pk}/end/", {}, format="json")
    for _ in range(3):
        p = assign(world.patient, world.physio, spec("dead-bug"), spec("clamshell"), spec("heat"))
        physio_client.post(f"{url}{p.pk}/revisions/", {"notes": "again"}, format="json")
        physio_client.post(f"{url}{p.pk}/end/", {}, format="json")
    PatientFactory(clinic=world.clinic)
    assert count() == few


def test_revision_history_and_suggestion_query_counts_are_constant(physio_client, world):
    program = assign(world.patient, world.physio, spec("bird-dog"))
    history = f"{programs_url(world.patient)}{program.pk}/revisions/"
    suggestion = f"{programs_url(world.patient)}suggestion/"
    intake_submit(
        patient=world.patient,
        submitted_by=world.patient_user,
        answers=answers(),
        start_back=MEDIUM_RISK,
    )

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert physio_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = (count(history), count(suggestion))
    for n in range(4):
        physio_client.post(
            history, {"items": items("bird-dog", "dead-bug", "heat"), "notes": str(n)},
            format="json",
        )  # fmt: skip
        physio_client.post(
            TEMPLATES,
            {"name": f"Ours {n}", "pathway": "physiotherapy", "items": items("clamshell")},
            format="json",
        )
    assert (count(history), count(suggestion)) == few
