"""Reads of the programs capability, always scoped to the caller."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from clinic.models import User
from clinic.selectors import member_clinic_ids
from patients.models import Episode, Patient
from patients.vocabulary import MovementDirection

from . import adherence
from .models import (
    Exercise,
    ExerciseSession,
    Pathway,
    Program,
    ProgramItem,
    ProgramRevision,
    ProgramTemplate,
    SessionItem,
    TemplateItem,
)


def local_today(patient: Patient, now: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(now or timezone.now(), patient.timezone)


def has_unresolved_escalation(patient: Patient) -> bool:
    # triage.Escalation through its reverse relation on Patient: programs never imports triage.
    return patient.escalations.filter(
        status__in=("open", "acknowledged"), level__in=("emergency", "urgent")
    ).exists()


def direction_conflicts(patient: Patient, exercises: Sequence[Exercise]) -> list[Exercise]:
    """Exercises that move into the direction recorded as aggravating the patient's pain."""
    direction = patient.aggravating_direction
    if not direction or direction == MovementDirection.NEUTRAL:
        return []
    return [e for e in exercises if e.direction == direction]


def exercises_for_clinician(user: User) -> QuerySet[Exercise]:
    """The shipped library and the exercises of the user's clinics."""
    return Exercise.objects.filter(
        Q(clinic__isnull=True) | Q(clinic_id__in=member_clinic_ids(user))
    )


def templates_for_clinician(user: User) -> QuerySet[ProgramTemplate]:
    return ProgramTemplate.objects.filter(
        Q(clinic__isnull=True) | Q(clinic_id__in=member_clinic_ids(user))
    ).prefetch_related(Prefetch("items", queryset=TemplateItem.objects.select_related("exercise")))


def _items() -> Prefetch[Any]:
    return Prefetch("items", queryset=ProgramItem.objects.select_related("exercise"))


def programs_of_patient(patient: Patient) -> QuerySet[Program]:
    return (
        Program.objects.filter(patient=patient)
        .select_related(
            "created_by",
            "ended_by",
            "current_revision__template",
            "current_revision__created_by",
        )
        .prefetch_related(Prefetch("current_revision__items", queryset=_items().queryset))
    )


def revisions_of_program(program: Program) -> QuerySet[ProgramRevision]:
    return (
        ProgramRevision.objects.filter(program=program)
        .select_related("template", "created_by")
        .prefetch_related(_items())
    )


def active_program(patient: Patient) -> Program | None:
    return programs_of_patient(patient).filter(status=Program.Status.ACTIVE).first()


def sessions_of_patient(patient: Patient) -> QuerySet[ExerciseSession]:
    return ExerciseSession.objects.filter(patient=patient).prefetch_related(
        Prefetch("items", queryset=SessionItem.objects.select_related("exercise"))
    )


# --- today ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueItem:
    item: ProgramItem
    done_today: int
    remaining_today: int


def today_for_patient(
    program: Program, *, now: dt.datetime | None = None
) -> tuple[dt.date, list[DueItem]]:
    """Each item of the current revision with what was done today and what is still due."""
    patient = program.patient
    tz = patient.timezone
    revision = program.current_revision
    assert revision is not None  # noqa: S101 - every program has revision 1
    today = local_today(patient, now)
    monday = adherence.monday(today)
    since = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    rows = (
        SessionItem.objects.filter(session__program=program, session__performed_at__gte=since)
        .annotate(day=TruncDate("session__performed_at", tzinfo=tz))
        .values("day", "exercise_id")
        .annotate(n=Count("id"))
    )
    done_today: dict[int, int] = {}
    earlier_days: dict[int, int] = {}
    for row in rows:
        if row["day"] == today:
            done_today[row["exercise_id"]] = row["n"]
        elif row["day"] < today:
            earlier_days[row["exercise_id"]] = earlier_days.get(row["exercise_id"], 0) + 1
    running = (
        program.status == Program.Status.ACTIVE
        and revision.start_date <= today
        and (revision.end_date is None or today <= revision.end_date)
    )
    result = []
    for item in revision.items.all():
        done = done_today.get(item.exercise_id, 0)
        remaining = adherence.due_today(
            dose=adherence.Dose(item.times_per_day, item.days_per_week),
            done_today=done,
            days_done_earlier_this_week=earlier_days.get(item.exercise_id, 0),
            active=running,
        )
        result.append(DueItem(item, done, remaining))
    return today, result


# --- adherence -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgramAdherence:
    program: Program
    today: dt.date
    weeks: int
    summary: adherence.Summary
    exercises: dict[int, Exercise]  # every exercise any revision prescribed


def program_for_adherence(patient: Patient, program_id: int | None = None) -> Program | None:
    """The given program of the patient, else the active one, else the latest."""
    programs = Program.objects.filter(patient=patient).select_related("patient", "current_revision")
    if program_id is not None:
        return programs.filter(pk=program_id).first()
    return programs.order_by("status", "-created_at", "-id").first()  # "active" < "ended"


def program_adherence(
    program: Program, *, weeks: int, now: dt.datetime | None = None
) -> ProgramAdherence:
    """Counts by the database (per local day and exercise), arithmetic by programs.adherence."""
    patient = program.patient
    tz = patient.timezone
    now = now or timezone.now()
    today = local_today(patient, now)
    revisions = list(revisions_of_program(program).order_by("number"))
    current = revisions[-1]
    periods = [
        adherence.Period(
            start=current.start_date
            if revision.number == 1
            else timezone.localdate(revision.created_at, tz),
            doses={
                item.exercise_id: adherence.Dose(item.times_per_day, item.days_per_week)
                for item in revision.items.all()
            },
        )
        for revision in revisions
    ]
    last_day = current.end_date
    if program.ended_at is not None:
        ended = timezone.localdate(program.ended_at, tz)
        last_day = ended if last_day is None else min(last_day, ended)
    span = adherence.window(
        program_start=current.start_date, program_last_day=last_day, today=today, weeks=weeks
    )
    counts: list[adherence.DayCount] = []
    if span is not None:
        start = dt.datetime.combine(span[0], dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(span[1] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        # A spasm episode starting within 2 hours after the session (patients' own diary).
        episode_after = Episode.objects.filter(
            patient_id=OuterRef("session__patient_id"),
            deleted_at__isnull=True,
            started_at__gt=OuterRef("session__performed_at"),
            started_at__lte=OuterRef("session__performed_at") + adherence.EPISODE_WINDOW,
        )
        rows = (
            SessionItem.objects.filter(
                session__program=program,
                session__performed_at__gte=start,
                session__performed_at__lt=end,
            )
            .annotate(day=TruncDate("session__performed_at", tzinfo=tz))
            .values("day", "exercise_id")
            .annotate(
                done=Count("id"),
                pain_increased=Count(
                    "id",
                    filter=Q(
                        session__pain_after__gte=F("session__pain_before") + adherence.PAIN_INCREASE
                    ),
                ),
                episode_after=Count("id", filter=Q(Exists(episode_after))),
            )
        )
        counts = [
            adherence.DayCount(
                day=row["day"],
                exercise_id=row["exercise_id"],
                done=row["done"],
                pain_increased=row["pain_increased"],
                episode_after=row["episode_after"],
            )
            for row in rows
        ]
    rated = Q(pain_before__isnull=False, pain_after__isnull=False)
    sessions = [
        adherence.DaySessions(
            day=row["day"],
            sessions=row["n"],
            pain_rated=row["rated"],
            pain_change_total=row["change"] or 0,
        )
        for row in ExerciseSession.objects.filter(program=program)
        .annotate(day=TruncDate("performed_at", tzinfo=tz))
        .values("day")
        .annotate(
            n=Count("id"),
            rated=Count("id", filter=rated),
            change=Sum(F("pain_after") - F("pain_before"), filter=rated),
        )
    ]
    summary = adherence.summarise(
        periods=periods,
        program_start=current.start_date,
        program_last_day=last_day,
        today=today,
        weeks=weeks,
        counts=counts,
        sessions=sessions,
    )
    exercises = {item.exercise_id: item.exercise for r in revisions for item in r.items.all()}
    return ProgramAdherence(program, today, weeks, summary, exercises)


# --- suggestion ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suggestion:
    pathway: str
    assessment_id: int | None
    assessed_at: dt.datetime | None
    template: ProgramTemplate | None
    direction_conflicts: list[Exercise]
    open_escalation: bool
    active_program_id: int | None


def suggestion_for_patient(patient: Patient) -> Suggestion:
    """The template the latest STarT Back pathway points to, for the assign form.

    The clinic's own templates for the pathway come before the shipped ones, lowest position
    first; one without exercises in the patient's aggravating direction is preferred.
    """
    # triage.Assessment through its reverse relation on Patient: programs never imports triage.
    latest = (
        patient.assessments.exclude(pathway="")
        .order_by("-created_at", "-id")
        .values("id", "pathway", "created_at")
        .first()
    )
    pathway = latest["pathway"] if latest else ""
    template = None
    conflicts: list[Exercise] = []
    if pathway in Pathway.values:
        candidates = list(
            ProgramTemplate.objects.filter(
                Q(clinic__isnull=True) | Q(clinic_id=patient.clinic_id),
                pathway=pathway,
                is_active=True,
            )
            .order_by(F("clinic").asc(nulls_last=True), "position", "id")
            .prefetch_related(
                Prefetch("items", queryset=TemplateItem.objects.select_related("exercise"))
            )
        )
        ranked = sorted(
            candidates,
            key=lambda t: bool(direction_conflicts(patient, [i.exercise for i in t.items.all()])),
        )  # stable: keeps the clinic-first, position order among equals
        if ranked:
            template = ranked[0]
            conflicts = direction_conflicts(patient, [i.exercise for i in template.items.all()])
    active = (
        Program.objects.filter(patient=patient, status=Program.Status.ACTIVE)
        .values_list("pk", flat=True)
        .first()
    )
    return Suggestion(
        pathway=pathway,
        assessment_id=latest["id"] if latest else None,
        assessed_at=latest["created_at"] if latest else None,
        template=template,
        direction_conflicts=conflicts,
        open_escalation=has_unresolved_escalation(patient),
        active_program_id=active,
    )
