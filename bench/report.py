"""The results table (markdown, printed and saved) and the raw JSON beside it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def _verdict(ratio: float | None, target: float, *, at_least: bool) -> str:
    if ratio is None:
        return "n/a"
    if (ratio >= target) if at_least else (ratio <= target):
        return "**met**"
    short = target / ratio if at_least else ratio / target
    return f"**missed** ({short:.1f}x short)"


def rows(r: dict[str, Any]) -> list[list[str]]:
    out: list[list[str]] = []
    m = r.get("measurements", {})
    if "post" in m:
        p = m["post"]
        out.append([
            "1", "Episode POST: API (JWT, validation, Idempotency-Key, audit, history, "
            "re-triage) vs a view doing one INSERT",
            f"{p['app']['per_second']:,.0f}/s ({_ms(p['app']['median_ms'])}, "
            f"{p['queries']['app']} queries)",
            f"{p['floor']['per_second']:,.0f}/s ({_ms(p['floor']['median_ms'])}, "
            f"{p['queries']['floor']} query)",
            f"{p['ratio']:.2f}x", ">= 0.35x", _verdict(p["ratio"], 0.35, at_least=True),
        ])  # fmt: skip
    if "list" in m:
        p = m["list"]
        out.append([
            "2", f"Episode list, page of {p['rows']}: API vs a values() JSON view",
            f"{p['app']['per_second']:,.0f}/s ({_ms(p['app']['median_ms'])}, "
            f"{p['queries']['app']} queries)",
            f"{p['floor']['per_second']:,.0f}/s ({_ms(p['floor']['median_ms'])}, "
            f"{p['queries']['floor']} query)",
            f"{p['ratio']:.2f}x", ">= 0.35x", _verdict(p["ratio"], 0.35, at_least=True),
        ])  # fmt: skip
    labels = {
        "patient_summary": ("3a", "Patient 30-day summary (heaviest diary)"),
        "clinic_summary": ("3b", "Clinic dashboard, one clinic"),
        "group_summary": ("3c", "Clinic dashboard, whole group"),
    }
    for key, (num, label) in labels.items():
        if key not in m.get("summaries", {}):
            continue
        s = m["summaries"][key]
        scope = ""
        if "patients" in s:
            scope = f" ({s['clinics']} clinic(s), {s['patients']:,} patients)"
        plans = (
            "index scans only"
            if not s["explain"]["app_full_scans"]
            else ("full scans: " + "; ".join(s["explain"]["app_full_scans"]))
        )
        sql_plans = (
            "index scans only"
            if not s["explain"]["floor_full_scans"]
            else ("full scans: " + "; ".join(s["explain"]["floor_full_scans"]))
        )
        out.append([
            num, f"{label}{scope}: analytics vs hand-written SQL",
            f"{_ms(s['app']['median_ms'])} ({s['queries']['app']} queries; EXPLAIN: {plans})",
            f"{_ms(s['floor']['median_ms'])} (1 statement; EXPLAIN: {sql_plans})",
            f"{s['ratio']:.2f}x time", "<= 1.5x", _verdict(s["ratio"], 1.5, at_least=False),
        ])  # fmt: skip
    outcome = m.get("outcomes", {})
    if "skipped" in outcome:
        out.append(["6", "Outcomes report, one clinic: app vs hand-written SQL", "-", "-", "-",
                    "<= 1.5x", f"n/a ({outcome['skipped']})"])  # fmt: skip
    if "clinic" in outcome:
        o = outcome["clinic"]
        out.append([
            "6", f"Outcomes report, one clinic ({o['patients']:,} patients with a 12-week check "
            "due in 91 days): triage.selectors.outcome_report vs hand-written SQL",
            f"{_ms(o['app']['median_ms'])} ({o['queries']['app']} queries)",
            f"{_ms(o['floor']['median_ms'])} (1 statement)",
            f"{o['ratio']:.2f}x time", "<= 1.5x", _verdict(o["ratio"], 1.5, at_least=False),
        ])  # fmt: skip
    if "sweep" in m:
        s = m["sweep"]
        out.append([
            "4", f"Outbox sweep of {s['rows']:,} due follow-ups vs a save() loop "
            "(publish stubbed: database work)",
            f"{s['app']['rows_per_second']:,}/s ({s['batches']} batches, "
            f"{'/'.join(map(str, s['queries_per_batch']))} queries per batch)",
            f"{s['floor']['rows_per_second']:,}/s ({s['loop_queries']:,} queries)",
            f"{s['ratio']:.1f}x", ">= 5x; constant queries per batch",
            _verdict(s["ratio"], 5, at_least=True)
            + ("" if len(s["queries_per_batch"]) == 1 else " (queries per batch vary)"),
        ])  # fmt: skip
        if "with_broker" in s:
            b = s["with_broker"]
            out.append([
                "4b", "The same with every row published to Redis",
                f"{b['app']['rows_per_second']:,}/s", f"{b['floor']['rows_per_second']:,}/s",
                f"{b['ratio']:.1f}x", "(information)", "-",
            ])  # fmt: skip
    if "load" in m:
        lo = m["load"]
        if "skipped" in lo:
            out.append(["5", lo["skipped"], "-", "-", "-", "-", "not run"])
        else:
            t = lo["stats"]["total"]
            login = lo.get("ramp", {}).get("endpoints", {}).get("POST /auth/token/", {})
            ep, se = lo["episodes"], lo["sessions"]
            clean = (
                lo["errors"] == 0 and ep["lost"] == 0 and ep["duplicated"] == 0
                and se["lost"] == 0 and se["duplicated"] == 0 and lo["anomaly_count"] == 0
            )  # fmt: skip
            out.append([
                "5a", f"Load: {lo['users']} app users for {lo['seconds']} s (after they logged "
                f"in) against gunicorn ({lo['gunicorn_workers']} workers), PostgreSQL, Redis, "
                "2 Celery workers",
                f"{t['requests']:,} requests, {t['rps']}/s, p50 {t['p50_ms']} ms, p95 "
                f"{t['p95_ms']} ms; {lo['errors']} errors; the {lo['users']} logins "
                f"(Argon2) before: p50 {login.get('p50_ms', '-')} ms, "
                f"p95 {login.get('p95_ms', '-')} ms",
                f"episodes {ep['acknowledged']:,} acknowledged / {ep['lost']} lost / "
                f"{ep['duplicated']} duplicated; sessions {se['acknowledged']:,} / "
                f"{se['lost']} / {se['duplicated']}",
                "-", "zero errors, lost, duplicated", "**met**" if clean else "**missed**",
            ])  # fmt: skip
            e, n = lo["alert_emails"], lo["noop"]
            out.append([
                "5b", f"Red-flag episode commit to escalation email at the SMTP sink, with "
                f"{lo['reminders_queued']:,} reminders queued ahead, vs a no-op task's "
                "enqueue to run",
                f"p95 {_ms(e.get('p95_ms'))} (p50 {_ms(e.get('p50_ms'))}, {e['n']} emails)",
                f"p95 {_ms(n.get('p95_ms'))} (p50 {_ms(n.get('p50_ms'))}, {n['n']} tasks)",
                f"{lo['ratio']:.1f}x" if lo["ratio"] is not None else "-", "<= 5x",
                _verdict(lo["ratio"], 5, at_least=False),
            ])  # fmt: skip
    for key, failure in r.get("failures", {}).items():
        out.append(["!", f"{key} failed: {failure.splitlines()[0][:300]}", "-", "-", "-", "-",
                    "**not measured**"])  # fmt: skip
    return out


def table(r: dict[str, Any]) -> str:
    header = ["#", "measurement (same run, same machine)", "app", "floor / baseline", "ratio",
              "target", "result"]  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(r)]
    return "\n".join(lines)


def _environment(r: dict[str, Any]) -> str:
    e = r["environment"]
    server = ", ".join(f"{k} {v}" for k, v in e.get("server", {}).items())
    load = (
        f"load average {e['load_average'][0]} before, {e.get('load_average_after', ['?'])[0]} after"
    )
    counts = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in r["seeded"]["counts"].items())
    dirty = (
        f" (working tree had uncommitted changes in: {', '.join(e['dirty'])})" if e["dirty"] else ""
    )
    return "\n".join([
        f"- preset **{r['preset']}** on **{e['database']}**, {e['started']}, "
        f"total wall time {r['wall_seconds']:.0f} s (seeding {r['seeded']['seconds']:.0f} s)",
        f"- machine: {e['machine']} ({load}); Python {e['python']}, Django {e['django']}"
        + (f"; server: {server}" if server else ""),
        f"- code: commit {e['commit']}{dirty}",
        f"- data: {counts}",
    ])  # fmt: skip


_TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"?([a-z_]+)"?', re.IGNORECASE)


def gist(sql: str) -> str:
    """`SELECT patients_episode`, `BEGIN`...: what a statement does and to which table."""
    words = sql.split()
    verb = " ".join(words[:2]) if words[:1] in (["DELETE"], ["INSERT"]) else words[0]
    if verb in ("RELEASE", "SAVEPOINT", "BEGIN", "COMMIT", "ROLLBACK"):
        return verb
    match = _TABLE.search(sql)
    return f"{verb.split()[0]} {match.group(1)}" if match else verb


def _details(r: dict[str, Any]) -> str:
    m = r.get("measurements", {})
    parts: list[str] = []
    for key, label in (("post", "episode POST"), ("list", "episode list")):
        split = m.get(key, {}).get("time_split")
        if split:
            a, f = split["app"], split["floor"]
            parts.append(
                f"**{label}**, time per request: API {a['total_ms']} ms = {a['database_ms']} ms "
                f"in statements + {a['python_ms']} ms in Python; floor {f['total_ms']} ms = "
                f"{f['database_ms']} ms + {f['python_ms']} ms."
            )
            statements = m[key].get("app_sql", [])
            parts.append(f"The API's {len(statements)} statements: "
                         + ", ".join(gist(q) for q in statements) + "\n")  # fmt: skip
    for key in ("patient_summary", "clinic_summary", "group_summary"):
        s = m.get("summaries", {}).get(key)
        if not s:
            continue
        parts.append(f"**{key.replace('_', ' ')}**: scans per query of the app")
        for i, plan in enumerate(s["explain"]["app"], start=1):
            parts.append(f"{i}. {'; '.join(plan['scans']) or '(no table scan)'}")
        parts.append(f"\nhand-written SQL: {'; '.join(s['explain']['floor'])}\n")
    lo = m.get("load", {})
    if lo and "stats" in lo:
        parts.append("**load run, per endpoint, steady state** (locust; ms)\n")
        parts.append("| endpoint | requests | failures | p50 | p95 | p99 |")
        parts.append("|---|---|---|---|---|---|")
        for name, s in lo["stats"]["endpoints"].items():
            parts.append(
                f"| {name} | {s['requests']:,} | {s['failures']} | {s['p50_ms']} | "
                f"{s['p95_ms']} | {s['p99_ms']} |"
            )
        f = lo["first_alert_email"]
        parts.append(
            f"\nEscalations: {lo['escalations']} from {lo['red_flag_posts']} red-flag posts; "
            f"alert rows by status {lo['alert_statuses']}; first email per escalation p50 "
            f"{_ms(f.get('p50_ms'))}, p95 {_ms(f.get('p95_ms'))}. Reminders sent during the "
            f"run: {lo['reminders_sent']:,} of {lo['reminders_queued']:,}. Rows stored "
            f"without an acknowledgement (request cut off at the end): episodes "
            f"{lo['episodes']['unacknowledged_rows']}, sessions "
            f"{lo['sessions']['unacknowledged_rows']}."
        )
        if lo["stats"]["errors"]:
            parts.append(f"\nErrors: {lo['stats']['errors']}")
        if lo["anomaly_count"]:
            parts.append(f"\nIdempotency anomalies: {lo['anomalies']}")
    return "\n".join(parts)


def markdown(r: dict[str, Any]) -> str:
    return "\n\n".join([
        f"# Benchmark: {r['preset']} preset on {r['environment']['database']}",
        _environment(r),
        table(r),
        "Ratios: 1, 2 and 4 are throughput ratios (app per second / floor per second); 3 and 5b "
        "are time ratios (app / floor). Medians of alternating runs in one process.",
        "## Details",
        _details(r),
    ]) + "\n"  # fmt: skip


def save(r: dict[str, Any], stamp: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    name = f"{stamp}-{r['preset']}-{r['environment']['vendor']}"
    md = markdown(r)
    (RESULTS / f"{name}.md").write_text(md)
    (RESULTS / f"{name}.json").write_text(json.dumps(r, indent=1, default=str))
    (RESULTS / "latest.md").write_text(md)
    (RESULTS / "latest.json").write_text(json.dumps(r, indent=1, default=str))
    return RESULTS / f"{name}.md"
