from django.urls import path

from . import views

app_name = "triage"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("outcomes/", views.outcomes_page, name="outcomes"),
    path("outcomes.csv", views.outcomes_csv, name="outcomes-csv"),
    path("escalations/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("escalations/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("assessments/<int:pk>/review/", views.review, name="review"),
    path("patients/<int:patient_pk>/intake/", views.intake, name="intake"),
]
