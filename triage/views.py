"""Dashboard pages of the triage capability: the queue, one-click acknowledge and resolve,
reviewing a screening result, and an intake recorded by a clinician."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic import audit, dashboard
from clinic.dashboard import clinician_required, safe_next, scope_of
from clinic.errors import DomainError
from clinic.forms import error_summary

from . import outcomes, selectors, services
from .explain import flag_words
from .forms import UNANSWERED, UNANSWERED_WHY, IntakeForm, OutcomesForm, ResolveForm, ReviewForm
from .models import Assessment, Escalation

HISTORY_LIMIT = 50


@clinician_required
def queue(request: HttpRequest) -> HttpResponse:
    """Open alerts first (emergency, then urgent), then screenings to review, then the
    resolved alerts apart."""
    scope = scope_of(request)
    alerts = list(selectors.open_escalations(scope.user).filter(patient__clinic=scope.clinic))
    items = selectors.screenings_to_review(scope.user).filter(patient__clinic=scope.clinic)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    resolved = list(
        selectors.resolved_escalations(scope.user).filter(patient__clinic=scope.clinic)[
            :HISTORY_LIMIT
        ]
    )
    escalations = alerts + resolved
    audit.record(request, action=audit.Action.LIST, patients=[a.patient for a in shown],
                 object_type="assessment", object_ids=[a.pk for a in shown])  # fmt: skip
    audit.record(request, action=audit.Action.LIST, patients=[e.patient for e in escalations],
                 object_type="escalation", object_ids=[e.pk for e in escalations])  # fmt: skip
    context = {
        "alerts": alerts,
        "page": page,
        "items": shown,
        "resolved": resolved,
        "history_limit": HISTORY_LIMIT,
        "nav": "triage",
    }
    return render(request, "triage/queue.html", context)


def _escalation(request: HttpRequest, pk: int) -> Escalation:
    scope = scope_of(request)
    return get_object_or_404(
        selectors.escalations_for_clinician(scope.user).filter(patient__clinic=scope.clinic), pk=pk
    )


@clinician_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = _escalation(request, pk)
    try:
        with audit.recorded(request, action=audit.Action.ACKNOWLEDGE,
                            patients=[escalation.patient], object_type="escalation",
                            object_ids=[pk]):  # fmt: skip
            services.escalation_acknowledge(escalation=escalation, user=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        name = escalation.patient.full_name
        messages.success(request, f"Alert #{pk} for {name} acknowledged: reminders stopped.")
    return redirect(safe_next(request, reverse("triage:queue")))


@clinician_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = _escalation(request, pk)
    form = ResolveForm(request.POST)
    valid = form.is_valid()
    note = form.cleaned_data["note"] if valid else ""
    mark_reviewed = valid and form.cleaned_data["mark_reviewed"]
    try:
        with audit.recorded(request, action=audit.Action.RESOLVE, patients=[escalation.patient],
                            object_type="escalation", object_ids=[pk]):  # fmt: skip
            services.escalation_resolve(
                escalation=escalation,
                user=request.user,  # type: ignore[arg-type]
                note=note,
                mark_reviewed=mark_reviewed,
            )
    except DomainError as exc:
        messages.error(
            request, f"Alert for {escalation.patient.full_name} not resolved: {exc.message}"
        )
    else:
        done = " and the screening marked reviewed" if mark_reviewed else ""
        messages.success(request, f"Alert for {escalation.patient.full_name} resolved{done}.")
    return redirect(safe_next(request, reverse("triage:queue")))


@clinician_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    assessment: Assessment = get_object_or_404(
        selectors.assessments_for_clinician(scope.user)
        .filter(patient__clinic=scope.clinic)
        .select_related("patient"),
        pk=pk,
    )
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        with audit.recorded(request, action=audit.Action.REVIEW, patients=[assessment.patient],
                            object_type="assessment", object_ids=[pk]):  # fmt: skip
            services.assessment_review(assessment=assessment, user=request.user, note=note)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Screening result for {assessment.patient.full_name} reviewed.")
    return redirect(safe_next(request, reverse("triage:queue")))


@clinician_required
def intake(request: HttpRequest, patient_pk: int) -> HttpResponse:
    """A screening questionnaire taken by a clinician (on the phone, in the room)."""
    patient = dashboard.load_patient(request, patient_pk)
    form = IntakeForm(request.POST if request.method == "POST" else None, age=patient.age)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = services.intake_submit(
                patient=patient,
                submitted_by=request.user,  # type: ignore[arg-type]
                answers=data["answers"],
                start_back=data["start_back"],
                oswestry=data["oswestry"],
                description=data["description"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            audit.record(request, action=audit.Action.CREATE, patients=[patient],
                         object_type="intake", object_ids=[recorded.pk])  # fmt: skip
            result = recorded.assessment
            # Plain words: the stored clinician_summary is the machine record (flag ids, rules).
            if result.flags:
                finding = f", possible {flag_words(result.flags)}."
            else:
                finding = ", no red flag." if result.urgency == "routine" else "."
            messages.success(
                request, f"Screening saved: {result.get_urgency_display().upper()}{finding}"
            )
            return redirect(reverse("dashboard:patient", args=[patient.pk]) + "#assessments")
    return render(
        request,
        "triage/intake_form.html",
        {
            "form": form,
            "errors": [
                (href, text.replace(f": {UNANSWERED}", ": not answered"))
                for href, text in error_summary(form, form.error_anchors())
            ]
            if form.is_bound
            else [],
            "errors_intro": UNANSWERED_WHY
            if any(UNANSWERED in e for f in form.errors.values() for e in f)
            else "",
            "patient": patient,
            "nav": "patients",
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _outcomes_query(request: HttpRequest) -> tuple[OutcomesForm, list[int]]:
    scope = scope_of(request)
    today = timezone.now().date()
    initial = {"start": today - dt.timedelta(days=90), "end": today, "scope": "clinic"}
    form = OutcomesForm(request.GET or initial)
    if not form.is_valid():
        return form, []
    everywhere = form.cleaned_data.get("scope") == "all"
    clinics = selectors.outcome_clinic_ids(scope.user, None if everywhere else scope.clinic.pk)
    return form, clinics


@clinician_required
def outcomes_page(request: HttpRequest) -> HttpResponse:
    """The outcomes report of this clinic (or all the caller's) for a period, with its CSV."""
    form, clinics = _outcomes_query(request)
    report = None
    if clinics:
        report = selectors.outcome_report(
            clinics, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
    sections = []
    if report is not None:
        sections = [
            (outcomes.SECTION_TITLES[name], report.section(name)) for name in outcomes.SECTIONS
        ]
    context = {
        "form": form,
        "report": report,
        "sections": sections,
        "clinic_count": len(clinics),
        "min_reportable": outcomes.MIN_REPORTABLE,
        "threshold": outcomes.ADHERENCE_THRESHOLD,
        "query": request.GET.urlencode() if request.GET else form_query(form),
        "nav": "outcomes",
    }
    return render(request, "triage/outcomes.html", context)


def form_query(form: OutcomesForm) -> str:
    if not form.is_valid():
        return ""
    data = form.cleaned_data
    return urlencode({"start": data["start"], "end": data["end"], "scope": data["scope"]})


@clinician_required
def outcomes_csv(request: HttpRequest) -> HttpResponse:
    form, clinics = _outcomes_query(request)
    if not form.is_valid():
        return HttpResponse("Invalid period.", status=400, content_type="text/plain")
    report = selectors.outcome_report(
        clinics, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
    )
    name = f"outcomes-{report.start.isoformat()}-{report.end.isoformat()}.csv"
    response = HttpResponse(outcomes.report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
