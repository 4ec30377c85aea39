"""Timing pages for the `bench_*` commands: repeated requests through Django's test client,
median and 95th percentile, and the number of SQL queries of one request."""

import math
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class PageTiming:
    median_ms: float
    p95_ms: float
    queries: int


def percentile(values: Iterable[float], percent: float) -> float:
    """Nearest-rank percentile: the smallest value with `percent` % of values at or below."""
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def time_page(get: Callable[[str], object], url: str, *, repeat: int, warmup: int) -> PageTiming:
    """`get(url)` must perform the request and fail loudly on an error status."""
    for _ in range(warmup):
        get(url)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        get(url)
    return PageTiming(statistics.median(timings), percentile(timings, 95), len(queries))
