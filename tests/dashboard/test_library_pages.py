"""Exercise library and templates management: the clinic's own rows are edited, shipped ones
are copied first; forms say what is wrong."""

from __future__ import annotations

from programs.models import Exercise, ProgramTemplate

EXERCISE = {
    "name": "Hallway wall press",
    "purpose": "Gentle strength",
    "steps": "Stand facing a wall\nPress slowly",
    "category": "strengthening",
    "direction": "neutral",
    "difficulty": "easy",
    "times_per_day": 1,
    "days_per_week": 5,
}


def test_a_clinician_adds_and_edits_the_clinics_own_exercise(physio_page, world):
    response = physio_page.post("/programs/exercises/new/", EXERCISE)
    assert response.status_code == 302
    exercise = Exercise.objects.get(name="Hallway wall press")
    assert exercise.clinic == world.clinic and exercise.steps == [
        "Stand facing a wall",
        "Press slowly",
    ]
    physio_page.post(f"/programs/exercises/{exercise.pk}/edit/", {**EXERCISE, "reps": 12})
    exercise.refresh_from_db()
    assert exercise.reps == 12
    assert "Hallway wall press" in physio_page.get("/programs/").content.decode()


def test_the_exercise_form_explains_what_is_wrong(physio_page, world):
    response = physio_page.post(
        "/programs/exercises/new/",
        {**EXERCISE, "name": "TENS at home", "steps": "", "days_per_week": 9},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "NICE NG59 advises against TENS" in page
    assert "This field is required." in page
    assert "Ensure this value is less than or equal to 7." in page
    assert not Exercise.objects.filter(clinic=world.clinic).exists()


def test_shipped_rows_are_copied_not_edited(physio_page, world):
    shipped = Exercise.objects.filter(clinic__isnull=True).first()
    assert physio_page.get(f"/programs/exercises/{shipped.pk}/edit/").status_code == 404
    response = physio_page.post(f"/programs/exercises/{shipped.pk}/copy/")
    copy = Exercise.objects.get(clinic=world.clinic)
    assert response["Location"] == f"/programs/exercises/{copy.pk}/edit/"
    assert copy.copied_from == shipped
    refused = physio_page.post(f"/programs/exercises/{shipped.pk}/archive/", follow=True)
    assert "Shipped exercises cannot be changed" in refused.content.decode()
    shipped.refresh_from_db()
    assert shipped.is_active


def test_templates_are_made_copied_and_archived(physio_page, world):
    bridge, dog = Exercise.objects.filter(clinic__isnull=True)[:2]
    response = physio_page.post(
        "/programs/templates/new/",
        {"name": "Desk workers", "position": 10, "exercises": [bridge.pk, dog.pk]},
    )
    assert response.status_code == 302
    template = ProgramTemplate.objects.get(name="Desk workers")
    assert template.clinic == world.clinic and template.items.count() == 2
    empty = physio_page.post(
        f"/programs/templates/{template.pk}/edit/", {"name": "x", "position": 1}
    )
    assert "Choose at least one exercise." in empty.content.decode()
    physio_page.post(f"/programs/templates/{template.pk}/archive/")
    template.refresh_from_db()
    assert not template.is_active
    shipped = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    physio_page.post(f"/programs/templates/{shipped.pk}/copy/")
    assert ProgramTemplate.objects.filter(clinic=world.clinic, copied_from=shipped).exists()
