"""Demo patients: Jamie Lee has the app login; a few others fill the lists."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from clinic.models import User

from .episodes import episode_record
from .services import patient_create

OTHER_PATIENTS = [
    ("Amara", "Okafor", dt.date(1979, 3, 14), "Europe/London"),
    ("Lukas", "Schneider", dt.date(1991, 7, 2), "Europe/Berlin"),
    ("Priya", "Raman", dt.date(1964, 11, 30), "Europe/London"),
    ("Tom", "Hughes", dt.date(1985, 1, 22), "Europe/London"),
    ("Sofia", "Marquez", dt.date(1958, 5, 9), "Europe/Madrid"),
]

# (days ago, hour, peak, minutes, triggers, relief)
JAMIES_DIARY = [
    (26, 7, 5, 40, ["bending_forward"], [("heat", "good")]),
    (22, 18, 6, 90, ["lifting", "after_hard_training"], [("heat", "some"), ("rest", "some")]),
    (17, 8, 4, 25, ["sit_to_stand"], [("walking", "good")]),
    (12, 21, 7, 120, ["swimming"], [("ice", "some"), ("stretching", "good")]),
    (8, 7, 5, 30, ["bending_forward", "returning_upright"], [("heat", "good")]),
    (5, 13, 6, 60, ["prolonged_sitting"], [("walking", "good"), ("position_change", "some")]),
    (2, 19, 8, 150, ["lifting"], [("heat", "some"), ("nsaid", "some")]),
]


def load(demo: dict[str, Any]) -> None:
    clinic, physio = demo["clinic"], demo["physio"]
    user = User.objects.create_user(
        "patient@example.com", demo["password"], first_name="Jamie", last_name="Lee"
    )
    jamie = patient_create(
        clinic=clinic,
        first_name="Jamie",
        last_name="Lee",
        date_of_birth=dt.date(1988, 6, 5),
        email="patient@example.com",
        timezone="Europe/London",
        physiotherapist=physio,
        # No quiet hours, so the demo's follow-ups reach the console at any hour.
        quiet_hours_start=dt.time(0),
        quiet_hours_end=dt.time(0),
    )
    jamie.user = user
    jamie.save(update_fields=["user", "updated_at"])
    others = [
        patient_create(
            clinic=clinic,
            first_name=first,
            last_name=last,
            date_of_birth=born,
            email=f"{first.lower()}.{last.lower()}@example.com",
            timezone=tz,
            physiotherapist=physio,
        )
        for first, last, born, tz in OTHER_PATIENTS
    ]
    now = timezone.now()
    for days, hour, peak, minutes, triggers, relief in JAMIES_DIARY:
        started = (now - dt.timedelta(days=days)).replace(hour=hour, minute=15)
        episode_record(
            patient=jamie,
            client_id=uuid.uuid4(),
            started_at=started,
            duration_minutes=minutes,
            peak_intensity=peak,
            triggers=triggers,
            relief=[{"method": m, "effect": e} for m, e in relief],
        )
    demo.update(patient=jamie, patient_user=user, others=others)
