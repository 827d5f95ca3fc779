"""Building outcome histories at known times: a first screening, then progress checks."""

from __future__ import annotations

import datetime as dt

import time_machine

from clinic.models import User
from patients.models import Patient
from tests.triage.helpers import answers
from triage.models import Intake, Reassessment
from triage.services import intake_submit, reassessment_record

ODI_SECTIONS = (
    "pain_intensity", "personal_care", "lifting", "walking", "sitting",
    "standing", "sleeping", "sex_life", "social_life", "travelling",
)  # fmt: skip

# STarT Back answers for each risk group (REFERENCE.md §3): low total 0; medium total 4 with a
# psychosocial subscale of 0 (items 1-4); high subscale 5 (items 5-9).
START_BACK = {
    "low": [0] * 8 + ["Not at all"],
    "medium": [1, 1, 1, 1, 0, 0, 0, 0, "Not at all"],
    "high": [0, 0, 0, 0, 1, 1, 1, 1, "Extremely"],
}


def odi(total: int) -> dict[str, int]:
    """Ten answered sections summing to `total` (0-50): the score is 2 x total percent."""
    scores = [total // 10 + (1 if i < total % 10 else 0) for i in range(10)]
    return dict(zip(ODI_SECTIONS, scores, strict=True))


def screen(
    patient: Patient, by: User, at: dt.datetime, *, nrs: int, odi_total: int | None,
    risk: str | None = "low",
) -> Intake:  # fmt: skip
    with time_machine.travel(at, tick=False):
        return intake_submit(
            patient=patient,
            submitted_by=by,
            answers=answers(pain_nrs=nrs),
            start_back=START_BACK[risk] if risk else None,
            oswestry=odi(odi_total) if odi_total is not None else None,
        )


def check(
    patient: Patient, first: Intake, weeks: int, *, nrs: int, odi_total: int | None,
    late_days: float = 0,
) -> Reassessment:  # fmt: skip
    at = first.created_at + dt.timedelta(weeks=weeks, days=late_days)
    with time_machine.travel(at, tick=False):
        return reassessment_record(
            patient=patient,
            pain_nrs=nrs,
            oswestry=odi(odi_total) if odi_total is not None else None,
        )
