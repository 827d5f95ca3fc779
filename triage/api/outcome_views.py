"""Outcomes in the API: a patient's own progress, a clinician's view of one patient's, and the
clinic report (JSON and CSV)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.api.permissions import IsClinician, IsPatient
from clinic.audit import Action, record
from clinic.models import User
from patients.models import Patient
from patients.selectors import patients_for_clinician

from .. import outcomes, selectors
from .outcome_serializers import (
    ProgressSerializer,
    ReportQuerySerializer,
    ReportSerializer,
    progress_data,
    report_data,
)

REPORT_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day (UTC) a 12-week check "
                     "falls due; default 91 days before `end`"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day, included; default today"),
    OpenApiParameter("clinic", int, description="One of the caller's clinics; default: all"),
]  # fmt: skip


def _progress(request: Request, patient: Patient) -> Response:
    progress = selectors.progress_of_patient(patient)
    record(request, action=Action.VIEW, patients=[patient], object_type="progress")
    return Response(progress_data(progress))


@extend_schema(tags=["patient: progress"])
class OwnProgressView(APIView):
    """My progress: pain and Oswestry from the first screening through each progress check,
    each judged against the minimal important change (absolute and 30 %)."""

    permission_classes = [IsPatient]

    @extend_schema(responses=ProgressSerializer)
    def get(self, request: Request) -> Response:
        return _progress(request, request.user.patient)  # type: ignore[union-attr]


@extend_schema(tags=["clinic: outcomes"])
class PatientProgressView(APIView):
    """One patient's trajectory; another clinic's patient is a 404."""

    permission_classes = [IsClinician]

    @extend_schema(responses=ProgressSerializer)
    def get(self, request: Request, patient_pk: int) -> Response:
        patients = patients_for_clinician(request.user)  # type: ignore[arg-type]
        return _progress(request, get_object_or_404(patients, pk=patient_pk))


def report_for(request: Request) -> tuple[outcomes.Report, list[int]]:
    query = ReportQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    user: User = request.user  # type: ignore[assignment]
    clinics = selectors.outcome_clinic_ids(user, query.validated_data.get("clinic"))
    if not clinics:
        raise Http404  # another clinic's report does not exist for the caller
    report = selectors.outcome_report(
        clinics, start=query.validated_data["start"], end=query.validated_data["end"]
    )
    return report, clinics


@extend_schema(tags=["clinic: outcomes"])
class OutcomeReportView(APIView):
    """The outcomes report for the patients whose 12-week check falls due in the period.

    Figures from fewer than 5 patients are withheld (null, `reportable` false); n is always given.
    """

    permission_classes = [IsClinician]

    @extend_schema(responses=ReportSerializer, parameters=REPORT_PARAMETERS)
    def get(self, request: Request) -> Response:
        report, clinics = report_for(request)
        return Response(report_data(report, clinics))


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, str):
            return data.encode()
        return JSONRenderer().render(data)  # not a download: never reached for GET


@extend_schema(tags=["clinic: outcomes"])
class OutcomeReportCsvView(APIView):
    """The same table as CSV (RFC 4180, UTF-8), for a spreadsheet."""

    permission_classes = [IsClinician]
    renderer_classes = [CSVRenderer, JSONRenderer]
    http_method_names = ["get", "head"]  # a download: no OPTIONS metadata in CSV

    def handle_exception(self, exc: Exception) -> Response:
        # Errors keep the API's one JSON shape, whatever the download would have been.
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return response

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV")},
        parameters=REPORT_PARAMETERS,
    )
    def get(self, request: Request) -> Response:
        report, _ = report_for(request)
        name = f"outcomes-{report.start.isoformat()}-{report.end.isoformat()}.csv"
        return Response(
            outcomes.report_csv(report),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
