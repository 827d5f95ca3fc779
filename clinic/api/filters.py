"""Query filters held to the one strict input rule: a boolean is "true" or "false"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django_filters import rest_framework as df


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
