from __future__ import annotations

import datetime as dt
import uuid
from importlib import import_module
from typing import Any

from django.apps import apps as django_apps

from clinic.models import User
from patients.models import Patient
from programs import services, sessions
from programs.models import Exercise, ExerciseSession, Program, ProgramTemplate

EXERCISES = "/api/v1/clinic/exercises/"
TEMPLATES = "/api/v1/clinic/program-templates/"
PROGRAM = "/api/v1/program/"
SESSIONS = "/api/v1/program/sessions/"
ADHERENCE = "/api/v1/program/adherence/"


def programs_url(patient: Patient) -> str:
    return f"/api/v1/clinic/patients/{patient.pk}/programs/"


def adherence_url(patient: Patient) -> str:
    return f"/api/v1/clinic/patients/{patient.pk}/adherence/"


def shipped(key: str) -> Exercise:
    if not Exercise.objects.filter(clinic__isnull=True).exists():
        # An earlier transactional test (live_server) flushed every table, the rows the data
        # migration loaded included: load the shipped library again, as the migration does.
        sync_library = import_module("programs.migrations.0002_shipped_library").sync_library
        sync_library(django_apps, None)
    return Exercise.objects.get(clinic__isnull=True, key=key)


def shipped_template(key: str) -> ProgramTemplate:
    return ProgramTemplate.objects.get(clinic__isnull=True, key=key)


def spec(key: str, **dosage: Any) -> services.ItemSpec:
    return services.ItemSpec(exercise=shipped(key), dosage=dosage)


def assign(patient: Patient, by: User, *items: services.ItemSpec, **kwargs: Any) -> Program:
    return services.program_assign(patient=patient, by=by, items=list(items), **kwargs)


def log(
    patient: Patient,
    at: dt.datetime,
    *keys: str,
    pain_before: int | None = None,
    pain_after: int | None = None,
) -> ExerciseSession:
    session, created = sessions.session_log(
        patient=patient,
        client_id=uuid.uuid4(),
        exercises=[sessions.DoneSpec(exercise_id=shipped(k).pk) for k in keys],
        performed_at=at,
        pain_before=pain_before,
        pain_after=pain_after,
        now=at,
    )
    assert created
    return session
