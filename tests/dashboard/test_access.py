"""Every dashboard page and action, route by route: anonymous visitors are sent to log in,
patients (app users) are refused, another clinic's objects are 404 and left unchanged, and
every POST needs the CSRF token. A new dashboard route fails the first test until it is listed.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from patients.models import FollowUpReply, PatientNote
from programs import catalogue, services
from programs.models import Exercise, Program, ProgramTemplate
from tests.triage.helpers import EMERGENCY
from triage.models import AssessmentReview, Escalation

from .conftest import record_intake
from .helpers import device_for, verified_login
from .test_today import worse_reply

DASHBOARD_MODULES = ("clinic.views", "clinic.twofactor", "patients.views", "triage.views",
                     "programs.views")  # fmt: skip
NOT_DASHBOARD = {"healthz", "invitation_accept", "followup_reply", "followup_unsubscribe"}

# path -> (methods, what its <pk>, <patient_pk> or <user_id> stands for)
ROUTES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "": (("get",), None),
    "today/": (("get",), None),
    "patients/": (("get",), None),
    "patients/new/": (("get", "post"), None),
    "patients/<int:pk>/": (("get",), "patient"),
    "patients/<int:pk>/edit/": (("get", "post"), "patient"),
    "patients/<int:pk>/notes/": (("post",), "patient"),
    "patients/<int:pk>/invite/": (("post",), "patient"),
    "replies/<int:pk>/seen/": (("post",), "reply"),
    "clinic/switch/": (("post",), None),
    "clinic/settings/": (("get", "post"), None),
    "accounts/two-factor/": (("get", "post"), None),
    "accounts/two-factor/setup/": (("get", "post"), None),
    "accounts/two-factor/recovery-codes/": (("get", "post"), None),
    "clinic/staff/": (("get",), None),
    "clinic/staff/<int:user_id>/reset-two-factor/": (("post",), "user"),
    "triage/": (("get",), None),
    "triage/outcomes/": (("get",), None),
    "triage/outcomes.csv": (("get",), None),
    "triage/escalations/<int:pk>/acknowledge/": (("post",), "escalation"),
    "triage/escalations/<int:pk>/resolve/": (("post",), "escalation"),
    "triage/assessments/<int:pk>/review/": (("post",), "assessment"),
    "triage/patients/<int:patient_pk>/intake/": (("get", "post"), "patient"),
    "programs/": (("get",), None),
    "programs/exercises/new/": (("get", "post"), None),
    "programs/exercises/<int:pk>/edit/": (("get", "post"), "exercise"),
    "programs/exercises/<int:pk>/copy/": (("post",), "exercise"),
    "programs/exercises/<int:pk>/archive/": (("post",), "exercise"),
    "programs/templates/new/": (("get", "post"), None),
    "programs/templates/<int:pk>/edit/": (("get", "post"), "template"),
    "programs/templates/<int:pk>/copy/": (("post",), "template"),
    "programs/templates/<int:pk>/archive/": (("post",), "template"),
    "programs/patients/<int:patient_pk>/assign/": (("get", "post"), "patient"),
    "programs/<int:pk>/edit/": (("get", "post"), "program"),
    "programs/<int:pk>/end/": (("get", "post"), "program"),
}


def walk(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            found.extend(walk(p, prefix + str(p.pattern)))
        else:
            found.append((prefix + str(p.pattern), p))
    return found


def dashboard_routes() -> list[str]:
    return sorted(
        path
        for path, pattern in walk(get_resolver())
        if getattr(pattern.callback, "__module__", "") in DASHBOARD_MODULES
        and pattern.callback.__name__ not in NOT_DASHBOARD
    )


def url(path: str, pk: Any = 1) -> str:
    return "/" + re.sub(r"<int:\w+>", str(pk), path)


def test_every_dashboard_route_is_listed_here():
    assert dashboard_routes() == sorted(ROUTES)


CASES = [(path, method) for path, (methods, _) in ROUTES.items() for method in methods]
OBJECT_CASES = [(p, m) for p, m in CASES if ROUTES[p][1] is not None]
POSTS = [(p, m) for p, m in CASES if m == "post"]


@pytest.fixture
def theirs(world) -> dict[str, int]:
    """One of each kind of object, all belonging to clinic B."""
    record_intake(world.foreign_patient, world.other_physio, **EMERGENCY)
    escalation = Escalation.objects.get(patient=world.foreign_patient)
    Escalation.objects.filter(pk=escalation.pk).update(status="resolved")
    shipped = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    program = services.program_assign(
        patient=world.foreign_patient, by=world.other_physio, template=shipped
    )
    exercise = catalogue.exercise_copy(
        exercise=Exercise.objects.filter(clinic__isnull=True).first(), clinic=world.other_clinic
    )
    template = catalogue.template_copy(template=shipped, clinic=world.other_clinic)
    Escalation.objects.filter(pk=escalation.pk).update(status="open")
    reply = worse_reply(world.foreign_patient)
    device_for(world.other_physio)  # a colleague's second factor that only their admin may reset
    return {
        "user": world.other_physio.pk,
        "reply": reply.pk,
        "patient": world.foreign_patient.pk,
        "escalation": escalation.pk,
        "assessment": escalation.assessment_id,
        "program": program.pk,
        "exercise": exercise.pk,
        "template": template.pk,
    }


@pytest.mark.parametrize(("path", "method"), CASES)
def test_anonymous_visitors_are_sent_to_log_in(client, world, path, method):
    response = getattr(client, method)(url(path))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("path", "method"), CASES)
def test_patients_cannot_use_the_dashboard(client, world, path, method):
    client.force_login(world.patient_user)
    assert getattr(client, method)(url(path, world.patient.pk)).status_code == 403


@pytest.mark.parametrize(("path", "method"), OBJECT_CASES)
def test_another_clinics_objects_are_404_and_unchanged(client, world, theirs, path, method):
    # The clinic admin reaches the most (resetting a colleague's two-factor is theirs alone).
    verified_login(client, world.admin)
    target = url(path, theirs[ROUTES[path][1]])
    response = getattr(client, method)(target, {"note": "x", "text": "x", "reason": "x"})
    assert response.status_code == 404, target
    assert world.foreign_patient.last_name not in response.content.decode()
    assert Escalation.objects.get(pk=theirs["escalation"]).status == "open"
    assert not AssessmentReview.objects.filter(assessment_id=theirs["assessment"]).exists()
    assert Program.objects.get(pk=theirs["program"]).status == "active"
    assert Exercise.objects.get(pk=theirs["exercise"]).is_active
    assert ProgramTemplate.objects.get(pk=theirs["template"]).is_active
    assert not PatientNote.objects.exists()
    assert FollowUpReply.objects.get(pk=theirs["reply"]).worse_seen_at is None
    assert TOTPDevice.objects.filter(user_id=theirs["user"], confirmed=True).exists()


@pytest.mark.parametrize(("path", "method"), POSTS)
def test_every_action_needs_the_csrf_token(world, path, method):
    record_intake(world.patient, world.patient_user, **EMERGENCY)
    escalation = Escalation.objects.get()
    reply = worse_reply(world.patient)
    strict = verified_login(Client(enforce_csrf_checks=True), world.admin)
    kinds = {"patient": world.patient.pk, "escalation": escalation.pk,
             "assessment": escalation.assessment_id, "reply": reply.pk,
             "user": world.physio.pk}  # fmt: skip
    device_for(world.physio)
    pk = kinds.get(ROUTES[path][1] or "", 1)
    response = strict.post(url(path, pk), {"note": "x", "text": "x", "clinic": world.clinic.pk})
    assert response.status_code == 403, path
    escalation.refresh_from_db()
    assert escalation.status == "open" and not PatientNote.objects.exists()
    reply.refresh_from_db()
    assert reply.worse_seen_at is None
    assert TOTPDevice.objects.filter(user=world.physio, confirmed=True).exists()


def test_another_clinics_colleague_cannot_have_their_second_factor_reset(client, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.other_physio, name="phone", confirmed=True)
    verified_login(client, world.admin)
    response = client.post(f"/clinic/staff/{world.other_physio.pk}/reset-two-factor/")
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
