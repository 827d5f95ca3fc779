"""{{ moment|both_times:patient }}: a time on the dashboard in the clinic's timezone, with the
patient's local time beside it when their clock says something else (clinic.formats)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from clinic.formats import clinician_time

register = template.Library()


@register.filter
def both_times(value: dt.datetime | None, patient: Any) -> str:
    if value is None:
        return ""
    return clinician_time(value, patient.clinic.timezone, patient.timezone)
