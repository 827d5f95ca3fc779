from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from clinic import audit
from clinic.admin import ClinicScopedAdmin
from clinic.models import Clinic
from clinic.selectors import clinic_ids_for

from . import followups
from .models import Episode, Patient, PatientInvitation


class PatientAdminForm(forms.ModelForm):
    # The follow-up kinds as tick boxes, not the list of codes the model stores.
    muted_kinds = forms.MultipleChoiceField(
        label="Unsubscribed from",
        choices=list(followups.KINDS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Patient
        fields = (
            "clinic",
            "physiotherapist",
            "first_name",
            "last_name",
            "date_of_birth",
            "email",
            "phone",
            "timezone",
            "language",
            "email_opt_in",
            "muted_kinds",
            "quiet_hours_start",
            "quiet_hours_end",
            "aggravating_direction",
            "is_active",
        )

    def _get_validation_exclusions(self) -> set[str]:
        # When the clinic is set by the admin rather than picked, the one-email-per-clinic
        # constraint must still be checked here, not by the database (a 500).
        excluded: set[str] = super()._get_validation_exclusions()  # type: ignore[misc]
        if self.instance.clinic_id is not None:
            excluded.discard("clinic")
        return excluded


@admin.register(Patient)
class PatientAdmin(ClinicScopedAdmin, SimpleHistoryAdmin):
    form = PatientAdminForm
    audit_object_type = "patient"
    list_display = ("last_name", "first_name", "clinic", "physiotherapist", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("clinic", "physiotherapist")
    search_fields = ("first_name", "last_name", "email")
    readonly_fields = ("access_log",)

    def _own_clinic(self, request: HttpRequest) -> Clinic | None:
        """The clinic of a user who works at exactly one: new patients go there."""
        if request.user.is_superuser:
            return None
        ids = clinic_ids_for(request.user)  # type: ignore[arg-type]
        return Clinic.objects.get(pk=ids[0]) if len(ids) == 1 else None

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        excluded = ["user"]
        if self._own_clinic(request) is not None:
            excluded.append("clinic")
        return excluded

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        clinic = self._own_clinic(request)
        if obj is not None or clinic is None:
            return form_class

        class InOwnClinic(form_class):  # type: ignore[misc,valid-type]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                if self.instance.clinic_id is None:
                    self.instance.clinic = clinic

        return InOwnClinic

    def save_model(self, request: HttpRequest, obj: Patient, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            audit.record(request, action=audit.Action.CREATE, patients=[obj],
                         object_type="patient", object_ids=[obj.pk])  # fmt: skip

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
