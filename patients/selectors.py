from __future__ import annotations

from django.db.models import QuerySet

from clinic.models import User
from clinic.selectors import member_clinic_ids

from .models import Patient


def patients_for_clinician(user: User) -> QuerySet[Patient]:
    """Every patient of every clinic the user works at; nothing else."""
    return Patient.objects.filter(clinic_id__in=member_clinic_ids(user))


def colleagues_of(user: User) -> QuerySet[User]:
    """Users who work at one of the caller's clinics (assignable physiotherapists)."""
    return User.objects.filter(memberships__clinic_id__in=member_clinic_ids(user)).distinct()
