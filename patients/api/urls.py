from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("clinic/patients", views.PatientViewSet, basename="clinic-patient")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
