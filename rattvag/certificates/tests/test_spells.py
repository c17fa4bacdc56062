"""The spell rules (Rehabstöd counting): worked examples and properties."""

from __future__ import annotations

import datetime
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rattvag.certificates.spells import (
    CertificateSpan,
    Period,
    build_spells,
    check_max_gap,
    degree_on,
    sick_leave_as_of,
)

D = datetime.date


def cert(cid: int, *periods: tuple[str, str, int], issued: str | None = None) -> CertificateSpan:
    parsed = tuple(Period(D.fromisoformat(a), D.fromisoformat(b), degree) for a, b, degree in periods)
    issued_on = D.fromisoformat(issued) if issued else min(p.start for p in parsed)
    return CertificateSpan(cid, issued_on, parsed)


# --- worked examples ---------------------------------------------------------------------------


def test_gap_of_exactly_max_gap_days_is_one_spell():
    # Jan 1–10, then Jan 16–20: the 11th–15th (five days) lie between them.
    certificates = [cert(1, ("2025-01-01", "2025-01-10", 100)), cert(2, ("2025-01-16", "2025-01-20", 100))]
    spells = build_spells(certificates, max_gap=5)
    assert len(spells) == 1
    assert spells[0].start == D(2025, 1, 1)
    assert spells[0].end == D(2025, 1, 20)
    assert spells[0].days == 15  # the five days in the gap do not count
    assert spells[0].certificate_ids == (1, 2)


def test_gap_of_max_gap_plus_one_days_is_two_spells():
    certificates = [cert(1, ("2025-01-01", "2025-01-10", 100)), cert(2, ("2025-01-17", "2025-01-20", 100))]
    spells = build_spells(certificates, max_gap=5)
    assert [(s.start, s.end, s.days, s.certificate_ids) for s in spells] == [
        (D(2025, 1, 1), D(2025, 1, 10), 10, (1,)),
        (D(2025, 1, 17), D(2025, 1, 20), 4, (2,)),
    ]


def test_max_gap_zero_merges_only_adjoining_certificates():
    adjoining = [cert(1, ("2025-01-01", "2025-01-10", 100)), cert(2, ("2025-01-11", "2025-01-20", 50))]
    one_day_apart = [cert(1, ("2025-01-01", "2025-01-10", 100)), cert(2, ("2025-01-12", "2025-01-20", 50))]
    assert len(build_spells(adjoining, max_gap=0)) == 1
    assert len(build_spells(one_day_apart, max_gap=0)) == 2


def test_overlapping_certificates_count_each_day_once():
    certificates = [
        cert(1, ("2025-03-01", "2025-03-31", 100), issued="2025-03-01"),
        cert(2, ("2025-03-20", "2025-04-15", 50), issued="2025-03-19"),
    ]
    [spell] = build_spells(certificates)
    assert spell.days == 46  # March 1 – April 15
    # The certificate issued last wins on the days both cover.
    assert degree_on(certificates, D(2025, 3, 25)) == 50
    assert degree_on(certificates, D(2025, 3, 10)) == 100


def test_same_issue_date_the_later_registered_certificate_wins():
    certificates = [
        cert(7, ("2025-03-01", "2025-03-31", 75), issued="2025-03-01"),
        cert(3, ("2025-03-01", "2025-03-31", 25), issued="2025-03-01"),
    ]
    assert degree_on(certificates, D(2025, 3, 5)) == 75


def test_step_down_from_100_to_50_in_one_certificate():
    certificates = [cert(1, ("2025-01-01", "2025-01-31", 100), ("2025-02-01", "2025-02-28", 50))]
    on_full = sick_leave_as_of(certificates, D(2025, 1, 20))
    on_half = sick_leave_as_of(certificates, D(2025, 2, 10))
    assert on_full.current_degree == 100
    assert on_half.current_degree == 50
    assert on_half.current is not None
    assert on_half.current.days == 59
    assert on_half.days_to_date == 41
    assert on_half.reaches_60_days_on is None  # 59 certified days: never reaches 60


def test_date_in_a_gap_has_no_current_spell():
    certificates = [cert(1, ("2025-01-01", "2025-01-10", 100)), cert(2, ("2025-01-14", "2025-01-20", 50))]
    result = sick_leave_as_of(certificates, D(2025, 1, 12), max_gap=5)
    assert len(result.spells) == 1  # one spell …
    assert result.current is None  # … but the 12th falls inside no period
    assert result.current_degree is None
    assert result.reaches_60_days_on is None


def test_gap_between_periods_of_one_certificate_is_not_counted():
    certificates = [cert(1, ("2025-01-01", "2025-01-10", 100), ("2025-01-15", "2025-01-20", 50))]
    [spell] = build_spells(certificates)
    assert spell.days == 16


def test_reaches_60_days_counts_forward_through_planned_periods():
    certificates = [
        cert(1, ("2025-01-01", "2025-01-31", 100)),  # 31 days
        cert(2, ("2025-02-03", "2025-03-31", 50)),  # gap of two days (Feb 1–2), not counted
    ]
    result = sick_leave_as_of(certificates, D(2025, 1, 15))
    assert result.current is not None
    assert result.current.days == 31 + 57
    assert result.days_to_date == 15
    # Day 31 is Jan 31; day 32 is Feb 3; day 60 is Feb 3 + 28 = Mar 3.
    assert result.reaches_60_days_on == D(2025, 3, 3)


def test_no_certificates_no_spells():
    result = sick_leave_as_of([], D(2025, 1, 1))
    assert result.spells == ()
    assert result.current is None


def test_certificate_without_periods_is_ignored():
    assert build_spells([CertificateSpan(1, D(2025, 1, 1), ())]) == []


@pytest.mark.parametrize("value", [-1, 91])
def test_max_gap_outside_0_to_90_is_refused(value):
    with pytest.raises(ValueError, match="max_gap"):
        check_max_gap(value)


# --- properties --------------------------------------------------------------------------------

BASE = D(2024, 1, 1)


@st.composite
def periods(draw: st.DrawFn) -> Period:
    start = BASE + datetime.timedelta(days=draw(st.integers(0, 400)))
    length = draw(st.integers(0, 60))
    return Period(start, start + datetime.timedelta(days=length), draw(st.sampled_from([25, 50, 75, 100])))


@st.composite
def certificate_lists(draw: st.DrawFn, min_size: int = 0) -> list[CertificateSpan]:
    count = draw(st.integers(min_size, 8))
    result = []
    for index in range(count):
        ps = tuple(draw(st.lists(periods(), min_size=1, max_size=3)))
        issued = min(p.start for p in ps) - datetime.timedelta(days=draw(st.integers(0, 5)))
        result.append(CertificateSpan(index + 1, issued, ps))
    return result


def _all_days(certificates: list[CertificateSpan]) -> set[D]:
    days = set()
    for c in certificates:
        for p in c.periods:
            days |= {p.start + datetime.timedelta(days=i) for i in range((p.end - p.start).days + 1)}
    return days


@settings(max_examples=150, deadline=None)
@given(certificate_lists(), st.integers(0, 90))
def test_days_never_exceed_the_calendar_span(certificates, max_gap):
    for spell in build_spells(certificates, max_gap):
        assert 1 <= spell.days <= (spell.end - spell.start).days + 1


@settings(max_examples=150, deadline=None)
@given(certificate_lists(), st.integers(0, 90))
def test_spells_are_ordered_disjoint_and_further_apart_than_max_gap(certificates, max_gap):
    spells = build_spells(certificates, max_gap)
    for earlier, later in itertools.pairwise(spells):
        assert (later.start - earlier.end).days - 1 > max_gap
    ids = [cid for s in spells for cid in s.certificate_ids]
    assert sorted(ids) == sorted(c.certificate_id for c in certificates)


@settings(max_examples=150, deadline=None)
@given(certificate_lists(), st.integers(0, 90))
def test_total_days_are_the_sick_listed_days_counted_once(certificates, max_gap):
    assert sum(s.days for s in build_spells(certificates, max_gap)) == len(_all_days(certificates))


@settings(max_examples=150, deadline=None)
@given(certificate_lists(min_size=1), st.integers(0, 90))
def test_adding_a_certificate_never_reduces_the_total_days(certificates, max_gap):
    without_last = certificates[:-1]
    before = sum(s.days for s in build_spells(without_last, max_gap))
    after = sum(s.days for s in build_spells(certificates, max_gap))
    assert after >= before


@settings(max_examples=150, deadline=None)
@given(certificate_lists())
def test_max_gap_90_merges_at_least_as_much_as_max_gap_0(certificates):
    narrow = build_spells(certificates, 0)
    wide = build_spells(certificates, 90)
    assert len(wide) <= len(narrow)
    for spell in narrow:  # every narrow spell lies inside one wide spell
        assert any(set(spell.certificate_ids) <= set(w.certificate_ids) for w in wide)


@settings(max_examples=150, deadline=None)
@given(certificate_lists(min_size=1), st.integers(0, 90), st.integers(0, 480))
def test_current_spell_exists_exactly_when_the_date_is_sick_listed(certificates, max_gap, offset):
    on = BASE + datetime.timedelta(days=offset)
    result = sick_leave_as_of(certificates, on, max_gap)
    assert (result.current is not None) == (on in _all_days(certificates))
    if result.current is not None:
        assert result.current.start <= on <= result.current.end
        assert result.current_degree in {25, 50, 75, 100}
        assert 1 <= result.days_to_date <= result.current.days
        if result.current.days >= 60:
            assert result.reaches_60_days_on is not None
            assert result.current.days_until(result.reaches_60_days_on) == 60
        else:
            assert result.reaches_60_days_on is None
