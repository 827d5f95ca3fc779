"""Commit times of episodes, for the load run's commit-to-email latency (bench settings only).

A receiver of `episode_saved` registers an on-commit callback that writes the wall-clock time
of the commit to Redis. It is registered after triage's receiver, so it runs just after the
escalation alert was handed to the broker: the measured latency errs short by that publish.
"""

from __future__ import annotations

import time
from typing import Any

import redis
from django.db import transaction

from patients.models import Episode
from patients.signals import episode_saved

COMMITS_KEY = "bench:episode-commits"
NOOP_KEY = "bench:noop-runs"

_client: redis.Redis | None = None


def client(url: str) -> redis.Redis:
    global _client  # one connection pool per process
    if _client is None:
        _client = redis.Redis.from_url(url)
    return _client


def connect(url: str) -> None:
    def on_saved(sender: type[Episode], episode: Episode, created: bool, **kwargs: Any) -> None:
        if created and episode.has_red_flag:
            pk = episode.pk
            transaction.on_commit(lambda: client(url).hset(COMMITS_KEY, str(pk), time.time()))

    episode_saved.connect(on_saved, sender=Episode, weak=False, dispatch_uid="bench.probe")
