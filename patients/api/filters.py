from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpRequest

from clinic.api.filters import StrictFilterSet
from clinic.selectors import clinics_for

from ..models import Patient
from ..selectors import colleagues_of


def _clinics(request: HttpRequest) -> QuerySet[Any]:
    return clinics_for(request.user)  # type: ignore[arg-type]


def _colleagues(request: HttpRequest) -> QuerySet[Any]:
    return colleagues_of(request.user)  # type: ignore[arg-type]


class PatientFilter(StrictFilterSet):
    # Choices are the caller's own clinics and colleagues: an id from another clinic is as
    # invalid as one that does not exist, so the filters confirm nothing about other clinics.
    clinic = django_filters.ModelChoiceFilter(queryset=_clinics)
    physiotherapist = django_filters.ModelChoiceFilter(queryset=_colleagues)

    class Meta:
        model = Patient
        fields = ("physiotherapist", "is_active", "clinic")
