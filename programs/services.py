"""Writes of the programs capability: prescribing (assign, revise, end a patient's program).

The library and templates are written by programs.catalogue, the patient's log by
programs.sessions; the catalogue shares the item checks below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.errors import Conflict, DomainError
from clinic.models import User
from patients.models import Patient
from patients.vocabulary import MovementDirection

from .models import (
    DOSAGE_FIELDS,
    Exercise,
    Program,
    ProgramItem,
    ProgramRevision,
    ProgramTemplate,
    TemplateItem,
)
from .selectors import direction_conflicts, has_unresolved_escalation, local_today


class OpenEscalation(Conflict):
    code = "open_escalation"


class DirectionConflict(DomainError):
    code = "direction_conflict"


class ActiveProgramExists(Conflict):
    code = "active_program_exists"


class ProgramEnded(Conflict):
    code = "program_ended"


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """One exercise to prescribe: dosage fields left out come from the exercise's default."""

    exercise: Exercise
    dosage: Mapping[str, int | None] = field(default_factory=dict)
    notes: str = ""


# --- items, shared with the catalogue -------------------------------------------------------


def nested(fields: dict[str, Any]) -> dict[str, list[str]]:
    """DRF's error shape for list fields: one dict of errors per item, in order."""
    return cast(dict[str, list[str]], fields)


def dosage_of(spec: ItemSpec) -> dict[str, int | None]:
    return {
        name: spec.dosage[name] if name in spec.dosage else getattr(spec.exercise, name)
        for name in DOSAGE_FIELDS
    }


def item_errors(
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


def clean_items(rows: Sequence[TemplateItem | ProgramItem]) -> None:
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


# --- prescribing ---------------------------------------------------------------------------


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
            **dosage_of(spec),
        )
        for position, spec in enumerate(items)
    ]
    clean_items(rows)
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
    errors = item_errors(items, clinic_id=patient.clinic_id, allow_inactive=frozenset())
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
    errors = item_errors(
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
