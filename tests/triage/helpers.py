from __future__ import annotations

from typing import Any

from triage.questionnaire import REQUIRED_FIELDS


def answers(**overrides: Any) -> dict[str, Any]:
    """A complete intake with every red-flag question answered "no", aged 40."""
    data: dict[str, Any] = {name: False for name in REQUIRED_FIELDS}
    data.update(age=40, pain_nrs=6, onset="sudden", duration_days=3)
    data.update(overrides)
    return data


EMERGENCY = {"saddle_numbness": True}  # R1a
URGENT = {"fever": True}  # R4b
