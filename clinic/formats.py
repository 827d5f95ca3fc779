"""Dates and times as people read them.

A patient reads them in their own language (the active one: the patient's, see
clinic.middleware) and in their own timezone. A clinician reads times in the clinic's timezone,
with the patient's local time beside it when the two differ.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import formats, timezone


def _zone(tz: dt.tzinfo | str) -> dt.tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def place(tz: dt.tzinfo | str) -> str:
    """The city of an IANA timezone name: "America/New_York" -> "New York"."""
    return str(tz).rsplit("/", 1)[-1].replace("_", " ")


def patient_date(value: dt.date) -> str:
    """A date in the active language: "16 March 2026", "16 de marzo de 2026"."""
    return formats.date_format(value, "DATE_FORMAT")


def patient_datetime(value: dt.datetime, tz: dt.tzinfo | str) -> str:
    """A moment in the patient's timezone and the active language."""
    return formats.date_format(timezone.localtime(value, _zone(tz)), "DATETIME_FORMAT")


def patient_time(value: dt.datetime, tz: dt.tzinfo | str) -> str:
    return formats.time_format(timezone.localtime(value, _zone(tz)), "TIME_FORMAT")


def clinician_time(
    value: dt.datetime, clinic_tz: dt.tzinfo | str, patient_tz: dt.tzinfo | str
) -> str:
    """A time on the dashboard, in the clinic's timezone: "2 Dec 2026, 14:05", followed by
    "(patient's time 09:05, New York)" when the patient's clock says something else (with the
    patient's date too when it is another day there)."""
    here = timezone.localtime(value, _zone(clinic_tz))
    there = timezone.localtime(value, _zone(patient_tz))
    text = f"{formats.date_format(here, 'j M Y')}, {here:%H:%M}"
    if (here.date(), here.hour, here.minute) == (there.date(), there.hour, there.minute):
        return text
    clock = (
        f"{there:%H:%M}"
        if there.date() == here.date()
        else f"{formats.date_format(there, 'j M')}, {there:%H:%M}"
    )
    # The dashboard is in the house language: no gettext here.
    return f"{text} (patient's time {clock}, {place(patient_tz)})"
