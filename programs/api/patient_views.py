"""The patient's own program, session log and adherence (the adherence response is shared with
the clinician's view of a patient, in views.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.api.permissions import IsPatient
from clinic.audit import Action, AuditedViewSetMixin, record
from clinic.errors import DomainError
from clinic.idempotency import PARAMETER, idempotent
from patients.models import Patient

from .. import selectors, sessions
from ..models import ExerciseSession
from .log_serializers import (
    AdherenceQuerySerializer,
    AdherenceSerializer,
    PatientItemSerializer,
    PatientProgramSerializer,
    SessionInputSerializer,
    SessionSerializer,
    adherence_data,
    safety_note,
)


class NoProgram(DomainError):
    status_code = 404
    code = "no_program"


WEEKS = OpenApiParameter(
    "weeks",
    {"type": "integer", "minimum": 1, "maximum": 52},
    description="Weeks up to today (1-52, default 4)",
)
PROGRAM = OpenApiParameter(
    "program",
    {"type": "integer", "minimum": 1, "maximum": 10**18 - 1},
    description="A program id; default: the active program, else the latest",
)


def adherence_response(patient: Patient, request: Request) -> Response:
    query = AdherenceQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    program = selectors.program_for_adherence(patient, query.validated_data.get("program"))
    if program is None:
        raise NoProgram(gettext("No exercise program has been assigned."))
    program.patient = patient
    report = selectors.program_adherence(program, weeks=query.validated_data["weeks"])
    record(request, action=Action.VIEW, patients=[patient], object_type="program_adherence",
           object_ids=[program.pk])  # fmt: skip
    return Response(adherence_data(report))


# --- the patient's own program -------------------------------------------------------------


@extend_schema(tags=["patient: program"])
class OwnProgramView(generics.GenericAPIView):
    """The current program: its exercises, and what is still due today."""

    permission_classes = [IsPatient]

    @extend_schema(responses=PatientProgramSerializer)
    def get(self, request: Request) -> Response:
        patient: Patient = request.user.patient  # type: ignore[union-attr]
        program = selectors.active_program(patient)
        if program is None or program.current_revision is None:
            raise NoProgram(gettext("You have no exercise program yet."))
        program.patient = patient
        revision = program.current_revision
        today, due = selectors.today_for_patient(program)
        record(request, action=Action.VIEW, patients=[patient], object_type="program",
               object_ids=[program.pk])  # fmt: skip
        physio = patient.physiotherapist
        return Response(
            {
                "id": program.pk,
                "status": program.status,
                "revision": revision.number,
                "start_date": revision.start_date,
                "end_date": revision.end_date,
                "notes": revision.notes,
                "physiotherapist": physio.get_full_name() if physio else None,
                "updated_at": revision.created_at,
                "items": PatientItemSerializer(revision.items.all(), many=True).data,
                "today": today,
                "due_today": [
                    {
                        "item": d.item.pk,
                        "exercise": {
                            "id": d.item.exercise_id,
                            "name": d.item.exercise.name,
                            "category": d.item.exercise.category,
                            "direction": d.item.exercise.direction,
                            "difficulty": d.item.exercise.difficulty,
                        },
                        "times_per_day": d.item.times_per_day,
                        "done_today": d.done_today,
                        "remaining_today": d.remaining_today,
                    }
                    for d in due
                    if d.remaining_today
                ],
                "safety_note": safety_note(patient.clinic),
            }
        )


@extend_schema(tags=["patient: program"])
class OwnSessionViewSet(
    AuditedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Exercise sessions the patient logged, newest first."""

    permission_classes = [IsPatient]
    serializer_class = SessionSerializer
    audit_object_type = "exercise_session"

    def audit_scope_patient(self) -> Patient:
        return self.request.user.patient  # type: ignore[union-attr]

    def get_queryset(self) -> QuerySet[ExerciseSession]:
        if getattr(self, "swagger_fake_view", False):
            return ExerciseSession.objects.none()
        return selectors.sessions_of_patient(self.request.user.patient).select_related(  # type: ignore[union-attr]
            "revision", "patient"
        )

    @extend_schema(
        request=SessionInputSerializer,
        responses={201: SessionSerializer, 200: SessionSerializer},
        parameters=[PARAMETER],
        summary="Log a session; a repeated client_id returns the stored one (200)",
    )
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = SessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        done = [
            sessions.DoneSpec(exercise_id=d["exercise"], sets=d.get("sets"), reps=d.get("reps"))
            for d in values.pop("exercises")
        ]
        session, created = sessions.session_log(
            patient=request.user.patient,  # type: ignore[union-attr]
            exercises=done,
            **values,
        )
        session = self.get_queryset().get(pk=session.pk)
        if created:
            self.audit(Action.CREATE, [session])
        return Response(
            SessionSerializer(session).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema(tags=["patient: program"])
class OwnAdherenceView(generics.GenericAPIView):
    """Prescribed against done per week and exercise, streaks and exercises to review."""

    permission_classes = [IsPatient]

    @extend_schema(responses=AdherenceSerializer, parameters=[WEEKS, PROGRAM])
    def get(self, request: Request) -> Response:
        return adherence_response(request.user.patient, request)  # type: ignore[union-attr]
