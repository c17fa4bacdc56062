"""Timing: one warm-up, then ``repeat`` runs; the median and the spread (min–max, interquartile range)."""

from __future__ import annotations

import gc
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection


@dataclass(frozen=True)
class Spread:
    """Milliseconds of ``repeat`` runs."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    @property
    def iqr(self) -> float:
        if len(self.values) < 2:
            return 0.0
        q1, _q2, q3 = statistics.quantiles(self.values, n=4, method="inclusive")
        return q3 - q1

    def short(self) -> str:
        """For example "12.3 ms (11.9–14.0, IQR 0.80)"."""
        low, high, iqr = (fmt_ms(v, unit=False) for v in (self.low, self.high, self.iqr))
        return f"{fmt_ms(self.median)} ({low}–{high}, IQR {iqr})"


def fmt_ms(value: float, *, unit: bool = True) -> str:
    text = f"{value:,.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"
    return f"{text} ms" if unit else text


@dataclass
class Measurement:
    """One endpoint or baseline: times, queries per run, and what the last run returned."""

    spread: Spread
    queries: list[int]
    result: Any
    sql_ms: list[float] = field(default_factory=list)  # time spent in the database driver per run
    tracemalloc_peak: int | None = None  # bytes, one extra run under tracemalloc
    slowest_queries: list[tuple[float, str]] = field(default_factory=list)  # (ms, sql) of the last run

    @property
    def queries_constant(self) -> bool:
        return len(set(self.queries)) <= 1

    @property
    def queries_text(self) -> str:
        if not self.queries:
            return "–"
        if self.queries_constant:
            return str(self.queries[0])
        return f"{min(self.queries)}–{max(self.queries)} (varies)"


class QueryRecorder:
    """Counts and times every query of a run (``connection.execute_wrapper``; no debug cursor needed).

    The time is that of ``execute``: on PostgreSQL (psycopg's client-side cursors) the whole result has arrived;
    on SQLite rows are computed while they are fetched, so part of the database's work counts as Python time.
    """

    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql))


def measure(
    run: Callable[[], Any], *, repeat: int, with_tracemalloc: bool = False, keep_slowest: int = 3
) -> Measurement:
    """Time ``run`` in this process: a warm-up, then ``repeat`` runs, counting the SQL queries of each run."""
    run()  # warm-up: imports, template compilation, the database's caches
    times: list[float] = []
    queries: list[int] = []
    result: Any = None
    slowest: list[tuple[float, str]] = []
    sql_ms: list[float] = []
    for _n in range(repeat):
        gc.collect()
        recorder = QueryRecorder()
        with connection.execute_wrapper(recorder):
            started = time.perf_counter()
            result = run()
            elapsed = (time.perf_counter() - started) * 1000
        times.append(elapsed)
        queries.append(len(recorder.queries))
        sql_ms.append(sum(ms for ms, _sql in recorder.queries))
        slowest = sorted(recorder.queries, key=lambda t: -t[0])[:keep_slowest]
    peak = None
    if with_tracemalloc:
        gc.collect()
        tracemalloc.start()
        try:
            run()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return Measurement(Spread(tuple(times)), queries, result, sql_ms, peak, slowest)


def max_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
