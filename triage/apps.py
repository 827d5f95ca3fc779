from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"

    def ready(self) -> None:
        from patients import export as patient_export

        from . import export, notifications, panels, receivers  # noqa: F401 - connects the receiver

        notifications.register()
        panels.register()
        from .api.export_serializers import IntakeRecordSerializer, ReassessmentRecordSerializer

        patient_export.register("intakes", export.intakes, records=IntakeRecordSerializer)
        patient_export.register(
            "reassessments", export.reassessments, records=ReassessmentRecordSerializer
        )
