"""Views for clinicians: the exercise library, templates, and a patient's programs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as df
from drf_spectacular.utils import extend_schema
from rest_framework import filters, generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.api.filters import StrictBooleanFilter, StrictFilterSet
from clinic.api.permissions import IsClinician
from clinic.audit import Action, AuditedViewSetMixin, record
from clinic.models import User
from patients.models import Patient
from patients.selectors import patients_for_clinician

from .. import catalogue, selectors, services
from ..models import Exercise, ExerciseSession, Program, ProgramTemplate
from .log_serializers import (
    AdherenceSerializer,
    SessionSerializer,
)
from .patient_views import PROGRAM, WEEKS, adherence_response
from .serializers import (
    AssignInputSerializer,
    CopyInputSerializer,
    EndInputSerializer,
    ExerciseCreateSerializer,
    ExerciseSerializer,
    ExerciseUpdateSerializer,
    ProgramSerializer,
    RevisionInputSerializer,
    RevisionSerializer,
    SuggestionSerializer,
    TemplateCreateSerializer,
    TemplateSerializer,
    TemplateUpdateSerializer,
)


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _item_specs(items: list[dict[str, Any]]) -> list[services.ItemSpec]:
    return [
        services.ItemSpec(
            exercise=item["exercise"], dosage=item.get("dosage", {}), notes=item.get("notes", "")
        )
        for item in items
    ]


# --- the clinic's library ------------------------------------------------------------------


class ExerciseFilter(StrictFilterSet):
    category = df.CharFilter()
    direction = df.CharFilter()
    difficulty = df.CharFilter()
    shipped = StrictBooleanFilter(field_name="clinic", lookup_expr="isnull")
    is_active = StrictBooleanFilter()

    class Meta:
        model = Exercise
        fields = ("category", "direction", "difficulty", "shipped", "is_active")


def only_active_by_default(view: viewsets.GenericViewSet, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Lists hide archived rows unless asked with is_active; a row's own URL still works."""
    if view.action == "list" and "is_active" not in view.request.query_params:
        return qs.filter(is_active=True)
    return qs


@extend_schema(tags=["clinic: exercise library"])
class ExerciseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The shipped library (read-only, copy to change) and the clinic's own exercises."""

    permission_classes = [IsClinician]
    serializer_class = ExerciseSerializer
    filterset_class = ExerciseFilter
    filter_backends = [df.DjangoFilterBackend, filters.SearchFilter]
    search_fields = ["name", "purpose"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Exercise]:
        if getattr(self, "swagger_fake_view", False):
            return Exercise.objects.none()
        return only_active_by_default(self, selectors.exercises_for_clinician(_user(self.request)))

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        by_action: dict[str, type[serializers.BaseSerializer[Any]]] = {
            "create": ExerciseCreateSerializer,
            "partial_update": ExerciseUpdateSerializer,
            "copy": CopyInputSerializer,
        }
        return by_action.get(self.action or "", ExerciseSerializer)

    @extend_schema(request=ExerciseCreateSerializer, responses={201: ExerciseSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        exercise = catalogue.exercise_create(**data.validated_data)
        return Response(ExerciseSerializer(exercise).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExerciseUpdateSerializer, responses={200: ExerciseSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        exercise = self.get_object()
        data = self.get_serializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        exercise = catalogue.exercise_update(exercise=exercise, **data.validated_data)
        return Response(ExerciseSerializer(exercise).data)

    @extend_schema(summary="Archive a clinic exercise (programs that use it keep it)")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        catalogue.exercise_archive(exercise=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CopyInputSerializer, responses={201: ExerciseSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk: str | None = None) -> Response:
        """Copy an exercise (shipped or the clinic's) into the clinic's own library."""
        exercise = self.get_object()
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        copy = catalogue.exercise_copy(exercise=exercise, clinic=data.validated_data["clinic"])
        return Response(ExerciseSerializer(copy).data, status=status.HTTP_201_CREATED)


class TemplateFilter(StrictFilterSet):
    pathway = df.CharFilter()
    shipped = StrictBooleanFilter(field_name="clinic", lookup_expr="isnull")
    is_active = StrictBooleanFilter()

    class Meta:
        model = ProgramTemplate
        fields = ("pathway", "shipped", "is_active")


@extend_schema(tags=["clinic: exercise library"])
class TemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Program templates: shipped ones (read-only, copy to change) and the clinic's own."""

    permission_classes = [IsClinician]
    serializer_class = TemplateSerializer
    filterset_class = TemplateFilter
    filter_backends = [df.DjangoFilterBackend, filters.SearchFilter]
    search_fields = ["name", "description"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[ProgramTemplate]:
        if getattr(self, "swagger_fake_view", False):
            return ProgramTemplate.objects.none()
        return only_active_by_default(self, selectors.templates_for_clinician(_user(self.request)))

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        by_action: dict[str, type[serializers.BaseSerializer[Any]]] = {
            "create": TemplateCreateSerializer,
            "partial_update": TemplateUpdateSerializer,
            "copy": CopyInputSerializer,
        }
        return by_action.get(self.action or "", TemplateSerializer)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["exercises"] = selectors.exercises_for_clinician(_user(self.request))
        return context

    def _reloaded(self, template: ProgramTemplate) -> dict[str, Any]:
        fresh = selectors.templates_for_clinician(_user(self.request)).get(pk=template.pk)
        return TemplateSerializer(fresh).data

    @extend_schema(request=TemplateCreateSerializer, responses={201: TemplateSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        template = catalogue.template_create(items=_item_specs(values.pop("items")), **values)
        return Response(self._reloaded(template), status=status.HTTP_201_CREATED)

    @extend_schema(request=TemplateUpdateSerializer, responses={200: TemplateSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        template = self.get_object()
        data = self.get_serializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        items = _item_specs(values.pop("items")) if "items" in values else None
        template = catalogue.template_update(template=template, items=items, **values)
        return Response(self._reloaded(template))

    @extend_schema(summary="Archive a clinic template")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        catalogue.template_archive(template=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CopyInputSerializer, responses={201: TemplateSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk: str | None = None) -> Response:
        """Copy a template (shipped or the clinic's) with its items into the clinic's own."""
        template = self.get_object()
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        copy = catalogue.template_copy(template=template, clinic=data.validated_data["clinic"])
        return Response(self._reloaded(copy), status=status.HTTP_201_CREATED)


# --- a patient's programs, for the clinician -----------------------------------------------


class PatientScopedMixin(generics.GenericAPIView):
    """Views under /clinic/patients/{patient_pk}/: another clinic's patient is a 404."""

    _patient: Patient | None = None

    def patient(self) -> Patient:
        if self._patient is None:
            patients = patients_for_clinician(_user(self.request))
            self._patient = get_object_or_404(patients, pk=self.kwargs["patient_pk"])
        return self._patient


@extend_schema(tags=["clinic: programs"])
class PatientProgramViewSet(
    AuditedViewSetMixin,
    PatientScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """A patient's programs. Changes are new revisions; one program at a time is active."""

    permission_classes = [IsClinician]
    serializer_class = ProgramSerializer
    audit_object_type = "program"
    audit_actions = {"end": Action.UPDATE}

    def audit_scope_patient(self) -> Patient:
        return self.patient()

    def get_queryset(self) -> QuerySet[Program]:
        if getattr(self, "swagger_fake_view", False):
            return Program.objects.none()
        return selectors.programs_of_patient(self.patient()).select_related("patient")

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            user = _user(self.request)
            context["exercises"] = selectors.exercises_for_clinician(user)
            context["templates"] = selectors.templates_for_clinician(user).filter(is_active=True)
        return context

    def _reloaded(self, program: Program) -> dict[str, Any]:
        return ProgramSerializer(self.get_queryset().get(pk=program.pk)).data

    @extend_schema(
        request=AssignInputSerializer,
        responses={201: ProgramSerializer},
        summary="Assign a program from a template or explicit items",
        description="Refused with 409 open_escalation while the patient has an unresolved "
        "emergency or urgent escalation, and with 409 active_program_exists while another "
        "program is active. Exercises in the patient's aggravating direction give 400 "
        "direction_conflict unless confirm_direction_conflicts is true.",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        patient = self.patient()
        data = AssignInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        items = _item_specs(values.pop("items")) if "items" in values else None
        program = services.program_assign(
            patient=patient,
            by=_user(request),
            items=items,
            template=values.pop("template", None),
            confirm_direction_conflicts=values.pop("confirm_direction_conflicts"),
            **values,
        )
        self.audit(Action.CREATE, [program])
        return Response(self._reloaded(program), status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], request=None, responses=RevisionSerializer(many=True), operation_id=None
    )
    @extend_schema(
        methods=["POST"],
        request=RevisionInputSerializer,
        responses={201: ProgramSerializer},
        summary="Edit the program: a new revision (what is left out carries over)",
    )
    @action(detail=True, methods=["get", "post"])
    def revisions(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = self.get_object()
        if request.method == "GET":
            self.audit(Action.VIEW, [program])
            # Paginated like every list, as the schema says.
            page = self.paginate_queryset(selectors.revisions_of_program(program))
            return self.get_paginated_response(RevisionSerializer(page, many=True).data)
        data = RevisionInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        items = _item_specs(values.pop("items")) if "items" in values else None
        services.program_revise(program=program, by=_user(request), items=items, **values)
        self.audit(Action.UPDATE, [program])
        return Response(self._reloaded(program), status=status.HTTP_201_CREATED)

    @extend_schema(request=EndInputSerializer, responses={200: ProgramSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Stop the program; it stays in the history and a new one can be assigned."""
        program = self.get_object()
        data = EndInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.program_end(
            program=program, by=_user(request), reason=data.validated_data["reason"]
        )
        return Response(self._reloaded(program))

    @extend_schema(request=None, responses=SuggestionSerializer)
    @action(detail=False, methods=["get"])
    def suggestion(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """For the assign form: the template the latest STarT Back pathway suggests."""
        patient = self.patient()
        suggestion = selectors.suggestion_for_patient(patient)
        record(request, action=Action.VIEW, patients=[patient], object_type="program_suggestion")
        return Response(SuggestionSerializer(suggestion).data)


@extend_schema(tags=["clinic: programs"])
class PatientSessionViewSet(
    AuditedViewSetMixin, PatientScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """The exercise sessions a patient logged (pain before and after, comments), newest first."""

    permission_classes = [IsClinician]
    serializer_class = SessionSerializer
    audit_object_type = "exercise_session"

    def audit_scope_patient(self) -> Patient:
        return self.patient()

    def get_queryset(self) -> QuerySet[ExerciseSession]:
        if getattr(self, "swagger_fake_view", False):
            return ExerciseSession.objects.none()
        return selectors.sessions_of_patient(self.patient()).select_related("revision", "patient")


@extend_schema(tags=["clinic: programs"])
class PatientAdherenceView(PatientScopedMixin):
    """Adherence of one patient's program (the active one unless `program` is given)."""

    permission_classes = [IsClinician]

    @extend_schema(responses=AdherenceSerializer, parameters=[WEEKS, PROGRAM])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return adherence_response(self.patient(), request)
