from django.urls import path

from . import app_views

app_name = "app"
urlpatterns = [
    path("", app_views.shell, name="shell"),
    path("sw.js", app_views.service_worker, name="service-worker"),
    path("jsi18n/<str:language>/", app_views.catalogue, name="catalogue"),
]
