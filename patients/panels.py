"""The patients capability's parts of the dashboard: the patient loader, Today panels (replies
saying "worse", rising episodes), patient-page panels (profile, episodes and their charts,
follow-ups, notes) and the "last episode" chip. Registered from PatientsConfig.ready()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import F, Max, Prefetch, Q
from django.http import Http404, HttpRequest
from django.utils import timezone

from clinic import audit, charts, dashboard
from clinic.dashboard import Chip, Column, Panel, scope_of
from clinic.models import Clinic, Notification

from . import analytics, followups
from .forms import NoteForm
from .models import Episode, EpisodeRelief, EpisodeTrigger, FollowUpReply, Patient, PatientNote
from .vocabulary import RELIEF_EFFECT_SCORE, ReliefEffect, ReliefMethod, Trigger

RISING_WINDOW_DAYS = 14
EPISODE_CHART_DAYS = 90
TODAY_LIMIT = 20


def load_patient(request: HttpRequest, pk: int) -> Patient:
    """A patient of the current clinic, or 404 (another clinic's patient is not confirmed)."""
    patient = (
        Patient.objects.filter(clinic=scope_of(request).clinic, pk=pk)
        .select_related("clinic", "physiotherapist")
        .first()
    )
    if patient is None:
        raise Http404("No such patient.")
    return patient


# --- Today -----------------------------------------------------------------------------------


def worse_replies(request: HttpRequest, clinic: Clinic) -> Mapping[str, Any]:
    """Every "worse" nobody has marked seen, whatever the patient answered afterwards."""
    replies = list(
        FollowUpReply.objects.filter(patient__clinic=clinic, patient__is_active=True)
        .filter(unseen_worse())
        .select_related("patient", "notification")
        .order_by("-worse_at", "-id")[:TODAY_LIMIT]
    )
    audit.record(request, action=audit.Action.LIST, patients=[r.patient for r in replies],
                 object_type="followup_reply", object_ids=[r.pk for r in replies])  # fmt: skip
    rows = [(r, followups.KINDS.get(r.notification.kind, r.notification.kind)) for r in replies]
    return {"rows": rows, "here": request.get_full_path()}


def unseen_worse() -> Q:
    return Q(worse_at__isnull=False) & (
        Q(worse_seen_at__isnull=True) | Q(worse_seen_at__lt=F("worse_at"))
    )


def rising(request: HttpRequest, clinic: Clinic) -> Mapping[str, Any]:
    window = analytics.window(RISING_WINDOW_DAYS, ZoneInfo(str(clinic.timezone)))
    patients = Patient.objects.filter(clinic=clinic, is_active=True)
    rows = list(analytics.rising_patients(patients, window)[:TODAY_LIMIT])
    audit.record(
        request,
        action=audit.Action.LIST,
        patients=[Patient(pk=row["id"], clinic_id=clinic.pk) for row in rows],
        object_type="episode",
    )
    return {"rows": rows, "days": RISING_WINDOW_DAYS}


# --- the patient page ------------------------------------------------------------------------


def profile(request: HttpRequest, patient: Patient) -> Mapping[str, Any]:
    audit.record(request, action=audit.Action.VIEW, patients=[patient], object_type="patient",
                 object_ids=[patient.pk])  # fmt: skip
    invitation = patient.invitations.order_by("-created_at", "-id").first()
    muted = [followups.KINDS.get(k, k) for k in patient.muted_kinds]
    return {
        "patient": patient,
        "invitation": invitation,
        "muted": muted,
        "just_registered": request.GET.get("new") == "1",
        "age": _age(patient.date_of_birth, timezone.localdate(timezone=patient.timezone)),
    }


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _effect_label(score: float) -> str:
    labels = {int(v): ReliefEffect(k).label for k, v in RELIEF_EFFECT_SCORE.items()}
    return f"{score:.1f} ({labels.get(round(score), '')})"


def episodes(request: HttpRequest, patient: Patient) -> Mapping[str, Any]:
    summary = analytics.patient_summary(patient, days=EPISODE_CHART_DAYS)
    points = [
        charts.Point(
            when=row["started_at"],
            value=row["peak_intensity"],
            label=timezone.localtime(row["started_at"], patient.timezone).strftime(
                "%d %b %Y %H:%M"
            ),
        )
        for row in analytics.live_episodes()
        .filter(patient=patient, started_at__gte=summary["from"], started_at__lte=summary["to"])
        .order_by("started_at", "id")
        .values("started_at", "peak_intensity")
    ]
    timeline = charts.line_chart(
        chart_id="episode-timeline",
        title=f"Spasm episodes, last {EPISODE_CHART_DAYS} days: peak intensity",
        points=points,
        x_label="Date",
        y_label="Peak intensity (0-10)",
        y_max=10,
        start=summary["from"],
        end=summary["to"],
    )
    triggers = charts.hbar_chart(
        chart_id="episode-triggers",
        title="What set the episodes off",
        bars=[(str(Trigger(t["code"]).label), t["count"]) for t in summary["triggers"]],
        x_label="Episodes",
        y_label="Trigger",
    )
    relief = charts.hbar_chart(
        chart_id="episode-relief",
        title="What helped: mean effect (0 none, 1 some, 2 good)",
        bars=[(str(ReliefMethod(r["method"]).label), r["mean_effect"]) for r in summary["relief"]],
        x_label="Mean effect",
        y_label="Relief",
        x_max=2,
        value_format=lambda v: _effect_label(float(v)),
    )
    recent = list(
        analytics.live_episodes()
        .filter(patient=patient)
        .order_by("-started_at", "-id")
        .prefetch_related(
            Prefetch("triggers", queryset=EpisodeTrigger.objects.order_by("code")),
            Prefetch("relief", queryset=EpisodeRelief.objects.order_by("method")),
        )[:10]
    )
    audit.record(request, action=audit.Action.LIST, patients=[patient], object_type="episode")
    return {
        "summary": summary,
        "timeline": timeline,
        "triggers_chart": triggers,
        "relief_chart": relief,
        "recent": recent,
        "patient": patient,
        "days": EPISODE_CHART_DAYS,
    }


def followups_panel(request: HttpRequest, patient: Patient) -> Mapping[str, Any]:
    sent = list(
        Notification.objects.filter(context__patient_id=patient.pk, kind__in=list(followups.KINDS))
        .select_related("reply__worse_seen_by")
        .order_by("-due_at", "-id")[:30]
    )
    audit.record(request, action=audit.Action.LIST, patients=[patient], object_type="followup")
    rows = []
    for n in sent:
        reply = getattr(n, "reply", None)
        history = [
            (FollowUpReply.Answer(h["answer"]).label, dt.datetime.fromisoformat(h["at"]))
            for h in (reply.history if reply is not None else [])
        ]
        rows.append(
            {"notification": n, "label": followups.KINDS[n.kind], "reply": reply,
             "history": history}
        )  # fmt: skip
    return {"rows": rows, "patient": patient, "here": request.get_full_path()}


def notes(request: HttpRequest, patient: Patient) -> Mapping[str, Any]:
    rows = list(PatientNote.objects.filter(patient=patient).select_related("author")[:50])
    audit.record(request, action=audit.Action.LIST, patients=[patient], object_type="note")
    return {"notes": rows, "form": NoteForm(), "patient": patient}


# --- the patient list ------------------------------------------------------------------------


def last_episode(request: HttpRequest, patients: list[Patient]) -> Mapping[int, Chip | None]:
    latest = dict(
        Episode.objects.filter(patient__in=patients, deleted_at__isnull=True)
        .values("patient_id")
        .annotate(last=Max("started_at"))
        .values_list("patient_id", "last")
    )
    now = timezone.now()
    chips: dict[int, Chip | None] = {}
    for patient in patients:
        when = latest.get(patient.pk)
        if when is None:
            chips[patient.pk] = None
            continue
        days = (now - when).days
        text = "today" if days == 0 else f"{days} d ago"
        chips[patient.pk] = Chip(
            text=f"Episode {text}",
            tone="warn" if days <= 2 else "neutral",
            title=timezone.localtime(when, patient.timezone).strftime("%d %b %Y %H:%M"),
        )
    return chips


def register() -> None:
    dashboard.register_patient_loader(load_patient)
    dashboard.register_followup_kinds(followups.KINDS)
    dashboard.register_today_panel(
        Panel("worse-replies", "patients/panels/worse_replies.html", worse_replies, order=30)
    )
    dashboard.register_today_panel(Panel("rising", "patients/panels/rising.html", rising, order=40))
    dashboard.register_patient_panel(
        Panel("profile", "patients/panels/profile.html", profile, order=10)
    )
    dashboard.register_patient_panel(
        Panel("episodes", "patients/panels/episodes.html", episodes, order=30)
    )
    dashboard.register_patient_panel(
        Panel("follow-ups", "patients/panels/followups.html", followups_panel, order=50)
    )
    dashboard.register_patient_panel(Panel("notes", "patients/panels/notes.html", notes, order=60))
    dashboard.register_column(Column("last-episode", "Last episode", last_episode, order=30))
