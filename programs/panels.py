"""The programs capability's parts of the dashboard: programs with falling adherence on Today,
the patient's program with its weekly adherence chart, and the adherence chip on the patient
list. Registered from ProgramsConfig.ready()."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from clinic import audit, charts, dashboard
from clinic.dashboard import Chip, Column, Panel
from clinic.models import Clinic
from patients.models import Patient

from . import selectors

ADHERENCE_WEEKS = 6
TODAY_LIMIT = 20


def falling(request: HttpRequest, clinic: Clinic) -> Mapping[str, Any]:
    programs = list(
        selectors.active_programs(Patient.objects.filter(clinic=clinic, is_active=True))
    )
    recent = selectors.recent_adherence(programs)
    rows = sorted(
        (r for r in recent.values() if r.falling),
        key=lambda r: (r.current or 0) - (r.previous or 0),
    )[:TODAY_LIMIT]
    audit.record(request, action=audit.Action.LIST, patients=[r.program.patient for r in rows],
                 object_type="program", object_ids=[r.program.pk for r in rows])  # fmt: skip
    return {"rows": rows, "points": selectors.FALLING_POINTS}


def program(request: HttpRequest, patient: Patient) -> Mapping[str, Any]:
    active = selectors.active_program(patient)
    report = selectors.patient_adherence(patient, weeks=ADHERENCE_WEEKS)
    shown = report.program if report is not None else None
    history = selectors.program_history(patient)
    context: dict[str, Any] = {
        "patient": patient,
        "program": active,
        "history": history,
        "past": [entry for entry in history if entry.program.status != "active"],
        "revisions": next(
            (entry.revisions for entry in history if entry.program.status == "active"), []
        ),
    }
    if report is not None:
        summary = report.summary
        context["report"] = report
        context["shown"] = shown
        context["chart"] = charts.bar_chart(
            chart_id="weekly-adherence",
            title=f"Exercises done as prescribed, week by week (last {ADHERENCE_WEEKS} weeks, "
            "all programs)",
            bars=[(w.start.strftime("%d %b"), w.adherence_percent or 0) for w in summary.weeks],
            x_label="Week starting",
            y_label="Adherence (%)",
            y_max=100,
            value_format=lambda v: f"{v}%",
        )
        context["flagged"] = [
            (report.exercises[stat.exercise_id], stat) for stat in summary.flagged
        ]
    else:
        context["suggestion"] = selectors.suggestion_for_patient(patient)
    audit.record(request, action=audit.Action.VIEW, patients=[patient], object_type="program",
                 object_ids=[shown.pk if shown else ""])  # fmt: skip
    return context


def adherence(request: HttpRequest, patients: list[Patient]) -> Mapping[int, Chip | None]:
    programs = list(
        selectors.active_programs(Patient.objects.filter(pk__in=[p.pk for p in patients]))
    )
    recent = selectors.recent_adherence(programs)
    chips: dict[int, Chip | None] = {p.pk: None for p in patients}
    for r in recent.values():
        if r.current is None:
            chips[r.program.patient_id] = Chip("Program starting", "neutral")
            continue
        tone = "good" if r.current >= 80 else "warn" if r.current >= 50 else "danger"
        arrow = " ↓" if r.falling else ""
        previous = f", {r.previous}% the week before" if r.previous is not None else ""
        chips[r.program.patient_id] = Chip(
            f"{r.current}%{arrow}", tone, title=f"Exercises done, last 7 days{previous}"
        )
    return chips


def register() -> None:
    dashboard.register_today_panel(
        Panel("adherence", "programs/panels/falling.html", falling, order=50)
    )
    dashboard.register_patient_panel(
        Panel("program", "programs/panels/program.html", program, order=40)
    )
    dashboard.register_column(Column("adherence", "Adherence", adherence, order=20))
