from __future__ import annotations

import logging

from django.contrib import messages
from django.db import connection
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import dashboard, services
from .celery import app as celery_app
from .dashboard import clinician_required, scope_of
from .errors import DomainError
from .forms import ClinicSettingsForm
from .models import Membership

log = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        log.warning("healthz: database unreachable", exc_info=True)
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        log.warning("healthz: broker unreachable", exc_info=True)
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if ok else "down" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)


# --- dashboard pages -----------------------------------------------------------------------


@clinician_required
def today(request: HttpRequest) -> HttpResponse:
    """Who needs the clinician now: each app's Today panels, for the current clinic."""
    scope = scope_of(request)
    panels = dashboard.render_panels(request, dashboard.registry.today, scope.clinic)
    return render(
        request, "clinic/today.html", {"panels": panels, "clinic": scope.clinic, "nav": "today"}
    )


@clinician_required
def patient_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One patient of the current clinic (another clinic's is a 404): each app's panels."""
    patient = dashboard.load_patient(request, pk)
    panels = dashboard.render_panels(request, dashboard.registry.patient, patient)
    return render(
        request, "clinic/patient.html", {"patient": patient, "panels": panels, "nav": "patients"}
    )


@clinician_required
@require_POST
def clinic_switch(request: HttpRequest) -> HttpResponse:
    try:
        clinic_id = int(request.POST.get("clinic", ""))
    except ValueError:
        raise Http404("No such clinic.") from None
    clinic = dashboard.switch_clinic(request, clinic_id)
    messages.success(request, f"Now working at {clinic.name}.")
    # The page the switch was made from may show a record of the clinic left behind.
    return redirect("dashboard:today")


@clinician_required(admin=True)
def clinic_settings(request: HttpRequest) -> HttpResponse:
    """Escalation delays and contacts, and which follow-up emails the clinic sends."""
    clinic = scope_of(request).clinic
    kinds = dashboard.registry.followup_kinds
    form = ClinicSettingsForm(
        request.POST if request.method == "POST" else None, clinic=clinic, followup_kinds=kinds
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.clinic_settings_update(
            clinic=clinic,
            emergency_realert_minutes=data["emergency_realert_minutes"],
            urgent_realert_minutes=data["urgent_realert_minutes"],
            disabled_followup_kinds=[k for k in kinds if k not in data["followup_kinds"]],
            escalation_contacts=list(data["escalation_contacts"]),
            country=data["country"],
            language=data["language"],
            emergency_number_override=data["emergency_number_override"],
            urgent_service_override=data["urgent_service_override"],
            require_two_factor=data["require_two_factor"],
        )
        messages.success(request, "Clinic settings saved.")
        return redirect("dashboard:clinic-settings")
    admins = [m for m in form.members if m.role == Membership.Role.ADMIN]
    return render(
        request,
        "clinic/settings.html",
        {"form": form, "clinic": clinic, "admins": admins, "nav": "settings"},
        status=400 if form.is_bound and form.errors else 200,
    )


@clinician_required(admin=True)
def staff(request: HttpRequest) -> HttpResponse:
    """The clinic's staff and their two-factor sign-in, for a clinic admin to reset a
    colleague's lost device."""
    clinic = scope_of(request).clinic
    members = list(
        Membership.objects.filter(clinic=clinic)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    ids = [m.user_id for m in members]
    with_app = set(
        TOTPDevice.objects.filter(user_id__in=ids, confirmed=True).values_list("user_id", flat=True)
    )
    codes_left = dict(
        StaticToken.objects.filter(device__user_id__in=ids, device__confirmed=True)
        .values("device__user_id")
        .annotate(n=Count("id"))
        .values_list("device__user_id", "n")
    )
    rows = [
        {
            "membership": m,
            "has_app": m.user_id in with_app,
            "codes_left": codes_left.get(m.user_id, 0),
            "can_reset": m.user_id != request.user.pk
            and not (m.user.is_staff or m.user.is_superuser)
            and (m.user_id in with_app or m.user_id in codes_left),
        }
        for m in members
    ]
    return render(request, "clinic/staff.html", {"rows": rows, "clinic": clinic, "nav": "staff"})


@clinician_required(admin=True)
@require_http_methods(["GET", "POST"])
def staff_reset_two_factor(request: HttpRequest, user_id: int) -> HttpResponse:
    """GET asks first (a reset locks the colleague out of their app at once); POST resets."""
    clinic = scope_of(request).clinic
    membership = (
        Membership.objects.filter(clinic=clinic, user_id=user_id).select_related("user").first()
    )
    if membership is None:
        raise Http404("No such colleague.")
    colleague = membership.user
    if request.method == "GET":
        return render(
            request,
            "clinic/staff_reset_confirm.html",
            {"colleague": colleague, "clinic": clinic, "nav": "staff"},
        )
    try:
        services.second_factor_reset(clinic=clinic, user=colleague, by=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        name = colleague.get_full_name() or colleague.email
        messages.success(
            request,
            f"Two-factor sign-in reset for {name}: they set it up again at their next sign-in. "
            f"They have been emailed.",
        )
    return redirect("dashboard:staff")
