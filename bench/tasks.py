"""The broker floor: a task that does nothing but note when it ran."""

from __future__ import annotations

import json
import os
import time

from celery import shared_task

from . import probe


@shared_task(ignore_result=True)
def noop(enqueued_at: float) -> None:
    ran_at = time.time()
    url = os.environ.get("BENCH_PROBE_REDIS_URL")
    if url:
        probe.client(url).rpush(probe.NOOP_KEY, json.dumps([enqueued_at, ran_at]))
