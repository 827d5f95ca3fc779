"""Demo data for a first run: one clinic, its staff, a patient with an app login, a few more."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinic.models import Clinic, Membership, User
from patients.services import patient_create

DEMO_PASSWORD = "demo-pass-123"  # noqa: S105 - published in the README for the demo only

OTHER_PATIENTS = [
    ("Amara", "Okafor", dt.date(1979, 3, 14), "Europe/London"),
    ("Lukas", "Schneider", dt.date(1991, 7, 2), "Europe/Berlin"),
    ("Priya", "Raman", dt.date(1964, 11, 30), "Europe/London"),
    ("Tom", "Hughes", dt.date(1985, 1, 22), "Europe/London"),
    ("Sofia", "Marquez", dt.date(1958, 5, 9), "Europe/Madrid"),
]


class Command(BaseCommand):
    help = "Load demo data into an empty database (never under production settings)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is never loaded under production settings.")
        if Clinic.objects.exists() or User.objects.exists():
            self.stdout.write("The database already has data; demo data not loaded.")
            return
        with transaction.atomic():
            self._seed()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def _seed(self) -> None:
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

        patient_user = User.objects.create_user(
            "patient@example.com", DEMO_PASSWORD, first_name="Jamie", last_name="Lee"
        )
        patient = patient_create(
            clinic=clinic,
            first_name="Jamie",
            last_name="Lee",
            date_of_birth=dt.date(1988, 6, 5),
            email="patient@example.com",
            timezone="Europe/London",
            physiotherapist=physio,
        )
        patient.user = patient_user
        patient.save(update_fields=["user", "updated_at"])
        for first, last, born, tz in OTHER_PATIENTS:
            patient_create(
                clinic=clinic,
                first_name=first,
                last_name=last,
                date_of_birth=born,
                email=f"{first.lower()}.{last.lower()}@example.com",
                timezone=tz,
                physiotherapist=physio,
            )
