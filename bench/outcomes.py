"""Measurement 6: the clinic outcomes report (triage.selectors.outcome_report) against one
hand-written PostgreSQL statement computing the same numbers (cohort, response, MIC shares,
median change and IQR per group, adherence up to the 12-week check).

The app's numbers and the SQL's are compared before anything is timed.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from django.db import connection
from django.utils import timezone

from clinic.models import User
from patients.models import Patient
from programs.models import ExerciseSession, Program, ProgramItem, ProgramRevision, SessionItem
from triage import outcomes, selectors
from triage.models import Assessment, Intake, Reassessment

from .seed import Preset, Seeded
from .summaries import explain, full_scans
from .timing import count_queries, side_by_side

PERIOD_DAYS = 91

PG_REPORT = """
WITH first AS (
    SELECT DISTINCT ON (i.patient_id) i.patient_id, i.created_at, i.pain_nrs,
           a.oswestry_score AS odi, coalesce(a.start_back_risk, '') AS risk,
           coalesce(a.pathway, '') AS pathway
    FROM {intake} i LEFT JOIN {assessment} a ON a.intake_id = i.id
    WHERE i.patient_id IN (SELECT id FROM {patient} WHERE clinic_id = ANY(%(clinics)s))
    ORDER BY i.patient_id, i.created_at, i.id
), cohort AS (
    SELECT f.*, p.physiotherapist_id, p.timezone, f.created_at + interval '12 weeks' AS cut,
           (f.created_at + interval '2 weeks' <= %(now)s)::int
           + (f.created_at + interval '6 weeks' <= %(now)s)::int
           + (f.created_at + interval '12 weeks' <= %(now)s)::int AS due
    FROM first f JOIN {patient} p ON p.id = f.patient_id
    WHERE f.created_at + interval '12 weeks' >= %(start)s
      AND f.created_at + interval '12 weeks' < %(end)s
), checks AS (
    SELECT c.patient_id,
           count(*) FILTER (WHERE c.created_at + make_interval(weeks => r.milestone_weeks)
                                  <= %(now)s) AS done,
           max(r.pain_nrs) FILTER (WHERE r.milestone_weeks = 12) AS nrs12,
           max(r.oswestry_score) FILTER (WHERE r.milestone_weeks = 12) AS odi12
    FROM cohort c JOIN {reassessment} r ON r.patient_id = c.patient_id
    GROUP BY c.patient_id
), runs AS (
    SELECT c.patient_id, g.id AS program_id, v.id AS revision_id, c.cut,
           floor(extract(epoch FROM least(
               c.cut,
               CASE WHEN v.end_date IS NOT NULL
                    THEN ((v.end_date + 1)::timestamp AT TIME ZONE c.timezone) END,
               g.ended_at)
             - (v.start_date::timestamp AT TIME ZONE c.timezone)))::bigint AS seconds
    FROM cohort c JOIN {program} g ON g.patient_id = c.patient_id
    JOIN {revision} v ON v.id = g.current_revision_id
), tallies AS (
    SELECT r.patient_id,
           i.times_per_day * i.days_per_week * r.seconds::numeric / 604800 AS prescribed,
           (SELECT count(*) FROM {session_item} si JOIN {session} s ON s.id = si.session_id
            WHERE s.program_id = r.program_id AND si.exercise_id = i.exercise_id
              AND s.performed_at < r.cut) AS done
    FROM runs r JOIN {item} i ON i.revision_id = r.revision_id
    WHERE r.seconds > 0
), adherence AS (
    SELECT patient_id,
           round(100 * sum(least(done, prescribed)) / nullif(sum(prescribed), 0)) AS pct
    FROM tallies GROUP BY patient_id
), per AS (
    SELECT c.patient_id, c.risk, c.pathway, coalesce(c.physiotherapist_id::text, '') AS physio,
           CASE WHEN a.pct IS NULL THEN 'no_program'
                WHEN a.pct >= %(threshold)s THEN 'at_or_above' ELSE 'below' END AS adh,
           c.due, coalesce(k.done, 0) AS done,
           c.pain_nrs - k.nrs12 AS nrs_imp, c.pain_nrs AS nrs0,
           c.odi - k.odi12 AS odi_imp, c.odi AS odi0
    FROM cohort c LEFT JOIN checks k ON k.patient_id = c.patient_id
    LEFT JOIN adherence a ON a.patient_id = c.patient_id
)
SELECT
    CASE WHEN GROUPING(risk) = 0 THEN 'risk' WHEN GROUPING(pathway) = 0 THEN 'pathway'
         WHEN GROUPING(physio) = 0 THEN 'physiotherapist' WHEN GROUPING(adh) = 0 THEN 'adherence'
         ELSE 'overall' END,
    coalesce(risk, pathway, physio, adh, 'all'),
    count(*),
    count(*) FILTER (WHERE due > 0), sum(done) FILTER (WHERE due > 0), sum(due),
    count(nrs_imp),
    count(*) FILTER (WHERE nrs_imp > 0 AND (nrs_imp >= 2 OR nrs_imp >= 0.3 * nrs0)),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY nrs_imp),
    percentile_cont(0.25) WITHIN GROUP (ORDER BY nrs_imp),
    percentile_cont(0.75) WITHIN GROUP (ORDER BY nrs_imp),
    count(odi_imp),
    count(*) FILTER (WHERE odi_imp > 0 AND (odi_imp >= 10 OR odi_imp >= 0.3 * odi0)),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY odi_imp),
    percentile_cont(0.25) WITHIN GROUP (ORDER BY odi_imp),
    percentile_cont(0.75) WITHIN GROUP (ORDER BY odi_imp)
FROM per
GROUP BY GROUPING SETS ((), (risk), (pathway), (physio), (adh))
"""


def _tables() -> dict[str, str]:
    qn = connection.ops.quote_name
    models = {
        "intake": Intake, "assessment": Assessment, "reassessment": Reassessment,
        "patient": Patient, "program": Program, "revision": ProgramRevision,
        "item": ProgramItem, "session": ExerciseSession, "session_item": SessionItem,
    }  # fmt: skip
    return {k: qn(m._meta.db_table) for k, m in models.items()}


def _r(value: Any, n: int) -> float | None:
    if value is None or n < outcomes.MIN_REPORTABLE:
        return None
    return outcomes.round1(Fraction(str(value)))


def sql_report(clinics: list[int], *, start: dt.date, end: dt.date, now: dt.datetime) -> dict:
    text, params = statement(clinics, start=start, end=end, now=now)
    with connection.cursor() as cursor:
        cursor.execute(text, params)
        rows = cursor.fetchall()
    result = {}
    for section, key, patients, resp_n, done, due, nn, nk, nm, n1, n3, on, ok, om, o1, o3 in rows:
        done, due = int(done or 0), int(due or 0)
        reportable = resp_n >= outcomes.MIN_REPORTABLE
        result[(section, key)] = (
            patients, resp_n,
            done if reportable else None, due if reportable else None,
            outcomes.round1(Fraction(100 * done, due)) if reportable and due else None,
            nn, nk if nn >= outcomes.MIN_REPORTABLE else None,
            _r(nm, nn), _r(n1, nn), _r(n3, nn),
            on, ok if on >= outcomes.MIN_REPORTABLE else None,
            _r(om, on), _r(o1, on), _r(o3, on),
        )  # fmt: skip
    return result


def app_numbers(report: outcomes.Report) -> dict:
    result = {}
    for r in report.rows:
        reportable = r.response.reportable
        result[(r.section, r.key)] = (
            r.patients, r.response.n,
            r.response.done if reportable else None, r.response.due if reportable else None,
            r.response.percent,
            r.nrs_mic.n, r.nrs_mic.k if r.nrs_mic.reportable else None,
            r.nrs_change.median, r.nrs_change.q1, r.nrs_change.q3,
            r.odi_mic.n, r.odi_mic.k if r.odi_mic.reportable else None,
            r.odi_change.median, r.odi_change.q1, r.odi_change.q3,
        )  # fmt: skip
    return result


def statement(
    clinics: list[int], *, start: dt.date, end: dt.date, now: dt.datetime
) -> tuple[str, dict[str, Any]]:
    day = dt.timedelta(days=1)
    return PG_REPORT.format(**_tables()), {
        "clinics": clinics,
        "start": dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC),
        "end": dt.datetime.combine(end + day, dt.time.min, tzinfo=dt.UTC),
        "now": now,
        "threshold": outcomes.ADHERENCE_THRESHOLD,
    }


def _one(user_id: int, preset: Preset, now: dt.datetime, iterations: int) -> dict[str, Any]:
    user = User.objects.get(pk=user_id)
    clinics = selectors.outcome_clinic_ids(user)
    end = now.date()
    start = end - dt.timedelta(days=PERIOD_DAYS - 1)

    def app() -> outcomes.Report:
        return selectors.outcome_report(clinics, start=start, end=end, now=now)

    def sql() -> dict:
        return sql_report(clinics, start=start, end=end, now=now)

    report = app()
    mine, theirs = app_numbers(report), sql()
    if mine != theirs:
        diffs = {k: (mine.get(k), theirs.get(k)) for k in mine.keys() | theirs.keys()
                 if mine.get(k) != theirs.get(k)}  # fmt: skip
        raise AssertionError(f"outcomes: the SQL's numbers differ from the app's: {diffs}")
    queries, statements = count_queries(app)
    text, params = statement(clinics, start=start, end=end, now=now)
    sql_scans = explain(text, params)
    pair = side_by_side(lambda i: app(), lambda i: sql(), iterations=iterations, warmup=3)
    overall = report.overall
    return {
        **pair.summary(),
        "ratio": round(pair.app.median / pair.floor.median, 3),
        "queries": {"app": queries, "floor": 1},
        "same_numbers": True,
        "clinics": len(clinics),
        "patients": overall.patients,
        "numbers": {
            "patients": overall.patients,
            "response_percent": overall.response.percent,
            "nrs_mic_percent": overall.nrs_mic.percent,
            "odi_mic_percent": overall.odi_mic.percent,
        },
        "explain": {
            "app": [{"sql": s, "scans": explain(s)} for s in statements if s.startswith("SELECT")],
            "floor": sql_scans,
            "floor_full_scans": full_scans(sql_scans),
        },
    }


def measure(preset: Preset, seeded: Seeded) -> dict[str, Any]:
    if connection.vendor != "postgresql":
        return {"skipped": "the hand-written statement is PostgreSQL's (DISTINCT ON, GROUPING "
                           "SETS, percentile_cont)"}  # fmt: skip
    now = timezone.now()
    return {"clinic": _one(seeded.physio_ids[0], preset, now, preset.summary_iterations)}
