from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"

    def ready(self) -> None:
        from patients import export as patient_export
        from patients import outcomes

        from . import export, notifications, panels, selectors

        panels.register()
        notifications.register()
        patient_export.register(export.programs)
        patient_export.register(export.sessions)
        outcomes.register_adherence(selectors.adherence_until)
