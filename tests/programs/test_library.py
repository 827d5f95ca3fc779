from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs import library
from programs.models import (
    NOT_RECOMMENDED,
    Category,
    Difficulty,
    Exercise,
    Pathway,
    ProgramTemplate,
    TemplateItem,
)
from tests.conftest import bearer
from tests.factories import MembershipFactory

from .helpers import EXERCISES, TEMPLATES, shipped, shipped_template

NEW_EXERCISE = {
    "name": "Wall press",
    "purpose": "Strengthens the arms and trunk.",
    "steps": ["Stand facing a wall.", "Push away slowly."],
    "category": "strengthening",
    "direction": "neutral",
    "difficulty": "easy",
    "default_dosage": {"sets": 2, "reps": 10, "days_per_week": 3},
}


# --- the shipped content -------------------------------------------------------------------


ISSUE_EXAMPLES = [
    "prone-press-up",
    "cat-camel",
    "pelvic-tilt",
    "knee-to-chest",
    "glute-bridge",
    "bird-dog",
    "dead-bug",
    "side-plank-modified",
    "hamstring-stretch",
    "hip-flexor-stretch",
    "piriformis-stretch",
    "hip-hinge",
    "sit-to-stand",
    "graded-walking",
    "heat",
    "cold",
    "relaxed-breathing",
]


def test_a_fresh_database_has_the_shipped_library_and_templates(db):
    shipped_rows = Exercise.objects.filter(clinic__isnull=True, is_active=True)
    assert shipped_rows.count() == len(library.EXERCISES) >= 25
    assert set(ISSUE_EXAMPLES) <= set(shipped_rows.values_list("key", flat=True))
    assert set(shipped_rows.values_list("category", flat=True)) == set(Category.values)
    templates = ProgramTemplate.objects.filter(clinic__isnull=True)
    assert set(templates.values_list("name", flat=True)) >= {
        "First 72 hours of an acute spasm",
        "Extension-biased (directional preference)",
        "Core and hip strengthening progression",
        "Back to swimming or running",
    }
    assert set(templates.values_list("pathway", flat=True)) == set(Pathway.values)
    bridge = shipped("glute-bridge")
    assert (bridge.sets, bridge.reps, bridge.days_per_week) == (2, 10, 5)
    assert bridge.steps[0].startswith("Lie on your back")


def test_every_shipped_exercise_has_instructions_purpose_and_valid_codes(db):
    for entry in library.EXERCISES:
        assert entry.category in Category.values
        assert entry.direction in ("flexion", "extension", "neutral", "rotation")
        assert entry.difficulty in Difficulty.values
        assert entry.purpose and entry.cautions and len(entry.steps) >= 2, entry.key
        assert entry.dosage.times_per_day >= 1 and 1 <= entry.dosage.days_per_week <= 7
        Exercise.objects.get(key=entry.key).full_clean()  # passes the same checks as clinics'
    for template in library.TEMPLATES:
        assert template.pathway in Pathway.values
        assert template.items and template.progression_notes
        keys = [i.exercise for i in template.items]
        assert len(keys) == len(set(keys)), template.key


def test_nice_ng59_treatments_are_not_in_the_library(db):
    for exercise in Exercise.objects.all():
        text = f"{exercise.name} {exercise.purpose}"
        assert not NOT_RECOMMENDED.search(text), exercise.name
        for word in ("traction", "tens ", "corset", "brace"):
            assert word not in text.lower(), exercise.name


def test_template_items_carry_their_own_dosage_or_the_exercise_default(db):
    acute = shipped_template("acute-spasm-72h")
    walking = acute.items.get(exercise__key="graded-walking")
    assert (walking.duration_minutes, walking.times_per_day) == (5, 3)
    breathing = acute.items.get(exercise__key="relaxed-breathing")
    assert breathing.duration_minutes == shipped("relaxed-breathing").duration_minutes
    first = acute.items.select_related("exercise").first()
    assert first is not None and first.exercise.key == "relaxed-breathing"  # kept in order


def test_syncing_the_library_again_updates_in_place(db):
    migration = importlib.import_module("programs.migrations.0002_shipped_library")
    bridge = shipped("glute-bridge")
    Exercise.objects.filter(pk=bridge.pk).update(name="Renamed by mistake")
    before = (Exercise.objects.count(), ProgramTemplate.objects.count())
    migration.sync_library(django_apps, None)
    assert (Exercise.objects.count(), ProgramTemplate.objects.count()) == before
    assert shipped("glute-bridge").pk == bridge.pk
    assert shipped("glute-bridge").name == "Bottom lift (glute bridge)"
    assert TemplateItem.objects.filter(template__clinic__isnull=True).count() == sum(
        len(t.items) for t in library.TEMPLATES
    )


# --- clinic exercises ----------------------------------------------------------------------


def test_a_clinic_adds_its_own_exercise_with_a_default_dosage(physio_client, world):
    response = physio_client.post(EXERCISES, NEW_EXERCISE, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["shipped"] is False and body["clinic"] == world.clinic.pk
    assert body["default_dosage"] == {
        "sets": 2,
        "reps": 10,
        "hold_seconds": None,
        "duration_minutes": None,
        "times_per_day": 1,
        "days_per_week": 3,
    }
    changed = physio_client.patch(
        f"{EXERCISES}{body['id']}/", {"default_dosage": {"reps": 12}}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["default_dosage"]["reps"] == 12
    assert changed.json()["default_dosage"]["sets"] == 2


@pytest.mark.parametrize("name", ["Lumbar traction", "TENS for spasm", "Wear a corset"])
def test_treatments_nice_advises_against_cannot_be_added(physio_client, world, name):
    response = physio_client.post(EXERCISES, {**NEW_EXERCISE, "name": name}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["name"]
    assert "NG59" in response.json()["error"]["fields"]["name"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category", "yoga"),
        ("direction", "sideways"),
        ("difficulty", "extreme"),
        ("steps", []),
        ("steps", "Do it"),
        ("default_dosage", {"days_per_week": 8}),
        ("default_dosage", {"times_per_day": 0}),
        ("default_dosage", {"weight_kg": 5}),
        ("media_url", "not a url"),
        ("clinic", 999999),
        ("key", "my-key"),
    ],
)
def test_invalid_exercises_are_named(physio_client, world, field, value):
    response = physio_client.post(EXERCISES, {**NEW_EXERCISE, field: value}, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["error"]["fields"]) == [field]


def test_shipped_exercises_are_read_only_but_can_be_copied(physio_client, world):
    bridge = shipped("glute-bridge")
    response = physio_client.patch(f"{EXERCISES}{bridge.pk}/", {"name": "Mine"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "shipped_read_only"
    assert physio_client.delete(f"{EXERCISES}{bridge.pk}/").status_code == 403
    assert shipped("glute-bridge").name == "Bottom lift (glute bridge)"

    copy = physio_client.post(f"{EXERCISES}{bridge.pk}/copy/", {}, format="json")
    assert copy.status_code == 201
    body = copy.json()
    assert (body["shipped"], body["copied_from"], body["name"]) == (False, bridge.pk, bridge.name)
    renamed = physio_client.patch(
        f"{EXERCISES}{body['id']}/", {"name": "Our bridge"}, format="json"
    )
    assert renamed.status_code == 200


def test_deleting_a_clinic_exercise_archives_it(physio_client, world):
    created = physio_client.post(EXERCISES, NEW_EXERCISE, format="json").json()
    assert physio_client.delete(f"{EXERCISES}{created['id']}/").status_code == 204
    listed = physio_client.get(EXERCISES, {"shipped": "false"}).json()
    assert listed["count"] == 0
    archived = physio_client.get(EXERCISES, {"shipped": "false", "is_active": "false"}).json()
    assert [row["id"] for row in archived["results"]] == [created["id"]]
    assert Exercise.objects.filter(pk=created["id"]).exists()


def test_the_library_filters_by_category_direction_and_search(physio_client, world):
    extension = physio_client.get(EXERCISES, {"direction": "extension", "page_size": 100}).json()
    assert extension["count"] == 4
    assert {r["direction"] for r in extension["results"]} == {"extension"}
    care = physio_client.get(EXERCISES, {"category": "self_care", "page_size": 100}).json()
    assert {"Heat", "Cold pack", "Relaxed breathing"} <= {r["name"] for r in care["results"]}
    found = physio_client.get(EXERCISES, {"search": "hamstring"}).json()
    assert [r["name"] for r in found["results"]] == ["Hamstring stretch lying down"]


def test_a_clinic_specific_exercise_is_invisible_to_other_clinics(
    physio_client, other_clinic_client, world
):
    mine = physio_client.post(EXERCISES, NEW_EXERCISE, format="json").json()
    theirs = other_clinic_client.get(EXERCISES, {"page_size": 200}).json()
    assert mine["id"] not in {row["id"] for row in theirs["results"]}
    assert theirs["count"] == len(library.EXERCISES)
    assert other_clinic_client.get(f"{EXERCISES}{mine['id']}/").status_code == 404
    assert (
        other_clinic_client.patch(f"{EXERCISES}{mine['id']}/", {"name": "x"}, format="json")
    ).status_code == 404
    assert other_clinic_client.delete(f"{EXERCISES}{mine['id']}/").status_code == 404
    assert other_clinic_client.post(f"{EXERCISES}{mine['id']}/copy/").status_code == 404
    # Nor can another clinic's staff create rows in a clinic they do not work at.
    forged = other_clinic_client.post(
        EXERCISES, {**NEW_EXERCISE, "clinic": world.clinic.pk}, format="json"
    )
    assert forged.status_code == 400
    assert list(forged.json()["error"]["fields"]) == ["clinic"]


def test_staff_of_two_clinics_must_say_which_clinic(world):
    MembershipFactory(user=world.physio, clinic=world.other_clinic)
    client = bearer(world.physio)
    response = client.post(EXERCISES, NEW_EXERCISE, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["clinic"]
    ok = client.post(EXERCISES, {**NEW_EXERCISE, "clinic": world.other_clinic.pk}, format="json")
    assert ok.status_code == 201
    assert ok.json()["clinic"] == world.other_clinic.pk


def test_patients_and_anonymous_users_cannot_use_the_library_api(
    patient_client, anon_client, world
):
    bridge = shipped("glute-bridge")
    for url in (EXERCISES, f"{EXERCISES}{bridge.pk}/", TEMPLATES):
        assert patient_client.get(url).status_code == 403
        assert anon_client.get(url).status_code == 401
    assert patient_client.post(EXERCISES, NEW_EXERCISE, format="json").status_code == 403
    assert anon_client.post(EXERCISES, NEW_EXERCISE, format="json").status_code == 401


def test_exercise_list_query_count_is_constant(physio_client, world):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert physio_client.get(EXERCISES, {"page_size": 200}).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(5):
        physio_client.post(EXERCISES, {**NEW_EXERCISE, "name": f"Wall press {n}"}, format="json")
    assert count() == few


# --- templates -----------------------------------------------------------------------------


def template_payload(**overrides):
    data = {
        "name": "Our back-to-work plan",
        "pathway": "physiotherapy",
        "items": [
            {"exercise": shipped("hip-hinge").pk, "dosage": {"reps": 8}},
            {"exercise": shipped("graded-walking").pk, "notes": "Walk to work."},
        ],
    }
    data.update(overrides)
    return data


def test_a_clinic_builds_its_own_template_from_the_library(physio_client, world):
    response = physio_client.post(TEMPLATES, template_payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["shipped"] is False and body["clinic"] == world.clinic.pk
    hinge, walk = body["items"]
    assert hinge["exercise"]["name"] == "Hip hinge practice"
    assert (hinge["dosage"]["sets"], hinge["dosage"]["reps"]) == (2, 8)  # default sets kept
    assert walk["notes"] == "Walk to work."
    replaced = physio_client.patch(
        f"{TEMPLATES}{body['id']}/",
        {"items": [{"exercise": shipped("bird-dog").pk}]},
        format="json",
    )
    assert replaced.status_code == 200
    assert [i["exercise"]["name"] for i in replaced.json()["items"]] == ["Bird-dog"]


def test_template_items_must_be_usable_exercises(physio_client, other_clinic_client, world):
    theirs = other_clinic_client.post(EXERCISES, NEW_EXERCISE, format="json").json()
    response = physio_client.post(
        TEMPLATES,
        template_payload(items=[{"exercise": theirs["id"]}]),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["items"][0]["exercise"]
    twice = template_payload(
        items=[{"exercise": shipped("bird-dog").pk}, {"exercise": shipped("bird-dog").pk}]
    )
    response = physio_client.post(TEMPLATES, twice, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["items"] == [
        {},
        {"exercise": ["This exercise is listed twice."]},
    ]
    empty = physio_client.post(TEMPLATES, template_payload(items=[]), format="json")
    assert empty.status_code == 400
    assert list(empty.json()["error"]["fields"]) == ["items"]


def test_shipped_templates_are_read_only_and_copies_keep_their_items(physio_client, world):
    core = shipped_template("core-hip-progression")
    assert (
        physio_client.patch(f"{TEMPLATES}{core.pk}/", {"name": "x"}, format="json").status_code
        == 403
    )
    copy = physio_client.post(f"{TEMPLATES}{core.pk}/copy/", {}, format="json")
    assert copy.status_code == 201
    body = copy.json()
    assert body["copied_from"] == core.pk and body["pathway"] == core.pathway
    assert [i["exercise"]["id"] for i in body["items"]] == list(
        core.items.values_list("exercise_id", flat=True)
    )


def test_clinic_templates_are_invisible_to_other_clinics(physio_client, other_clinic_client, world):
    mine = physio_client.post(TEMPLATES, template_payload(), format="json").json()
    listed = other_clinic_client.get(TEMPLATES, {"page_size": 100}).json()
    assert mine["id"] not in {row["id"] for row in listed["results"]}
    assert listed["count"] == len(library.TEMPLATES)
    assert other_clinic_client.get(f"{TEMPLATES}{mine['id']}/").status_code == 404
    assert other_clinic_client.delete(f"{TEMPLATES}{mine['id']}/").status_code == 404
    assert physio_client.get(TEMPLATES, {"shipped": "false"}).json()["count"] == 1


def test_template_list_query_count_is_constant(physio_client, world):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert physio_client.get(TEMPLATES).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(4):
        physio_client.post(TEMPLATES, template_payload(name=f"Plan {n}"), format="json")
    assert count() == few
