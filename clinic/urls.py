"""URL map. The only place (besides the Celery wiring) where clinic names the domain apps."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from clinic.views import healthz
from patients import views as patient_views

api_v1 = [
    path("", include("clinic.api.urls")),
    path("", include("patients.api.urls")),
    path("", include("triage.api.urls")),
    path("", include("programs.api.urls")),
]

dashboard = (
    [path("", patient_views.home, name="home")],
    "dashboard",
)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("triage/", include("triage.urls")),
    path("programs/", include("programs.urls")),
    path("invitations/<str:token>/", patient_views.invitation_accept, name="invitation-accept"),
    path(
        "followups/reply/<str:token>/<str:answer>/",
        patient_views.followup_reply,
        name="followup-reply",
    ),
    path(
        "followups/unsubscribe/<str:token>/",
        patient_views.followup_unsubscribe,
        name="followup-unsubscribe",
    ),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include(dashboard)),
]

handler404 = "clinic.handlers.not_found"
handler500 = "clinic.handlers.server_error"
