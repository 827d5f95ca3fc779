from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from clinic.models import User
from clinic.selectors import member_clinic_ids
from patients.models import Patient

from .models import Assessment, Escalation, Intake
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
