from django.urls import path
from rest_framework.routers import SimpleRouter

from . import episode_views, invitation_views, views

router = SimpleRouter()
router.register("clinic/patients", views.PatientViewSet, basename="clinic-patient")
router.register("episodes", episode_views.EpisodeViewSet, basename="episode")
router.register(
    r"clinic/patients/(?P<patient_pk>\d+)/episodes",
    episode_views.PatientEpisodeViewSet,
    basename="clinic-patient-episode",
)

urlpatterns = [
    path("auth/invitation/", invitation_views.InvitationView.as_view(), name="invitation"),
    path(
        "auth/invitation/accept/",
        invitation_views.InvitationAcceptView.as_view(),
        name="invitation-accept-api",
    ),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/access-log/", views.AccessLogView.as_view(), name="me-access-log"),
    path("me/preferences/", views.PreferencesView.as_view(), name="me-preferences"),
    path("me/export/", views.MyExportView.as_view(), name="me-export"),
    path("me/export/fhir/", views.MyFhirExportView.as_view(), name="me-export-fhir"),
    path(
        "clinic/patients/<int:pk>/export/",
        views.PatientExportView.as_view(),
        name="clinic-patient-export",
    ),
    path(
        "clinic/patients/<int:pk>/export/fhir/",
        views.PatientFhirExportView.as_view(),
        name="clinic-patient-export-fhir",
    ),
    path(
        "clinic/episodes/summary/",
        episode_views.ClinicEpisodeSummaryView.as_view(),
        name="clinic-episode-summary",
    ),
    *router.urls,
]
