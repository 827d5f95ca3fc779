from django.urls import path

from . import views

app_name = "programs"
urlpatterns = [
    path("", views.library, name="library"),
    path("exercises/new/", views.exercise_edit, name="exercise-new"),
    path("exercises/<int:pk>/edit/", views.exercise_edit, name="exercise-edit"),
    path("exercises/<int:pk>/copy/", views.exercise_copy, name="exercise-copy"),
    path("exercises/<int:pk>/archive/", views.exercise_archive, name="exercise-archive"),
    path("templates/new/", views.template_edit, name="template-new"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template-edit"),
    path("templates/<int:pk>/copy/", views.template_copy, name="template-copy"),
    path("templates/<int:pk>/archive/", views.template_archive, name="template-archive"),
    path("patients/<int:patient_pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/edit/", views.revise, name="revise"),
    path("<int:pk>/end/", views.end, name="end"),
]
