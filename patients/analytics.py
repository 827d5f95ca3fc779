"""Spasm-diary statistics, computed by the database (aggregates, constant query counts).

Windows are whole local days in the patient's timezone: `days=30` means today and the 29 days
before it, from local midnight. The previous window is the same length just before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from django.db.models import Avg, Case, Count, F, FloatField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

from .models import Episode, EpisodeRelief, EpisodeTrigger, Patient
from .vocabulary import RELIEF_EFFECT_SCORE

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# A patient is "rising" when the recent window has more episodes than the one before (and at
# least this many), or a mean peak intensity at least this much higher.
RISING_MIN_EPISODES = 2
RISING_INTENSITY_POINTS = 1.0


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime
    previous_start: dt.datetime
    days: int


class TriggerCount(TypedDict):
    code: str
    count: int


class ReliefStats(TypedDict):
    method: str
    uses: int
    mean_effect: float
    good: int


class HourCount(TypedDict):
    hour: int
    episodes: int


class WeekdayCount(TypedDict):
    weekday: str
    episodes: int


class PreviousWindow(TypedDict):
    episodes: int
    mean_intensity: float | None


class Trend(TypedDict):
    episodes_change_pct: float | None
    mean_intensity_change: float | None


# "from" is a keyword, hence the functional form.
PatientSummary = TypedDict(
    "PatientSummary",
    {
        "days": int,
        "timezone": str,
        "from": dt.datetime,
        "to": dt.datetime,
        "episodes": int,
        "episodes_per_week": float,
        "mean_intensity": float | None,
        "peak_intensity": int | None,
        "total_duration_minutes": int,
        "median_duration_minutes": float | None,
        "triggers": list[TriggerCount],
        "relief": list[ReliefStats],
        "by_hour": list[HourCount],
        "by_weekday": list[WeekdayCount],
        "previous": PreviousWindow,
        "trend": Trend,
    },
)


class RisingPatient(TypedDict):
    id: int
    name: str
    episodes: int
    previous_episodes: int
    mean_intensity: float | None
    previous_mean_intensity: float | None


ClinicSummary = TypedDict(
    "ClinicSummary",
    {
        "days": int,
        "from": dt.datetime,
        "to": dt.datetime,
        "episodes": int,
        "patients_reporting": int,
        "top_triggers": list[TriggerCount],
        "rising_patients": list[RisingPatient],
    },
)


def window(days: int, tz: dt.tzinfo, now: dt.datetime | None = None) -> Window:
    now = now or timezone.now()
    today = now.astimezone(tz).date()
    first_day = today - dt.timedelta(days=days - 1)
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=tz)
    previous_start = dt.datetime.combine(first_day - dt.timedelta(days=days), dt.time(0), tzinfo=tz)
    return Window(start=start, end=now, previous_start=previous_start, days=days)


def live_episodes() -> QuerySet[Episode]:
    return Episode.objects.filter(deleted_at__isnull=True)


def _median(qs: QuerySet[Episode], count: int) -> float | None:
    """The median of duration_minutes, by the database: sort and read the middle one or two."""
    if count == 0:
        return None
    ordered = qs.order_by("duration_minutes").values_list("duration_minutes", flat=True)
    middle = [m for m in ordered[(count - 1) // 2 : count // 2 + 1] if m is not None]
    return sum(middle) / len(middle)


def _effect_score() -> Case:
    return Case(
        *(When(effect=effect, then=Value(score)) for effect, score in RELIEF_EFFECT_SCORE.items()),
        output_field=FloatField(),
    )


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def _change(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None or previous == 0:
        return None
    return round((current - previous) / previous * 100, 1)


def patient_summary(
    patient: Patient, *, days: int, now: dt.datetime | None = None
) -> PatientSummary:
    tz = ZoneInfo(str(patient.timezone))
    w = window(days, tz, now)
    mine = live_episodes().filter(patient=patient)
    current = mine.filter(started_at__gte=w.start, started_at__lte=w.end)
    totals = current.aggregate(
        count=Count("id"),
        mean_intensity=Avg("peak_intensity"),
        peak_intensity=Max("peak_intensity"),
        total_duration=Sum("duration_minutes"),
        with_duration=Count("duration_minutes"),
    )
    previous = mine.filter(started_at__gte=w.previous_start, started_at__lt=w.start).aggregate(
        count=Count("id"), mean_intensity=Avg("peak_intensity")
    )
    by_hour = dict(
        current.annotate(h=ExtractHour("started_at", tzinfo=tz))
        .order_by()
        .values("h")
        .annotate(n=Count("id"))
        .values_list("h", "n")
    )
    by_weekday = dict(
        current.annotate(d=ExtractIsoWeekDay("started_at", tzinfo=tz))
        .order_by()
        .values("d")
        .annotate(n=Count("id"))
        .values_list("d", "n")
    )
    triggers = [
        TriggerCount(code=row["code"], count=row["count"])
        for row in EpisodeTrigger.objects.filter(episode__in=current)
        .values("code")
        .annotate(count=Count("id"))
        .order_by("-count", "code")
    ]
    relief = [
        ReliefStats(
            method=row["method"],
            uses=row["uses"],
            mean_effect=round(row["mean_effect"], 2),
            good=row["good"],
        )
        for row in EpisodeRelief.objects.filter(episode__in=current)
        .values("method")
        .annotate(
            uses=Count("id"),
            mean_effect=Avg(_effect_score()),
            good=Count("id", filter=Q(effect="good")),
        )
        .order_by("-mean_effect", "-uses", "method")
    ]
    count = totals["count"]
    mean = totals["mean_intensity"]
    return {
        "days": days,
        "timezone": str(patient.timezone),
        "from": w.start,
        "to": w.end,
        "episodes": count,
        "episodes_per_week": round(count / days * 7, 2),
        "mean_intensity": _rounded(mean),
        "peak_intensity": totals["peak_intensity"],
        "total_duration_minutes": totals["total_duration"] or 0,
        "median_duration_minutes": _median(
            current.filter(duration_minutes__isnull=False), totals["with_duration"]
        ),
        "triggers": triggers,
        "relief": relief,
        "by_hour": [{"hour": h, "episodes": by_hour.get(h, 0)} for h in range(24)],
        "by_weekday": [
            {"weekday": name, "episodes": by_weekday.get(i, 0)}
            for i, name in enumerate(WEEKDAYS, start=1)
        ],
        "previous": {
            "episodes": previous["count"],
            "mean_intensity": _rounded(previous["mean_intensity"]),
        },
        "trend": {
            "episodes_change_pct": _change(count, previous["count"]),
            "mean_intensity_change": (
                round(mean - previous["mean_intensity"], 2)
                if mean is not None and previous["mean_intensity"] is not None
                else None
            ),
        },
    }


def rising_patients(patients: QuerySet[Patient], w: Window) -> QuerySet[Patient, dict[str, Any]]:
    """Patients whose episodes are becoming more frequent or more severe, worst first."""
    live = Q(episodes__deleted_at__isnull=True)
    cur = live & Q(episodes__started_at__gte=w.start, episodes__started_at__lte=w.end)
    prev = live & Q(episodes__started_at__gte=w.previous_start, episodes__started_at__lt=w.start)
    # Join only the two windows' episodes (the aggregates below reuse this join), not each
    # patient's whole history.
    both_windows = live & Q(
        episodes__started_at__gte=w.previous_start, episodes__started_at__lte=w.end
    )
    return (
        patients.filter(both_windows)
        .annotate(
            current_episodes=Count("episodes", filter=cur),
            previous_episodes=Count("episodes", filter=prev),
            current_intensity=Avg("episodes__peak_intensity", filter=cur),
            previous_intensity=Avg("episodes__peak_intensity", filter=prev),
        )
        .filter(
            Q(
                current_episodes__gte=RISING_MIN_EPISODES,
                current_episodes__gt=F("previous_episodes"),
            )
            | Q(current_intensity__gte=F("previous_intensity") + RISING_INTENSITY_POINTS)
        )
        .order_by("-current_episodes", "-current_intensity", "id")
        .values(
            "id",
            "first_name",
            "last_name",
            "current_episodes",
            "previous_episodes",
            "current_intensity",
            "previous_intensity",
        )
    )


def clinic_summary(
    patients: QuerySet[Patient], *, days: int, tz: dt.tzinfo, now: dt.datetime | None = None
) -> ClinicSummary:
    w = window(days, tz, now)
    current = live_episodes().filter(
        patient__in=patients, started_at__gte=w.start, started_at__lte=w.end
    )
    triggers = [
        TriggerCount(code=row["code"], count=row["count"])
        for row in EpisodeTrigger.objects.filter(episode__in=current)
        .values("code")
        .annotate(count=Count("id"))
        .order_by("-count", "code")[:10]
    ]
    rising = [
        RisingPatient(
            id=p["id"],
            name=f"{p['first_name']} {p['last_name']}",
            episodes=p["current_episodes"],
            previous_episodes=p["previous_episodes"],
            mean_intensity=_rounded(p["current_intensity"]),
            previous_mean_intensity=_rounded(p["previous_intensity"]),
        )
        for p in rising_patients(patients, w)[:50]
    ]
    return {
        "days": days,
        "from": w.start,
        "to": w.end,
        "episodes": current.count(),
        "patients_reporting": current.values("patient").distinct().count(),
        "top_triggers": triggers,
        "rising_patients": rising,
    }
