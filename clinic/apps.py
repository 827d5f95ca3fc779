from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinics"

    def ready(self) -> None:
        from . import notifications

        notifications.register()


class ClinicAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the two-factor admin site as its default site."""

    default = False  # named explicitly in INSTALLED_APPS; ClinicConfig stays this module's default
    default_site = "clinic.admin_site.ClinicAdminSite"
