from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class RejectUnknownFieldsMixin:
    """Input serializers refuse keys they do not accept, rather than silently dropping them.

    A read-only field sent by a client (clinic, flags, status...) is refused the same way.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            fields = self.fields  # type: ignore[attr-defined]
            writable = {name for name, field in fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field is not accepted here."] for name in unknown}
                )
        return super().to_internal_value(data)  # type: ignore[misc]


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2})?$", "example": "21:00:00"}
)
class TimeOfDayField(serializers.TimeField):
    """A wall-clock time (HH:MM[:SS]) in the patient's timezone; it carries no UTC offset,
    so it is documented as a pattern, not as RFC 3339 "time" (which needs one)."""


@extend_schema_field(
    {"oneOf": [{"type": "string", "format": "email"}, {"type": "string", "maxLength": 0}]}
)
class OptionalEmailField(serializers.EmailField):
    """An email address, or an empty string when there is none."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)


class LocalDateTimeField(serializers.DateTimeField):
    """A timestamp kept in the offset it was computed in (a patient's or a clinic's local
    midnight), where the default field would convert it to UTC."""

    def to_representation(self, value: Any) -> str:
        text: str = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text


@extend_schema_field({"$ref": "#/components/schemas/FieldErrors"})
class FieldErrorsField(serializers.DictField):
    """Validation reasons by field (the FieldErrors component, added by clinic.api.schema)."""
