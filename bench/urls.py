"""The app's URLs plus the floor views. Never included by the app's own URLconf."""

from django.urls import path

from clinic.urls import urlpatterns as app_urlpatterns

from . import views

urlpatterns = [
    path("bench/floor/episodes/", views.floor_episode_insert, name="bench-floor-insert"),
    path("bench/floor/episodes/list/", views.floor_episode_list, name="bench-floor-list"),
    *app_urlpatterns,
]
