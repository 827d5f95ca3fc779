"""Writes of the exercise library and program templates: a clinic's own rows (shipped ones
are read-only; copy them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from clinic.errors import DomainError
from clinic.models import Clinic

from .models import DOSAGE_FIELDS, Exercise, ProgramTemplate, TemplateItem
from .services import ItemSpec, clean_items, dosage_of, item_errors, nested

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
    errors = item_errors(items, clinic_id=template.clinic_id, allow_inactive=frozenset())
    if errors:
        raise DomainError("Some exercises cannot be used.", fields=nested({"items": errors}))
    rows = [
        TemplateItem(
            template=template,
            exercise=spec.exercise,
            order=position,
            notes=spec.notes,
            **dosage_of(spec),
        )
        for position, spec in enumerate(items)
    ]
    clean_items(rows)
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
