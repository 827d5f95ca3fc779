"""Writes of the programs capability: library, templates, assigned programs and session logs."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from clinic.errors import Conflict, DomainError
from clinic.models import Clinic, User
from patients.models import Patient
from patients.vocabulary import MovementDirection

from .models import (
    DOSAGE_FIELDS,
    Exercise,
    ExerciseSession,
    Program,
    ProgramItem,
    ProgramRevision,
    ProgramTemplate,
    SessionItem,
    TemplateItem,
)
from .selectors import direction_conflicts, has_unresolved_escalation, local_today

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = dt.timedelta(minutes=5)

EXERCISE_EDITABLE_FIELDS = (
    "name",
    "purpose",
    "steps",
    "category",
    "direction",
    "difficulty",
    "cautions",
    "media_url",
    *DOSAGE_FIELDS,
)
TEMPLATE_EDITABLE_FIELDS = (
    "name",
    "description",
    "pathway",
    "position",
    "duration_weeks",
    "progression_notes",
)


class ShippedReadOnly(DomainError):
    status_code = 403
    code = "shipped_read_only"


class OpenEscalation(Conflict):
    code = "open_escalation"


class DirectionConflict(DomainError):
    code = "direction_conflict"


class ActiveProgramExists(Conflict):
    code = "active_program_exists"


class ProgramEnded(Conflict):
    code = "program_ended"


class NoActiveProgram(Conflict):
    code = "no_active_program"


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """One exercise to prescribe: dosage fields left out come from the exercise's default."""

    exercise: Exercise
    dosage: Mapping[str, int | None] = field(default_factory=dict)
    notes: str = ""


@dataclass(frozen=True, slots=True)
class DoneSpec:
    exercise_id: int
    sets: int | None = None
    reps: int | None = None


# --- library -------------------------------------------------------------------------------


def nested(fields: dict[str, Any]) -> dict[str, list[str]]:
    """DRF's error shape for list fields: one dict of errors per item, in order."""
    return cast(dict[str, list[str]], fields)


def _check_fields(fields: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields {sorted(unknown)}")


def _require_own(row: Exercise | ProgramTemplate, what: str) -> None:
    if row.clinic_id is None:
        raise ShippedReadOnly(
            f"Shipped {what}s cannot be changed. Copy it to your clinic and edit the copy."
        )


@transaction.atomic
def exercise_create(*, clinic: Clinic, **fields: Any) -> Exercise:
    _check_fields(fields, EXERCISE_EDITABLE_FIELDS)
    exercise = Exercise(clinic=clinic, **fields)
    exercise.full_clean()
    exercise.save()
    return exercise


@transaction.atomic
def exercise_update(*, exercise: Exercise, **fields: Any) -> Exercise:
    _check_fields(fields, EXERCISE_EDITABLE_FIELDS)
    _require_own(exercise, "exercise")
    for name, value in fields.items():
        setattr(exercise, name, value)
    exercise.full_clean()
    exercise.save()
    return exercise


@transaction.atomic
def exercise_archive(*, exercise: Exercise) -> Exercise:
    """Hide from the library; programs that already prescribe it keep it."""
    _require_own(exercise, "exercise")
    exercise.is_active = False
    exercise.save(update_fields=["is_active", "updated_at"])
    return exercise


@transaction.atomic
def exercise_copy(*, exercise: Exercise, clinic: Clinic) -> Exercise:
    copy = Exercise(
        clinic=clinic,
        copied_from=exercise,
        **{name: getattr(exercise, name) for name in EXERCISE_EDITABLE_FIELDS},
    )
    copy.full_clean()
    copy.save()
    return copy


def _template_items(template: ProgramTemplate, items: Sequence[ItemSpec]) -> list[TemplateItem]:
    errors = _item_errors(items, clinic_id=template.clinic_id, allow_inactive=frozenset())
    if errors:
        raise DomainError("Some exercises cannot be used.", fields=nested({"items": errors}))
    rows = [
        TemplateItem(
            template=template,
            exercise=spec.exercise,
            order=position,
            notes=spec.notes,
            **_dosage(spec),
        )
        for position, spec in enumerate(items)
    ]
    _clean_items(rows)
    return rows


@transaction.atomic
def template_create(*, clinic: Clinic, items: Sequence[ItemSpec], **fields: Any) -> ProgramTemplate:
    _check_fields(fields, TEMPLATE_EDITABLE_FIELDS)
    template = ProgramTemplate(clinic=clinic, **fields)
    template.full_clean()
    template.save()
    TemplateItem.objects.bulk_create(_template_items(template, items))
    return template


@transaction.atomic
def template_update(
    *, template: ProgramTemplate, items: Sequence[ItemSpec] | None = None, **fields: Any
) -> ProgramTemplate:
    """Change a clinic's template; `items`, when given, replace the list as a whole."""
    _check_fields(fields, TEMPLATE_EDITABLE_FIELDS)
    _require_own(template, "template")
    for name, value in fields.items():
        setattr(template, name, value)
    template.full_clean()
    template.save()
    if items is not None:
        rows = _template_items(template, items)
        template.items.all().delete()
        TemplateItem.objects.bulk_create(rows)
    return template


@transaction.atomic
def template_archive(*, template: ProgramTemplate) -> ProgramTemplate:
    _require_own(template, "template")
    template.is_active = False
    template.save(update_fields=["is_active", "updated_at"])
    return template


@transaction.atomic
def template_copy(*, template: ProgramTemplate, clinic: Clinic) -> ProgramTemplate:
    copy = ProgramTemplate(
        clinic=clinic,
        copied_from=template,
        **{name: getattr(template, name) for name in TEMPLATE_EDITABLE_FIELDS},
    )
    copy.full_clean()
    copy.save()
    TemplateItem.objects.bulk_create(
        TemplateItem(
            template=copy,
            exercise_id=item.exercise_id,
            order=item.order,
            notes=item.notes,
            **{name: getattr(item, name) for name in DOSAGE_FIELDS},
        )
        for item in template.items.all()
    )
    return copy


# --- prescribing ---------------------------------------------------------------------------


def _dosage(spec: ItemSpec) -> dict[str, int | None]:
    return {
        name: spec.dosage[name] if name in spec.dosage else getattr(spec.exercise, name)
        for name in DOSAGE_FIELDS
    }


def _item_errors(
    items: Sequence[ItemSpec], *, clinic_id: int | None, allow_inactive: frozenset[int]
) -> list[Any]:
    """Per-item errors in the order of `items` (DRF's list shape), or [] when all are fine."""
    if not items:
        return ["At least one exercise."]
    errors: list[dict[str, list[str]]] = []
    seen: set[int] = set()
    for spec in items:
        exercise = spec.exercise
        problem = None
        if exercise.clinic_id is not None and exercise.clinic_id != clinic_id:
            problem = "This exercise belongs to another clinic."
        elif not exercise.is_active and exercise.pk not in allow_inactive:
            problem = "This exercise has been archived."
        elif exercise.pk in seen:
            problem = "This exercise is listed twice."
        seen.add(exercise.pk)
        errors.append({"exercise": [problem]} if problem else {})
    return errors if any(errors) else []


def _clean_items(rows: Sequence[TemplateItem | ProgramItem]) -> None:
    """full_clean each row, reporting dosage problems under items[i].dosage."""
    errors: list[dict[str, Any]] = []
    for row in rows:
        try:
            row.full_clean(exclude=["template", "revision", "exercise"], validate_unique=False)
        except ValidationError as exc:
            errors.append({"dosage": exc.message_dict})
        else:
            errors.append({})
    if any(errors):
        raise DomainError("Some dosages are invalid.", fields=nested({"items": errors}))


def _check_escalation(patient: Patient) -> None:
    if has_unresolved_escalation(patient):
        raise OpenEscalation(
            "This patient has an unresolved emergency or urgent escalation. Resolve it before "
            "prescribing exercises."
        )


def _conflict_record(exercise: Exercise) -> dict[str, Any]:
    return {"exercise": exercise.pk, "name": exercise.name, "direction": exercise.direction}


def _check_directions(
    patient: Patient,
    items: Sequence[ItemSpec],
    *,
    confirmed: bool,
    already_confirmed: Sequence[Mapping[str, Any]] = (),
) -> list[dict[str, Any]]:
    """Refuse unconfirmed conflicts; return what the revision records as confirmed.

    Conflicts confirmed on the previous revision (same exercise, same direction) carry over.
    """
    conflicting = direction_conflicts(patient, [spec.exercise for spec in items])
    carried = {(c["exercise"], c["direction"]) for c in already_confirmed}
    new = [e for e in conflicting if (e.pk, e.direction) not in carried]
    if new and not confirmed:
        label = MovementDirection(patient.aggravating_direction).label.lower()
        names = ", ".join(e.name for e in new)
        new_ids = {e.pk for e in new}
        raise DirectionConflict(
            f"{names} move{'s' if len(new) == 1 else ''} into {label}, which aggravates this "
            "patient's pain. Send confirm_direction_conflicts: true to prescribe anyway.",
            fields=nested(
                {
                    "items": [
                        {"exercise": [f"Moves into {label}: the patient's aggravating direction."]}
                        if spec.exercise.pk in new_ids
                        else {}
                        for spec in items
                    ],
                    "confirm_direction_conflicts": ["Needed to prescribe these exercises."],
                }
            ),
        )
    return [_conflict_record(e) for e in conflicting]


def _revision_items(revision: ProgramRevision, items: Sequence[ItemSpec]) -> list[ProgramItem]:
    rows = [
        ProgramItem(
            revision=revision,
            exercise=spec.exercise,
            order=position,
            notes=spec.notes,
            **_dosage(spec),
        )
        for position, spec in enumerate(items)
    ]
    _clean_items(rows)
    return rows


def _template_specs(template: ProgramTemplate) -> list[ItemSpec]:
    return [
        ItemSpec(
            exercise=item.exercise,
            dosage={name: getattr(item, name) for name in DOSAGE_FIELDS},
            notes=item.notes,
        )
        for item in template.items.select_related("exercise")
    ]


def _create_revision(
    *,
    program: Program,
    number: int,
    items: Sequence[ItemSpec],
    start_date: dt.date,
    end_date: dt.date | None,
    notes: str,
    template: ProgramTemplate | None,
    confirmed: list[dict[str, Any]],
    by: User,
) -> ProgramRevision:
    revision = ProgramRevision(
        program=program,
        number=number,
        template=template,
        start_date=start_date,
        end_date=end_date,
        notes=notes,
        aggravating_direction=program.patient.aggravating_direction,
        confirmed_direction_conflicts=confirmed,
        created_by=by,
    )
    revision.full_clean(exclude=["program"])
    rows = _revision_items(revision, items)
    revision.save()
    ProgramItem.objects.bulk_create(rows)
    program.current_revision = revision
    program.save(update_fields=["current_revision"])
    return revision


@transaction.atomic
def program_assign(
    *,
    patient: Patient,
    by: User,
    template: ProgramTemplate | None = None,
    items: Sequence[ItemSpec] | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    notes: str = "",
    confirm_direction_conflicts: bool = False,
) -> Program:
    """Start a program from a template or from explicit items (which win when both are given).

    Refused while the patient has an unresolved emergency/urgent escalation or another active
    program; exercises in the patient's aggravating direction need the clinician's confirmation.
    """
    if not patient.is_active:
        raise DomainError("This patient record is inactive.")
    _check_escalation(patient)
    if template is not None and template.clinic_id not in (None, patient.clinic_id):
        raise DomainError(
            "This template belongs to another clinic.", fields={"template": ["Not available."]}
        )
    if items is None:
        if template is None:
            raise DomainError(
                "Choose a template or list the exercises.",
                fields={"template": ["Give a template or items."]},
            )
        items = _template_specs(template)
    if Program.objects.filter(patient=patient, status=Program.Status.ACTIVE).exists():
        raise ActiveProgramExists(
            "This patient already has an active program. Edit it (a new revision) or end it first."
        )
    errors = _item_errors(items, clinic_id=patient.clinic_id, allow_inactive=frozenset())
    if errors:
        raise DomainError("Some exercises cannot be prescribed.", fields=nested({"items": errors}))
    confirmed = _check_directions(patient, items, confirmed=confirm_direction_conflicts)
    program = Program(patient=patient, created_by=by)
    try:
        with transaction.atomic():
            program.save()
    except IntegrityError:  # a concurrent assignment won the one-active-program constraint
        raise ActiveProgramExists(
            "This patient already has an active program. Edit it (a new revision) or end it first."
        ) from None
    _create_revision(
        program=program,
        number=1,
        items=items,
        start_date=start_date or local_today(patient),
        end_date=end_date,
        notes=notes,
        template=template,
        confirmed=confirmed,
        by=by,
    )
    return program


_UNSET: Any = object()


@transaction.atomic
def program_revise(
    *,
    program: Program,
    by: User,
    items: Sequence[ItemSpec] | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = _UNSET,
    notes: str | None = None,
    confirm_direction_conflicts: bool = False,
) -> ProgramRevision:
    """Make revision n+1; what is not given is carried over from the current revision."""
    program = (
        Program.objects.select_for_update(of=("self",))
        .select_related("patient", "current_revision")
        .get(pk=program.pk)
    )
    if program.status != Program.Status.ACTIVE:
        raise ProgramEnded("This program has ended; assign a new one instead.")
    patient = program.patient
    _check_escalation(patient)
    current = program.current_revision
    assert current is not None  # noqa: S101 - every program is created with revision 1
    current_items = list(current.items.select_related("exercise"))
    if items is None:
        items = [
            ItemSpec(
                exercise=item.exercise,
                dosage={name: getattr(item, name) for name in DOSAGE_FIELDS},
                notes=item.notes,
            )
            for item in current_items
        ]
    errors = _item_errors(
        items,
        clinic_id=patient.clinic_id,
        allow_inactive=frozenset(item.exercise_id for item in current_items),
    )
    if errors:
        raise DomainError("Some exercises cannot be prescribed.", fields=nested({"items": errors}))
    confirmed = _check_directions(
        patient,
        items,
        confirmed=confirm_direction_conflicts,
        already_confirmed=current.confirmed_direction_conflicts
        if current.aggravating_direction == patient.aggravating_direction
        else (),
    )
    return _create_revision(
        program=program,
        number=current.number + 1,
        items=items,
        start_date=start_date or current.start_date,
        end_date=current.end_date if end_date is _UNSET else end_date,
        notes=current.notes if notes is None else notes,
        template=current.template,
        confirmed=confirmed,
        by=by,
    )


@transaction.atomic
def program_end(*, program: Program, by: User, reason: str = "") -> Program:
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status != Program.Status.ACTIVE:
        raise ProgramEnded("This program has already ended.")
    program.status = Program.Status.ENDED
    program.ended_at = timezone.now()
    program.ended_by = by
    program.end_reason = reason.strip()
    program.save(update_fields=["status", "ended_at", "ended_by", "end_reason"])
    return program


# --- the patient's log ---------------------------------------------------------------------


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
            problem = "Listed twice: log it once with the sets and reps done."
        elif d.exercise_id not in items:
            problem = (
                "This exercise is not in your current program."
                if d.exercise_id in known
                else "No such exercise."
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
        raise NoActiveProgram("You have no active exercise program.")
    revision = program.current_revision
    if performed_at > now + CLOCK_SKEW:
        raise DomainError(
            "The session cannot be in the future.",
            fields={"performed_at": ["This is in the future."]},
        )
    day = timezone.localdate(performed_at, patient.timezone)
    if day < revision.start_date:
        raise DomainError(
            "Your program had not started yet.",
            fields={"performed_at": [f"Your program starts on {revision.start_date}."]},
        )
    if revision.end_date is not None and day > revision.end_date:
        raise DomainError(
            "Your program has ended.",
            fields={"performed_at": [f"Your program ended on {revision.end_date}."]},
        )
    items = {item.exercise_id: item for item in revision.items.all()}
    errors = _done_errors(patient, exercises, items)
    if errors:
        raise DomainError("Some exercises cannot be logged.", fields=nested({"exercises": errors}))
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
