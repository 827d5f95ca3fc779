"""Reads of the programs capability, always scoped to the caller."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
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
    revisions = list(revisions_of_program(program).order_by("number"))
    return _adherence(
        program,
        [(program, revisions)],
        Q(program=program),
        Q(session__program=program),
        weeks=weeks,
        now=now,
    )


def patient_adherence(
    patient: Patient, *, weeks: int, now: dt.datetime | None = None
) -> ProgramAdherence | None:
    """Adherence across all of the patient's programs: a session logged under the program
    before this one counts in the weeks that program ran. None when nothing was ever assigned.
    `program` is the active program, else the latest."""
    programs = list(
        Program.objects.filter(patient=patient)
        .select_related("patient", "current_revision")
        .order_by("created_at", "id")
    )
    if not programs:
        return None
    revisions: dict[int, list[ProgramRevision]] = {p.pk: [] for p in programs}
    for revision in (
        ProgramRevision.objects.filter(program__patient=patient)
        .prefetch_related(_items())
        .order_by("program_id", "number")
    ):
        revisions[revision.program_id].append(revision)
    for program in programs:
        program.patient = patient  # one patient object for every program: no query each
    shown = next((p for p in programs if p.status == Program.Status.ACTIVE), programs[-1])
    return _adherence(
        shown,
        [(p, revisions[p.pk]) for p in programs if revisions[p.pk]],
        Q(patient=patient),
        Q(session__patient=patient),
        weeks=weeks,
        now=now,
    )


@dataclass(frozen=True, slots=True)
class _Run:
    """One program on the patient's local calendar: its periods and its first and last day."""

    periods: list[adherence.Period]
    first: dt.date
    last: dt.date | None


def _run(program: Program, revisions: list[ProgramRevision], tz: Any) -> _Run:
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
    return _Run(periods, current.start_date, last_day)


def _merged_periods(runs: list[_Run]) -> list[adherence.Period]:
    """One list of periods for several programs: at each day a program starts, changes or
    stops, the doses of every program running that day (a later program wins on an exercise
    in both); nothing is prescribed between programs."""
    days = sorted(
        {period.start for run in runs for period in run.periods}
        | {run.first for run in runs}
        | {run.last + dt.timedelta(days=1) for run in runs if run.last is not None}
    )
    merged = []
    for day in days:
        doses: dict[int, adherence.Dose] = {}
        for run in runs:
            if run.first <= day and (run.last is None or day <= run.last):
                doses.update(adherence.dose_on(run.periods, day))
        merged.append(adherence.Period(start=day, doses=doses))
    return merged


def _adherence(
    program: Program,
    programs: list[tuple[Program, list[ProgramRevision]]],
    sessions_of: Q,
    items_of: Q,
    *,
    weeks: int,
    now: dt.datetime | None,
) -> ProgramAdherence:
    patient = program.patient
    tz = patient.timezone
    now = now or timezone.now()
    today = local_today(patient, now)
    runs = [_run(p, revisions, tz) for p, revisions in programs]
    periods = runs[0].periods if len(runs) == 1 else _merged_periods(runs)
    first_day = min(run.first for run in runs)
    last_day: dt.date | None = None
    if all(run.last is not None for run in runs):
        last_day = max(run.last for run in runs if run.last is not None)
    span = adherence.window(
        program_start=first_day, program_last_day=last_day, today=today, weeks=weeks
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
                items_of,
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
        for row in ExerciseSession.objects.filter(sessions_of)
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
        program_start=first_day,
        program_last_day=last_day,
        today=today,
        weeks=weeks,
        counts=counts,
        sessions=sessions,
    )
    exercises = {
        item.exercise_id: item.exercise
        for _, revisions in programs
        for r in revisions
        for item in r.items.all()
    }
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

    @property
    def pathway_label(self) -> str:
        """The pathway in plain words (the codes are for the API)."""
        if self.pathway in Pathway.values:
            return str(Pathway(self.pathway).label)
        return self.pathway.replace("_", " ")


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


# --- recent adherence, many programs at once (dashboard) -------------------------------------

RECENT_DAYS = 7
FALLING_POINTS = 20  # a drop of this many percentage points week on week is "falling"
FALLING_MIN_COVERED_DAYS = 3  # the earlier week must have run at least this long to compare


@dataclass(frozen=True, slots=True)
class RecentAdherence:
    program: Program
    current: int | None  # percent, the last 7 days
    previous: int | None  # percent, the 7 days before
    previous_days: float  # how much of the earlier week the program was running

    @property
    def falling(self) -> bool:
        return (
            self.current is not None
            and self.previous is not None
            and self.previous_days >= FALLING_MIN_COVERED_DAYS
            and self.previous - self.current >= FALLING_POINTS
        )


def active_programs(patients: QuerySet[Patient]) -> QuerySet[Program]:
    return (
        Program.objects.filter(patient__in=patients, status=Program.Status.ACTIVE)
        .select_related("patient", "current_revision")
        .prefetch_related("current_revision__items")
    )


def recent_adherence(
    programs: Sequence[Program], *, now: dt.datetime | None = None
) -> dict[int, RecentAdherence]:
    """Adherence over the last 7 days and the 7 before, per program, in one counting query.

    Rolling 7-day windows (not calendar weeks) so one query serves patients in different time
    zones; the current revision's doses count for both windows, prorated by the time the
    program was running in each. `programs` need their current revision's items prefetched.
    """
    now = now or timezone.now()
    cut = now - dt.timedelta(days=RECENT_DAYS)
    since = cut - dt.timedelta(days=RECENT_DAYS)
    counts: dict[tuple[int, int, bool], int] = {}
    if programs:
        rows = (
            SessionItem.objects.filter(
                session__program__in=[p.pk for p in programs],
                session__performed_at__gte=since,
                session__performed_at__lt=now,
            )
            .annotate(
                recent=Case(
                    When(session__performed_at__gte=cut, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
            .values("session__program_id", "exercise_id", "recent")
            .annotate(n=Count("id"))
        )
        for row in rows:
            key = (row["session__program_id"], row["exercise_id"], bool(row["recent"]))
            counts[key] = counts.get(key, 0) + row["n"]
    result = {}
    for program in programs:
        revision = program.current_revision
        assert revision is not None  # noqa: S101 - every program has revision 1
        tz = program.patient.timezone
        start = dt.datetime.combine(revision.start_date, dt.time.min, tzinfo=tz)
        end = (
            dt.datetime.combine(revision.end_date + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
            if revision.end_date is not None
            else now
        )
        percents: list[int | None] = []
        covered_days: list[float] = []
        for lo, hi, recent in ((since, cut, False), (cut, now, True)):
            seconds = max((min(hi, end) - max(lo, start)).total_seconds(), 0)
            share = Fraction(int(seconds), RECENT_DAYS * 86400)
            tallies = []
            for item in revision.items.all():
                tally = adherence.ExerciseTally(item.exercise_id)
                tally.prescribed = share * item.times_per_day * item.days_per_week
                tally.done = counts.get((program.pk, item.exercise_id, recent), 0)
                tallies.append(tally)
            prescribed = sum((t.prescribed for t in tallies), Fraction(0))
            capped = sum((t.capped_done for t in tallies), Fraction(0))
            percents.append(adherence.percent(capped, prescribed))
            covered_days.append(seconds / 86400)
        result[program.pk] = RecentAdherence(program, percents[1], percents[0], covered_days[0])
    return result


# --- history -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RevisionEntry:
    revision: ProgramRevision
    changes: list[str]  # what this revision changed from the one before, in words


@dataclass(frozen=True, slots=True)
class ProgramEntry:
    program: Program
    revisions: list[RevisionEntry]  # newest first


def dosage_words(item: Any) -> str:
    """A dosage as a clinician writes it: "2 x 10 reps, 1x a day, 7 days a week"."""
    amount = ""
    if item.sets:
        amount += f"{item.sets} × "  # noqa: RUF001 - the multiplication sign is meant
    if item.reps:
        amount += f"{item.reps} reps"
    if item.hold_seconds:
        amount += f" hold {item.hold_seconds} s"
    if item.duration_minutes:
        amount += f" {item.duration_minutes} min"
    often = f"{item.times_per_day}× a day, {item.days_per_week} days a week"  # noqa: RUF001
    return f"{amount.strip()}, {often}" if amount.strip() else often


def revision_changes(before: ProgramRevision | None, after: ProgramRevision) -> list[str]:
    """What `after` changed from `before`, as a clinician would say it."""
    if before is None:
        names = [item.exercise.name for item in after.items.all()]
        start = f"Started {after.start_date:%-d %b %Y}"
        if after.template is not None:
            start += f" from “{after.template.name}”"
        return [start, "Exercises: " + ", ".join(names)]
    old = {item.exercise_id: item for item in before.items.all()}
    new = {item.exercise_id: item for item in after.items.all()}
    changes = [f"Added {item.exercise.name} ({dosage_words(item)})"
               for eid, item in new.items() if eid not in old]  # fmt: skip
    changes += [f"Removed {item.exercise.name}" for eid, item in old.items() if eid not in new]
    for eid, item in new.items():
        if eid in old and dosage_words(old[eid]) != dosage_words(item):
            changes.append(f"{item.exercise.name}: {dosage_words(old[eid])} → {dosage_words(item)}")
    if before.end_date != after.end_date:
        changes.append(
            "End date " + (f"{after.end_date:%-d %b %Y}" if after.end_date else "removed")
        )
    if before.notes != after.notes:
        changes.append("Notes for the patient changed")
    if after.confirmed_direction_conflicts:
        names = [c.get("name", "") for c in after.confirmed_direction_conflicts]
        changes.append("Prescribed despite the aggravating direction: " + ", ".join(names))
    return changes or ["No change to the exercises"]


def program_history(patient: Patient) -> list[ProgramEntry]:
    """Every program of the patient, newest first, each with its revisions and what each one
    changed (two queries whatever the number of programs and revisions)."""
    programs = list(
        Program.objects.filter(patient=patient)
        .select_related("created_by", "ended_by")
        .order_by("-created_at", "-id")
    )
    by_program: dict[int, list[ProgramRevision]] = {p.pk: [] for p in programs}
    for revision in (
        ProgramRevision.objects.filter(program__patient=patient)
        .select_related("template", "created_by")
        .prefetch_related(_items())
        .order_by("program_id", "number")
    ):
        by_program[revision.program_id].append(revision)
    entries = []
    for program in programs:
        revisions = by_program[program.pk]
        rows = [
            RevisionEntry(revision, revision_changes(revisions[n - 1] if n else None, revision))
            for n, revision in enumerate(revisions)
        ]
        entries.append(ProgramEntry(program, list(reversed(rows))))
    return entries


# --- adherence up to a moment, many patients at once (the outcomes report) ------------------

WEEK_SECONDS = 7 * 86400


ITEM_FIELDS = (
    "revision__program_id",
    "revision__program__patient_id",
    "revision__program__patient__timezone",
    "revision__start_date",
    "revision__end_date",
    "revision__program__ended_at",
    "exercise_id",
    "times_per_day",
    "days_per_week",
)


def adherence_until(cuts: Mapping[int, dt.datetime]) -> dict[int, int | None]:
    """Per patient, the share of prescribed exercise done from their programs' start to their cut.

    Like `recent_adherence`: the current revision's doses, prorated by the time each program ran
    before the cut (until its end date or the day it was ended), each exercise capped at its
    prescription; every program of the patient counts. None: no program ran before the cut.
    Two queries: the prescribed items, and what was done before each program's cut.
    """
    items = list(
        ProgramItem.objects.filter(
            revision__program__patient_id__in=list(cuts),
            revision_id=F("revision__program__current_revision_id"),
        )
        .values_list(
            "revision__program_id",
            "revision__program__patient_id",
            "revision__program__patient__timezone",
            "revision__start_date",
            "revision__end_date",
            "revision__program__ended_at",
            "exercise_id",
            "times_per_day",
            "days_per_week",
        )
        .order_by()
    )
    program_cuts = {program: cuts[patient] for program, patient, *_ in items}
    done: dict[tuple[int, int], int] = {}
    if program_cuts:
        # Each program's own cut as one CASE over the session's program: cheap to build (an OR
        # of one Q per program cost more to build than to run), the dates adapted by the backend
        # as the ORM would. The cut in the session filter also keeps PostgreSQL's estimate small
        # enough to walk the session item index instead of hashing the whole table.
        session = connection.ops.quote_name(ExerciseSession._meta.db_table)
        cut = RawSQL(  # noqa: S611 - the table name is quoted, the ids are int(), dates are params
            f"CASE {session}.program_id "
            + " ".join(f"WHEN {int(program)} THEN %s" for program in program_cuts)
            + " END",
            [connection.ops.adapt_datetimefield_value(at) for at in program_cuts.values()],
        )
        rows = (
            SessionItem.objects.filter(
                session__program_id__in=list(program_cuts),
                session__performed_at__lt=cut,
            )
            .values_list("session__program_id", "exercise_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        done = {(program, exercise): n for program, exercise, n in rows}
    tallies: dict[int, list[adherence.ExerciseTally]] = {}
    for program, patient, tz, start_date, end_date, ended_at, exercise, tpd, dpw in items:
        zone = ZoneInfo(str(tz))
        start = dt.datetime.combine(start_date, dt.time.min, tzinfo=zone)
        end = cuts[patient]
        if end_date is not None:
            day_after = end_date + dt.timedelta(days=1)
            end = min(end, dt.datetime.combine(day_after, dt.time.min, tzinfo=zone))
        if ended_at is not None:
            end = min(end, ended_at)
        seconds = int((end - start).total_seconds())
        if seconds <= 0:
            continue  # not running before the cut
        tally = adherence.ExerciseTally(exercise)
        tally.prescribed = Fraction(seconds * tpd * dpw, WEEK_SECONDS)
        tally.done = done.get((program, exercise), 0)
        tallies.setdefault(patient, []).append(tally)
    result: dict[int, int | None] = {}
    for patient_id, patient_tallies in tallies.items():
        prescribed = sum((t.prescribed for t in patient_tallies), Fraction(0))
        capped = sum((t.capped_done for t in patient_tallies), Fraction(0))
        result[patient_id] = adherence.percent(capped, prescribed)
    return result
