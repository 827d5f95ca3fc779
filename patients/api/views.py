from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import filters, generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.api.permissions import IsClinician, IsPatient
from clinic.api.serializers import (
    NoInputSerializer,
    RejectUnknownFieldsMixin,
    TimeOfDayField,
    refuse_any_input,
)
from clinic.audit import Action, AuditedViewSetMixin, record
from clinic.models import PatientAccessEvent
from clinic.selectors import is_clinic_admin

from .. import services
from ..export import patient_export_fhir, patient_export_json
from ..followups import KINDS
from ..models import Patient
from ..selectors import patients_for_clinician
from .export_serializers import FhirBundleSerializer, PatientExportSerializer
from .filters import PatientFilter
from .serializers import (
    EraseConfirmSerializer,
    MembershipSerializer,
    OwnProfileSerializer,
    PatientCreateSerializer,
    PatientSerializer,
    PatientUpdateSerializer,
)


@extend_schema(tags=["clinic: patients"])
class PatientViewSet(
    AuditedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsClinician]
    serializer_class = PatientSerializer
    filterset_class = PatientFilter
    filter_backends = [DjangoFilterBackend, filters.SearchFilter]
    search_fields = ["first_name", "last_name", "email"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    audit_object_type = "patient"
    audit_actions = {"invitation": Action.UPDATE, "erase": Action.DELETE}

    def get_queryset(self) -> QuerySet[Patient]:
        if getattr(self, "swagger_fake_view", False):
            return Patient.objects.none()
        return patients_for_clinician(self.request.user).select_related("physiotherapist")  # type: ignore[arg-type]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "create":
            return PatientCreateSerializer
        if self.action == "partial_update":
            return PatientUpdateSerializer
        return PatientSerializer

    @extend_schema(request=PatientCreateSerializer, responses={201: PatientSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        patient = services.patient_create(**serializer.validated_data)
        self.audit(Action.CREATE, [patient])
        return Response(PatientSerializer(patient).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PatientUpdateSerializer, responses={200: PatientSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        patient = self.get_object()
        serializer = self.get_serializer(patient, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        patient = services.patient_update(patient=patient, **serializer.validated_data)
        return Response(PatientSerializer(patient).data)

    @extend_schema(
        request=NoInputSerializer,
        responses={
            202: inline_serializer("InvitationSent", {"expires_at": serializers.DateTimeField()})
        },
        summary="Email the patient a single-use link to set their app password",
    )
    @action(detail=True, methods=["post"])
    def invitation(self, request: Request, pk: str | None = None) -> Response:
        refuse_any_input(request)
        invitation = services.invitation_send(patient=self.get_object(), sent_by=request.user)  # type: ignore[arg-type]
        return Response({"expires_at": invitation.expires_at}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=EraseConfirmSerializer,
        responses={200: PatientSerializer},
        summary="Erase on request (clinic admins): personal data removed, clinical record kept",
    )
    @action(detail=True, methods=["post"])
    def erase(self, request: Request, pk: str | None = None) -> Response:
        patient = self.get_object()
        if not is_clinic_admin(request.user, patient.clinic_id):  # type: ignore[arg-type]
            raise PermissionDenied(_("Only the clinic's admins can erase a patient's data."))
        EraseConfirmSerializer(data=request.data).is_valid(raise_exception=True)
        return Response(PatientSerializer(services.patient_erase(patient=patient)).data)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    role = serializers.ChoiceField(choices=["clinician", "patient", "none"])
    clinics = MembershipSerializer(many=True)
    patient = OwnProfileSerializer(allow_null=True)


@extend_schema(tags=["me"], responses=MeSerializer, summary="Who am I: role, clinics, own profile")
class MeView(APIView):
    def get(self, request: Request) -> Response:
        user = request.user
        memberships = list(user.memberships.select_related("clinic"))  # type: ignore[union-attr]
        patient = (
            Patient.objects.select_related("clinic", "physiotherapist")
            .filter(user=user, is_active=True)  # type: ignore[misc]
            .first()
        )
        role = "clinician" if memberships else "patient" if patient else "none"
        if patient is not None:
            record(request, action=Action.VIEW, patients=[patient], object_type="patient",
                   object_ids=[patient.pk])  # fmt: skip
        data = {
            "id": user.pk,
            "email": user.email,  # type: ignore[union-attr]
            "first_name": user.first_name,  # type: ignore[union-attr]
            "last_name": user.last_name,  # type: ignore[union-attr]
            "role": role,
            "clinics": MembershipSerializer(memberships, many=True).data,
            "patient": OwnProfileSerializer(patient).data if patient else None,
        }
        return Response(data)


class AccessLogEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    name = serializers.SerializerMethodField()
    role = serializers.CharField(source="actor_role")
    action = serializers.CharField()
    data = serializers.CharField(source="object_type")  # type: ignore[assignment]

    def get_name(self, event: PatientAccessEvent) -> str:
        name = event.actor.get_full_name() if event.actor else ""
        return name or "Clinic staff"


@extend_schema(tags=["me"])
class AccessLogView(generics.ListAPIView):
    """Which of the clinic's staff looked at or changed my record, and when."""

    permission_classes = [IsPatient]
    serializer_class = AccessLogEntrySerializer

    def get_queryset(self) -> QuerySet[PatientAccessEvent]:
        if getattr(self, "swagger_fake_view", False):
            return PatientAccessEvent.objects.none()
        patient = self.request.user.patient  # type: ignore[union-attr]
        return (
            PatientAccessEvent.objects.filter(
                patient_id=patient.pk, actor_role__in=["admin", "physiotherapist"]
            )
            .select_related("actor")
            .order_by("-at", "-id")
        )


def _export(request: Request, patient: Patient, fhir: bool) -> Response:
    record(request, action=Action.EXPORT, patients=[patient], object_type="patient",
           object_ids=[patient.pk])  # fmt: skip
    if fhir:
        body = patient_export_fhir(patient)  # FHIR's own shape, declared as a Bundle
    else:
        body = PatientExportSerializer(patient_export_json(patient)).data
    name = f"patient-{patient.pk}{'-fhir' if fhir else ''}.json"
    return Response(body, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@extend_schema(
    tags=["me"], responses=PatientExportSerializer, summary="All my data as one JSON document"
)
class MyExportView(APIView):
    permission_classes = [IsPatient]
    throttle_scope = "export"
    fhir = False

    def get(self, request: Request) -> Response:
        return _export(request, request.user.patient, self.fhir)  # type: ignore[union-attr]


@extend_schema(
    tags=["me"], responses=FhirBundleSerializer, summary="All my data as a FHIR R4 Bundle"
)
class MyFhirExportView(MyExportView):
    fhir = True


@extend_schema(
    tags=["clinic: patients"],
    responses=PatientExportSerializer,
    summary="A patient's data as JSON",
)
class PatientExportView(APIView):
    permission_classes = [IsClinician]
    throttle_scope = "export"
    fhir = False

    def get(self, request: Request, pk: int) -> Response:
        patient = get_object_or_404(patients_for_clinician(request.user), pk=pk)  # type: ignore[arg-type]
        return _export(request, patient, self.fhir)


@extend_schema(
    tags=["clinic: patients"],
    responses=FhirBundleSerializer,
    summary="A patient's data as FHIR R4",
)
class PatientFhirExportView(PatientExportView):
    fhir = True


class PreferencesSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    language = serializers.ChoiceField(
        choices=[("", "The clinic's language"), *settings.LANGUAGES],
        allow_blank=True,
        required=False,
        help_text="Emails, pages and API answers in this language; empty: the clinic's.",
    )
    muted_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(KINDS)), max_length=len(KINDS)
    )
    quiet_hours_start = TimeOfDayField()
    quiet_hours_end = TimeOfDayField()

    class Meta:
        model = Patient
        fields = (
            "language", "email_opt_in", "muted_kinds", "quiet_hours_start", "quiet_hours_end",
        )  # fmt: skip


@extend_schema(tags=["me"])
class PreferencesView(generics.RetrieveUpdateAPIView):
    """Which follow-up emails I get, and when they may arrive (in my timezone)."""

    permission_classes = [IsPatient]
    serializer_class = PreferencesSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> Patient:
        patient = self.request.user.patient  # type: ignore[union-attr]
        if self.request.method == "GET":
            record(self.request, action=Action.VIEW, patients=[patient], object_type="preferences")
        return patient

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        if "muted_kinds" in data:
            data["muted_kinds"] = sorted(set(data["muted_kinds"]))
        patient = cast(Patient, serializer.instance)
        services.patient_update(patient=patient, **data)
        # Logged once done: a refused change is not in the patient's access log as a change.
        record(self.request, action=Action.UPDATE, patients=[patient], object_type="preferences")
