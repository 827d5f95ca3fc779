from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from clinic.admin import ClinicScopedAdmin
from clinic.errors import DomainError

from . import services
from .models import Assessment, Escalation, Intake


class ReadOnlyScopedAdmin(ClinicScopedAdmin):
    """Clinical records are written by the services only; the admin shows them."""

    clinic_lookup = "patient__clinic"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Intake)
class IntakeAdmin(ReadOnlyScopedAdmin):
    audit_object_type = "intake"
    list_display = ("id", "patient", "created_at", "questionnaire_version")
    list_select_related = ("patient",)


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyScopedAdmin):
    audit_object_type = "assessment"
    list_display = ("id", "patient", "urgency", "source", "ruleset_version", "created_at")
    list_filter = ("urgency", "source")
    list_select_related = ("patient",)


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyScopedAdmin):
    audit_object_type = "escalation"
    list_display = (
        "id",
        "patient",
        "level",
        "status",
        "created_at",
        "alerts_sent",
        "acknowledged_by",
    )
    list_filter = ("status", "level")
    list_select_related = ("patient", "acknowledged_by")
    actions = ("acknowledge",)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed for the acknowledge action; the form itself stays read-only.
        return super(ReadOnlyScopedAdmin, self).has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Escalation._meta.fields]

    @admin.action(description="Acknowledge the selected escalations")
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[Escalation]) -> None:
        done = 0
        for escalation in queryset.filter(status=Escalation.Status.OPEN):
            try:
                services.escalation_acknowledge(escalation=escalation, user=request.user)  # type: ignore[arg-type]
            except DomainError:
                continue
            done += 1
        self.message_user(request, f"{done} escalation(s) acknowledged.", messages.SUCCESS)
