"""Re-triage of spasm episodes: the patients app announces an episode, triage assesses it."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from patients.models import Episode
from patients.signals import episode_saved

from . import services


@receiver(episode_saved, sender=Episode, dispatch_uid="triage.episode_saved")
def on_episode_saved(sender: type[Episode], episode: Episode, created: bool, **kwargs: Any) -> None:
    services.episode_assess(episode=episode)
