"""Authorization over the whole URL map, route by route.

Every route the resolver knows must be listed in ROUTES (a new route fails
`test_every_route_is_in_the_sweep` until it is). For each one and each method it accepts:
anonymous callers get 401 (API) or a login redirect (pages); a patient gets 403 on clinician
endpoints; patient A asking for patient B's objects gets 404; staff of clinic A asking for
clinic B's objects get 404, and clinic B's patients never appear in what clinic A is shown.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from clinic.models import Membership
from patients.episodes import episode_record
from programs import catalogue, services, sessions
from programs.models import Exercise, ProgramTemplate
from tests.conftest import bearer
from tests.triage.helpers import EMERGENCY, answers
from triage.models import Escalation
from triage.services import intake_submit, reassessment_record

PUBLIC, PATIENT, CLINICIAN, PAGE = "public", "patient", "clinician", "page"


@dataclass(frozen=True)
class Route:
    audience: str
    # What the `pk` in the route stands for (a key of the objects fixture), if it has one.
    pk: str | None = None


ROUTES: dict[str, Route] = {
    # public, or authenticated by something other than a session or token
    "healthz": Route(PUBLIC),
    "api/schema/": Route(PUBLIC),
    "api/docs/": Route(PUBLIC),
    "accounts/login/": Route(PUBLIC),
    "accounts/logout/": Route(PUBLIC),
    "invitations/<str:token>/": Route(PUBLIC),
    "followups/reply/<str:token>/<str:answer>/": Route(PUBLIC),
    "followups/unsubscribe/<str:token>/": Route(PUBLIC),
    "api/v1/auth/token/": Route(PUBLIC),
    "api/v1/auth/token/refresh/": Route(PUBLIC),
    "api/v1/auth/logout/": Route(PUBLIC),
    # The patient app's invitation step: the token in the body is the credential.
    "api/v1/auth/invitation/": Route(PUBLIC),
    "api/v1/auth/invitation/accept/": Route(PUBLIC),
    # The patient app's shell, worker and strings: no patient data (test_app_shell.py).
    "app/": Route(PUBLIC),
    "app/sw.js": Route(PUBLIC),
    "app/jsi18n/<str:language>/": Route(PUBLIC),
    "api/v1/intake-form/": Route(PATIENT),
    # the patient's own data
    "api/v1/me/": Route(PATIENT),
    "api/v1/me/access-log/": Route(PATIENT),
    "api/v1/me/preferences/": Route(PATIENT),
    "api/v1/me/export/": Route(PATIENT),
    "api/v1/me/export/fhir/": Route(PATIENT),
    "api/v1/me/progress/": Route(PATIENT),
    "api/v1/^intakes/$": Route(PATIENT),
    "api/v1/^intakes/(?P<pk>[^/.]+)/$": Route(PATIENT, "intake"),
    "api/v1/^episodes/$": Route(PATIENT),
    "api/v1/^episodes/(?P<pk>[^/.]+)/$": Route(PATIENT, "episode"),
    "api/v1/^episodes/summary/$": Route(PATIENT),
    "api/v1/^episodes/sync/$": Route(PATIENT),
    "api/v1/^episodes/vocabulary/$": Route(PATIENT),
    "api/v1/^reassessments/$": Route(PATIENT),
    "api/v1/^reassessments/due/$": Route(PATIENT),
    "api/v1/program/": Route(PATIENT),
    "api/v1/program/adherence/": Route(PATIENT),
    "api/v1/^program/sessions/$": Route(PATIENT),
    "api/v1/^program/sessions/(?P<pk>[^/.]+)/$": Route(PATIENT, "session"),
    # clinic staff
    "api/v1/^clinic/patients/$": Route(CLINICIAN),
    "api/v1/^clinic/patients/(?P<pk>[^/.]+)/$": Route(CLINICIAN, "patient"),
    "api/v1/^clinic/patients/(?P<pk>[^/.]+)/invitation/$": Route(CLINICIAN, "patient"),
    "api/v1/^clinic/patients/(?P<pk>[^/.]+)/erase/$": Route(CLINICIAN, "patient"),
    "api/v1/clinic/patients/<int:pk>/export/": Route(CLINICIAN, "patient"),
    "api/v1/clinic/patients/<int:pk>/export/fhir/": Route(CLINICIAN, "patient"),
    "api/v1/^clinic/patients/(?P<patient_pk>\\d+)/intakes/$": Route(CLINICIAN),
    "api/v1/^clinic/patients/(?P<patient_pk>\\d+)/episodes/$": Route(CLINICIAN),
    "api/v1/^clinic/patients/(?P<patient_pk>\\d+)/episodes/(?P<pk>[^/.]+)/$": Route(
        CLINICIAN, "episode"
    ),
    "api/v1/^clinic/patients/(?P<patient_pk>\\d+)/episodes/summary/$": Route(CLINICIAN),
    "api/v1/^clinic/patients/(?P<patient_pk>\\d+)/reassessments/$": Route(CLINICIAN),
    "api/v1/^clinic/patients/(?P<patient_pk>\\d+)/programs/$": Route(CLINICIAN),
    "api/v1/^clinic/patients/(?P<patient_pk>\\d+)/programs/suggestion/$": Route(CLINICIAN),
    "api/v1/^clinic/patients/(?P<patient_pk>\\d+)/programs/(?P<pk>[^/.]+)/$": Route(
        CLINICIAN, "program"
    ),
    "api/v1/^clinic/patients/(?P<patient_pk>\\d+)/programs/(?P<pk>[^/.]+)/end/$": Route(
        CLINICIAN, "program"
    ),
    "api/v1/^clinic/patients/(?P<patient_pk>\\d+)/programs/(?P<pk>[^/.]+)/revisions/$": Route(
        CLINICIAN, "program"
    ),
    "api/v1/^clinic/patients/(?P<patient_pk>\\d+)/program-sessions/$": Route(CLINICIAN),
    "api/v1/clinic/patients/<int:patient_pk>/adherence/": Route(CLINICIAN),
    "api/v1/^clinic/assessments/(?P<pk>[^/.]+)/$": Route(CLINICIAN, "assessment"),
    "api/v1/^clinic/assessments/(?P<pk>[^/.]+)/review/$": Route(CLINICIAN, "assessment"),
    "api/v1/^clinic/escalations/$": Route(CLINICIAN),
    "api/v1/^clinic/escalations/(?P<pk>[^/.]+)/$": Route(CLINICIAN, "escalation"),
    "api/v1/^clinic/escalations/(?P<pk>[^/.]+)/acknowledge/$": Route(CLINICIAN, "escalation"),
    "api/v1/^clinic/escalations/(?P<pk>[^/.]+)/resolve/$": Route(CLINICIAN, "escalation"),
    "api/v1/clinic/triage-queue/": Route(CLINICIAN),
    "api/v1/clinic/episodes/summary/": Route(CLINICIAN),
    "api/v1/clinic/patients/<int:patient_pk>/progress/": Route(CLINICIAN),
    "api/v1/clinic/outcomes/": Route(CLINICIAN),
    "api/v1/clinic/outcomes/csv/": Route(CLINICIAN),
    "api/v1/^clinic/exercises/$": Route(CLINICIAN),
    "api/v1/^clinic/exercises/(?P<pk>[^/.]+)/$": Route(CLINICIAN, "exercise"),
    "api/v1/^clinic/exercises/(?P<pk>[^/.]+)/copy/$": Route(CLINICIAN, "exercise"),
    "api/v1/^clinic/program-templates/$": Route(CLINICIAN),
    "api/v1/^clinic/program-templates/(?P<pk>[^/.]+)/$": Route(CLINICIAN, "template"),
    "api/v1/^clinic/program-templates/(?P<pk>[^/.]+)/copy/$": Route(CLINICIAN, "template"),
    # dashboard pages (clinic staff, session login)
    "": Route(PAGE),
    "today/": Route(PAGE),
    "patients/": Route(PAGE),
    "patients/new/": Route(PAGE),
    "patients/<int:pk>/": Route(PAGE, "patient"),
    "patients/<int:pk>/edit/": Route(PAGE, "patient"),
    "patients/<int:pk>/notes/": Route(PAGE, "patient"),
    "patients/<int:pk>/invite/": Route(PAGE, "patient"),
    "accounts/two-factor/": Route(PAGE),
    "accounts/two-factor/setup/": Route(PAGE),
    "accounts/two-factor/recovery-codes/": Route(PAGE),
    "clinic/switch/": Route(PAGE),
    "clinic/settings/": Route(PAGE),
    # clinic admins only; another clinic's colleague or reply is a 404 (tests/dashboard)
    "clinic/staff/": Route(PAGE),
    "clinic/staff/<int:user_id>/reset-two-factor/": Route(PAGE),
    "replies/<int:pk>/seen/": Route(PAGE),
    "triage/": Route(PAGE),
    "triage/escalations/<int:pk>/acknowledge/": Route(PAGE, "escalation"),
    "triage/escalations/<int:pk>/resolve/": Route(PAGE, "escalation"),
    "triage/assessments/<int:pk>/review/": Route(PAGE, "assessment"),
    "triage/patients/<int:patient_pk>/intake/": Route(PAGE),
    "triage/outcomes/": Route(PAGE),
    "triage/outcomes.csv": Route(PAGE),
    "programs/": Route(PAGE),
    "programs/exercises/new/": Route(PAGE),
    "programs/exercises/<int:pk>/edit/": Route(PAGE, "exercise"),
    "programs/exercises/<int:pk>/copy/": Route(PAGE, "exercise"),
    "programs/exercises/<int:pk>/archive/": Route(PAGE, "exercise"),
    "programs/templates/new/": Route(PAGE),
    "programs/templates/<int:pk>/edit/": Route(PAGE, "template"),
    "programs/templates/<int:pk>/copy/": Route(PAGE, "template"),
    "programs/templates/<int:pk>/archive/": Route(PAGE, "template"),
    "programs/patients/<int:patient_pk>/assign/": Route(PAGE),
    "programs/<int:pk>/edit/": Route(PAGE, "program"),
    "programs/<int:pk>/end/": Route(PAGE, "program"),
}


def walk(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue  # the admin's own permissions are tested in tests/*/test_admin.py
            found.extend(walk(p, prefix + str(p.pattern)))
        else:
            found.append((prefix + str(p.pattern), p))
    return found


ALL = walk(get_resolver())
# Each route's methods: a DRF viewset maps them; other views implement them.
VERBS = ("get", "post", "patch", "put", "delete")


def methods(pattern: URLPattern) -> list[str]:
    callback = pattern.callback
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    actions = getattr(callback, "actions", None)
    if actions:
        return sorted(m for m in actions if m in cls.http_method_names)
    if cls is not None:
        return [m for m in VERBS if hasattr(cls, m) and m in cls.http_method_names]
    return (
        ["post"]
        if "acknowledge" in str(pattern.pattern) or "resolve" in str(pattern.pattern)
        else ["get"]
    )


def build(path: str, *, pk: Any = None, patient_pk: Any = None) -> str:
    """Fill a resolver pattern's placeholders (regex or converter style) with values."""
    path = path.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<patient_pk>[^)]*\)|<int:patient_pk>", str(patient_pk), path)
    path = re.sub(r"\(\?P<pk>[^)]*\)|<int:pk>|<int:user_id>", str(pk), path)
    path = re.sub(r"<str:token>", "not-a-token", path)
    path = re.sub(r"<str:answer>", "worse", path)
    return "/" + path


def test_every_route_is_in_the_sweep():
    assert sorted(path for path, _ in ALL) == sorted(ROUTES)


@pytest.fixture
def objects(world):
    """Records of clinic B's patient and of clinic A's *other* patient, to reach for."""
    now = timezone.now()

    def full_record(patient, by):
        intake = intake_submit(patient=patient, submitted_by=by, answers=answers(**EMERGENCY))
        episode = episode_record(
            patient=patient, client_id=uuid.uuid4(), started_at=now - dt.timedelta(hours=2),
            duration_minutes=10, peak_intensity=5,
        ).episode  # fmt: skip
        Escalation.objects.filter(patient=patient).update(status="resolved")
        template = ProgramTemplate.objects.filter(clinic__isnull=True).first()
        program = services.program_assign(patient=patient, by=by, template=template)
        exercise = program.revisions.first().items.first().exercise
        session, _ = sessions.session_log(
            patient=patient, client_id=uuid.uuid4(),
            exercises=[sessions.DoneSpec(exercise_id=exercise.pk)], now=now,
        )  # fmt: skip
        with time_machine.travel(now + dt.timedelta(weeks=2)):
            reassessment_record(patient=patient, pain_nrs=3, oswestry=None)
        return {
            "patient": patient.pk, "intake": intake.pk, "assessment": intake.assessment.pk,
            "escalation": intake.assessment.escalation.pk, "episode": episode.pk,
            "program": program.pk, "session": session.pk,
        }  # fmt: skip

    world.other_patient.physiotherapist = world.physio
    foreign = full_record(world.foreign_patient, world.other_physio)
    own_exercise = Exercise.objects.filter(clinic__isnull=True).first()
    foreign["exercise"] = catalogue.exercise_copy(
        exercise=own_exercise, clinic=world.other_clinic
    ).pk
    template = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    foreign["template"] = catalogue.template_copy(template=template, clinic=world.other_clinic).pk
    neighbour = full_record(world.other_patient, world.physio)
    return {"foreign": foreign, "neighbour": neighbour}


def cases(audience: str) -> list[tuple[str, str]]:
    return [
        (path, method)
        for path, pattern in ALL
        if ROUTES.get(path, Route(PUBLIC)).audience == audience
        for method in methods(pattern)
    ]


def call(client, method: str, url: str):
    return getattr(client, method)(url, {}, format="json") if method != "get" else client.get(url)


@pytest.mark.parametrize(("path", "method"), cases(PATIENT) + cases(CLINICIAN))
def test_anonymous_callers_are_unauthorised(anon_client, objects, path, method):
    url = build(path, pk=1, patient_pk=1)
    response = call(anon_client, method, url)
    assert response.status_code == 401, (method, url, response.status_code)
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("path", sorted(p for p, r in ROUTES.items() if r.audience == PAGE))
def test_anonymous_visitors_are_sent_to_log_in(client, objects, path):
    ids = objects["foreign"]
    url = build(path, pk=ids.get(ROUTES[path].pk or "patient"), patient_pk=ids["patient"])
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if response.status_code == 405:
            continue  # this page takes the other method
        assert response.status_code == 302, (method, url, response.status_code)
        login = response["Location"]
        if not login.startswith("/accounts/login/"):  # "/" forwards to the Today page first
            login = client.get(login)["Location"]
        assert login.startswith("/accounts/login/"), (method, url, login)


@pytest.mark.parametrize(("path", "method"), cases(CLINICIAN))
def test_patients_are_forbidden_clinician_endpoints(patient_client, objects, path, method):
    ids = objects["neighbour"]
    route = ROUTES[path]
    url = build(path, pk=ids.get(route.pk or "", 1), patient_pk=ids["patient"])
    response = call(patient_client, method, url)
    assert response.status_code == 403, (method, url, response.status_code)


@pytest.mark.parametrize(
    ("path", "method"), [c for c in cases(PATIENT) if ROUTES[c[0]].pk is not None]
)
def test_a_patient_gets_404_for_another_patients_objects(patient_client, objects, path, method):
    url = build(path, pk=objects["neighbour"][ROUTES[path].pk])
    response = call(patient_client, method, url)
    assert response.status_code == 404, (method, url, response.status_code)


@pytest.mark.parametrize(("path", "method"), cases(CLINICIAN))
def test_clinic_staff_get_404_for_another_clinics_objects_and_never_see_them(
    world, objects, path, method
):
    ids = objects["foreign"]
    route = ROUTES[path]
    needs_object = route.pk is not None or "patient_pk" in path
    url = build(path, pk=ids.get(route.pk or "", 1), patient_pk=ids["patient"])
    for user in (world.physio, world.admin):
        response = call(bearer(user), method, url)
        if needs_object:
            assert response.status_code == 404, (user, method, url, response.status_code)
        assert world.foreign_patient.last_name not in response.content.decode()
        assert f'"patient":{world.foreign_patient.pk},' not in response.content.decode()


@pytest.mark.parametrize(
    "path", sorted(p for p, r in ROUTES.items() if r.audience == PAGE and ("pk" in p))
)
def test_dashboard_pages_and_actions_on_another_clinics_objects_are_404(
    client, world, objects, path
):
    ids = objects["foreign"]
    client.force_login(world.physio)  # a physiotherapist: two-factor is optional for them
    url = build(path, pk=ids.get(ROUTES[path].pk or "patient"), patient_pk=ids["patient"])
    answered = {m: getattr(client, m)(url).status_code for m in ("get", "post")}
    assert set(answered.values()) <= {404, 405} and 404 in answered.values(), (url, answered)


def test_a_member_of_both_clinics_sees_both(world, objects):
    Membership.objects.create(user=world.physio, clinic=world.other_clinic, role="physiotherapist")
    url = f"/api/v1/clinic/patients/{world.foreign_patient.pk}/"
    assert bearer(world.physio).get(url).status_code == 200
