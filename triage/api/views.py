from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as df
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.api.filters import StrictFilterSet
from clinic.api.permissions import IsClinician, IsPatient
from clinic.api.serializers import NoInputSerializer, refuse_any_input
from clinic.audit import Action, AuditedViewSetMixin, record
from clinic.idempotency import PARAMETER, idempotent
from patients.models import Patient
from patients.selectors import patients_for_clinician

from .. import selectors, services
from ..models import Assessment, Escalation, Intake, Reassessment
from .intake_form import IntakeFormSerializer, intake_form
from .serializers import (
    ClinicianAssessmentSerializer,
    ClinicianIntakeSerializer,
    EscalationSerializer,
    IntakeInputSerializer,
    IntakeSerializer,
    QueueItemSerializer,
    ReassessmentDueSerializer,
    ReassessmentInputSerializer,
    ReassessmentSerializer,
    ResolveInputSerializer,
    ReviewInputSerializer,
)


def _intake_response(
    intake: Intake, serializer: type[IntakeSerializer], request: Request
) -> Response:
    intake = Intake.objects.select_related("assessment__escalation", "patient").get(pk=intake.pk)
    record(request, action=Action.CREATE, patients=[intake.patient], object_type="intake",
           object_ids=[intake.pk])  # fmt: skip
    escalation = getattr(intake.assessment, "escalation", None)
    if escalation is not None:
        record(request, action=Action.ESCALATE, patients=[intake.patient],
               object_type="escalation", object_ids=[escalation.pk])  # fmt: skip
    return Response(
        serializer(intake, context={"request": request}).data, status=status.HTTP_201_CREATED
    )


@extend_schema(tags=["patient: intake"])
class IntakeViewSet(
    AuditedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The patient's own screening questionnaires and what they showed."""

    permission_classes = [IsPatient]
    serializer_class = IntakeSerializer
    audit_object_type = "intake"

    def audit_scope_patient(self) -> Patient:
        return self.request.user.patient  # type: ignore[union-attr]

    def get_queryset(self) -> QuerySet[Intake]:
        if getattr(self, "swagger_fake_view", False):
            return Intake.objects.none()
        patient = self.request.user.patient  # type: ignore[union-attr]
        return selectors.intakes_of_patient(patient).select_related("patient")

    @extend_schema(
        request=IntakeInputSerializer, responses={201: IntakeSerializer}, parameters=[PARAMETER]
    )
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = IntakeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        intake = services.intake_submit(
            patient=request.user.patient,  # type: ignore[union-attr]
            submitted_by=request.user,  # type: ignore[arg-type]
            **data.validated_data,
        )
        return _intake_response(intake, IntakeSerializer, request)


@extend_schema(tags=["clinic: triage"])
class PatientIntakeViewSet(
    AuditedViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Intakes of one patient, recorded by the patient or by a clinician on their behalf."""

    permission_classes = [IsClinician]
    serializer_class = ClinicianIntakeSerializer
    audit_object_type = "intake"

    def patient(self) -> Patient:
        patients = patients_for_clinician(self.request.user)  # type: ignore[arg-type]
        return get_object_or_404(patients, pk=self.kwargs["patient_pk"])

    def audit_scope_patient(self) -> Patient:
        return self.patient()

    def get_queryset(self) -> QuerySet[Intake]:
        if getattr(self, "swagger_fake_view", False):
            return Intake.objects.none()
        return selectors.intakes_of_patient(self.patient()).select_related(
            "patient", "assessment__escalation", "assessment__review__reviewed_by"
        )

    @extend_schema(request=IntakeInputSerializer, responses={201: ClinicianIntakeSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        patient = self.patient()
        data = IntakeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        intake = services.intake_submit(
            patient=patient,
            submitted_by=request.user,  # type: ignore[arg-type]
            **data.validated_data,
        )
        return _intake_response(intake, ClinicianIntakeSerializer, request)


@extend_schema(tags=["clinic: triage"])
class AssessmentViewSet(AuditedViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsClinician]
    serializer_class = ClinicianAssessmentSerializer
    audit_object_type = "assessment"
    audit_actions = {"review": Action.REVIEW}

    def get_queryset(self) -> QuerySet[Assessment]:
        if getattr(self, "swagger_fake_view", False):
            return Assessment.objects.none()
        return selectors.assessments_for_clinician(self.request.user).select_related(  # type: ignore[arg-type]
            "patient", "escalation", "review__reviewed_by"
        )

    @extend_schema(request=ReviewInputSerializer, responses={201: ClinicianAssessmentSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        """Sign off the assessment as reviewed, with an optional note."""
        assessment = self.get_object()
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.assessment_review(
            assessment=assessment,
            user=request.user,  # type: ignore[arg-type]
            note=data.validated_data["note"],
        )
        assessment = self.get_queryset().get(pk=assessment.pk)
        return Response(self.get_serializer(assessment).data, status=status.HTTP_201_CREATED)


class EscalationFilter(StrictFilterSet):
    status = df.ChoiceFilter(choices=Escalation.Status.choices)
    level = df.ChoiceFilter(choices=Escalation.Level.choices)

    class Meta:
        model = Escalation
        fields = ("status", "level")


@extend_schema(tags=["clinic: triage"])
class EscalationViewSet(
    AuditedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsClinician]
    serializer_class = EscalationSerializer
    filterset_class = EscalationFilter
    audit_object_type = "escalation"
    audit_actions = {"acknowledge": Action.ACKNOWLEDGE, "resolve": Action.RESOLVE}

    def get_queryset(self) -> QuerySet[Escalation]:
        if getattr(self, "swagger_fake_view", False):
            return Escalation.objects.none()
        return selectors.escalations_for_clinician(self.request.user)  # type: ignore[arg-type]

    @extend_schema(request=NoInputSerializer, responses=EscalationSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        """Take charge of the alert: stops the reminders. Records who and when."""
        refuse_any_input(request)
        escalation = services.escalation_acknowledge(
            escalation=self.get_object(),
            user=request.user,  # type: ignore[arg-type]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=escalation.pk)).data)

    @extend_schema(request=ResolveInputSerializer, responses=EscalationSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        """Close the alert with a note of what was done."""
        escalation = self.get_object()
        data = ResolveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        escalation = services.escalation_resolve(
            escalation=escalation,
            user=request.user,  # type: ignore[arg-type]
            note=data.validated_data["note"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=escalation.pk)).data)


@extend_schema(tags=["clinic: triage"])
class TriageQueueView(AuditedViewSetMixin, generics.ListAPIView):
    """Unreviewed intakes and unresolved escalations: most urgent first, then oldest first."""

    permission_classes = [IsClinician]
    serializer_class = QueueItemSerializer
    audit_object_type = "assessment"
    action = "list"

    def get_queryset(self) -> QuerySet[Assessment]:
        if getattr(self, "swagger_fake_view", False):
            return Assessment.objects.none()
        return selectors.triage_queue(self.request.user)  # type: ignore[arg-type]


@extend_schema(tags=["patient: intake"], responses=IntakeFormSerializer)
class IntakeFormView(generics.GenericAPIView):
    """The current intake questionnaire: every question, its type and whether it is required,
    in the caller's language; the validated instruments say when they are shown in English."""

    def get(self, request: Request) -> Response:
        return Response(intake_form())


@extend_schema(tags=["patient: intake"])
class ReassessmentViewSet(
    AuditedViewSetMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Pain and Oswestry at 2, 6 and 12 weeks; each compared with the first assessment."""

    permission_classes = [IsPatient]
    serializer_class = ReassessmentSerializer
    audit_object_type = "reassessment"

    def audit_scope_patient(self) -> Patient:
        return self.request.user.patient  # type: ignore[union-attr]

    def get_queryset(self) -> QuerySet[Reassessment]:
        if getattr(self, "swagger_fake_view", False):
            return Reassessment.objects.none()
        patient = self.request.user.patient  # type: ignore[union-attr]
        return Reassessment.objects.filter(patient=patient).select_related("patient")

    @extend_schema(
        responses=ReassessmentDueSerializer,
        summary="Which progress check (2, 6 or 12 weeks) is open now, and when the next opens",
    )
    @action(detail=False, methods=["get"])
    def due(self, request: Request) -> Response:
        patient = request.user.patient  # type: ignore[union-attr]
        record(request, action=Action.VIEW, patients=[patient], object_type="reassessment_due")
        return Response(ReassessmentDueSerializer(selectors.reassessment_due(patient)).data)

    @extend_schema(
        request=ReassessmentInputSerializer,
        responses={201: ReassessmentSerializer},
        parameters=[PARAMETER],
    )
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ReassessmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reassessment = services.reassessment_record(
            patient=request.user.patient,  # type: ignore[union-attr]
            pain_nrs=data.validated_data["pain_nrs"],
            oswestry=data.validated_data.get("oswestry"),
        )
        self.audit(Action.CREATE, [reassessment])
        return Response(ReassessmentSerializer(reassessment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["clinic: triage"])
class PatientReassessmentViewSet(
    AuditedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """A patient's reassessments with the change from baseline (Ostelo 2008 thresholds)."""

    permission_classes = [IsClinician]
    serializer_class = ReassessmentSerializer
    audit_object_type = "reassessment"

    def audit_scope_patient(self) -> Patient:
        patients = patients_for_clinician(self.request.user)  # type: ignore[arg-type]
        return get_object_or_404(patients, pk=self.kwargs["patient_pk"])

    def get_queryset(self) -> QuerySet[Reassessment]:
        if getattr(self, "swagger_fake_view", False):
            return Reassessment.objects.none()
        return Reassessment.objects.filter(patient=self.audit_scope_patient()).select_related(
            "patient"
        )
