"""Query filters held to the one strict input rule: a boolean is "true" or "false"."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db import models
from django_filters import rest_framework as df
from drf_spectacular.utils import extend_schema_field


class StrictBooleanField(forms.Field):
    def to_python(self, value: Any) -> bool | None:
        if value is None:
            return None
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError('Expected "true" or "false".', code="invalid")


class StrictBooleanFilter(df.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The REST widget reads anything but true/false as "no filter": read the raw text.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class StrictFilterSet(df.FilterSet):
    """Base of the API's filter sets: a model's boolean field filters strictly too."""

    FILTER_DEFAULTS = {
        **df.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }


class StrictIdField(forms.Field):
    def to_python(self, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, str) and re.fullmatch(r"[0-9]{1,18}", value):
            return int(value)
        raise forms.ValidationError("Expected a whole-number id.", code="invalid")


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 10**18 - 1})
class IdFilter(df.Filter):
    """An id to filter by. The queryset is already the caller's, so an id of another clinic's
    object finds nothing, exactly like an id that does not exist: nothing is confirmed."""

    field_class = StrictIdField
