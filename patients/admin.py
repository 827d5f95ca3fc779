from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from clinic.admin import ClinicScopedAdmin

from .models import Episode, Patient, PatientInvitation


@admin.register(Patient)
class PatientAdmin(ClinicScopedAdmin, SimpleHistoryAdmin):
    audit_object_type = "patient"
    list_display = ("last_name", "first_name", "clinic", "physiotherapist", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("clinic", "physiotherapist")
    search_fields = ("first_name", "last_name", "email")
    exclude = ("user",)
    readonly_fields = ("access_log",)

    @admin.display(description="Access log")
    def access_log(self, obj: Patient) -> str:
        if obj.pk is None:
            return "-"
        url = reverse("admin:clinic_patientaccessevent_changelist") + f"?patient_id={obj.pk}"
        return format_html('<a href="{}">Who accessed this record</a>', url)


@admin.register(PatientInvitation)
class PatientInvitationAdmin(ClinicScopedAdmin):
    clinic_lookup = "patient__clinic"
    audit_object_type = "invitation"
    list_display = ("patient", "created_at", "expires_at", "used_at")
    list_select_related = ("patient",)
    readonly_fields = ("patient", "created_by", "created_at", "expires_at", "used_at")
    exclude = ("token_hash",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Episode)
class EpisodeAdmin(ClinicScopedAdmin, SimpleHistoryAdmin):
    """Read-only: episodes are the patient's own record; the history shows every change."""

    clinic_lookup = "patient__clinic"
    audit_object_type = "episode"
    list_display = ("id", "patient", "started_at", "peak_intensity", "deleted_at")
    list_select_related = ("patient",)
    list_filter = ("deleted_at",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
