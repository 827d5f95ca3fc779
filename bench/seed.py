"""Synthetic clinic-group data: clinics, staff, patients with app logins, a year of spasm
episodes with triggers and relief, exercise programs and their logged sessions.

PostgreSQL gets COPY (a million episodes in about a minute on two cores); SQLite gets
executemany. Ids are assigned here, so child rows need no lookups, and the sequences are reset
afterwards. History tables (django-simple-history) are not filled: they do not take part in any
measured read.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from clinic.models import Clinic, Membership, User
from patients.models import Episode, EpisodeRelief, EpisodeTrigger, Patient
from patients.vocabulary import (
    EPISODE_RED_FLAGS,
    Region,
    ReliefEffect,
    ReliefMethod,
    Side,
    Trigger,
)
from programs.models import (
    Exercise,
    ExerciseSession,
    Program,
    ProgramItem,
    ProgramRevision,
    SessionItem,
)
from triage.models import Assessment, Intake, Reassessment

from .progress import Progress

PASSWORD = "bench-pass-123"  # noqa: S105 - synthetic accounts in a throwaway database
DAYS_OF_HISTORY = 365
PROGRAM_EVERY = 4  # every fourth patient has an exercise program
TIMEZONES = ("Europe/London", "Europe/London", "Europe/London", "Europe/Dublin", "Europe/Paris")
FIRST = ("Alex", "Sam", "Jamie", "Robin", "Charlie", "Morgan", "Casey", "Jordan", "Avery", "Riley")
LAST = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas", "Roberts")


@dataclass(frozen=True)
class Preset:
    name: str
    clinics: int
    patients: int
    episodes: int
    sessions: int
    diary_episodes: int  # the heavy diary the per-patient reads are measured on
    api_iterations: int  # pairs of (API, floor) requests for measurements 1 and 2
    summary_iterations: int
    notifications: int  # due rows for the outbox sweep (measurement 4)
    load_users: int
    load_seconds: int
    reminder_backlog: int  # reminders queued before the load starts


PRESETS = {
    "small": Preset(
        name="small",
        clinics=5,
        patients=2_000,
        episodes=100_000,
        sessions=10_000,
        diary_episodes=730,
        api_iterations=300,
        summary_iterations=40,
        notifications=10_000,
        load_users=50,
        load_seconds=45,
        reminder_backlog=2_000,
    ),
    "full": Preset(
        name="full",
        clinics=50,
        patients=20_000,
        episodes=1_000_000,
        sessions=100_000,
        diary_episodes=730,
        api_iterations=1_000,
        summary_iterations=30,
        notifications=10_000,
        load_users=50,
        load_seconds=120,
        reminder_backlog=5_000,
    ),
}


@dataclass
class Account:
    email: str
    user_id: int
    patient_id: int
    exercise_ids: list[int] = field(default_factory=list)


@dataclass
class Seeded:
    """What the measurements need to know about the data (saved beside a kept database)."""

    preset: str
    password: str
    clinic_ids: list[int]
    physio_ids: list[int]  # the first physiotherapist of each clinic
    group_admin_id: int
    diary: Account  # heavy diary: reads (list, summaries)
    writer: Account  # the API POSTs of measurement 1
    load_accounts: list[Account]
    counts: dict[str, int]
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Seeded:
        data = dict(data)
        data["diary"] = Account(**data["diary"])
        data["writer"] = Account(**data["writer"])
        data["load_accounts"] = [Account(**a) for a in data["load_accounts"]]
        return cls(**data)


# --- writing rows ---------------------------------------------------------------------------


def _converter(f: models.Field[Any, Any], sqlite: bool) -> Callable[[Any], Any]:
    if isinstance(f, models.JSONField):
        return lambda v: v if v is None or isinstance(v, str) else json.dumps(v)
    if f.get_internal_type() == "CharField" and f.__class__.__name__ == "TimeZoneField":
        return lambda v: v if v is None or isinstance(v, str) else str(v)
    if not sqlite:
        return lambda v: v
    ops = connection.ops
    if isinstance(f, models.DateTimeField):
        return lambda v: ops.adapt_datetimefield_value(v)
    if isinstance(f, models.DateField):
        return lambda v: v.isoformat() if v is not None else None
    if isinstance(f, models.TimeField):
        return lambda v: ops.adapt_timefield_value(v)
    if isinstance(f, models.UUIDField):
        return lambda v: v.hex if v is not None else None
    if isinstance(f, models.BooleanField):
        return lambda v: int(v) if v is not None else None
    return lambda v: v


def _default(f: models.Field[Any, Any]) -> Any:
    if f.null and not f.has_default():
        return None
    return f.get_default()


class Table:
    """Rows of one model as tuples in `fields` order; other columns get their defaults."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model = model
        meta = model._meta
        given = [cast(models.Field[Any, Any], meta.get_field(name)) for name in fields]
        rest: list[models.Field[Any, Any]] = [
            f
            for f in meta.concrete_fields
            if f.name not in fields and not (f.primary_key and isinstance(f, models.AutoField))
        ]
        self.sqlite = connection.vendor == "sqlite"
        self.fields = given + rest
        self.convert = [_converter(f, self.sqlite) for f in self.fields]
        self.defaults = tuple(_default(f) for f in rest)
        self.width = len(given)

    def _rows(self, rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
        convert = self.convert
        defaults = self.defaults
        for row in rows:
            full = (*row, *defaults)
            yield tuple(c(v) for c, v in zip(convert, full, strict=True))

    def write(self, rows: Iterable[Sequence[Any]], progress: Progress | None = None) -> int:
        qn = connection.ops.quote_name
        table = qn(self.model._meta.db_table)
        columns = ", ".join(qn(f.column) for f in self.fields)
        count = 0
        with transaction.atomic(), connection.cursor() as cursor:
            if not self.sqlite:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self._rows(rows):
                        copy.write_row(row)
                        count += 1
                        if progress is not None and count % 1000 == 0:
                            progress.advance(1000)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
                batch: list[tuple[Any, ...]] = []
                for row in self._rows(rows):
                    batch.append(row)
                    if len(batch) == 5000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        if progress is not None:
                            progress.advance(len(batch))
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        if progress is not None:
            progress.advance(count % 1000 if not self.sqlite else 0)
        return count


def next_id(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# --- the data -------------------------------------------------------------------------------


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


RED_FLAGS_CLEAR = json.dumps({name: False for name in EPISODE_RED_FLAGS})
TRIGGERS = [t.value for t in Trigger]
RELIEF = [m.value for m in ReliefMethod]
EFFECTS = [e.value for e in ReliefEffect]
SIDES = ["", *(s.value for s in Side)]
REGIONS = ["", *(r.value for r in Region)]
INTENSITY = list(range(1, 11))
INTENSITY_WEIGHTS = [1, 2, 4, 7, 9, 9, 7, 5, 3, 1]


def seed(preset: Preset, *, rng_seed: int = 2026) -> Seeded:
    started = timezone.now()
    rng = random.Random(rng_seed)  # noqa: S311 - synthetic data, reproducible
    now = started.replace(microsecond=0)
    today = now.date()
    counts: dict[str, int] = {}
    password = make_password(PASSWORD)  # one Argon2 hash shared by every synthetic login

    # Clinics and staff: an admin and two physiotherapists each, and one admin of the group.
    c0, u0, m0 = next_id(Clinic), next_id(User), next_id(Membership)
    clinic_ids = [c0 + i for i in range(preset.clinics)]
    clinic_tz = {cid: TIMEZONES[i % len(TIMEZONES)] for i, cid in enumerate(clinic_ids)}
    counts["clinics"] = Table(Clinic, ["id", "name", "slug", "email", "timezone", "country"]).write(
        (
            cid,
            f"Bench clinic {i + 1}",
            f"bench-{i + 1}",
            f"desk{i + 1}@bench.example",
            clinic_tz[cid],
            "GB",
        )
        for i, cid in enumerate(clinic_ids)
    )
    users: list[tuple[Any, ...]] = []
    memberships: list[tuple[Any, ...]] = []
    physios: dict[int, list[int]] = {}
    uid = u0
    for i, cid in enumerate(clinic_ids):
        for role, name in (("admin", "admin"), ("physiotherapist", "physio-a"),
                           ("physiotherapist", "physio-b")):  # fmt: skip
            users.append((uid, f"{name}{i + 1}@bench.example", password, name.title(), "Bench"))
            memberships.append((len(memberships) + m0, uid, cid, role))
            if role == "physiotherapist":
                physios.setdefault(cid, []).append(uid)
            uid += 1
    group_admin_id = uid
    users.append((uid, "group-admin@bench.example", password, "Group", "Admin"))
    for cid in clinic_ids:
        memberships.append((len(memberships) + m0, uid, cid, "admin"))
    uid += 1

    # Patients, each with an app login.
    p0 = next_id(Patient)
    patient_rows: list[tuple[Any, ...]] = []
    patient_user: dict[int, int] = {}
    patient_email: dict[int, str] = {}
    for i in range(preset.patients):
        pid = p0 + i
        cid = clinic_ids[i % len(clinic_ids)]
        email = f"patient{i + 1}@bench.example"
        users.append((uid, email, password, rng.choice(FIRST), rng.choice(LAST)))
        patient_user[pid], patient_email[pid] = uid, email
        born = dt.date(1950 + rng.randrange(55), 1 + rng.randrange(12), 1 + rng.randrange(28))
        active = i < 100 or rng.random() > 0.02
        patient_rows.append((
            pid, cid, rng.choice(physios[cid]), uid, users[-1][3], users[-1][4], born, email,
            clinic_tz[cid], dt.time(0), dt.time(0), active, now, now,
        ))  # fmt: skip
        uid += 1
    user_table = Table(User, ["id", "email", "password", "first_name", "last_name"])
    with Progress("users", len(users)) as bar:
        counts["users"] = user_table.write(users, bar)
    counts["memberships"] = Table(Membership, ["id", "user", "clinic", "role"]).write(memberships)
    patient_fields = [
        "id", "clinic", "physiotherapist", "user", "first_name", "last_name", "date_of_birth",
        "email", "timezone", "quiet_hours_start", "quiet_hours_end", "is_active", "created_at",
        "updated_at",
    ]  # fmt: skip
    with Progress("patients", len(patient_rows)) as bar:
        counts["patients"] = Table(Patient, patient_fields).write(patient_rows, bar)

    # A year of episodes in arrival order (the heap interleaves patients, as in real life).
    diary_pid, writer_pid = p0, p0 + 1
    e0, t0, r0 = next_id(Episode), next_id(EpisodeTrigger), next_id(EpisodeRelief)
    trigger_rows: list[tuple[int, int, str]] = []
    relief_rows: list[tuple[int, int, str, str]] = []
    diary_share = preset.diary_episodes / preset.episodes
    first_day = now - dt.timedelta(days=DAYS_OF_HISTORY)

    def episodes() -> Iterator[tuple[Any, ...]]:
        eid = e0
        per_day, extra = divmod(preset.episodes, DAYS_OF_HISTORY)
        for day in range(DAYS_OF_HISTORY):
            n = per_day + (1 if day < extra else 0)
            base = first_day + dt.timedelta(days=day)
            offsets = sorted(rng.random() * 86400 for _ in range(n))
            for offset in offsets:
                started_at = (base + dt.timedelta(seconds=offset)).replace(microsecond=0)
                if started_at > now:
                    started_at = now - dt.timedelta(minutes=1)
                pid = (
                    diary_pid
                    if rng.random() < diary_share
                    else p0 + 2 + rng.randrange(preset.patients - 2)
                )
                created = min(started_at + dt.timedelta(minutes=rng.randrange(5, 600)), now)
                deleted = min(created + dt.timedelta(days=1), now) if rng.random() < 0.01 else None
                duration = None if rng.random() < 0.1 else rng.randrange(5, 240)
                for code in rng.sample(TRIGGERS, rng.choice((0, 1, 1, 2, 2, 3))):
                    trigger_rows.append((t0 + len(trigger_rows), eid, code))
                for method in rng.sample(RELIEF, rng.choice((0, 0, 1, 1, 2))):
                    relief_rows.append((r0 + len(relief_rows), eid, method, rng.choice(EFFECTS)))
                yield (
                    eid, pid, _uuid(rng), started_at, duration,
                    rng.choices(INTENSITY, INTENSITY_WEIGHTS)[0], rng.choice(SIDES),
                    rng.choice(REGIONS), "[]", RED_FLAGS_CLEAR, "[]", created, created, deleted,
                )  # fmt: skip
                eid += 1

    episode_fields = [
        "id", "patient", "client_id", "started_at", "duration_minutes", "peak_intensity", "side",
        "region", "medicines", "red_flags", "medication_notes", "created_at", "updated_at",
        "deleted_at",
    ]  # fmt: skip
    with Progress("episodes", preset.episodes) as bar:
        counts["episodes"] = Table(Episode, episode_fields).write(episodes(), bar)
    with Progress("episode triggers", len(trigger_rows)) as bar:
        counts["episode_triggers"] = Table(EpisodeTrigger, ["id", "episode", "code"]).write(
            trigger_rows, bar
        )
    with Progress("episode relief", len(relief_rows)) as bar:
        counts["episode_relief"] = Table(
            EpisodeRelief, ["id", "episode", "method", "effect"]
        ).write(relief_rows, bar)
    trigger_rows.clear()
    relief_rows.clear()

    # Exercise programs (one revision, three shipped exercises) and their logged sessions.
    shipped = list(
        Exercise.objects.filter(clinic__isnull=True, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    program_pids = [p0 + i for i in range(0, preset.patients, PROGRAM_EVERY)]
    if writer_pid not in program_pids:
        program_pids.insert(1, writer_pid)
    g0, v0, i0 = next_id(Program), next_id(ProgramRevision), next_id(ProgramItem)
    start = today - dt.timedelta(days=180)
    program_rows: list[tuple[Any, ...]] = []
    revision_rows: list[tuple[Any, ...]] = []
    item_rows: list[tuple[Any, ...]] = []
    program_items: dict[int, list[tuple[int, int]]] = {}  # program id -> (item id, exercise)
    for k, pid in enumerate(program_pids):
        gid, vid = g0 + k, v0 + k
        physio = physios[clinic_ids[(pid - p0) % len(clinic_ids)]][0]
        program_rows.append((gid, pid, "active", physio, now))
        revision_rows.append((vid, gid, 1, start, physio, now))
        chosen = [shipped[(k + j * 7) % len(shipped)] for j in range(3)]
        for order, ex in enumerate(chosen):
            iid = i0 + len(item_rows)
            item_rows.append((iid, vid, ex, order, 2, 10, 1, 7))
            program_items.setdefault(gid, []).append((iid, ex))
    counts["programs"] = Table(
        Program, ["id", "patient", "status", "created_by", "created_at"]
    ).write(program_rows)
    counts["program_revisions"] = Table(
        ProgramRevision, ["id", "program", "number", "start_date", "created_by", "created_at"]
    ).write(revision_rows)
    counts["program_items"] = Table(
        ProgramItem,
        ["id", "revision", "exercise", "order", "sets", "reps", "times_per_day", "days_per_week"],
    ).write(item_rows)
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(Program._meta.db_table)} SET current_revision_id = id - %s + %s "  # noqa: S608
            "WHERE id >= %s",
            [g0, v0, g0],
        )

    s0, si0 = next_id(ExerciseSession), next_id(SessionItem)
    session_item_rows: list[tuple[int, int, int, int, int, int]] = []
    window = (now - dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)).total_seconds()
    session_times = sorted(
        (rng.random() * window, rng.randrange(len(program_pids))) for _ in range(preset.sessions)
    )

    def sessions() -> Iterator[tuple[Any, ...]]:
        for n, (offset, k) in enumerate(session_times):
            sid, gid = s0 + n, g0 + k
            at = (dt.datetime.combine(start, dt.time(12), tzinfo=dt.UTC)
                  + dt.timedelta(seconds=offset)).replace(microsecond=0)  # fmt: skip
            at = min(at, now)
            items = program_items[gid]
            for iid, ex in rng.sample(items, rng.randrange(1, len(items) + 1)):
                session_item_rows.append((si0 + len(session_item_rows), sid, iid, ex, 2, 10))
            pain = rng.randrange(2, 8)
            yield (
                sid, program_pids[k], gid, v0 + k, _uuid(rng), at, pain,
                max(pain + rng.choice((-2, -1, 0, 0, 1)), 0), at,
            )  # fmt: skip

    session_fields = [
        "id", "patient", "program", "revision", "client_id", "performed_at", "pain_before",
        "pain_after", "created_at",
    ]  # fmt: skip
    with Progress("exercise sessions", preset.sessions) as bar:
        counts["exercise_sessions"] = Table(ExerciseSession, session_fields).write(sessions(), bar)
    with Progress("session items", len(session_item_rows)) as bar:
        counts["session_items"] = Table(
            SessionItem, ["id", "session", "program_item", "exercise", "sets_done", "reps_done"]
        ).write(session_item_rows, bar)

    counts |= _outcomes(rng, [p0 + i for i in range(preset.patients)], now)

    reset_sequences(
        [Clinic, User, Membership, Patient, Episode, EpisodeTrigger, EpisodeRelief, Program,
         ProgramRevision, ProgramItem, ExerciseSession, SessionItem, Intake, Assessment,
         Reassessment]
    )  # fmt: skip
    analyze()

    def account(pid: int) -> Account:
        k = program_pids.index(pid) if pid in program_pids else None
        exercises = [ex for _, ex in program_items[g0 + k]] if k is not None else []
        return Account(patient_email[pid], patient_user[pid], pid, exercises)

    # Load users: patients with a program, spread over the clinics, not the diary or writer.
    load_pids = [pid for pid in program_pids if pid not in (diary_pid, writer_pid)]
    return Seeded(
        preset=preset.name,
        password=PASSWORD,
        clinic_ids=clinic_ids,
        physio_ids=[physios[cid][0] for cid in clinic_ids],
        group_admin_id=group_admin_id,
        diary=account(diary_pid),
        writer=account(writer_pid),
        load_accounts=[account(pid) for pid in load_pids[: preset.load_users]],
        counts=counts,
        seconds=round((timezone.now() - started).total_seconds(), 1),
    )


OUTCOME_DAYS = 300  # first screenings spread over the last 300 days
RISKS = (("low", "advice_self_management"), ("medium", "physiotherapy"),
         ("high", "psychologically_informed_physiotherapy"), ("", ""))  # fmt: skip


def _outcomes(rng: random.Random, pids: list[int], now: dt.datetime) -> dict[str, int]:
    """A first screening (pain, Oswestry, STarT Back) for every patient and the progress checks
    (2, 6, 12 weeks) each answered with a probability, for the outcomes report."""
    n0, a0, r0 = next_id(Intake), next_id(Assessment), next_id(Reassessment)
    intakes: list[tuple[Any, ...]] = []
    assessments: list[tuple[Any, ...]] = []
    checks: list[tuple[Any, ...]] = []
    for k, pid in enumerate(pids):
        at = (now - dt.timedelta(seconds=rng.random() * OUTCOME_DAYS * 86400)).replace(
            microsecond=0
        )
        nrs = rng.randrange(3, 11)
        odi = Decimal(rng.randrange(10, 80))
        risk, pathway = RISKS[rng.randrange(len(RISKS))]
        intakes.append((n0 + k, pid, "bench", {}, nrs, at))
        assessments.append((a0 + k, pid, "intake", n0 + k, "routine", 0, "bench", risk, pathway,
                            odi, at))  # fmt: skip
        for weeks in (2, 6, 12):
            when = at + dt.timedelta(weeks=weeks, days=rng.random() * 3)
            if when > now or rng.random() > 0.7:
                continue
            later_nrs = max(0, min(10, nrs - rng.randrange(-2, 6)))
            later_odi = max(Decimal(0), odi - rng.randrange(-6, 30))
            checks.append((r0 + len(checks), pid, n0 + k, weeks, later_nrs,
                           later_odi if rng.random() > 0.2 else None, when))  # fmt: skip
    return {
        "intakes": Table(
            Intake, ["id", "patient", "questionnaire_version", "answers", "pain_nrs", "created_at"]
        ).write(intakes),
        "assessments": Table(
            Assessment,
            [
                "id",
                "patient",
                "source",
                "intake",
                "urgency",
                "urgency_rank",
                "ruleset_version",
                "start_back_risk",
                "pathway",
                "oswestry_score",
                "created_at",
            ],
        ).write(assessments),
        "reassessments": Table(
            Reassessment,
            [
                "id",
                "patient",
                "baseline",
                "milestone_weeks",
                "pain_nrs",
                "oswestry_score",
                "created_at",
            ],
        ).write(checks),
    }


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would have them on a live database."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
