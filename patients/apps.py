from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"

    def ready(self) -> None:
        from . import export, notifications, panels
        from .api.export_serializers import EpisodeRecordSerializer

        notifications.register()
        panels.register()
        export.register("episodes", export.episodes, records=EpisodeRecordSerializer)
