from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"

    def ready(self) -> None:
        from patients import export as patient_export

        from . import export, notifications, panels

        panels.register()
        notifications.register()
        patient_export.register(export.programs)
        patient_export.register(export.sessions)
