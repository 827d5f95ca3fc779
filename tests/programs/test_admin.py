from __future__ import annotations

import pytest

from programs.models import Exercise
from tests.dashboard.helpers import verified_login
from tests.factories import UserFactory

from .helpers import assign, shipped, shipped_template, spec


@pytest.fixture
def staff_client(client, world):
    world.physio.is_staff = True
    world.physio.save()
    return verified_login(client, world.physio)


def own_exercise(clinic, name="Our wall press") -> Exercise:
    return Exercise.objects.create(
        clinic=clinic,
        name=name,
        purpose="x",
        steps=["x"],
        category="strengthening",
        direction="neutral",
        difficulty="easy",
    )


def test_clinic_staff_see_the_shipped_library_and_their_own_exercises_only(staff_client, world):
    own_exercise(world.clinic, "Ours")
    own_exercise(world.other_clinic, "Theirs")
    page = staff_client.get("/admin/programs/exercise/?all=").content.decode()
    assert "Bottom lift (glute bridge)" in page and "Ours" in page
    assert "Theirs" not in page
    theirs = Exercise.objects.get(name="Theirs")
    assert staff_client.get(f"/admin/programs/exercise/{theirs.pk}/change/").status_code == 302


def test_shipped_rows_can_be_viewed_but_not_changed_by_clinic_staff(staff_client, world):
    bridge = shipped("glute-bridge")
    url = f"/admin/programs/exercise/{bridge.pk}/change/"
    assert staff_client.get(url).status_code == 200  # the read-only view
    response = staff_client.post(url, {"name": "Changed"})
    assert response.status_code == 403
    assert shipped("glute-bridge").name == "Bottom lift (glute bridge)"
    template = shipped_template("acute-spasm-72h")
    assert (
        staff_client.post(f"/admin/programs/programtemplate/{template.pk}/change/", {}).status_code
        == 403
    )


def test_staff_add_exercises_to_their_clinic_never_as_shipped(staff_client, world):
    data = {
        "name": "Our wall press",
        "purpose": "Arms and trunk.",
        "steps": '["Stand facing a wall.", "Push away."]',
        "category": "strengthening",
        "direction": "neutral",
        "difficulty": "easy",
        "times_per_day": 1,
        "days_per_week": 3,
        "is_active": "on",
    }
    missing = staff_client.post("/admin/programs/exercise/add/", data)
    assert missing.status_code == 200  # the form again: a clinic is required
    assert not Exercise.objects.filter(name="Our wall press").exists()
    foreign = staff_client.post(
        "/admin/programs/exercise/add/", {**data, "clinic": world.other_clinic.pk}
    )
    assert foreign.status_code == 200
    added = staff_client.post("/admin/programs/exercise/add/", {**data, "clinic": world.clinic.pk})
    assert added.status_code == 302
    assert Exercise.objects.get(name="Our wall press").clinic == world.clinic
    traction = staff_client.post(
        "/admin/programs/exercise/add/",
        {**data, "name": "Home traction", "clinic": world.clinic.pk},
    )
    assert traction.status_code == 200 and "NG59" in traction.content.decode()


def test_programs_in_the_admin_are_scoped_and_read_only(staff_client, world):
    mine = assign(world.patient, world.physio, spec("bird-dog"))
    theirs = assign(world.foreign_patient, world.other_physio, spec("bird-dog"))
    page = staff_client.get("/admin/programs/program/").content.decode()
    assert world.patient.last_name in page
    assert world.foreign_patient.last_name not in page
    assert staff_client.get(f"/admin/programs/program/{mine.pk}/change/").status_code == 200
    assert staff_client.get(f"/admin/programs/program/{theirs.pk}/change/").status_code == 302
    assert staff_client.get("/admin/programs/program/add/").status_code == 403


def test_staff_without_a_clinic_cannot_use_the_programs_admin(client, db):
    verified_login(client, UserFactory(is_staff=True))
    assert client.get("/admin/programs/exercise/").status_code == 403
