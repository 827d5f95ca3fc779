from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"

    def ready(self) -> None:
        from patients import export as patient_export
        from patients import outcomes

        from . import export, notifications, panels, selectors

        panels.register()
        notifications.register()
        from .api.export_serializers import ProgramRecordSerializer, SessionRecordSerializer

        patient_export.register("programs", export.programs, records=ProgramRecordSerializer)
        patient_export.register(
            "exercise_sessions", export.sessions, records=SessionRecordSerializer
        )
        outcomes.register_adherence(selectors.adherence_until)
