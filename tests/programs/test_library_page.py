from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Exercise

URL = "/programs/"


def own_exercise(clinic, name: str) -> Exercise:
    return Exercise.objects.create(
        clinic=clinic,
        name=name,
        purpose="x",
        steps=["x"],
        category="mobility",
        direction="neutral",
        difficulty="easy",
    )


def test_the_library_page_lists_shipped_templates_and_exercises(client, world):
    own_exercise(world.clinic, "Our hallway stretch")
    own_exercise(world.other_clinic, "Their secret stretch")
    client.force_login(world.physio)
    page = client.get(URL).content.decode()
    assert "First 72 hours of an acute spasm" in page
    assert "Back to swimming or running" in page
    assert "Press-up lying face down" in page and "Relaxed breathing" in page
    assert "Our hallway stretch" in page
    assert "Their secret stretch" not in page


def test_the_library_page_is_for_clinic_staff(client, world):
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(world.patient_user)
    assert client.get(URL).status_code == 403


def test_the_library_page_query_count_is_constant(client, world):
    client.force_login(world.physio)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(5):
        own_exercise(world.clinic, f"Stretch {n}")
    assert count() == few
