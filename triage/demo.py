"""Demo triage: Jamie's intake from two days ago (its check-in is due now) and an open
emergency for another patient, so the dashboard and the console show the safety path at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from clinic.models import Notification

from .models import Intake
from .questionnaire import REQUIRED_FIELDS
from .services import intake_submit


def _answers(**yes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = dict.fromkeys(REQUIRED_FIELDS, False)
    answers.update(yes)
    return answers


def load(demo: dict[str, Any]) -> None:
    jamie = demo["patient"]
    intake = intake_submit(
        patient=jamie,
        submitted_by=demo["patient_user"],
        answers=_answers(age=38, pain_nrs=6, onset="sudden", duration_days=3),
        start_back=[1, 0, 1, 1, 0, 1, 0, 0, "Moderately"],
        oswestry={
            "pain_intensity": 3,
            "personal_care": 1,
            "lifting": 3,
            "walking": 1,
            "sitting": 2,
            "standing": 2,
            "sleeping": 2,
            "sex_life": 1,
            "social_life": 2,
            "travelling": 2,
        },
        description="Spasms in the lower back after lifting a laundry basket.",
        medicines=[{"name": "Ibuprofen", "dose": "400 mg three times a day", "since": None}],
    )
    # Backdate it two days, as if the demo had been running since: the check-in is due now.
    two_days_ago = timezone.now() - dt.timedelta(hours=48, minutes=5)
    Intake.objects.filter(pk=intake.pk).update(created_at=two_days_ago)
    Notification.objects.filter(dedupe_key=f"intake_checkin:{intake.pk}").update(
        due_at=timezone.now() - dt.timedelta(minutes=5)
    )
    priya = next(p for p in demo["others"] if p.first_name == "Priya")
    intake_submit(
        patient=priya,
        submitted_by=demo["physio"],
        answers=_answers(age=61, pain_nrs=7, onset="sudden", bladder_dysfunction=True),
        description="Phoned in: new trouble passing urine since yesterday.",
    )
