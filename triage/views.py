"""Dashboard pages of the triage capability."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clinic import audit
from clinic.errors import DomainError

from . import selectors, services


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.triage_queue(request.user), 50).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    items = list(page.object_list)
    audit.record(request, action=audit.Action.LIST, patients=[a.patient for a in items],
                 object_type="assessment", object_ids=[a.pk for a in items])  # fmt: skip
    return render(request, "triage/queue.html", {"page": page, "items": page.object_list})


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = get_object_or_404(selectors.escalations_for_clinician(request.user), pk=pk)  # type: ignore[arg-type]
    audit.record(request, action=audit.Action.ACKNOWLEDGE, patients=[escalation.patient],
                 object_type="escalation", object_ids=[pk])  # fmt: skip
    try:
        services.escalation_acknowledge(escalation=escalation, user=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Alert #{pk} acknowledged: reminders stopped.")
    return redirect("triage:queue")


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = get_object_or_404(selectors.escalations_for_clinician(request.user), pk=pk)  # type: ignore[arg-type]
    audit.record(request, action=audit.Action.RESOLVE, patients=[escalation.patient],
                 object_type="escalation", object_ids=[pk])  # fmt: skip
    try:
        services.escalation_resolve(
            escalation=escalation,
            user=request.user,  # type: ignore[arg-type]
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, f"Alert #{pk} not resolved: {exc.message}")
    else:
        messages.success(request, f"Alert #{pk} resolved.")
    return redirect("triage:queue")
