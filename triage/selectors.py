from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format

from clinic.models import User
from clinic.selectors import clinic_ids_for, member_clinic_ids
from patients import outcomes as patient_outcomes
from patients.models import Patient

from . import outcomes
from .models import Assessment, Escalation, Intake, Reassessment
from .services import (
    REASSESSMENT_EARLY,
    REASSESSMENT_WEEKS,
    first_intake,
    reassessment_milestone,
)


def intakes_of_patient(patient: Patient) -> QuerySet[Intake]:
    return Intake.objects.filter(patient=patient).select_related("assessment")


def escalations_for_clinician(user: User) -> QuerySet[Escalation]:
    return Escalation.objects.filter(patient__clinic_id__in=member_clinic_ids(user)).select_related(
        "patient", "assessment", "acknowledged_by", "resolved_by"
    )


def assessments_for_clinician(user: User) -> QuerySet[Assessment]:
    return Assessment.objects.filter(patient__clinic_id__in=member_clinic_ids(user))


def triage_queue(user: User) -> QuerySet[Assessment]:
    """Unreviewed assessments and unresolved escalations: most urgent first, then oldest."""
    return (
        assessments_for_clinician(user)
        .filter(
            Q(review__isnull=True)
            | Q(escalation__status__in=[Escalation.Status.OPEN, Escalation.Status.ACKNOWLEDGED])
        )
        .select_related("patient", "escalation__acknowledged_by", "review")
        .order_by("-urgency_rank", "created_at", "id")
    )


def reassessment_due(patient: Patient, *, now: datetime | None = None) -> dict[str, Any]:
    """The progress check open now (if any) and the next one, as the app shows them."""
    done = sorted(set(patient.reassessments.values_list("milestone_weeks", flat=True)))
    baseline = first_intake(patient)
    upcoming = [w for w in REASSESSMENT_WEEKS if w not in done]
    if baseline is None:
        return {"due_weeks": None, "next_weeks": None, "next_opens_on": None, "done_weeks": done}
    now = now or timezone.now()
    due = reassessment_milestone(baseline, now=now, done=set(done))
    later = [w for w in upcoming if w != due]
    next_weeks = due if due is not None else (later[0] if later else None)
    opens = (
        (baseline.created_at + timedelta(weeks=next_weeks) - REASSESSMENT_EARLY).date()
        if next_weeks is not None
        else None
    )
    return {"due_weeks": due, "next_weeks": next_weeks, "next_opens_on": opens, "done_weeks": done}


UNRESOLVED = (Escalation.Status.OPEN, Escalation.Status.ACKNOWLEDGED)


def open_escalations(user: User) -> QuerySet[Escalation]:
    """Unresolved alerts: emergency before urgent, then the oldest first."""
    return (
        escalations_for_clinician(user)
        .filter(status__in=UNRESOLVED)
        .select_related("assessment__review")
        .order_by("-assessment__urgency_rank", "created_at", "id")
    )


def resolved_escalations(user: User) -> QuerySet[Escalation]:
    """Resolved alerts, the most recently resolved first."""
    return (
        escalations_for_clinician(user)
        .filter(status=Escalation.Status.RESOLVED)
        .order_by("-resolved_at", "-id")
    )


def screenings_to_review(user: User) -> QuerySet[Assessment]:
    """Unreviewed screening results without an unresolved alert, most urgent first."""
    return (
        assessments_for_clinician(user)
        .filter(review__isnull=True)
        .exclude(escalation__status__in=UNRESOLVED)
        .select_related("patient")
        .order_by("-urgency_rank", "created_at", "id")
    )


# --- outcomes (triage.outcomes does the arithmetic) -----------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    """One patient's trajectory from the first screening, and the next check still to come."""

    points: list[outcomes.TrajectoryPoint]
    summary: str  # pain, in one sentence
    odi_summary: str
    next_check_weeks: int | None
    next_check_due: dt.datetime | None


def progress_of_patient(patient: Patient, *, now: dt.datetime | None = None) -> Progress:
    """Pain and Oswestry at the first screening and each progress check (two queries)."""
    now = now or timezone.now()
    first = (
        Intake.objects.filter(patient=patient)
        .order_by("created_at", "id")
        .values("created_at", "pain_nrs", "assessment__oswestry_score")
        .first()
    )
    if first is None:
        nothing = outcomes.sentence([], gettext=translation.gettext)
        return Progress([], nothing, nothing, None, None)
    checks = [
        outcomes.Measurement(when, weeks, nrs, _float(odi))
        for when, weeks, nrs, odi in Reassessment.objects.filter(patient=patient)
        .order_by("created_at", "id")
        .values_list("created_at", "milestone_weeks", "pain_nrs", "oswestry_score")
    ]
    baseline = outcomes.Measurement(
        first["created_at"], None, first["pain_nrs"], _float(first["assessment__oswestry_score"])
    )
    points = outcomes.trajectory(baseline, checks)
    today = timezone.localdate(now, patient.timezone)
    done = {c.weeks for c in checks}
    upcoming = [w for w in REASSESSMENT_WEEKS if w not in done]
    # Worded in the active language (the patient's, on their API), on the patient's calendar.
    words = {"today": today, "tz": patient.timezone, "gettext": translation.gettext, "day": _day}
    return Progress(
        points=points,
        summary=outcomes.sentence(points, measure="nrs", **words),
        odi_summary=outcomes.sentence(points, measure="odi", **words),
        next_check_weeks=upcoming[0] if upcoming else None,
        next_check_due=first["created_at"] + dt.timedelta(weeks=upcoming[0]) if upcoming else None,
    )


def _day(when: dt.date, year: bool) -> str:
    return date_format(when, "DATE_FORMAT" if year else "MONTH_DAY_FORMAT")


def outcome_clinic_ids(user: User, clinic: int | None = None) -> list[int]:
    """The clinics a report covers: the caller's, or one of them; another clinic is None."""
    mine = clinic_ids_for(user)
    if clinic is None:
        return mine
    return [clinic] if clinic in mine else []


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def outcome_cohort(clinic_ids: Iterable[int], *, start: dt.date, end: dt.date) -> QuerySet[Intake]:
    """First intakes of the patients whose 12-week check falls due from `start` to `end`
    (UTC days, both included)."""
    weeks = dt.timedelta(weeks=outcomes.OUTCOME_WEEKS)
    earlier = Intake.objects.filter(patient=OuterRef("patient")).filter(
        Q(created_at__lt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
    )
    return Intake.objects.filter(
        patient__clinic_id__in=list(clinic_ids),
        created_at__gte=_day_start(start) - weeks,
        created_at__lt=_day_start(end + dt.timedelta(days=1)) - weeks,
    ).filter(~Exists(earlier))


COHORT_FIELDS = (
    "patient_id",
    "patient__clinic_id",
    "patient__physiotherapist_id",
    "patient__physiotherapist__first_name",
    "patient__physiotherapist__last_name",
    "patient__physiotherapist__email",
    "created_at",
    "pain_nrs",
    "assessment__oswestry_score",
    "assessment__start_back_risk",
    "assessment__pathway",
)


def outcome_report(
    clinic_ids: Iterable[int], *, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> outcomes.Report:
    """The outcomes report of these clinics (the caller's, already checked) for the period.

    One query here (first screenings with their progress checks), two in the adherence provider.
    """
    now = now or timezone.now()
    checks = "patient__reassessments"
    due = Q()
    for weeks in REASSESSMENT_WEEKS:  # a check counts when its milestone has come
        due |= Q(**{f"{checks}__milestone_weeks": weeks,
                    "created_at__lte": now - dt.timedelta(weeks=weeks)})  # fmt: skip
    final = Q(**{f"{checks}__milestone_weeks": outcomes.OUTCOME_WEEKS})
    first = list(
        outcome_cohort(clinic_ids, start=start, end=end)
        .values_list(*COHORT_FIELDS)
        .order_by()
        .annotate(
            done=Count(f"{checks}__id", filter=due),
            nrs12=Max(f"{checks}__pain_nrs", filter=final),
            odi12=Max(f"{checks}__oswestry_score", filter=final),
        )
    )
    cuts = {r[0]: r[6] + dt.timedelta(weeks=outcomes.OUTCOME_WEEKS) for r in first}
    adherence = patient_outcomes.adherence_until(cuts)
    due_before = [now - dt.timedelta(weeks=w) for w in REASSESSMENT_WEEKS]
    rows = []
    for row in first:
        pid, clinic_id, physio_id, given, family, email, at, nrs, odi, risk, pathway = row[:11]
        done, nrs12, odi12 = row[11:]
        due_count = sum(at <= before for before in due_before)
        rows.append(
            outcomes.PatientOutcome(
                patient_id=pid,
                clinic_id=clinic_id,
                risk=risk or "",
                pathway=pathway or "",
                physio_id=physio_id,
                physio_name=f"{given} {family}".strip() or (email or ""),
                checks_due=due_count,
                checks_done=done,
                baseline_nrs=nrs,
                week12_nrs=nrs12,
                baseline_odi=_float(odi),
                week12_odi=_float(odi12),
                adherence=adherence.get(pid),
            )
        )
    return outcomes.report(rows, start=start, end=end)
