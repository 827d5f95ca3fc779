"""Side-by-side timing: the app's path and its floor alternate in one process, so both see the
same machine, the same caches and the same background noise."""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(math.ceil(q / 100 * len(ordered)), 1)
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True)
class Sample:
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        return percentile(self.seconds, 95)

    def summary(self) -> dict[str, float]:
        return {
            "n": len(self.seconds),
            "median_ms": round(self.median * 1000, 3),
            "p95_ms": round(self.p95 * 1000, 3),
            "per_second": round(1 / self.median, 1) if self.median else 0.0,
        }


@dataclass(frozen=True)
class Pair:
    app: Sample
    floor: Sample

    def summary(self) -> dict[str, Any]:
        return {"app": self.app.summary(), "floor": self.floor.summary()}


def side_by_side(
    app: Callable[[int], object],
    floor: Callable[[int], object],
    *,
    iterations: int,
    warmup: int = 20,
) -> Pair:
    """Run app(i) and floor(i) alternately (who goes first alternates too); wall time each."""
    for i in range(warmup):
        app(-1 - i)
        floor(-1 - i)
    gc.collect()
    a: list[float] = []
    f: list[float] = []
    clock = time.perf_counter
    for i in range(iterations):
        order = ((app, a), (floor, f)) if i % 2 == 0 else ((floor, f), (app, a))
        for fn, out in order:
            t0 = clock()
            fn(i)
            out.append(clock() - t0)
    return Pair(Sample(a), Sample(f))


def count_queries(fn: Callable[[], object]) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def database_share(fn: Callable[[int], object], *, iterations: int) -> dict[str, float]:
    """Mean wall time per call and the part of it spent in cursor.execute (statements sent to
    the database and answered); the rest is Python: Django, DRF, the app."""
    spent = 0.0

    def timed(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal spent
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent += time.perf_counter() - t0

    with connection.execute_wrapper(timed):
        t0 = time.perf_counter()
        for i in range(iterations):
            fn(i)
        total = time.perf_counter() - t0
    return {
        "total_ms": round(total / iterations * 1000, 2),
        "database_ms": round(spent / iterations * 1000, 2),
        "python_ms": round((total - spent) / iterations * 1000, 2),
    }
