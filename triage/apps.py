from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"

    def ready(self) -> None:
        from patients import export as patient_export

        from . import export, notifications, panels, receivers  # noqa: F401 - connects the receiver

        notifications.register()
        panels.register()
        patient_export.register(export.intakes)
        patient_export.register(export.reassessments)
