from __future__ import annotations

import re
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.api.permissions import IsClinician, IsPatient
from clinic.api.serializers import FieldErrorsField
from clinic.audit import Action, AuditedViewSetMixin, record
from clinic.idempotency import PARAMETER, idempotent

from .. import analytics, episodes
from ..models import Episode, Patient
from ..selectors import patients_for_clinician
from ..vocabulary import (
    EPISODE_RED_FLAG_QUESTIONS,
    Function,
    Region,
    ReliefEffect,
    ReliefMethod,
    Side,
    Trigger,
)
from .episode_serializers import (
    ClinicianEpisodeSerializer,
    ClinicSummarySerializer,
    EpisodeDeletedSerializer,
    EpisodeInputSerializer,
    EpisodeSerializer,
    EpisodeSyncSerializer,
    EpisodeTriageSerializer,
    EpisodeUpdateSerializer,
    PatientSummarySerializer,
    episode_deleted_body,
    episode_triage,
)


class VocabularyTermSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class EpisodeVocabularySerializer(serializers.Serializer):
    triggers = VocabularyTermSerializer(many=True)
    relief_methods = VocabularyTermSerializer(many=True)
    relief_effects = VocabularyTermSerializer(many=True)
    sides = VocabularyTermSerializer(many=True)
    regions = VocabularyTermSerializer(many=True)
    functions = VocabularyTermSerializer(many=True)
    red_flags = VocabularyTermSerializer(many=True, help_text="The mini red-flag re-check")


def _terms(choices: Any) -> list[dict[str, str]]:
    return [{"code": str(code), "label": str(label)} for code, label in choices]


def episode_vocabulary() -> dict[str, list[dict[str, str]]]:
    return {
        "triggers": _terms(Trigger.choices),
        "relief_methods": _terms(ReliefMethod.choices),
        "relief_effects": _terms(ReliefEffect.choices),
        "sides": _terms(Side.choices),
        "regions": _terms(Region.choices),
        "functions": _terms(Function.choices),
        "red_flags": _terms(EPISODE_RED_FLAG_QUESTIONS.items()),
    }


DAYS = OpenApiParameter(
    "days",
    {"type": "integer", "minimum": 1, "maximum": 365},
    description="Window length in days (1-365), default 30",
)


def episode_queryset(patient_filter: dict[str, Any]) -> QuerySet[Episode]:
    return (
        analytics.live_episodes()
        .filter(**patient_filter)
        .select_related("patient")
        .prefetch_related(
            "triggers",
            "relief",
            Prefetch("assessments"),
        )
    )


def parse_days(request: Request) -> int:
    raw = request.query_params.get("days", "30")
    if not re.fullmatch(r"[0-9]{1,3}", raw) or not 1 <= int(raw) <= 365:
        raise serializers.ValidationError({"days": [_("A whole number of days from 1 to 365.")]})
    return int(raw)


def _uuid_or_none(value: Any) -> str | None:
    """Echo a client_id back only if it is one: never arbitrary client text."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


def _write_fields(validated: dict[str, Any]) -> dict[str, Any]:
    fields = dict(validated)
    if "red_flags" in fields:
        fields["red_flags"] = dict(fields["red_flags"])
    return fields


@extend_schema(tags=["patient: episodes"])
class EpisodeViewSet(
    AuditedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The patient's own spasm diary."""

    permission_classes = [IsPatient]
    serializer_class = EpisodeSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    audit_object_type = "episode"
    throttle_scope: str | None = None  # the sync action has a scope of its own

    def audit_scope_patient(self) -> Patient:
        return self.request.user.patient  # type: ignore[union-attr]

    def get_queryset(self) -> QuerySet[Episode]:
        if getattr(self, "swagger_fake_view", False):
            return Episode.objects.none()
        return episode_queryset({"patient": self.request.user.patient})  # type: ignore[union-attr]

    def _reload(self, episode: Episode) -> dict[str, Any]:
        return EpisodeSerializer(self.get_queryset().get(pk=episode.pk)).data

    @extend_schema(
        request=EpisodeInputSerializer,
        responses={
            201: EpisodeSerializer,
            200: EpisodeSerializer,
            410: OpenApiResponse(
                EpisodeDeletedSerializer,
                description="The client_id names an episode the patient deleted: it stays "
                "deleted. A red flag in the resend is still recorded, re-triaged and escalated "
                "(once); the answer carries the safety message (triage, and first in "
                "error.message).",
            ),
        },
        parameters=[PARAMETER],
        summary="Record an episode (a resend with the same client_id returns the stored one, "
        "200; or 410 if the patient deleted it)",
    )
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = EpisodeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recorded = episodes.episode_record(
            patient=request.user.patient,  # type: ignore[union-attr]
            **_write_fields(data.validated_data),
        )
        if recorded.created:
            self.audit(Action.CREATE, [recorded.episode])
        if recorded.deleted:
            # A final answer (replayed under an Idempotency-Key): the red flag work is kept.
            return Response(episode_deleted_body(recorded.episode), status=status.HTTP_410_GONE)
        return Response(
            self._reload(recorded.episode),
            status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK,
        )

    @extend_schema(request=EpisodeUpdateSerializer, responses=EpisodeSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        episode = self.get_object()
        data = EpisodeUpdateSerializer(episode, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        episodes.episode_update(episode=episode, **_write_fields(data.validated_data))
        return Response(self._reload(episode))

    def perform_destroy(self, instance: Episode) -> None:
        episodes.episode_delete(episode=instance)

    @extend_schema(
        request=EpisodeSyncSerializer,
        parameters=[PARAMETER],
        responses=inline_serializer(
            "EpisodeSyncResult",
            {
                "results": inline_serializer(
                    "EpisodeSyncItem",
                    {
                        "client_id": serializers.CharField(allow_null=True),
                        "status": serializers.ChoiceField(
                            ["created", "duplicate", "deleted", "rejected"],
                            help_text="deleted: the patient deleted this episode; it stays "
                            "deleted, but a red flag in the item is still re-triaged",
                        ),
                        "id": serializers.IntegerField(allow_null=True),
                        "errors": FieldErrorsField(help_text="Empty unless rejected"),
                        "triage": EpisodeTriageSerializer(
                            allow_null=True,
                            help_text="The episode's re-triage: show its safety_message",
                        ),
                    },
                    many=True,
                )
            },
        ),
        summary="Upload episodes recorded offline (up to 200); each item is judged on its own",
    )
    @action(detail=False, methods=["post"], throttle_scope="sync")
    @idempotent
    def sync(self, request: Request) -> Response:
        batch = EpisodeSyncSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        patient = request.user.patient  # type: ignore[union-attr]
        results = [self._sync_one(patient, item) for item in batch.validated_data["episodes"]]
        created = [r["id"] for r in results if r["status"] == "created"]
        if created:
            record(request, action=Action.CREATE, patients=[patient] * len(created),
                   object_type="episode", object_ids=created)  # fmt: skip
        return Response({"results": results})

    def _sync_one(self, patient: Patient, item: Any) -> dict[str, Any]:
        client_id = _uuid_or_none(item.get("client_id") if isinstance(item, dict) else None)
        data = EpisodeInputSerializer(data=item)
        if not data.is_valid():
            return {"client_id": client_id, "status": "rejected", "id": None,
                    "errors": data.errors, "triage": None}  # fmt: skip
        with transaction.atomic():  # one item's failure never undoes another's success
            recorded = episodes.episode_record(
                patient=patient, **_write_fields(data.validated_data)
            )
        state = "created" if recorded.created else "deleted" if recorded.deleted else "duplicate"
        return {
            "client_id": str(recorded.episode.client_id),
            "status": state,
            "id": recorded.episode.pk,
            "errors": {},
            "triage": episode_triage(recorded.episode),
        }

    @extend_schema(
        responses=EpisodeVocabularySerializer,
        summary="The diary's words: trigger, relief and red-flag codes with their labels",
    )
    @action(detail=False, methods=["get"])
    def vocabulary(self, request: Request) -> Response:
        return Response(EpisodeVocabularySerializer(episode_vocabulary()).data)

    @extend_schema(
        parameters=[DAYS],
        responses=PatientSummarySerializer,
        summary="Statistics for the app's charts",
    )
    @action(detail=False, methods=["get"])
    def summary(self, request: Request) -> Response:
        patient = request.user.patient  # type: ignore[union-attr]
        days = parse_days(request)
        record(request, action=Action.VIEW, patients=[patient], object_type="episode_summary")
        summary = analytics.patient_summary(patient, days=days)
        return Response(PatientSummarySerializer(summary).data)


@extend_schema(tags=["clinic: episodes"])
class PatientEpisodeViewSet(
    AuditedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A patient's spasm diary, for their clinic's staff."""

    permission_classes = [IsClinician]
    serializer_class = ClinicianEpisodeSerializer
    audit_object_type = "episode"

    def patient(self) -> Patient:
        patients = patients_for_clinician(self.request.user)  # type: ignore[arg-type]
        return get_object_or_404(patients, pk=self.kwargs["patient_pk"])

    def audit_scope_patient(self) -> Patient:
        return self.patient()

    def get_queryset(self) -> QuerySet[Episode]:
        if getattr(self, "swagger_fake_view", False):
            return Episode.objects.none()
        return episode_queryset({"patient": self.patient()})

    @extend_schema(parameters=[DAYS], responses=PatientSummarySerializer)
    @action(detail=False, methods=["get"])
    def summary(self, request: Request, patient_pk: str | None = None) -> Response:
        patient, days = self.patient(), parse_days(request)
        record(request, action=Action.VIEW, patients=[patient], object_type="episode_summary")
        summary = analytics.patient_summary(patient, days=days)
        return Response(PatientSummarySerializer(summary).data)


@extend_schema(tags=["clinic: episodes"], parameters=[DAYS], responses=ClinicSummarySerializer)
class ClinicEpisodeSummaryView(APIView):
    """Across the caller's clinics: the commonest triggers and patients who are getting worse."""

    permission_classes = [IsClinician]

    def get(self, request: Request) -> Response:
        patients = patients_for_clinician(request.user).filter(is_active=True)  # type: ignore[arg-type]
        clinic = request.user.memberships.select_related("clinic").first().clinic  # type: ignore[union-attr]
        summary = analytics.clinic_summary(
            patients, days=parse_days(request), tz=ZoneInfo(str(clinic.timezone))
        )
        shown = Patient.objects.filter(pk__in=[p["id"] for p in summary["rising_patients"]])
        record(request, action=Action.LIST, patients=shown, object_type="episode_summary")
        return Response(ClinicSummarySerializer(summary).data)
