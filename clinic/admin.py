from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from . import outbox
from .models import Clinic, Membership, Notification, PatientAccessEvent, User
from .selectors import clinic_ids_for


def _is_member(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and user.memberships.exists())


def _is_clinic_admin(request: HttpRequest) -> bool:
    return bool(
        request.user.is_active
        and request.user.is_staff
        and request.user.memberships.filter(role=Membership.Role.ADMIN).exists()
    )


class ClinicScopedAdmin(admin.ModelAdmin[Any]):
    """Admin pages where a clinic user sees and edits only their own clinics' rows.

    `clinic_lookup` is the ORM path from the model to the clinic id. Superusers see everything;
    deleting is left to superusers (records are deactivated, not deleted).
    """

    clinic_lookup = "clinic"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.clinic_lookup}__in": clinic_ids_for(request.user)})  # type: ignore[arg-type]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if not request.user.is_superuser:
            clinic_ids = clinic_ids_for(request.user)  # type: ignore[arg-type]
            if db_field.related_model is Clinic:
                kwargs["queryset"] = Clinic.objects.filter(pk__in=clinic_ids)
            elif db_field.related_model is User:
                kwargs["queryset"] = User.objects.filter(
                    memberships__clinic_id__in=clinic_ids
                ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or _is_member(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser or _is_member(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser or _is_member(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser or _is_member(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


class AdminOnlyScopedAdmin(ClinicScopedAdmin):
    """Clinic-level settings that only a clinic's admins may change."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser or _is_clinic_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser or _is_clinic_admin(request)


@admin.register(Clinic)
class ClinicAdmin(AdminOnlyScopedAdmin):
    clinic_lookup = "pk"
    list_display = ("name", "email", "phone", "timezone")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(AdminOnlyScopedAdmin):
    list_display = ("user", "clinic", "role", "created_at")
    list_filter = ("role",)
    list_select_related = ("user", "clinic")
    search_fields = ("user__email", "user__first_name", "user__last_name")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "user" and not request.user.is_superuser:
            # An admin may add any existing clinician account to their clinic.
            kwargs["queryset"] = User.objects.filter(patient__isnull=True)
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Notification)
class NotificationAdmin(ClinicScopedAdmin):
    list_display = ("id", "kind", "status", "due_at", "attempts", "last_error", "sent_at", "clinic")
    list_filter = ("status", "kind", "queue")
    list_select_related = ("clinic",)
    search_fields = ("dedupe_key",)
    actions = ("retry", "cancel")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The actions below need it; every field stays read-only.
        return request.user.is_superuser or _is_clinic_admin(request)

    @admin.action(description="Send again now (dead or failed ones)")
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = outbox.retry_now(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} message(s) queued again.", messages.SUCCESS)

    @admin.action(description="Cancel (not yet sent ones)")
    def cancel(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = outbox.cancel(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} message(s) cancelled.", messages.SUCCESS)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts are managed by superusers; clinic admins manage memberships."""

    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(PatientAccessEvent)
class PatientAccessEventAdmin(ClinicScopedAdmin):
    """Who accessed patient X: filter by the patient id (the patient page links here)."""

    list_display = ("at", "patient_id", "actor", "actor_role", "action", "object_type", "ip")
    list_filter = ("action", "actor_role", "object_type")
    list_select_related = ("actor",)
    search_fields = ("=patient_id", "actor__email", "request_id")
    date_hierarchy = "at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in PatientAccessEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
