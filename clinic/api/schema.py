"""OpenAPI post-processing: every operation documents the one error shape and its statuses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from .serializers import StrictInputMixin

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": "Each offending field and its reasons (nested for lists)",
                    "additionalProperties": True,
                },
            },
        }
    },
}
# Validation reasons by field, as DRF gives them: a list of reasons; for a nested object, the
# same map again; for a list of objects, one map per item (empty for a valid item).
FIELD_ERRORS_REF = {"$ref": "#/components/schemas/FieldErrors"}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Each offending field and its reasons (nested for objects and lists)",
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"oneOf": [{"type": "string"}, FIELD_ERRORS_REF]}},
            FIELD_ERRORS_REF,
        ]
    },
}
ERRORS = {
    "400": "Invalid input: the fields and reasons are listed",
    "401": "Not authenticated",
    "403": "Not allowed for this role",
    "404": "Not found (or not yours)",
    "405": "Method not allowed",
    "409": "Conflict with the current state",
    "413": "Request body too large",
    "415": "Unsupported media type (send JSON)",
    "422": "Idempotency-Key reused for a different request",
    "429": "Too many requests or login attempts",
}
PUBLIC_PATHS = ("/api/v1/auth/",)


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    schemas["FieldErrors"] = FIELD_ERRORS_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                if status == "401" and path.startswith(PUBLIC_PATHS):
                    continue
                responses.setdefault(status, {"description": description, "content": ref})
            if path.startswith(PUBLIC_PATHS):  # wrong credentials or an invalid token
                responses.setdefault("401", {"description": ERRORS["401"], "content": ref})
    return result


class StrictAutoSchema(AutoSchema):
    """The schema says what StrictInputMixin enforces: an input serializer's body takes no
    other keys (additionalProperties: false)."""

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> Any:
        # DRF drops allow_blank from a read-only model field, so a blank stored value (a
        # patient's language "follow the clinic", a template without a pathway) would be
        # answered outside the enum: the schema lists "" wherever the model allows it.
        if isinstance(field, serializers.ChoiceField) and field.read_only and not field.allow_blank:
            model = getattr(getattr(field.parent, "Meta", None), "model", None)
            try:
                blank = model is not None and model._meta.get_field(field.source).blank
            except (FieldDoesNotExist, AttributeError, TypeError):
                blank = False
            if blank:
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def _map_serializer(
        self, serializer: Any, direction: Any, bypass_extensions: bool = False
    ) -> Any:
        result = super()._map_serializer(serializer, direction, bypass_extensions)
        strict = isinstance(serializer, StrictInputMixin) or (
            isinstance(serializer, type) and issubclass(serializer, StrictInputMixin)
        )
        if direction == "request" and strict and isinstance(result, dict):
            result["additionalProperties"] = False
        return result
