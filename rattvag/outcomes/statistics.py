"""The statistics behind the reports, as plain functions on numbers (scipy does the arithmetic).

- `wilson_interval(k, n)`: the 95 % Wilson score interval of a proportion
  (`scipy.stats.binomtest(k, n).proportion_ci(method="wilson")`).
- `target_verdict(low, high, target)`: met when the whole interval lies at or above the target, not met
  when it lies below, otherwise not distinguishable with this many answers.
- `kaplan_meier(durations, observed)`: the Kaplan–Meier estimate of the share still waiting, with open
  (right-censored) cases counted as at risk up to and including their last day
  (`scipy.stats.ecdf(scipy.stats.CensoredData(...))`), a 95 % pointwise band ("log-log" method, which
  stays within 0..1) and the median with its 95 % interval read off the band (Brookmeyer–Crowley style:
  the first time the upper band falls to 0.5 or below is the upper limit, likewise for the lower).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import stats

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson_interval(k: int, n: int, confidence: float = CONFIDENCE) -> Interval | None:
    """None when nobody answered."""
    if n <= 0:
        return None
    if not 0 <= k <= n:
        raise ValueError("k must be between 0 and n")
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    return Interval(low=float(ci.low), high=float(ci.high))


class Verdict(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_DISTINGUISHABLE = "not_distinguishable"


def target_verdict(interval: Interval, target: float) -> Verdict:
    """`target` as a share (0.7 for 70 %)."""
    if interval.low >= target:
        return Verdict.MET
    if interval.high < target:
        return Verdict.NOT_MET
    return Verdict.NOT_DISTINGUISHABLE


@dataclass(frozen=True)
class CurvePoint:
    time: float
    survival: float  # share still waiting after `time`
    low: float
    high: float


@dataclass(frozen=True)
class SurvivalEstimate:
    n: int
    events: int
    censored: int
    points: tuple[CurvePoint, ...]  # from time 0 (survival 1) to the last observed time
    median: float | None  # None: not reached
    median_low: float | None  # None: not estimable
    median_high: float | None  # None: not reached (open-ended)


def _first_time_at_or_below(times: Sequence[float], values: Sequence[float], level: float) -> float | None:
    for time, value in zip(times, values, strict=True):
        if not math.isnan(value) and value <= level + 1e-12:
            return time
    return None


def kaplan_meier(durations: Sequence[float] | np.ndarray, observed: Sequence[bool] | np.ndarray) -> SurvivalEstimate:
    """Kaplan–Meier for durations (days); `observed` False marks a censored (still open) case."""
    if len(durations) != len(observed):
        raise ValueError("durations and observed must have the same length")
    # As arrays: a report's curves have thousands of cases, which Python loops would walk one by one.
    days = np.asarray(durations, dtype=float)
    seen = np.asarray(observed, dtype=bool)
    if (days < 0).any():
        raise ValueError("durations cannot be negative")
    n = int(days.size)
    uncensored, right = days[seen], days[~seen]
    start = CurvePoint(0.0, 1.0, 1.0, 1.0)
    if not uncensored.size:
        # Nobody reached the event: the curve stays at 1 and the median is not reached.
        last = float(right.max()) if right.size else 0.0
        flat = [start, CurvePoint(last, 1.0, 1.0, 1.0)] if last > 0 else [start]
        return SurvivalEstimate(n, 0, int(right.size), tuple(flat), None, None, None)
    result = stats.ecdf(stats.CensoredData(uncensored=uncensored, right=right))
    with warnings.catch_warnings():
        # The band is undefined where the estimate reaches 0 (no one left at risk): handled below.
        warnings.simplefilter("ignore", RuntimeWarning)
        band = result.sf.confidence_interval(confidence_level=CONFIDENCE, method="log-log")
    times = result.sf.quantiles.astype(float).tolist()
    survival = result.sf.probabilities.astype(float).tolist()
    lows = band.low.probabilities.astype(float).tolist()
    highs = band.high.probabilities.astype(float).tolist()
    points: list[CurvePoint] = [start] if times[0] > 0 else []
    previous_high = 1.0
    for time, value, low, high in zip(times, survival, lows, highs, strict=True):
        if math.isnan(high):
            # Undefined band (estimate 0 or 1 with no variance): keep the last upper limit, lower at the estimate.
            high = previous_high if value < 1 else 1.0
        if math.isnan(low):
            low = 0.0 if value < 1 else 1.0
        previous_high = high
        points.append(CurvePoint(time, value, min(low, value), max(high, value)))
    median = _first_time_at_or_below(times, survival, 0.5)
    median_low = _first_time_at_or_below(times, [p.low for p in points[-len(times) :]], 0.5)
    median_high = _first_time_at_or_below(times, [p.high for p in points[-len(times) :]], 0.5)
    return SurvivalEstimate(
        n=n,
        events=int(uncensored.size),
        censored=int(right.size),
        points=tuple(points),
        median=median,
        median_low=median_low,
        median_high=median_high,
    )


def survival_at(estimate: SurvivalEstimate, time: float) -> float:
    """The step function's value at `time` (right-continuous)."""
    value = 1.0
    for point in estimate.points:
        if point.time <= time:
            value = point.survival
        else:
            break
    return value
