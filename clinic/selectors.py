from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Clinic, Membership, User


def clinics_for(user: User) -> QuerySet[Clinic]:
    return Clinic.objects.filter(memberships__user=user).distinct()


def member_clinic_ids(user: User) -> QuerySet[Any]:
    """The user's clinic ids as a subquery: scoping filters stay one SQL statement."""
    return Membership.objects.filter(user=user).values("clinic_id")


def clinic_ids_for(user: User) -> list[int]:
    return list(Membership.objects.filter(user=user).values_list("clinic_id", flat=True))


def is_clinic_admin(user: User, clinic_id: int) -> bool:
    return Membership.objects.filter(
        user=user, clinic_id=clinic_id, role=Membership.Role.ADMIN
    ).exists()
