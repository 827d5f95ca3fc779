from __future__ import annotations

import os

from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bench"
    label = "bench"

    def ready(self) -> None:
        # Only the load run's gunicorn sets this: it stamps each episode's commit time.
        if os.environ.get("BENCH_PROBE_REDIS_URL"):
            from . import probe

            probe.connect(os.environ["BENCH_PROBE_REDIS_URL"])
