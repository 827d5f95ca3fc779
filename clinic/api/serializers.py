from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext, gettext_noop
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from timezone_field.rest_framework import TimeZoneSerializerField

# Integers the database can hold: a model's IntegerField is 32-bit on PostgreSQL, ids are 64-bit.
MAX_INT = 2**31 - 1
MAX_ID = 2**63 - 1
TEXT_FIELDS = (
    serializers.CharField,
    serializers.ChoiceField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.TimeField,
    serializers.DurationField,
    serializers.UUIDField,
    TimeZoneSerializerField,
)


# The kinds of JSON value, named in the errors (marked here, translated when reported).
KINDS = {
    "null": gettext_noop("null"),
    "a boolean": gettext_noop("a boolean"),
    "a number": gettext_noop("a number"),
    "a string": gettext_noop("a string"),
    "a list": gettext_noop("a list"),
    "an object": gettext_noop("an object"),
    "a whole-number id": gettext_noop("a whole-number id"),
    "a whole number": gettext_noop("a whole number"),
}


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _choice_kinds(field: serializers.ChoiceField) -> set[str]:
    return {_json_kind(choice) for choice in field.choices} or {"a string"}


def strict_type_errors(field: serializers.Field, value: Any) -> list[str]:
    """The one type rule for API input: a value must already be of the JSON type the field
    declares. "7" is not 7, 1 is not true, and an id is a whole number the database can hold.
    Ranges and formats are the field's own business once the type is right."""
    if value is None:
        return []  # the field's allow_null decides
    kind = _json_kind(value)
    expected: str | None = None
    if isinstance(field, serializers.BooleanField):
        expected = "a boolean" if kind != "a boolean" else None
    elif isinstance(field, serializers.PrimaryKeyRelatedField):
        if kind != "a number" or not isinstance(value, int):
            expected = "a whole-number id"
        elif not 1 <= value <= MAX_ID:
            return [gettext("No such object.")]
    elif isinstance(field, serializers.IntegerField):
        if kind != "a number" or not isinstance(value, int):
            expected = "a whole number"
        elif field.max_value is None and field.min_value is None and abs(value) > MAX_INT:
            return [
                gettext("Must be between %(low)s and %(high)s.")
                % {"low": -MAX_INT, "high": MAX_INT}
            ]
    elif isinstance(field, serializers.FloatField | serializers.DecimalField):
        expected = "a number" if kind != "a number" else None
    elif isinstance(field, serializers.MultipleChoiceField | serializers.ManyRelatedField):
        if kind != "a list":
            expected = "a list"
        else:
            child = getattr(field, "child_relation", None)
            errors = [e for item in value for e in strict_type_errors(child, item)] if child else []
            return errors[:1]
    elif isinstance(field, serializers.ChoiceField):
        if kind not in _choice_kinds(field):
            expected = " or ".join(sorted(_choice_kinds(field)))
    elif isinstance(field, TEXT_FIELDS):
        expected = "a string" if kind != "a string" else None
    elif isinstance(field, serializers.ListField):
        if kind != "a list":
            expected = "a list"
        else:
            errors = [e for item in value for e in strict_type_errors(field.child, item)]
            return errors[:1]
    elif isinstance(field, serializers.DictField):
        if kind != "an object":
            expected = "an object"
        else:
            errors = [e for item in value.values() for e in strict_type_errors(field.child, item)]
            return errors[:1]
    elif getattr(field, "strict_json_type", None) == "string":  # custom text fields
        expected = "a string" if kind != "a string" else None
    if expected is None:
        return []
    expected = gettext(" or ").join(gettext(KINDS[e]) for e in expected.split(" or "))
    return [
        gettext("Expected %(expected)s, got %(kind)s.")
        % {"expected": expected, "kind": gettext(KINDS[kind])}
    ]


def strict_query_errors(field: serializers.Field, text: str) -> list[str]:
    """The same rule for a query parameter, which is text by nature: a number is its plain
    digits ("7", not " 7", "7.0" or "1e1"), a boolean is "true" or "false"."""
    if isinstance(field, serializers.BooleanField) and text not in ("true", "false"):
        return [gettext('Expected "true" or "false".')]
    if isinstance(field, serializers.IntegerField) and not re.fullmatch(r"-?[0-9]{1,18}", text):
        return [gettext("Expected a whole number.")]
    return []


class StrictInputMixin:
    """The base of every input serializer: one rule for all API input.

    - a key the serializer does not accept is refused rather than silently dropped (a read-only
      field sent by a client - clinic, flags, status... - is refused the same way);
    - every value must already have the JSON type its field declares: no coercion of strings
      to numbers or booleans, nor of numbers to strings (strict_type_errors).
    Nested input serializers use it too, so the rule holds at every level.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            fields = self.fields  # type: ignore[attr-defined]
            writable = {name: field for name, field in fields.items() if not field.read_only}
            errors: dict[str, list[str]] = {
                name: [gettext("This field is not accepted here.")]
                for name in sorted(set(data) - set(writable))
            }
            if getattr(self, "parent", None) is not None and getattr(self.root, "partial", False):  # type: ignore[attr-defined]
                # A PATCH may leave out top-level fields, but an item it sends (a relief entry,
                # a medicine) is a whole new item: its required fields stay required.
                errors.update(
                    (name, [gettext("This field is required.")])
                    for name, field in writable.items()
                    if field.required and name not in data
                )
            query = isinstance(data, QueryDict)
            for name, field in writable.items():
                if name in data and not isinstance(field, serializers.BaseSerializer):
                    value = data[name]
                    reasons = (
                        strict_query_errors(field, value)
                        if query
                        else strict_type_errors(field, value)
                    )
                    if reasons:
                        errors[name] = reasons
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


# The earlier name, kept so existing input serializers read the same.
RejectUnknownFieldsMixin = StrictInputMixin


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
        "example": "21:00:00",
    }
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


class NoInputSerializer(StrictInputMixin, serializers.Serializer):
    """The body of an action that takes none: nothing, or an empty JSON object."""


def refuse_any_input(request: Any) -> None:
    """For a POST that takes no body: a malformed or non-empty one is a 400, like anywhere."""
    NoInputSerializer(data=request.data).is_valid(raise_exception=True)


class TokenPairSerializer(serializers.Serializer):
    """What a sign-in answers (a password login, an accepted invitation)."""

    access = serializers.CharField(help_text="Short-lived: send as Authorization: Bearer")
    refresh = serializers.CharField(help_text="Exchange at auth/token/refresh/; revoke at logout")
