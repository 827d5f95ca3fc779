from django.urls import path
from rest_framework.routers import SimpleRouter

from . import patient_views, views

router = SimpleRouter()
router.register("program/sessions", patient_views.OwnSessionViewSet, basename="own-program-session")
router.register("clinic/exercises", views.ExerciseViewSet, basename="clinic-exercise")
router.register(
    "clinic/program-templates", views.TemplateViewSet, basename="clinic-program-template"
)
router.register(
    r"clinic/patients/(?P<patient_pk>\d+)/programs",
    views.PatientProgramViewSet,
    basename="clinic-patient-program",
)
router.register(
    r"clinic/patients/(?P<patient_pk>\d+)/program-sessions",
    views.PatientSessionViewSet,
    basename="clinic-patient-program-session",
)

urlpatterns = [
    path("program/", patient_views.OwnProgramView.as_view(), name="own-program"),
    path(
        "program/adherence/", patient_views.OwnAdherenceView.as_view(), name="own-program-adherence"
    ),
    path(
        "clinic/patients/<int:patient_pk>/adherence/",
        views.PatientAdherenceView.as_view(),
        name="clinic-patient-adherence",
    ),
    *router.urls,
]
