from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

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


def works_at(user: User | None, clinic_id: int) -> bool:
    """An active account that is still on the clinic's staff."""
    return bool(
        user is not None
        and user.is_active
        and Membership.objects.filter(user=user, clinic_id=clinic_id).exists()
    )


def clinic_contacts(
    clinic_id: int, *, physiotherapist: User | None = None, managers: bool = True
) -> list[User]:
    """Who hears about a patient: the clinic's admins and escalation contacts (if `managers`)
    and the assigned physiotherapist while they still work there; everyone at the clinic if
    that leaves nobody. Active accounts only."""
    people: dict[int, User] = {}
    if managers:
        # One filter() call, so role and clinic are read from the same membership.
        people.update(
            (u.pk, u)
            for u in User.objects.filter(
                Q(memberships__role=Membership.Role.ADMIN)
                | Q(memberships__escalation_contact=True),
                memberships__clinic_id=clinic_id,
                is_active=True,
            ).distinct()
        )
    if physiotherapist is not None and works_at(physiotherapist, clinic_id):
        people[physiotherapist.pk] = physiotherapist
    if not people:
        people = {
            u.pk: u for u in User.objects.filter(memberships__clinic_id=clinic_id, is_active=True)
        }
    return sorted(people.values(), key=lambda u: u.pk)
