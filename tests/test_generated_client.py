"""A client generated from /api/schema/ by a standard generator reads every answer of every
operation, as a mobile team's would.

openapi-python-client writes the client into a temporary folder once per session. The test
then drives every operation the schema lists, through the generated functions and models, on
a populated clinic (as the patient, the physiotherapist and the clinic admin); each answer
must have its documented 2xx status, parse into the documented model, carry no field the schema
leaves out, and validate against its response schema (types, formats, enums with their blank
choices, nulls). An operation the test does not drive fails it too.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import pkgutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import attrs
import httpx
import pytest
import schemathesis
from django.core import mail
from django.test import Client as DjangoClient
from django.utils import timezone
from schemathesis.core.failures import FailureGroup

from clinic import outbox
from clinic.models import Notification, User
from tests.conftest import access_token
from tests.factories import PASSWORD
from tests.patients.test_episodes import episode
from tests.patients.test_invitations import LINK
from tests.programs.helpers import shipped
from tests.triage.helpers import EMERGENCY, answers
from triage.models import Intake
from triage.services import intake_submit

PACKAGE = "clinic_api_client"
# Models whose schema allows fields of their own: validation reasons by field, FHIR resources.
OPEN_MODELS = {"FieldErrors", "FhirEntryResource"}


@attrs.frozen
class Generated:
    package: ModuleType
    spec: Any  # the schema the client was generated from, to validate answers against


@pytest.fixture(scope="session")
def generated(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Generated]:
    with django_db_blocker.unblock():
        response = DjangoClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    folder = tmp_path_factory.mktemp("generated")
    (folder / "schema.json").write_bytes(response.content)
    (folder / "config.yaml").write_text("post_hooks: []\n")  # no formatter run: faster
    run = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [
            sys.executable, "-m", "openapi_python_client", "generate",
            "--path", str(folder / "schema.json"), "--meta", "none",
            "--output-path", str(folder / PACKAGE), "--config", str(folder / "config.yaml"),
        ],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr  # nothing skipped
    sys.path.insert(0, str(folder))
    try:
        spec = schemathesis.openapi.from_dict(json.loads(response.content))
        yield Generated(importlib.import_module(PACKAGE), spec)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


class DjangoTransport(httpx.BaseTransport):
    """The generated client's HTTP, served in-process by Django's test client (so it runs in
    the test's transaction)."""

    SKIP = {"host", "content-length", "content-type", "accept-encoding", "connection"}
    last: httpx.Response | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in self.SKIP}
        answer = DjangoClient().generic(
            request.method,
            request.url.raw_path.decode(),
            data=request.read(),
            content_type=request.headers.get("content-type", "application/octet-stream"),
            headers=headers,
        )
        # A stream, not content: httpx reads and closes it as over a network (and times it).
        self.last = httpx.Response(
            answer.status_code,
            headers=list(answer.items()),
            stream=httpx.ByteStream(answer.content),
        )
        return self.last


def undeclared(value: Any, where: str) -> list[str]:
    """Fields the answer carried that the schema does not declare, anywhere in it."""
    found: list[str] = []
    if attrs.has(type(value)):
        extra = getattr(value, "additional_properties", {})
        if extra and type(value).__name__ not in OPEN_MODELS:
            found.append(f"{where}: {sorted(extra)}")
        for field in attrs.fields(type(value)):
            if field.name != "additional_properties":
                found += undeclared(getattr(value, field.name), f"{where}.{field.name}")
        for key, item in extra.items():
            found += undeclared(item, f"{where}[{key!r}]")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += undeclared(item, f"{where}[{i}]")
    return found


class Driver:
    def __init__(self, generated: Generated) -> None:
        self.package = package = generated.package
        self.spec = generated.spec
        self.transport = DjangoTransport()
        api = importlib.import_module(f"{package.__name__}.api")
        self.operations: dict[str, ModuleType] = {}
        for info in pkgutil.walk_packages(api.__path__, f"{api.__name__}."):
            module = importlib.import_module(info.name)
            if hasattr(module, "sync_detailed"):
                self.operations[info.name.rsplit(".", 1)[-1]] = module
        self.called: set[str] = set()
        self.error_model = importlib.import_module(f"{package.__name__}.models").Error

    def client(self, user: User | None) -> Any:
        args = {"transport": self.transport}
        if user is None:
            return self.package.Client(
                base_url="http://testserver", httpx_args=args, raise_on_unexpected_status=True
            )
        token = access_token(user)  # with the second factor for those who need one
        return self.package.AuthenticatedClient(
            base_url="http://testserver",
            token=token,
            httpx_args=args,
            raise_on_unexpected_status=True,
        )

    def __call__(self, name: str, user: User | None, *, body: Any = None, **kwargs: Any) -> Any:
        module = self.operations[name]
        if body is not None:  # a plain dict becomes the generated request model
            model = inspect.signature(module._get_kwargs).parameters["body"].annotation
            kwargs["body"] = next(
                t for t in getattr(model, "__args__", (model,)) if hasattr(t, "from_dict")
            ).from_dict(body)
        response = module.sync_detailed(client=self.client(user), **kwargs)
        assert 200 <= response.status_code < 300, (name, response.status_code, response.content)
        self.called.add(name)
        # Raises with every difference between the answer and its documented schema.
        self.spec.find_operation_by_id(name).validate_response(self.transport.last)
        if not response.content:
            assert response.parsed is None, name
            return None
        assert response.parsed is not None, (name, "a body the schema does not declare")
        assert not isinstance(response.parsed, self.error_model), name
        assert undeclared(response.parsed, name) == []
        return response.parsed


def as_patient(call: Driver, world, pk: dict[str, int]) -> None:
    user = world.patient_user
    call("intake_form_retrieve", user)
    intake = call("intakes_create", user, body=answers(start_back=[1, 0, True, False, 0, 1, 0, 0,
        "Very much"], oswestry={"walking": 2, "lifting": [1, 3], "sitting": 1, "sleeping": 0,
        "standing": 1, "pain_intensity": 3}, medicines=[{"name": "Diazepam", "dose": "2 mg"}]),
        idempotency_key=str(uuid.uuid4()))  # fmt: skip
    call("intakes_list", user)
    call("intakes_retrieve", user, id=intake.id)
    # The first intake (the baseline) was two weeks ago: the 2-week progress check is due.
    Intake.objects.filter(pk=intake.id).update(created_at=timezone.now() - dt.timedelta(days=15))
    call("reassessments_due_retrieve", user)
    call("reassessments_create", user, body={"pain_nrs": 3, "oswestry": {"walking": 1}},
         idempotency_key=str(uuid.uuid4()))  # fmt: skip
    call("reassessments_list", user)

    flagged = call("episodes_create", user, body=episode(red_flags={"fever": True},
        medicines=[{"name": "Diazepam", "taken_at": timezone.now().isoformat()}]))  # fmt: skip
    plain = call("episodes_create", user, body=episode(side="", region="", function=""))
    earlier = episode(started_at=(timezone.now() - dt.timedelta(days=10)).isoformat())
    call("episodes_sync_create", user, body={"episodes": [earlier, {"peak_intensity": "x"}]},
         idempotency_key=str(uuid.uuid4()))  # fmt: skip
    call("episodes_list", user)
    call("episodes_retrieve", user, id=flagged.id)
    call("episodes_partial_update", user, id=plain.id, body={"notes": "better by lunch"})
    call("episodes_summary_retrieve", user, days=7)
    call("episodes_vocabulary_retrieve", user)
    doomed = call("episodes_create", user, body=episode())
    call("episodes_destroy", user, id=doomed.id)
    pk["episode"] = flagged.id

    call("program_retrieve", user)
    session = call("program_sessions_create", user, body={"client_id": str(uuid.uuid4()),
        "exercises": [{"exercise": pk["exercise"]}], "pain_before": 5, "pain_after": 3},
        idempotency_key=str(uuid.uuid4()))  # fmt: skip
    call("program_sessions_list", user)
    call("program_sessions_retrieve", user, id=session.id)
    call("program_adherence_retrieve", user, weeks=2)

    call("me_retrieve", user)
    call("me_progress_retrieve", user)
    call("me_preferences_retrieve", user)
    call("me_preferences_partial_update", user, body={"quiet_hours_start": "21:30",
         "muted_kinds": ["episode_check"]})  # fmt: skip
    call("me_export_retrieve", user)
    call("me_export_fhir_retrieve", user)


def as_clinic(call: Driver, world, pk: dict[str, int], capture) -> None:
    physio, patient = world.physio, str(world.patient.pk)
    call("me_retrieve", physio)
    created = call("clinic_patients_create", physio, body={"first_name": "Ana",
        "last_name": "Ruiz", "date_of_birth": "1975-05-04", "email": "ana@example.net",
        "timezone": "Europe/Madrid"})  # fmt: skip
    call("clinic_patients_list", physio, search="Ruiz")
    call("clinic_patients_retrieve", physio, id=world.patient.pk)
    call("clinic_patients_partial_update", physio, id=created.id, body={"phone": "+34 600 000"})
    call("clinic_patients_export_retrieve", physio, id=world.patient.pk)
    call("clinic_patients_export_fhir_retrieve", physio, id=world.patient.pk)

    call("clinic_patients_episodes_list", physio, patient_pk=patient)
    call("clinic_patients_episodes_retrieve", physio, patient_pk=patient, id=pk["episode"])
    call("clinic_patients_episodes_summary_retrieve", physio, patient_pk=patient, days=7)
    # No episodes at all: the averages and the trend are null.
    empty = call("clinic_patients_episodes_summary_retrieve", physio,
                 patient_pk=str(created.id), days=1)  # fmt: skip
    assert empty.mean_intensity is None and empty.trend.episodes_change_pct is None
    summary = call("clinic_episodes_summary_retrieve", physio, days=7)
    assert [p.id for p in summary.rising_patients] == [world.patient.pk]

    call("clinic_patients_intakes_create", physio, patient_pk=str(created.id),
         body=answers(age=50))  # fmt: skip
    call("clinic_patients_intakes_list", physio, patient_pk=patient)
    call("clinic_patients_reassessments_list", physio, patient_pk=patient)
    call("clinic_patients_progress_retrieve", physio, patient_pk=world.patient.pk)
    call("clinic_outcomes_retrieve", physio)
    call("clinic_outcomes_csv_retrieve", physio)
    queue = call("clinic_triage_queue_list", physio)
    assessment = next(item.id for item in queue.results if item.escalation)
    call("clinic_assessments_retrieve", physio, id=assessment)
    call("clinic_assessments_review_create", physio, id=assessment, body={"note": "Called."})
    escalations = call("clinic_escalations_list", physio)
    assert len(escalations.results) == 2  # the emergency screening, the episode's fever
    for escalation in escalations.results:
        call("clinic_escalations_retrieve", physio, id=escalation.id)
        call("clinic_escalations_acknowledge_create", physio, id=escalation.id)
        call("clinic_escalations_resolve_create", physio, id=escalation.id, body={"note": "Seen"})

    exercise = call("clinic_exercises_create", physio, body={"name": "Cat-camel", "purpose":
        "Mobility", "steps": ["On all fours", "Round, then hollow the back"], "category":
        "mobility", "direction": "neutral", "difficulty": "easy"})  # fmt: skip
    call("clinic_exercises_list", physio, shipped=False)
    call("clinic_exercises_retrieve", physio, id=exercise.id)
    call("clinic_exercises_partial_update", physio, id=exercise.id, body={"cautions": "Gently"})
    copy = call("clinic_exercises_copy_create", physio, id=pk["exercise"], body={})
    call("clinic_exercises_destroy", physio, id=copy.id)
    template = call("clinic_program_templates_create", physio, body={"name": "Mine",
        "items": [{"exercise": exercise.id}]})  # fmt: skip
    call("clinic_program_templates_list", physio)
    call("clinic_program_templates_retrieve", physio, id=template.id)
    call("clinic_program_templates_partial_update", physio, id=template.id, body={"position": 3})
    template_copy = call("clinic_program_templates_copy_create", physio, id=template.id, body={})
    call("clinic_program_templates_destroy", physio, id=template_copy.id)

    call("clinic_patients_programs_suggestion_retrieve", physio, patient_pk=patient)
    call("clinic_patients_programs_list", physio, patient_pk=patient)
    call("clinic_patients_programs_retrieve", physio, patient_pk=patient, id=pk["program"])
    call("clinic_patients_programs_revisions_create", physio, patient_pk=patient,
         id=pk["program"], body={"notes": "Twice a day now"})  # fmt: skip
    call("clinic_patients_programs_revisions_list", physio, patient_pk=patient, id=pk["program"])
    call("clinic_patients_program_sessions_list", physio, patient_pk=patient)
    call("clinic_patients_adherence_retrieve", physio, patient_pk=world.patient.pk)
    call("clinic_patients_programs_end_create", physio, patient_pk=patient, id=pk["program"],
         body={"reason": "Goals met"})  # fmt: skip
    new = call("clinic_patients_programs_create", physio, patient_pk=str(created.id),
               body={"template": template.id})  # fmt: skip
    assert new.id

    # The invitation reaches the new patient by email; the link's token is what the app reads.
    with capture():
        call("clinic_patients_invitation_create", physio, id=created.id)
    sent = Notification.objects.filter(kind="patient_invitation").latest("id")
    assert outbox.deliver(sent.pk) == "sent"
    token = LINK.search(mail.outbox[-1].body).group("token")
    call("auth_invitation_create", None, body={"token": token})
    call("auth_invitation_accept_create", None,
         body={"token": token, "password": "a-long-new-passphrase-42"})  # fmt: skip

    call("clinic_patients_erase_create", world.admin, id=created.id, body={"confirm": True})


def as_anyone(call: Driver, world) -> None:
    tokens = call("auth_token_create", None, body={"email": world.patient_user.email,
                  "password": PASSWORD})  # fmt: skip
    fresh = call("auth_token_refresh_create", None, body={"refresh": tokens.refresh})
    call("auth_logout_create", None, body={"refresh": fresh.refresh})


def test_a_client_generated_from_the_schema_reads_every_answer(
    generated, world, mailoutbox, django_capture_on_commit_callbacks
):
    call = Driver(generated)
    # Already on record: a program, then an emergency screening (with its escalation).
    exercise = shipped("bird-dog")
    program = call("clinic_patients_programs_create", world.physio,
                   patient_pk=str(world.patient.pk),
                   body={"items": [{"exercise": exercise.pk, "dosage": {"sets": 2}}]})  # fmt: skip
    intake_submit(patient=world.patient, submitted_by=world.patient_user,
                  answers=answers(**EMERGENCY))  # fmt: skip
    pk = {"exercise": exercise.pk, "program": program.id}

    as_patient(call, world, pk)
    call("me_access_log_list", world.patient_user)  # empty so far: staff have not looked
    as_clinic(call, world, pk, django_capture_on_commit_callbacks)
    log = call("me_access_log_list", world.patient_user)
    assert log.count > 0
    as_anyone(call, world)

    assert sorted(set(call.operations) - call.called) == []


def test_the_checks_catch_an_undeclared_field_and_a_wrong_type(generated):
    """The checks above are not vacuous."""
    models = importlib.import_module(f"{generated.package.__name__}.models")
    parsed = models.TokenRefresh.from_dict({"access": "a", "refresh": "r", "secret": "s"})
    assert undeclared(parsed, "refresh") == ["refresh: ['secret']"]
    assert json.loads(json.dumps(parsed.to_dict()))["secret"] == "s"
    wrong = httpx.Response(
        200,
        json={"version": 2026},  # a number where the schema says text, and fields missing
        request=httpx.Request("GET", "http://testserver/api/v1/intake-form/"),
    )
    wrong.elapsed = dt.timedelta(0)  # as if it had come over the network
    with pytest.raises(FailureGroup):
        generated.spec.find_operation_by_id("intake_form_retrieve").validate_response(wrong)
