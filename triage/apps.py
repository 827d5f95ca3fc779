from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"

    def ready(self) -> None:
        from . import notifications, receivers  # noqa: F401 - connects the episode receiver

        notifications.register()
