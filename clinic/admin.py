from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import Http404, HttpRequest, HttpResponse

from . import outbox
from .audit import Action, patient_of, record
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
    # Set on admins of patient data: their pages write access events (clinic.audit).
    audit_object_type: str | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.clinic_lookup}__in": clinic_ids_for(request.user)})  # type: ignore[arg-type]

    def in_scope(self, request: HttpRequest, obj: Any) -> bool:
        """An object of one of the user's clinics (every object, for superusers)."""
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def _scoped_object(self, request: HttpRequest, object_id: str) -> Any:
        obj = self.get_object(request, unquote(object_id))  # the scoped queryset
        if obj is None:
            raise Http404("No such object in your clinics.")
        return obj

    def audit_patient(self, obj: Any) -> Any:
        return patient_of(obj)

    def _audit(self, request: HttpRequest, action: str, objects: list[Any]) -> None:
        if self.audit_object_type and objects:
            record(
                request,
                action=action,
                patients=[self.audit_patient(o) for o in objects],
                object_type=self.audit_object_type,
                object_ids=[o.pk for o in objects],
            )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            self._audit(request, Action.UPDATE if request.method == "POST" else Action.VIEW, [obj])
        return response

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            self._audit(request, Action.LIST, list(changelist.result_list))
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # django-simple-history loads the object without this admin's queryset: scope it first.
        obj = self._scoped_object(request, object_id)
        self._audit(request, Action.VIEW, [obj])
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self._scoped_object(request, object_id)
        self._audit(request, Action.VIEW, [obj])
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]

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
        return request.user.is_superuser or (_is_member(request) and self.in_scope(request, obj))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser or _is_member(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser or (_is_member(request) and self.in_scope(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


class AdminOnlyScopedAdmin(ClinicScopedAdmin):
    """Clinic-level settings that only a clinic's admins may change."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser or _is_clinic_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser or (
            _is_clinic_admin(request) and self.in_scope(request, obj)
        )


@admin.register(Clinic)
class ClinicAdmin(AdminOnlyScopedAdmin):
    clinic_lookup = "pk"
    list_display = (
        "name",
        "email",
        "phone",
        "country",
        "language",
        "timezone",
        "require_two_factor",
    )
    list_filter = ("require_two_factor",)
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
    # The user choices are the admin's colleagues only (ClinicScopedAdmin): listing every
    # clinician account would show one clinic the staff of all the others. Accounts new to
    # the clinic are added by a superuser.


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
        return request.user.is_superuser or (
            _is_clinic_admin(request) and self.in_scope(request, obj)
        )

    @admin.action(description="Send again now (dead or failed ones)")
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = outbox.retry_now(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} message(s) queued again.", messages.SUCCESS)

    @admin.action(description="Cancel (not yet sent ones; never escalation alerts)")
    def cancel(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        # Alerts on the escalations queue stop only when someone acknowledges the escalation.
        ids = queryset.exclude(queue="escalations").values_list("pk", flat=True)
        count = outbox.cancel(list(ids))
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
