"""The triage capability's parts of the dashboard: open alerts and the queue on Today, the
assessment history on the patient page, and the latest-urgency chip on the patient list.
Registered from TriageConfig.ready()."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Subquery, Value, When
from django.http import HttpRequest
from django.utils import timezone

from clinic import audit, charts, dashboard
from clinic.dashboard import Chip, Column, Panel, scope_of
from clinic.models import Clinic
from patients.models import Patient
from patients.vocabulary import EPISODE_RED_FLAGS

from . import explain, instruments, selectors
from .forms import ResolveForm, ReviewForm
from .models import Assessment, Escalation, Reassessment, Urgency

QUEUE_LIMIT = 10
ALERTS_LIMIT = 50
UNRESOLVED = (Escalation.Status.OPEN, Escalation.Status.ACKNOWLEDGED)
URGENCY_TONE = {
    Urgency.EMERGENCY: "emergency",
    Urgency.URGENT: "urgent",
    Urgency.SOON: "warn",
    Urgency.ROUTINE: "good",
}


def alerts(request: HttpRequest, clinic: Clinic) -> Mapping[str, Any]:
    """Unresolved escalations: unacknowledged first, emergencies first, then oldest first."""
    rows = list(
        selectors.escalations_for_clinician(scope_of(request).user)
        .filter(patient__clinic=clinic, status__in=UNRESOLVED)
        .annotate(
            open_first=Case(
                When(status=Escalation.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("open_first", "-assessment__urgency_rank", "created_at", "id")[:ALERTS_LIMIT]
    )
    audit.record(request, action=audit.Action.LIST, patients=[e.patient for e in rows],
                 object_type="escalation", object_ids=[e.pk for e in rows])  # fmt: skip
    return {"rows": rows, "open": sum(1 for e in rows if e.status == Escalation.Status.OPEN)}


def queue(request: HttpRequest, clinic: Clinic) -> Mapping[str, Any]:
    """Screening results nobody has reviewed yet, most urgent first."""
    unreviewed = (
        selectors.triage_queue(scope_of(request).user)
        .filter(patient__clinic=clinic, review__isnull=True)
    )  # fmt: skip
    rows = list(unreviewed[:QUEUE_LIMIT])
    audit.record(request, action=audit.Action.LIST, patients=[a.patient for a in rows],
                 object_type="assessment", object_ids=[a.pk for a in rows])  # fmt: skip
    total = unreviewed.count()
    return {"rows": rows, "total": total}


def _pathway(code: str) -> instruments.Pathway | None:
    return next((p for p in instruments.PATHWAYS.values() if p.code == code), None)


def _words(text: str) -> str:
    return text.replace("_", " ")


def screening_detail(a: Assessment) -> dict[str, Any]:
    """What the patient answered and said, what it fired and scored, in plain words."""
    own_words: list[tuple[str, str]] = []
    if a.intake is not None:
        answers: Mapping[str, Any] = a.intake.answers
        if a.intake.description:
            own_words.append(("In their own words", a.intake.description))
        medicines = [
            " ".join(filter(None, [m.get("name", ""), m.get("dose", "")]))
            for m in a.intake.medicines or []
            if isinstance(m, Mapping)
        ]
        if medicines:
            own_words.append(("Medicines they take", "; ".join(medicines)))
    elif a.episode is not None:
        answers = {field: True for flag, field in EPISODE_RED_FLAGS.items()
                   if a.episode.red_flags.get(flag)}  # fmt: skip
        own_words += [(label, text) for label, text in (
            ("What set it off, in their words", a.episode.trigger_notes),
            ("Their notes on the episode", a.episode.notes),
        ) if text]  # fmt: skip
    else:
        answers = {}
    pain = answers.get("pain_nrs") if a.intake is not None else None
    return {
        "detail": explain.explain(answers, a.fired_rules, a.ruleset_version),
        "flags": explain.flag_words(a.flags),
        "own_words": own_words,
        "pain": pain,
        "pain_band": instruments.nrs_band(pain) if isinstance(pain, int) else "",
        "oswestry_band": _words(a.oswestry_band),
        "pathway": _pathway(a.pathway),
        "from_episode": a.episode is not None,
    }


def assessments(request: HttpRequest, patient: Patient) -> Mapping[str, Any]:
    history = list(
        Assessment.objects.filter(patient=patient)
        .select_related(
            "review__reviewed_by",
            "escalation__acknowledged_by",
            "escalation__resolved_by",
            "intake__submitted_by",
            "episode",
        )
        .order_by("-created_at", "-id")[:30]
    )
    open_escalations = [
        a.escalation
        for a in history
        if getattr(a, "escalation", None) is not None and a.escalation.status in UNRESOLVED
    ]
    alert_history = [a.escalation for a in history if getattr(a, "escalation", None) is not None]
    reassessments = list(Reassessment.objects.filter(patient=patient).order_by("created_at", "id"))
    audit.record(request, action=audit.Action.LIST, patients=[patient],
                 object_type="assessment")  # fmt: skip
    return {
        "patient": patient,
        "history": [(a, screening_detail(a)) for a in history],
        "open_escalations": open_escalations,
        "alert_history": alert_history,
        "reassessments": reassessments,
        "review_form": ReviewForm(),
        "resolve_form": ResolveForm(),
        "here": request.get_full_path(),
    }


def _verdict(change: Any) -> str:
    if change is None:
        return ""
    if change.clinically_important:
        which = [n for n, met in (("≥ MIC", change.meets_absolute_mic),
                                  ("≥ 30 %", change.meets_30pct)) if met]  # fmt: skip
        return f"Clinically important ({', '.join(which)})"
    if change.improvement > 0:
        return "Better, below the MIC"
    return "Worse" if change.improvement < 0 else "No change"


def _delta(change: Any) -> str:
    if change is None:
        return ""
    amount = f"{abs(change.improvement):g}"
    if change.improvement > 0:
        return f"{amount} better"
    return f"{amount} worse" if change.improvement < 0 else "0"


def progress(request: HttpRequest, patient: Patient) -> Mapping[str, Any]:
    """Pain and Oswestry from the first screening through each progress check."""
    result = selectors.progress_of_patient(patient)
    tz = patient.timezone

    def label(p: Any) -> str:
        return f"{p.label}, {timezone.localtime(p.when, tz).strftime('%d %b %Y')}"

    first = result.points[0].when if result.points else None
    last = result.points[-1].when if result.points else None
    pain = charts.line_chart(
        chart_id="progress-pain",
        title="Pain (NRS 0-10) since the first screening",
        points=[charts.Point(p.when, p.nrs, label(p)) for p in result.points if p.nrs is not None],
        x_label="Date",
        y_label="Pain (0-10)",
        y_max=10,
        start=first,
        end=last,
    )
    odi = charts.line_chart(
        chart_id="progress-odi",
        title="Oswestry Disability Index (0-100) since the first screening",
        points=[charts.Point(p.when, p.odi, label(p)) for p in result.points if p.odi is not None],
        x_label="Date",
        y_label="Oswestry (0-100)",
        y_max=100,
        start=first,
        end=last,
    )
    rows = [
        {
            "label": p.label,
            "when": p.when,
            "nrs": p.nrs,
            "nrs_change": _delta(p.nrs_change),
            "nrs_verdict": _verdict(p.nrs_change),
            "odi": p.odi,
            "odi_change": _delta(p.odi_change),
            "odi_verdict": _verdict(p.odi_change),
        }
        for p in result.points
    ]
    audit.record(request, action=audit.Action.VIEW, patients=[patient], object_type="progress")
    return {"progress": result, "pain_chart": pain, "odi_chart": odi, "rows": rows}


def latest_urgency(request: HttpRequest, patients: list[Patient]) -> Mapping[int, Chip | None]:
    latest = Assessment.objects.filter(patient=OuterRef("pk")).order_by("-created_at", "-id")
    rows = (
        Patient.objects.filter(pk__in=[p.pk for p in patients])
        .annotate(
            urgency=Subquery(latest.values("urgency")[:1]),
            open_alert=Exists(
                Escalation.objects.filter(patient=OuterRef("pk"), status=Escalation.Status.OPEN)
            ),
        )
        .values_list("pk", "urgency", "open_alert")
    )
    chips: dict[int, Chip | None] = {}
    for pk, urgency, open_alert in rows:
        if urgency is None:
            chips[pk] = None
            continue
        text = Urgency(urgency).label.capitalize()
        if open_alert:
            text += " · alert open"
        chips[pk] = Chip(text=text, tone=URGENCY_TONE[urgency], title="Latest screening result")
    return chips


def register() -> None:
    dashboard.register_today_panel(Panel("alerts", "triage/panels/alerts.html", alerts, order=10))
    dashboard.register_today_panel(Panel("queue", "triage/panels/queue.html", queue, order=20))
    dashboard.register_patient_panel(
        Panel("assessments", "triage/panels/assessments.html", assessments, order=20)
    )
    dashboard.register_patient_panel(
        Panel("progress", "triage/panels/progress.html", progress, order=25)
    )
    dashboard.register_column(Column("urgency", "Latest urgency", latest_urgency, order=10))
