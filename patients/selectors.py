from __future__ import annotations

from django.db.models import QuerySet

from clinic.models import Membership, User

from .models import Patient


def patients_for_clinician(user: User) -> QuerySet[Patient]:
    """Every patient of every clinic the user works at; nothing else."""
    clinic_ids = Membership.objects.filter(user=user).values("clinic_id")
    return Patient.objects.filter(clinic_id__in=clinic_ids)


def colleagues_of(user: User) -> QuerySet[User]:
    """Users who work at one of the caller's clinics (assignable physiotherapists)."""
    clinic_ids = Membership.objects.filter(user=user).values("clinic_id")
    return User.objects.filter(memberships__clinic_id__in=clinic_ids).distinct()
