from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"

    def ready(self) -> None:
        from . import notifications, panels

        notifications.register()
        panels.register()
