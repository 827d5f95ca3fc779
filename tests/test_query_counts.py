"""Every list and summary endpoint of the API answers in a constant number of queries: the same
for 2 rows as for 60, and for a page of 5 as for a page of 50.

The routes come from the URL resolver: a new GET route under /api/v1/ that is neither a single
object (`retrieve`) nor listed in NOT_COLLECTIONS needs a case here, or
test_every_list_and_summary_route_has_a_case fails.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from clinic.models import Membership, PatientAccessEvent, User
from patients import episodes
from patients.models import Patient
from programs import catalogue, services, sessions
from programs.models import Exercise, Program
from tests.conftest import World, bearer
from tests.factories import MembershipFactory, PatientFactory, UserFactory
from tests.triage.helpers import EMERGENCY, URGENT, answers
from triage import services as triage

API = "api/v1/"
PAGE_SIZES = (5, 50)
SMALL, LARGE = 2, 60

# GET routes that return one object or one document, not a collection.
NOT_COLLECTIONS = {
    "me": "the caller's own account",
    "me-preferences": "the caller's own contact preferences",
    "intake-form": "the questionnaire definition (static)",
    "episode-vocabulary": "the diary's code lists (static)",
    "reassessment-due": "the one open progress check of the caller",
    "own-program": "the patient's one current program",
    "clinic-patient-program-suggestion": "one suggested template",
    "me-export": "a whole-record export document (not paged; the export's own tests)",
    "me-export-fhir": "a whole-record export document (not paged; the export's own tests)",
    "clinic-patient-export": "a whole-record export document (not paged; the export's own tests)",
    "clinic-patient-export-fhir": "a whole-record export document (not paged)",
}


def api_get_routes() -> dict[str, str]:
    """Route name -> the view action that answers GET, for every route under /api/v1/."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern), p

    routes: dict[str, str] = {}
    for path, pattern in walk(get_resolver().url_patterns, ""):
        if not path.startswith(API) or not pattern.name:
            continue
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        view = getattr(callback, "cls", None)
        if actions is not None:
            if "get" in actions:
                routes[pattern.name] = actions["get"]
        elif view is not None and hasattr(view, "get"):
            routes[pattern.name] = "get"
    return routes


# --- data builders: each adds `n` more rows of what the endpoint lists ---------------------


def _now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


def _colleague(world: World, i: int) -> User:
    if i % 3:
        return world.physio
    return cast(User, MembershipFactory(clinic=world.clinic).user)


def add_patients(world: World, start: int, n: int) -> None:
    for i in range(start, start + n):
        PatientFactory(clinic=world.clinic, physiotherapist=_colleague(world, i))


def _episode(patient: Patient, i: int) -> None:
    episodes.episode_record(
        patient=patient,
        client_id=uuid.uuid4(),
        started_at=_now() - dt.timedelta(hours=3 * i + 1),
        duration_minutes=10 + i,
        peak_intensity=3 + i % 7,
        triggers=["lifting", "stress", "running"][: 1 + i % 3],
        relief=[{"method": "heat", "effect": ["none", "some", "good"][i % 3]}],
        red_flags={"fever": i % 10 == 3},
    )


def add_own_episodes(world: World, start: int, n: int) -> None:
    for i in range(start, start + n):
        _episode(world.patient, i)


def add_clinic_episodes(world: World, start: int, n: int) -> None:
    for i in range(start, start + n):
        patient = world.patient if i % 4 == 0 else PatientFactory(clinic=world.clinic)
        _episode(patient, i)
        _episode(patient, i + 100)


def add_intakes(world: World, start: int, n: int) -> None:
    for i in range(start, start + n):
        triage.intake_submit(
            patient=world.patient,
            submitted_by=world.patient_user if i % 2 else world.physio,
            answers=answers(**(URGENT if i % 5 == 4 else {})),
            start_back=[1, 0, 1, 0, 1, 0, 0, 1, "moderately"],
        )


def add_clinic_assessments(world: World, start: int, n: int) -> None:
    for i in range(start, start + n):
        patient = PatientFactory(clinic=world.clinic, physiotherapist=_colleague(world, i))
        triage.intake_submit(
            patient=patient,
            submitted_by=world.physio,
            answers=answers(**(EMERGENCY if i % 3 == 0 else URGENT if i % 3 == 1 else {})),
        )


def add_escalations(world: World, start: int, n: int) -> None:
    for i in range(start, start + n):
        patient = PatientFactory(clinic=world.clinic, physiotherapist=_colleague(world, i))
        triage.intake_submit(
            patient=patient,
            submitted_by=world.physio,
            answers=answers(**(EMERGENCY if i % 2 else URGENT)),
        )


def add_reassessments(world: World, start: int, n: int) -> None:
    if start == 0:
        add_intakes(world, 0, 1)
    for i in range(start, start + n):
        # Each at its own milestone (2, 6, 12 weeks): a check before it is due is refused.
        weeks = triage.REASSESSMENT_WEEKS[i]
        with time_machine.travel(timezone.now() + dt.timedelta(weeks=weeks)):
            triage.reassessment_record(patient=world.patient, pain_nrs=4 + i % 3, oswestry=None)


def add_outcome_patients(world: World, start: int, n: int) -> None:
    """Patients whose 12-week check fell due in the last 91 days (the report's default period):
    a first screening, a program with a session, the 12-week check."""
    exercise = _shipped()[0]
    for i in range(start, start + n):
        patient = PatientFactory(clinic=world.clinic, physiotherapist=_colleague(world, i))
        first_at = timezone.now() - dt.timedelta(weeks=12, days=10 + i)
        with time_machine.travel(first_at, tick=False):
            triage.intake_submit(
                patient=patient,
                submitted_by=world.physio,
                answers=answers(pain_nrs=3 + i % 7),
                start_back=[1, 0, 1, 0, 1, 0, 0, 1, "moderately"][:9] if i % 2 else None,
            )
            services.program_assign(
                patient=patient, by=world.physio, items=[services.ItemSpec(exercise=exercise)]
            )
        sessions.session_log(
            patient=patient,
            client_id=uuid.uuid4(),
            exercises=[sessions.DoneSpec(exercise_id=exercise.pk)],
            performed_at=first_at + dt.timedelta(days=1),
            now=first_at + dt.timedelta(days=1),
        )
        with time_machine.travel(first_at + dt.timedelta(weeks=12), tick=False):
            triage.reassessment_record(patient=patient, pain_nrs=i % 5, oswestry=None)


def _shipped() -> list[Exercise]:
    return list(Exercise.objects.filter(clinic__isnull=True, is_active=True).order_by("pk")[:6])


def add_exercises(world: World, start: int, n: int) -> None:
    for i in range(start, start + n):
        catalogue.exercise_create(
            clinic=world.clinic,
            name=f"Clinic exercise {i}",
            purpose="Ease stiffness in the lower back",
            steps=["Lie on your back", "Breathe out slowly"],
            category="mobility",
            direction=["flexion", "extension", "rotation", "neutral"][i % 4],
            difficulty="easy",
        )


def add_templates(world: World, start: int, n: int) -> None:
    shipped = _shipped()
    for i in range(start, start + n):
        catalogue.template_create(
            clinic=world.clinic,
            name=f"Clinic template {i}",
            items=[services.ItemSpec(exercise=e) for e in shipped[: 1 + i % 4]],
        )


def _active_program(world: World) -> Program:
    program = Program.objects.filter(patient=world.patient, status="active").first()
    if program is None:
        program = services.program_assign(
            patient=world.patient,
            by=world.physio,
            items=[services.ItemSpec(exercise=e) for e in _shipped()[:3]],
            start_date=timezone.localdate() - dt.timedelta(days=20),
        )
    return program


def add_programs(world: World, start: int, n: int) -> None:
    shipped = _shipped()
    for i in range(start, start + n):
        current = Program.objects.filter(patient=world.patient, status="active").first()
        if current is not None:
            services.program_end(program=current, by=world.physio, reason="next block")
        services.program_assign(
            patient=world.patient,
            by=_colleague(world, i),
            items=[services.ItemSpec(exercise=e) for e in shipped[: 1 + i % 4]],
        )


def add_revisions(world: World, start: int, n: int) -> None:
    program = _active_program(world)
    shipped = _shipped()
    for i in range(start, start + n):
        services.program_revise(
            program=program,
            by=_colleague(world, i),
            items=[services.ItemSpec(exercise=e) for e in shipped[: 1 + i % 5]],
            notes=f"revision {i}",
        )


def add_sessions(world: World, start: int, n: int) -> None:
    program = _active_program(world)
    assert program.current_revision is not None
    exercise_ids = [item.exercise_id for item in program.current_revision.items.all()]
    now = _now()
    for i in range(start, start + n):
        sessions.session_log(
            patient=world.patient,
            client_id=uuid.uuid4(),
            exercises=[sessions.DoneSpec(exercise_id=e) for e in exercise_ids[: 1 + i % 3]],
            performed_at=now - dt.timedelta(hours=5 * i + 1),
            pain_before=5,
            pain_after=3 + i % 4,
            now=now,
        )


def add_access_events(world: World, start: int, n: int) -> None:
    staff = [world.physio, world.admin, _colleague(world, 0)]
    PatientAccessEvent.objects.bulk_create(
        PatientAccessEvent(
            actor=staff[i % 3] if i % 7 else cast(User, UserFactory()),
            actor_role="admin" if i % 3 == 1 else "physiotherapist",
            clinic=world.clinic,
            patient_id=world.patient.pk,
            object_type="episode",
            object_id=str(i),
            action="view",
        )
        for i in range(start, start + n)
    )


# --- the cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    user: str  # "patient" (world.patient) or "physio" (world.physio)
    url: Callable[[World], str]
    add: Callable[[World, int, int], None]
    paginated: bool = True
    small: int = SMALL
    large: int = LARGE


def _patient_url(suffix: str) -> Callable[[World], str]:
    return lambda w: f"/api/v1/clinic/patients/{w.patient.pk}/{suffix}"


def _revisions_url(w: World) -> str:
    return _patient_url(f"programs/{_active_program(w).pk}/revisions/")(w)


CASES: dict[str, Case] = {
    # patients
    "clinic-patient-list": Case("physio", lambda w: "/api/v1/clinic/patients/", add_patients),
    "episode-list": Case("patient", lambda w: "/api/v1/episodes/", add_own_episodes),
    "episode-summary": Case(
        "patient", lambda w: "/api/v1/episodes/summary/", add_own_episodes, paginated=False
    ),
    "clinic-patient-episode-list": Case("physio", _patient_url("episodes/"), add_own_episodes),
    "clinic-patient-episode-summary": Case(
        "physio", _patient_url("episodes/summary/"), add_own_episodes, paginated=False
    ),
    "clinic-episode-summary": Case(
        "physio",
        lambda w: "/api/v1/clinic/episodes/summary/",
        add_clinic_episodes,
        paginated=False,
    ),
    "me-access-log": Case("patient", lambda w: "/api/v1/me/access-log/", add_access_events),
    # triage
    "clinic-triage-queue": Case(
        "physio", lambda w: "/api/v1/clinic/triage-queue/", add_clinic_assessments
    ),
    "intake-list": Case("patient", lambda w: "/api/v1/intakes/", add_intakes),
    "clinic-patient-intake-list": Case("physio", _patient_url("intakes/"), add_intakes),
    "reassessment-list": Case(
        "patient", lambda w: "/api/v1/reassessments/", add_reassessments, small=1, large=3
    ),
    "clinic-patient-reassessment-list": Case(
        "physio", _patient_url("reassessments/"), add_reassessments, small=1, large=3
    ),
    "me-progress": Case(
        "patient", lambda w: "/api/v1/me/progress/", add_reassessments, False, 1, 3
    ),
    "clinic-patient-progress": Case(
        "physio", _patient_url("progress/"), add_reassessments, False, 1, 3
    ),
    "clinic-outcomes": Case(
        "physio", lambda w: "/api/v1/clinic/outcomes/", add_outcome_patients, False, 2, 7
    ),
    "clinic-outcomes-csv": Case(
        "physio", lambda w: "/api/v1/clinic/outcomes/csv/", add_outcome_patients, False, 2, 7
    ),
    "clinic-escalation-list": Case(
        "physio", lambda w: "/api/v1/clinic/escalations/", add_escalations
    ),
    # programs
    "clinic-exercise-list": Case("physio", lambda w: "/api/v1/clinic/exercises/", add_exercises),
    "clinic-program-template-list": Case(
        "physio", lambda w: "/api/v1/clinic/program-templates/", add_templates
    ),
    "clinic-patient-program-list": Case("physio", _patient_url("programs/"), add_programs),
    "clinic-patient-program-revisions": Case(
        "physio", _revisions_url, add_revisions, paginated=False
    ),
    "own-program-session-list": Case(
        "patient", lambda w: "/api/v1/program/sessions/", add_sessions
    ),
    "clinic-patient-program-session-list": Case(
        "physio", _patient_url("program-sessions/"), add_sessions
    ),
    "own-program-adherence": Case(
        "patient", lambda w: "/api/v1/program/adherence/", add_sessions, paginated=False
    ),
    "clinic-patient-adherence": Case(
        "physio", _patient_url("adherence/"), add_sessions, paginated=False
    ),
}


def test_every_list_and_summary_route_has_a_case() -> None:
    uncovered = sorted(
        f"{name} (GET -> {action})"
        for name, action in api_get_routes().items()
        if action != "retrieve" and name not in CASES and name not in NOT_COLLECTIONS
    )
    assert not uncovered, f"add a query-count case (or a NOT_COLLECTIONS reason): {uncovered}"


def _queries(client: APIClient, url: str, page_size: int, case: Case, rows: int) -> int:
    params = {"page_size": page_size} if case.paginated else {}  # others refuse unknown ones
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    if case.paginated:
        body = response.json()
        assert body["count"] >= rows
        assert len(body["results"]) == min(page_size, body["count"])
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", sorted(CASES))
def test_query_count_is_constant_in_page_size_and_data_size(name: str, world: World) -> None:
    if name not in api_get_routes():
        pytest.skip(f"no route named {name} in this tree")
    case = CASES[name]
    client = bearer(world.patient_user if case.user == "patient" else world.physio)
    case.add(world, 0, case.small)
    url = case.url(world)
    client.get(url)  # first-request caches (content types, permissions) are not the point
    counts = {f"{case.small} rows, page {size}": 0 for size in PAGE_SIZES}
    for size in PAGE_SIZES:
        counts[f"{case.small} rows, page {size}"] = _queries(client, url, size, case, case.small)
    case.add(world, case.small, case.large - case.small)
    for size in PAGE_SIZES:
        counts[f"{case.large} rows, page {size}"] = _queries(client, url, size, case, case.large)
    assert len(set(counts.values())) == 1, f"{name}: queries grow: {counts}"


def test_the_clinic_scope_does_not_leak_into_the_counts(world: World) -> None:
    """Rows of another clinic change neither the answer nor the query count."""
    client = bearer(world.physio)
    url = "/api/v1/clinic/patients/"
    client.get(url)
    before = _queries(client, url, 50, CASES["clinic-patient-list"], 2)
    seen = client.get(url).json()["count"]
    for _ in range(10):
        PatientFactory(clinic=world.other_clinic, physiotherapist=world.other_physio)
    assert _queries(client, url, 50, CASES["clinic-patient-list"], 2) == before
    assert client.get(url).json()["count"] == seen
    assert Membership.objects.filter(user=world.physio).count() == 1
