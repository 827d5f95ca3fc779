"""URL map. The only place (besides the Celery wiring) where clinic names the domain apps."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from clinic import twofactor
from clinic import views as clinic_views
from clinic.views import healthz
from patients import views as patient_views

api_v1 = [
    path("", include("clinic.api.urls")),
    path("", include("patients.api.urls")),
    path("", include("triage.api.urls")),
    path("", include("programs.api.urls")),
]

# The server-rendered dashboard for clinicians. "/" stays the patient list; Today is where a
# login lands. Pages that combine apps are clinic views assembling registered panels.
dashboard = (
    [
        path("", patient_views.patient_list, name="home"),
        path("today/", clinic_views.today, name="today"),
        path("patients/", patient_views.patient_list, name="patients"),
        path("patients/new/", patient_views.patient_new, name="patient-new"),
        path("patients/<int:pk>/", clinic_views.patient_page, name="patient"),
        path("patients/<int:pk>/edit/", patient_views.patient_edit, name="patient-edit"),
        path("patients/<int:pk>/notes/", patient_views.note_add, name="note-add"),
        path("patients/<int:pk>/invite/", patient_views.invitation_send, name="invite"),
        path("replies/<int:pk>/seen/", patient_views.reply_seen, name="reply-seen"),
        path("clinic/switch/", clinic_views.clinic_switch, name="clinic-switch"),
        path("clinic/settings/", clinic_views.clinic_settings, name="clinic-settings"),
        path("clinic/staff/", clinic_views.staff, name="staff"),
        path(
            "clinic/staff/<int:user_id>/reset-two-factor/",
            clinic_views.staff_reset_two_factor,
            name="staff-reset-two-factor",
        ),
    ],
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
    path("accounts/two-factor/", twofactor.verify, name="two-factor"),
    path("accounts/two-factor/setup/", twofactor.setup, name="two-factor-setup"),
    path(
        "accounts/two-factor/recovery-codes/",
        twofactor.recovery_codes,
        name="two-factor-recovery-codes",
    ),
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
    # The patient web app (a client of /api/v1/ like any mobile app).
    path("app/", include("patients.app_urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its set-up script as a file: no inline script under the CSP.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="schema", template_name="clinic/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("", include(dashboard)),
]

handler404 = "clinic.handlers.not_found"
handler500 = "clinic.handlers.server_error"
