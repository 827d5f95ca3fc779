"""Assigning a program in one step (issue 13, finding 9): a searchable exercise picker that
filters by category, direction and difficulty without JavaScript, a dosage per exercise at
assignment, and pathways in plain words."""

from __future__ import annotations

import re

from programs.models import Exercise, Program
from tests.programs.helpers import shipped
from triage.models import Assessment

from .conftest import record_intake


def assign_url(patient) -> str:
    return f"/programs/patients/{patient.pk}/assign/"


def rows(html: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="exercises" value="(\d+)"', html)


def test_exercises_are_assigned_with_their_own_dosage_in_one_step(physio_page, world):
    bridge, bird = shipped("glute-bridge"), shipped("bird-dog")
    response = physio_page.post(
        assign_url(world.patient),
        {
            "exercises": [bridge.pk, bird.pk],
            f"dose-{bridge.pk}-sets": "3",
            f"dose-{bridge.pk}-reps": "15",
            f"dose-{bridge.pk}-times_per_day": "2",
            f"dose-{bridge.pk}-days_per_week": "5",
            # A dosage typed for an exercise that is not ticked is ignored, even a wrong one.
            f"dose-{shipped('cat-camel').pk}-reps": "9999",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    items = {
        i.exercise_id: i
        for i in Program.objects.get(patient=world.patient).current_revision.items.all()
    }
    assert set(items) == {bridge.pk, bird.pk}
    dosed = items[bridge.pk]
    assert (dosed.sets, dosed.reps, dosed.times_per_day, dosed.days_per_week) == (3, 15, 2, 5)
    usual = items[bird.pk]  # no dosage sent: the exercise's usual one
    assert (usual.reps, usual.times_per_day, usual.days_per_week) == (
        bird.reps, bird.times_per_day, bird.days_per_week
    )  # fmt: skip


def test_a_wrong_dosage_is_refused_and_linked_from_the_summary(physio_page, world):
    bridge = shipped("glute-bridge")
    response = physio_page.post(
        assign_url(world.patient),
        {"exercises": [bridge.pk], f"dose-{bridge.pk}-days_per_week": "9"},
    )
    html = response.content.decode()
    assert response.status_code == 400 and not Program.objects.exists()
    assert f'href="#id_dose-{bridge.pk}-days_per_week"' in html
    assert f'id="id_dose-{bridge.pk}-days_per_week"' in html


def test_the_picker_lists_every_exercise_as_a_tick_box_not_a_multi_select(physio_page, world):
    html = physio_page.get(assign_url(world.patient)).content.decode()
    active = Exercise.objects.filter(clinic__isnull=True, is_active=True).count()
    assert len(rows(html)) == active
    assert '<select name="exercises"' not in html and "multiple" not in html
    for label in ("Find an exercise", "Category", "Direction", "Difficulty"):
        assert f">{label}</label>" in html


def test_the_picker_filters_without_javascript_and_keeps_what_was_ticked(physio_page, world):
    strengthening = Exercise.objects.filter(
        clinic__isnull=True, is_active=True, category="strengthening"
    )
    html = physio_page.get(assign_url(world.patient), {"category": "strengthening"}).content
    assert sorted(rows(html.decode())) == sorted(str(e.pk) for e in strengthening)

    by_name = physio_page.get(assign_url(world.patient), {"q": "bird"}).content.decode()
    assert rows(by_name) == [str(shipped("bird-dog").pk)]

    # The Filter button sends the form back: nothing is assigned, the ticked exercise and its
    # typed dosage stay although the filter would hide it.
    walk = shipped("cat-camel")
    response = physio_page.post(
        assign_url(world.patient),
        {"filter": "1", "difficulty": "hard", "exercises": [walk.pk], f"dose-{walk.pk}-reps": "7"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Program.objects.exists()
    assert re.search(rf'value="{walk.pk}" id="pick-{walk.pk}" checked', html)
    assert re.search(rf'name="dose-{walk.pk}-reps" value="7"', html)
    hard = Exercise.objects.filter(clinic__isnull=True, is_active=True, difficulty="hard")
    assert set(rows(html)) == {str(walk.pk), *(str(e.pk) for e in hard)}
    assert "There is a problem" not in html  # filtering is not a failed submission


def test_the_picker_script_is_a_static_module_file(physio_page, world):
    html = physio_page.get(assign_url(world.patient)).content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script type="module" src="/static/programs/picker.js">']
    assert re.search(r"<script[^>]*>\s*[^<\s]", html) is None  # no inline code


def test_pathways_are_shown_in_plain_words(physio_page, world):
    record_intake(world.patient, world.physio)
    Assessment.objects.filter(patient=world.patient).update(pathway="advice_self_management")
    page = physio_page.get(assign_url(world.patient)).content.decode()
    assert "advice_self_management" not in page
    assert "advice and self-management" in page
    panel = physio_page.get(f"/patients/{world.patient.pk}/").content.decode()
    assert "advice_self_management" not in panel
