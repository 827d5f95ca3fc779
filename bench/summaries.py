"""Measurement 3: the spasm-diary statistics (patients.analytics) against hand-written SQL that
computes the same numbers in one statement, and the query plans of both.

The app's numbers and the SQL's are compared before anything is timed.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from clinic.models import Membership, User
from patients import analytics
from patients.models import Episode, EpisodeRelief, EpisodeTrigger, Patient
from patients.selectors import patients_for_clinician
from patients.vocabulary import RELIEF_EFFECT_SCORE

from .seed import Preset, Seeded
from .timing import count_queries, side_by_side

DAYS = 30


def _tables() -> dict[str, str]:
    qn = connection.ops.quote_name
    return {
        "episode": qn(Episode._meta.db_table),
        "trigger": qn(EpisodeTrigger._meta.db_table),
        "relief": qn(EpisodeRelief._meta.db_table),
        "patient": qn(Patient._meta.db_table),
        "membership": qn(Membership._meta.db_table),
    }


def _effect_case() -> str:
    whens = " ".join(
        f"WHEN '{effect}' THEN {score}" for effect, score in RELIEF_EFFECT_SCORE.items()
    )
    return f"CASE r.effect {whens} END"


# --- PostgreSQL -----------------------------------------------------------------------------

PG_PATIENT = """
WITH cur AS (
    SELECT id, started_at, peak_intensity, duration_minutes FROM {episode}
    WHERE patient_id = %(patient)s AND deleted_at IS NULL
      AND started_at >= %(start)s AND started_at <= %(end)s
), prev AS (
    SELECT count(*) AS n, avg(peak_intensity)::float8 AS mean FROM {episode}
    WHERE patient_id = %(patient)s AND deleted_at IS NULL
      AND started_at >= %(previous_start)s AND started_at < %(start)s
)
SELECT
    (SELECT count(*) FROM cur),
    (SELECT avg(peak_intensity)::float8 FROM cur),
    (SELECT max(peak_intensity) FROM cur),
    (SELECT sum(duration_minutes) FROM cur),
    (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_minutes) FROM cur
      WHERE duration_minutes IS NOT NULL),
    (SELECT n FROM prev),
    (SELECT mean FROM prev),
    (SELECT json_agg(json_build_array(h, n)) FROM (
        SELECT extract(hour FROM started_at AT TIME ZONE %(tz)s)::int AS h, count(*) AS n
        FROM cur GROUP BY 1) x),
    (SELECT json_agg(json_build_array(d, n)) FROM (
        SELECT extract(isodow FROM started_at AT TIME ZONE %(tz)s)::int AS d, count(*) AS n
        FROM cur GROUP BY 1) x),
    (SELECT json_agg(json_build_array(code, n) ORDER BY n DESC, code) FROM (
        SELECT t.code, count(*) AS n FROM {trigger} t JOIN cur ON cur.id = t.episode_id
        GROUP BY t.code) x),
    (SELECT json_agg(json_build_array(method, uses, mean_effect, good)
                     ORDER BY mean_effect DESC, uses DESC, method) FROM (
        SELECT r.method, count(*) AS uses, avg({effect})::float8 AS mean_effect,
               count(*) FILTER (WHERE r.effect = 'good') AS good
        FROM {relief} r JOIN cur ON cur.id = r.episode_id GROUP BY r.method) x)
"""

PG_CLINIC = """
WITH ep AS (
    SELECT e.id, e.patient_id, e.peak_intensity, e.started_at >= %(start)s AS is_cur
    FROM {episode} e
    WHERE e.deleted_at IS NULL AND e.started_at >= %(previous_start)s AND e.started_at <= %(end)s
      AND e.patient_id IN (
        SELECT id FROM {patient} WHERE is_active AND clinic_id IN (
            SELECT clinic_id FROM {membership} WHERE user_id = %(user)s))
), per AS (
    SELECT patient_id,
           count(*) FILTER (WHERE is_cur) AS cur_n,
           count(*) FILTER (WHERE NOT is_cur) AS prev_n,
           avg(peak_intensity) FILTER (WHERE is_cur)::float8 AS cur_i,
           avg(peak_intensity) FILTER (WHERE NOT is_cur)::float8 AS prev_i
    FROM ep GROUP BY patient_id
), rising AS (
    SELECT * FROM per
    WHERE (cur_n >= %(min_episodes)s AND cur_n > prev_n) OR cur_i >= prev_i + %(points)s
    ORDER BY cur_n DESC, cur_i DESC, patient_id LIMIT 50
)
SELECT
    (SELECT count(*) FROM ep WHERE is_cur),
    (SELECT count(DISTINCT patient_id) FROM ep WHERE is_cur),
    (SELECT json_agg(json_build_array(code, n) ORDER BY n DESC, code) FROM (
        SELECT t.code, count(*) AS n FROM {trigger} t JOIN ep ON ep.id = t.episode_id
        WHERE ep.is_cur GROUP BY t.code ORDER BY n DESC, t.code LIMIT 10) x),
    (SELECT json_agg(json_build_array(r.patient_id, p.first_name, p.last_name, r.cur_n,
                                      r.prev_n, r.cur_i, r.prev_i)
                     ORDER BY r.cur_n DESC, r.cur_i DESC, r.patient_id)
     FROM rising r JOIN {patient} p ON p.id = r.patient_id)
"""

# --- SQLite (Django registers the timezone-aware extract function on its connections) -------

SQLITE_PATIENT = """
WITH cur AS (
    SELECT id, started_at, peak_intensity, duration_minutes FROM {episode}
    WHERE patient_id = %(patient)s AND deleted_at IS NULL
      AND started_at >= %(start)s AND started_at <= %(end)s
), dur AS (
    SELECT duration_minutes AS m FROM cur WHERE duration_minutes IS NOT NULL
), prev AS (
    SELECT count(*) AS n, avg(peak_intensity) AS mean FROM {episode}
    WHERE patient_id = %(patient)s AND deleted_at IS NULL
      AND started_at >= %(previous_start)s AND started_at < %(start)s
)
SELECT
    (SELECT count(*) FROM cur),
    (SELECT avg(peak_intensity) FROM cur),
    (SELECT max(peak_intensity) FROM cur),
    (SELECT sum(duration_minutes) FROM cur),
    (SELECT avg(m) FROM (SELECT m FROM dur ORDER BY m
        LIMIT 2 - (SELECT count(*) FROM dur) %% 2 OFFSET ((SELECT count(*) FROM dur) - 1) / 2)),
    (SELECT n FROM prev),
    (SELECT mean FROM prev),
    (SELECT json_group_array(json_array(h, n)) FROM (
        SELECT django_datetime_extract('hour', started_at, %(tz)s, 'UTC') AS h, count(*) AS n
        FROM cur GROUP BY 1)),
    (SELECT json_group_array(json_array(d, n)) FROM (
        SELECT django_datetime_extract('iso_week_day', started_at, %(tz)s, 'UTC') AS d,
               count(*) AS n
        FROM cur GROUP BY 1)),
    (SELECT json_group_array(json_array(code, n)) FROM (
        SELECT t.code, count(*) AS n FROM {trigger} t JOIN cur ON cur.id = t.episode_id
        GROUP BY t.code ORDER BY n DESC, t.code)),
    (SELECT json_group_array(json_array(method, uses, mean_effect, good)) FROM (
        SELECT r.method, count(*) AS uses, avg({effect}) AS mean_effect,
               count(*) FILTER (WHERE r.effect = 'good') AS good
        FROM {relief} r JOIN cur ON cur.id = r.episode_id GROUP BY r.method
        ORDER BY mean_effect DESC, uses DESC, r.method))
"""

SQLITE_CLINIC = """
WITH ep AS (
    SELECT e.id, e.patient_id, e.peak_intensity, e.started_at >= %(start)s AS is_cur
    FROM {episode} e
    WHERE e.deleted_at IS NULL AND e.started_at >= %(previous_start)s AND e.started_at <= %(end)s
      AND e.patient_id IN (
        SELECT id FROM {patient} WHERE is_active AND clinic_id IN (
            SELECT clinic_id FROM {membership} WHERE user_id = %(user)s))
), per AS (
    SELECT patient_id,
           count(*) FILTER (WHERE is_cur) AS cur_n,
           count(*) FILTER (WHERE NOT is_cur) AS prev_n,
           avg(peak_intensity) FILTER (WHERE is_cur) AS cur_i,
           avg(peak_intensity) FILTER (WHERE NOT is_cur) AS prev_i
    FROM ep GROUP BY patient_id
), rising AS (
    SELECT * FROM per
    WHERE (cur_n >= %(min_episodes)s AND cur_n > prev_n) OR cur_i >= prev_i + %(points)s
    ORDER BY cur_n DESC, cur_i DESC, patient_id LIMIT 50
)
SELECT
    (SELECT count(*) FROM ep WHERE is_cur),
    (SELECT count(DISTINCT patient_id) FROM ep WHERE is_cur),
    (SELECT json_group_array(json_array(code, n)) FROM (
        SELECT t.code, count(*) AS n FROM {trigger} t JOIN ep ON ep.id = t.episode_id
        WHERE ep.is_cur GROUP BY t.code ORDER BY n DESC, t.code LIMIT 10)),
    (SELECT json_group_array(json_array(r.patient_id, p.first_name, p.last_name, r.cur_n,
                                        r.prev_n, r.cur_i, r.prev_i))
     FROM (SELECT * FROM rising ORDER BY cur_n DESC, cur_i DESC, patient_id) r
     JOIN {patient} p ON p.id = r.patient_id)
"""


def _param_time(value: dt.datetime) -> Any:
    if connection.vendor == "sqlite":
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _rows(raw: Any) -> list[Any]:
    if raw is None:
        return []
    return json.loads(raw) if isinstance(raw, str) else list(raw)


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def _change(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None or previous == 0:
        return None
    return round((current - previous) / previous * 100, 1)


def patient_statement(
    patient: Patient, *, days: int, now: dt.datetime
) -> tuple[str, dict[str, Any]]:
    w = analytics.window(days, ZoneInfo(str(patient.timezone)), now)
    template = PG_PATIENT if connection.vendor == "postgresql" else SQLITE_PATIENT
    params = {
        "patient": patient.pk,
        "start": _param_time(w.start),
        "end": _param_time(w.end),
        "previous_start": _param_time(w.previous_start),
        "tz": str(patient.timezone),
    }
    return template.format(**_tables(), effect=_effect_case()), params


def sql_patient_summary(patient: Patient, *, days: int, now: dt.datetime) -> dict[str, Any]:
    w = analytics.window(days, ZoneInfo(str(patient.timezone)), now)
    sql, params = patient_statement(patient, days=days, now=now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    count, mean, peak, total, median, prev_n, prev_mean = row[:7]
    by_hour = {int(h): n for h, n in _rows(row[7])}
    by_weekday = {int(d): n for d, n in _rows(row[8])}
    return {
        "days": days,
        "timezone": str(patient.timezone),
        "from": w.start,
        "to": w.end,
        "episodes": count,
        "episodes_per_week": round(count / days * 7, 2),
        "mean_intensity": _rounded(mean),
        "peak_intensity": peak,
        "total_duration_minutes": total or 0,
        "median_duration_minutes": float(median) if median is not None else None,
        "triggers": [{"code": c, "count": n} for c, n in _rows(row[9])],
        "relief": [
            {"method": m, "uses": u, "mean_effect": round(e, 2), "good": g}
            for m, u, e, g in _rows(row[10])
        ],
        "by_hour": [{"hour": h, "episodes": by_hour.get(h, 0)} for h in range(24)],
        "by_weekday": [
            {"weekday": name, "episodes": by_weekday.get(i, 0)}
            for i, name in enumerate(analytics.WEEKDAYS, start=1)
        ],
        "previous": {"episodes": prev_n, "mean_intensity": _rounded(prev_mean)},
        "trend": {
            "episodes_change_pct": _change(count, prev_n),
            "mean_intensity_change": (
                round(mean - prev_mean, 2) if mean is not None and prev_mean is not None else None
            ),
        },
    }


def clinic_statement(
    user: User, *, days: int, tz: dt.tzinfo, now: dt.datetime
) -> tuple[str, dict[str, Any]]:
    w = analytics.window(days, tz, now)
    template = PG_CLINIC if connection.vendor == "postgresql" else SQLITE_CLINIC
    params = {
        "user": user.pk,
        "start": _param_time(w.start),
        "end": _param_time(w.end),
        "previous_start": _param_time(w.previous_start),
        "min_episodes": analytics.RISING_MIN_EPISODES,
        "points": analytics.RISING_INTENSITY_POINTS,
    }
    return template.format(**_tables()), params


def sql_clinic_summary(user: User, *, days: int, tz: dt.tzinfo, now: dt.datetime) -> dict[str, Any]:
    w = analytics.window(days, tz, now)
    sql, params = clinic_statement(user, days=days, tz=tz, now=now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        episodes, reporting, triggers, rising = cursor.fetchone()
    return {
        "days": days,
        "from": w.start,
        "to": w.end,
        "episodes": episodes,
        "patients_reporting": reporting,
        "top_triggers": [{"code": c, "count": n} for c, n in _rows(triggers)],
        "rising_patients": [
            {
                "id": pid,
                "name": f"{first} {last}",
                "episodes": cur_n,
                "previous_episodes": prev_n,
                "mean_intensity": _rounded(cur_i),
                "previous_mean_intensity": _rounded(prev_i),
            }
            for pid, first, last, cur_n, prev_n, cur_i, prev_i in _rows(rising)
        ],
    }


# --- query plans ----------------------------------------------------------------------------


def _walk_pg(node: dict[str, Any], out: list[str]) -> None:
    kind = node.get("Node Type", "")
    if "Scan" in kind:
        where = node.get("Relation Name") or ""
        index = node.get("Index Name")
        label = kind + (f" using {index}" if index else "") + (f" on {where}" if where else "")
        out.append(label)
    for child in node.get("Plans", []):
        _walk_pg(child, out)


def explain(sql: str, params: Any = None) -> list[str]:
    """The scans of one statement: node type, index and relation (PostgreSQL), or the
    EXPLAIN QUERY PLAN lines (SQLite)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            scans: list[str] = []
            _walk_pg(plan[0]["Plan"], scans)
            return scans
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [row[-1] for row in cursor.fetchall() if "SCAN" in row[-1] or "SEARCH" in row[-1]]


BIG_TABLES = (Episode._meta.db_table, EpisodeTrigger._meta.db_table, EpisodeRelief._meta.db_table)


def full_scans(scans: list[str]) -> list[str]:
    """Scans that read a whole large table rather than an index range."""
    bad = []
    for scan in scans:
        if connection.vendor == "postgresql":
            if scan.startswith("Seq Scan") and scan.split(" on ")[-1] in BIG_TABLES:
                bad.append(scan)
        else:
            words = scan.split()
            if words[:1] == ["SCAN"] and words[1] in BIG_TABLES and "INDEX" not in scan:
                bad.append(scan)
    return bad


def _plans_of(fn: Callable[[], object]) -> list[dict[str, Any]]:
    _, statements = count_queries(fn)
    return [{"sql": sql, "scans": explain(sql)} for sql in statements]


# --- the measurement ------------------------------------------------------------------------


def _compare(app: dict[str, Any], sql: dict[str, Any], what: str) -> None:
    if app != sql:
        diffs = {k: (app.get(k), sql.get(k)) for k in app.keys() | sql.keys()
                 if app.get(k) != sql.get(k)}  # fmt: skip
        raise AssertionError(f"{what}: the SQL's numbers differ from the app's: {diffs}")


def _one(
    what: str,
    app: Callable[[], dict[str, Any]],
    sql_fn: Callable[[], dict[str, Any]],
    sql_text: str,
    sql_params: dict[str, Any],
    iterations: int,
) -> dict[str, Any]:
    app_result, sql_result = app(), sql_fn()
    _compare(app_result, sql_result, what)
    queries, _ = count_queries(app)
    app_plans = _plans_of(app)
    sql_scans = explain(sql_text, sql_params)
    pair = side_by_side(lambda i: app(), lambda i: sql_fn(), iterations=iterations, warmup=3)
    app_full = sorted({s for p in app_plans for s in full_scans(p["scans"])})
    return {
        **pair.summary(),
        "ratio": round(pair.app.median / pair.floor.median, 3),
        "queries": {"app": queries, "floor": 1},
        "same_numbers": True,
        "numbers": {
            k: app_result[k]
            for k in ("episodes", "patients_reporting", "mean_intensity", "previous")
            if k in app_result
        },
        "explain": {
            "app": app_plans,
            "floor": sql_scans,
            "app_full_scans": app_full,
            "floor_full_scans": full_scans(sql_scans),
        },
    }


def _clinic(user_id: int, now: dt.datetime, iterations: int, what: str) -> dict[str, Any]:
    user = User.objects.get(pk=user_id)
    membership = user.memberships.select_related("clinic").first()
    assert membership is not None  # noqa: S101 - seeded staff always have a clinic
    tz = ZoneInfo(str(membership.clinic.timezone))  # as ClinicEpisodeSummaryView does
    patients = patients_for_clinician(user).filter(is_active=True)

    def app() -> Any:
        return analytics.clinic_summary(patients, days=DAYS, tz=tz, now=now)

    def sql() -> dict[str, Any]:
        return sql_clinic_summary(user, days=DAYS, tz=tz, now=now)

    text, params = clinic_statement(user, days=DAYS, tz=tz, now=now)
    result = _one(what, app, sql, text, params, iterations)
    result["patients"] = patients.count()
    result["clinics"] = user.memberships.count()
    return result


def measure(preset: Preset, seeded: Seeded) -> dict[str, Any]:
    now = timezone.now()
    patient = Patient.objects.get(pk=seeded.diary.patient_id)

    def app() -> Any:
        return analytics.patient_summary(patient, days=DAYS, now=now)

    def sql() -> dict[str, Any]:
        return sql_patient_summary(patient, days=DAYS, now=now)

    text, params = patient_statement(patient, days=DAYS, now=now)
    few = max(5, math.ceil(preset.summary_iterations / 3))
    return {
        "patient_summary": _one(
            "patient summary", app, sql, text, params, preset.summary_iterations
        ),
        "clinic_summary": _clinic(
            seeded.physio_ids[0], now, preset.summary_iterations, "clinic summary"
        ),
        "group_summary": _clinic(seeded.group_admin_id, now, few, "group summary"),
    }
