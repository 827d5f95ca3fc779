from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey, Q, QuerySet, URLField
from django.forms import ModelChoiceField
from django.http import HttpRequest

from clinic.admin import ClinicScopedAdmin
from clinic.selectors import clinic_ids_for

from .models import (
    Exercise,
    ExerciseSession,
    Program,
    ProgramItem,
    ProgramRevision,
    ProgramTemplate,
    SessionItem,
    TemplateItem,
)


def _visible_exercises(request: HttpRequest) -> QuerySet[Exercise]:
    exercises = Exercise.objects.filter(is_active=True)
    if request.user.is_superuser:
        return exercises
    return exercises.filter(
        Q(clinic__isnull=True) | Q(clinic__in=clinic_ids_for(request.user))  # type: ignore[arg-type]
    )


def _is_shipped_for_staff(request: HttpRequest, obj: Any) -> bool:
    return obj is not None and obj.clinic_id is None and not request.user.is_superuser


class LibraryAdmin(ClinicScopedAdmin):
    """The shipped rows (no clinic) are shown to every clinic but only superusers change them;
    clinic staff add and change their own clinic's rows (or copy a shipped one in the API)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        return qs.filter(Q(clinic__isnull=True) | Q(clinic__in=clinic_ids_for(request.user)))  # type: ignore[arg-type]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if _is_shipped_for_staff(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if not request.user.is_superuser and "clinic" in form.base_fields:
            form.base_fields["clinic"].required = True  # an empty clinic would make it shipped
        return form


@admin.register(Exercise)
class ExerciseAdmin(LibraryAdmin):
    formfield_overrides = {URLField: {"assume_scheme": "https"}}
    list_display = ("name", "category", "direction", "difficulty", "clinic", "is_active")
    list_filter = ("category", "direction", "difficulty", "is_active")
    list_select_related = ("clinic",)
    search_fields = ("name", "purpose")
    readonly_fields = ("key", "copied_from", "created_at", "updated_at")
    fields = (
        "clinic",
        "name",
        "purpose",
        "steps",
        "category",
        "direction",
        "difficulty",
        ("sets", "reps", "hold_seconds", "duration_minutes"),
        ("times_per_day", "days_per_week"),
        "cautions",
        "media_url",
        "is_active",
        *readonly_fields,
    )


class TemplateItemInline(admin.TabularInline[TemplateItem, ProgramTemplate]):
    model = TemplateItem
    extra = 0
    fields = (
        "order",
        "exercise",
        "sets",
        "reps",
        "hold_seconds",
        "duration_minutes",
        "times_per_day",
        "days_per_week",
        "notes",
    )

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "exercise":
            kwargs["queryset"] = _visible_exercises(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _is_shipped_for_staff(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _is_shipped_for_staff(request, obj) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _is_shipped_for_staff(request, obj) and super().has_delete_permission(
            request, obj
        )


@admin.register(ProgramTemplate)
class ProgramTemplateAdmin(LibraryAdmin):
    list_display = ("name", "pathway", "position", "duration_weeks", "clinic", "is_active")
    list_filter = ("pathway", "is_active")
    list_select_related = ("clinic",)
    search_fields = ("name", "description")
    readonly_fields = ("key", "copied_from", "created_at", "updated_at")
    inlines = (TemplateItemInline,)


class ReadOnlyProgramAdmin(ClinicScopedAdmin):
    """Programs and logs are written by the services (revisions, sessions); the admin shows them."""

    clinic_lookup = "patient__clinic"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RevisionInline(admin.TabularInline[ProgramRevision, Program]):
    model = ProgramRevision
    extra = 0
    fields = ("number", "start_date", "end_date", "template", "created_by", "created_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProgramItemInline(admin.TabularInline[ProgramItem, ProgramRevision]):
    model = ProgramItem
    extra = 0
    fields = ("exercise", "sets", "reps", "times_per_day", "days_per_week", "notes")
    readonly_fields = fields
    can_delete = False


@admin.register(Program)
class ProgramAdmin(ReadOnlyProgramAdmin):
    audit_object_type = "program"
    list_display = ("id", "patient", "status", "current_revision", "created_at", "ended_at")
    list_filter = ("status",)
    list_select_related = ("patient", "current_revision")
    search_fields = ("patient__last_name", "patient__first_name")
    inlines = (RevisionInline,)


@admin.register(ProgramRevision)
class ProgramRevisionAdmin(ReadOnlyProgramAdmin):
    clinic_lookup = "program__patient__clinic"
    audit_object_type = "program_revision"

    def audit_patient(self, obj: Any) -> Any:
        return obj.program.patient

    list_display = ("program", "number", "start_date", "end_date", "created_by", "created_at")
    list_select_related = ("program__patient", "created_by")
    inlines = (ProgramItemInline,)


class SessionItemInline(admin.TabularInline[SessionItem, ExerciseSession]):
    model = SessionItem
    extra = 0
    fields = ("exercise", "sets_done", "reps_done")
    readonly_fields = fields
    can_delete = False


@admin.register(ExerciseSession)
class ExerciseSessionAdmin(ReadOnlyProgramAdmin):
    audit_object_type = "exercise_session"
    list_display = ("id", "patient", "performed_at", "pain_before", "pain_after", "difficulty")
    list_select_related = ("patient",)
    inlines = (SessionItemInline,)
