"""The statistics checked against hand-computed cases."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rattvag.outcomes.statistics import (
    Interval,
    Verdict,
    kaplan_meier,
    survival_at,
    target_verdict,
    wilson_interval,
)


def test_kaplan_meier_worked_example_with_censoring():
    # Times 2, 3+, 4, 5, 5+, 8 (+ = still open, censored). By hand (at risk n, events d, S = product of (n-d)/n):
    #   t=2: n=6, d=1 -> S = 5/6
    #   t=3: censored, S unchanged; the risk set shrinks to 4
    #   t=4: n=4, d=1 -> S = 5/6 * 3/4 = 15/24 = 0.625
    #   t=5: n=3 (5, 5+ and 8: a case censored at 5 is still at risk at 5), d=1 -> S = 0.625 * 2/3 = 0.41667
    #   t=8: n=1, d=1 -> S = 0
    estimate = kaplan_meier([2, 3, 4, 5, 5, 8], [True, False, True, True, False, True])
    by_hand = {0: 1.0, 1: 1.0, 2: 5 / 6, 3: 5 / 6, 4: 15 / 24, 5: 15 / 24 * 2 / 3, 7: 15 / 24 * 2 / 3, 8: 0.0}
    for time, expected in by_hand.items():
        assert survival_at(estimate, time) == pytest.approx(expected), time
    assert (estimate.n, estimate.events, estimate.censored) == (6, 4, 2)
    # The median: the first time the estimate is 0.5 or lower.
    assert estimate.median == 5
    # The band contains the estimate and stays within 0..1.
    for point in estimate.points:
        assert 0 <= point.low <= point.survival <= point.high <= 1


def test_kaplan_meier_greenwood_band_by_hand():
    # Log-log band at t=2 by hand: S = 5/6, Greenwood var(log S) = d/(n(n-d)) = 1/30,
    # se of log(-log S) = sqrt(1/30) / |log S|; limits S ** exp(±1.96 * se).
    estimate = kaplan_meier([2, 3, 4, 5, 5, 8], [True, False, True, True, False, True])
    s = 5 / 6
    se = math.sqrt(1 / 30) / abs(math.log(s))
    z = 1.959963984540054
    low, high = s ** math.exp(z * se), s ** math.exp(-z * se)
    point = next(p for p in estimate.points if p.time == 2)
    assert point.low == pytest.approx(low, rel=1e-6)
    assert point.high == pytest.approx(high, rel=1e-6)


def test_kaplan_meier_without_censoring_is_the_empirical_share():
    estimate = kaplan_meier([1, 2, 2, 3], [True] * 4)
    assert survival_at(estimate, 1) == pytest.approx(0.75)
    assert survival_at(estimate, 2) == pytest.approx(0.25)
    assert survival_at(estimate, 3) == 0
    assert estimate.median == 2


def test_kaplan_meier_nobody_reached_and_empty():
    none_reached = kaplan_meier([3, 10], [False, False])
    assert none_reached.median is None
    assert none_reached.events == 0
    assert survival_at(none_reached, 10) == 1.0
    empty = kaplan_meier([], [])
    assert empty.n == 0
    assert empty.median is None


def test_kaplan_meier_median_not_reached_with_heavy_censoring():
    estimate = kaplan_meier([1, 5, 5, 5, 5], [True, False, False, False, False])
    assert survival_at(estimate, 5) == pytest.approx(0.8)
    assert estimate.median is None


def test_kaplan_meier_rejects_bad_input():
    with pytest.raises(ValueError, match="same length"):
        kaplan_meier([1, 2], [True])
    with pytest.raises(ValueError, match="negative"):
        kaplan_meier([-1], [True])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(min_value=0, max_value=400), st.booleans()), min_size=1, max_size=40),
)
def test_kaplan_meier_is_a_non_increasing_share(observations):
    estimate = kaplan_meier([d for d, _ in observations], [seen for _, seen in observations])
    values = [p.survival for p in estimate.points]
    assert all(0 <= v <= 1 for v in values)
    assert all(a >= b - 1e-12 for a, b in itertools.pairwise(values))
    if estimate.median is not None:
        assert survival_at(estimate, estimate.median) <= 0.5 + 1e-9  # the median is where S(t) reaches 0.5
    events = [d for d, seen in observations if seen]
    if not events:
        assert estimate.median is None


def test_wilson_interval_known_values():
    # 7 of 10: the Wilson score interval is 0.3968 – 0.8922 (e.g. Newcombe 1998; R's prop.test without correction).
    interval = wilson_interval(7, 10)
    assert interval is not None
    assert interval.low == pytest.approx(0.3968, abs=1e-4)
    assert interval.high == pytest.approx(0.8922, abs=1e-4)
    # 81 of 263: 0.2553 – 0.3662 (Newcombe's example).
    other = wilson_interval(81, 263)
    assert other is not None
    assert other.low == pytest.approx(0.2553, abs=1e-4)
    assert other.high == pytest.approx(0.3662, abs=1e-4)
    # All or nothing stays inside 0..1.
    assert wilson_interval(0, 5).low == 0
    assert wilson_interval(5, 5).high == pytest.approx(1)
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson_interval(3, 2)


def test_target_verdict():
    assert target_verdict(Interval(0.72, 0.95), 0.7) == Verdict.MET
    assert target_verdict(Interval(0.70, 0.95), 0.7) == Verdict.MET
    assert target_verdict(Interval(0.40, 0.69), 0.7) == Verdict.NOT_MET
    assert target_verdict(Interval(0.3968, 0.8922), 0.7) == Verdict.NOT_DISTINGUISHABLE
