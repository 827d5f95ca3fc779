"""Writes of the patient's exercise log: one session of the current program at a time."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.errors import Conflict, DomainError
from clinic.formats import patient_date
from patients.models import Patient

from .models import Exercise, ExerciseSession, Program, ProgramItem, SessionItem
from .services import nested

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = dt.timedelta(minutes=5)


class NoActiveProgram(Conflict):
    code = "no_active_program"


@dataclass(frozen=True, slots=True)
class DoneSpec:
    exercise_id: int
    sets: int | None = None
    reps: int | None = None


def _done_errors(
    patient: Patient, done: Sequence[DoneSpec], items: Mapping[int, ProgramItem]
) -> list[dict[str, list[str]]]:
    unknown_ids = {d.exercise_id for d in done} - set(items)
    known = set(
        Exercise.objects.filter(
            Q(clinic__isnull=True) | Q(clinic_id=patient.clinic_id), pk__in=unknown_ids
        ).values_list("pk", flat=True)
    )
    errors: list[dict[str, list[str]]] = []
    seen: set[int] = set()
    for d in done:
        problem = None
        if d.exercise_id in seen:
            problem = _("Listed twice: log it once with the sets and reps done.")
        elif d.exercise_id not in items:
            problem = (
                _("This exercise is not in your current program.")
                if d.exercise_id in known
                else _("No such exercise.")
            )
        seen.add(d.exercise_id)
        errors.append({"exercise": [problem]} if problem else {})
    return errors if any(errors) else []


def session_log(
    *,
    patient: Patient,
    client_id: uuid.UUID,
    exercises: Sequence[DoneSpec],
    performed_at: dt.datetime | None = None,
    pain_before: int | None = None,
    pain_after: int | None = None,
    difficulty: str = "",
    comment: str = "",
    now: dt.datetime | None = None,
) -> tuple[ExerciseSession, bool]:
    """Record a session of the current program; (session, created).

    The app's client_id makes retries safe: a repeat returns the session already stored,
    whatever else it says, and never a second row.
    """
    existing = ExerciseSession.objects.filter(patient=patient, client_id=client_id).first()
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    performed_at = performed_at or now
    program = (
        Program.objects.select_related("current_revision")
        .filter(patient=patient, status=Program.Status.ACTIVE)
        .first()
    )
    if program is None or program.current_revision is None:
        raise NoActiveProgram(_("You have no active exercise program."))
    revision = program.current_revision
    if performed_at > now + CLOCK_SKEW:
        raise DomainError(
            _("The session cannot be in the future."),
            fields={"performed_at": [_("This is in the future.")]},
        )
    day = timezone.localdate(performed_at, patient.timezone)
    if day < revision.start_date:
        raise DomainError(
            _("Your program had not started yet."),
            fields={
                "performed_at": [
                    _("Your program starts on %(date)s.")
                    % {"date": patient_date(revision.start_date)}
                ]
            },
        )
    if revision.end_date is not None and day > revision.end_date:
        raise DomainError(
            _("Your program has ended."),
            fields={
                "performed_at": [
                    _("Your program ended on %(date)s.") % {"date": patient_date(revision.end_date)}
                ]
            },
        )
    items = {item.exercise_id: item for item in revision.items.all()}
    errors = _done_errors(patient, exercises, items)
    if errors:
        raise DomainError(
            _("Some exercises cannot be logged."), fields=nested({"exercises": errors})
        )
    session = ExerciseSession(
        patient=patient,
        program=program,
        revision=revision,
        client_id=client_id,
        performed_at=performed_at,
        pain_before=pain_before,
        pain_after=pain_after,
        difficulty=difficulty,
        comment=comment,
    )
    session.full_clean(exclude=["patient", "program", "revision"], validate_constraints=False)
    try:
        with transaction.atomic():
            session.save()
            SessionItem.objects.bulk_create(
                SessionItem(
                    session=session,
                    program_item=items[d.exercise_id],
                    exercise_id=d.exercise_id,
                    sets_done=d.sets,
                    reps_done=d.reps,
                )
                for d in exercises
            )
    except IntegrityError:  # the same client_id committed concurrently: that one stands
        winner = ExerciseSession.objects.filter(patient=patient, client_id=client_id).first()
        if winner is None:
            raise
        return winner, False
    return session, True
