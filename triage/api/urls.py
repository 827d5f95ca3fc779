from django.urls import path
from rest_framework.routers import SimpleRouter

from . import outcome_views, views

router = SimpleRouter()
router.register("intakes", views.IntakeViewSet, basename="intake")
router.register(
    r"clinic/patients/(?P<patient_pk>\d+)/intakes",
    views.PatientIntakeViewSet,
    basename="clinic-patient-intake",
)
router.register("reassessments", views.ReassessmentViewSet, basename="reassessment")
router.register(
    r"clinic/patients/(?P<patient_pk>\d+)/reassessments",
    views.PatientReassessmentViewSet,
    basename="clinic-patient-reassessment",
)
router.register("clinic/assessments", views.AssessmentViewSet, basename="clinic-assessment")
router.register("clinic/escalations", views.EscalationViewSet, basename="clinic-escalation")

urlpatterns = [
    path("intake-form/", views.IntakeFormView.as_view(), name="intake-form"),
    path("clinic/triage-queue/", views.TriageQueueView.as_view(), name="clinic-triage-queue"),
    path("me/progress/", outcome_views.OwnProgressView.as_view(), name="me-progress"),
    path(
        "clinic/patients/<int:patient_pk>/progress/",
        outcome_views.PatientProgressView.as_view(),
        name="clinic-patient-progress",
    ),
    path("clinic/outcomes/", outcome_views.OutcomeReportView.as_view(), name="clinic-outcomes"),
    path(
        "clinic/outcomes/csv/",
        outcome_views.OutcomeReportCsvView.as_view(),
        name="clinic-outcomes-csv",
    ),
    *router.urls,
]
