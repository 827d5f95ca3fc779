"""Demo clinic and staff. Passwords are published in the README for the demo only."""

from __future__ import annotations

from typing import Any

from .models import Clinic, Membership, User

DEMO_PASSWORD = "demo-pass-123"  # noqa: S105


def load(demo: dict[str, Any]) -> None:
    clinic = Clinic.objects.create(
        name="Riverside Back Clinic",
        slug="riverside",
        email="hello@riverside.example",
        phone="020 7946 0000",
        address="1 River Walk, London",
    )
    admin = User.objects.create_user(
        "admin@example.com", DEMO_PASSWORD, first_name="Ada", last_name="Reid", is_staff=True
    )
    physio = User.objects.create_user(
        "physio@example.com", DEMO_PASSWORD, first_name="Sam", last_name="Carter", is_staff=True
    )
    Membership.objects.create(user=admin, clinic=clinic, role=Membership.Role.ADMIN)
    Membership.objects.create(user=physio, clinic=clinic, role=Membership.Role.PHYSIOTHERAPIST)
    demo.update(clinic=clinic, admin=admin, physio=physio, password=DEMO_PASSWORD)
