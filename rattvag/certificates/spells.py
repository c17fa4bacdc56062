"""Sick-leave spells (sjukfall), counted the way Inera's Rehabstöd counts them.

Pure functions on plain values, so that the rules can be tested on their own:

- Certificates belong to one spell when the number of calendar days strictly between one
  certificate's last day and the next one's first day is at most `max_gap` (overlapping or
  adjoining certificates always merge; with max_gap 5, a certificate ending on the 10th and one
  starting on the 16th merge: five days, the 11th to the 15th, lie between them).
- A spell's length counts each sick-listed day once: days covered by several periods count
  once, days in gaps (between certificates or between the periods of one certificate) not at all.
- The current spell as of a date exists only when that date falls inside a period. Its degree
  is that period's degree; when periods of several certificates cover the date, the certificate
  issued last wins (on the same issue date, the one registered last).
- The spell reaches 60 days on its 60th sick-listed day, counted from its first day and
  forward through planned periods; None when the known periods have fewer than 60 days.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

DEFAULT_MAX_GAP = 5
MAX_GAP_LIMIT = 90
DAYS_FOR_ACTIVE_PLAN = 60


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    degree: int

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class CertificateSpan:
    """One certificate as the spell rules see it."""

    certificate_id: int
    issued_on: datetime.date
    periods: tuple[Period, ...]

    @property
    def first_day(self) -> datetime.date:
        return min(p.start for p in self.periods)

    @property
    def last_day(self) -> datetime.date:
        return max(p.end for p in self.periods)


@dataclass(frozen=True)
class Spell:
    start: datetime.date
    end: datetime.date
    days: int  # sick-listed days, each counted once
    certificate_ids: tuple[int, ...]  # ordered by first day, then id
    periods: tuple[Period, ...] = field(default=(), repr=False, compare=False)

    @cached_property
    def _stretches(self) -> list[tuple[datetime.date, datetime.date]]:
        return _sick_stretches(self.periods)

    def sick_days(self) -> list[datetime.date]:
        return [
            start + datetime.timedelta(days=n) for start, end in self._stretches for n in range(_length(start, end))
        ]

    def days_until(self, day: datetime.date) -> int:
        """Sick-listed days of the spell up to and including `day`."""
        return sum(_length(start, min(end, day)) for start, end in self._stretches if start <= day)

    def reaches_days_on(self, count: int) -> datetime.date | None:
        """The `count`-th sick-listed day (counting from 1), or None when the spell has fewer days."""
        remaining = count
        for start, end in self._stretches:
            length = _length(start, end)
            if remaining <= length:
                return start + datetime.timedelta(days=remaining - 1) if remaining > 0 else None
            remaining -= length
        return None


@dataclass(frozen=True)
class SickLeave:
    spells: tuple[Spell, ...]
    on: datetime.date
    max_gap: int
    current: Spell | None
    current_degree: int | None
    days_to_date: int | None  # sick-listed days of the current spell up to and including `on`
    reaches_60_days_on: datetime.date | None


def _length(start: datetime.date, end: datetime.date) -> int:
    """Days from `start` to `end`, both included (0 when `end` is before `start`)."""
    return max((end - start).days + 1, 0)


def _sick_stretches(periods: Iterable[Period]) -> list[tuple[datetime.date, datetime.date]]:
    """The sick-listed days as disjoint stretches (first day, last day), oldest first: overlapping and
    adjoining periods joined. Counting on stretches rather than on single days keeps a spell of years as
    cheap as one of a week."""
    stretches: list[tuple[datetime.date, datetime.date]] = []
    for start, end in sorted((p.start, p.end) for p in periods if p.start <= p.end):
        if stretches and start <= stretches[-1][1] + datetime.timedelta(days=1):
            if end > stretches[-1][1]:
                stretches[-1] = (stretches[-1][0], end)
        else:
            stretches.append((start, end))
    return stretches


def _sick_days(periods: Iterable[Period]) -> list[datetime.date]:
    """Every sick-listed day once, in order."""
    return [
        start + datetime.timedelta(days=n)
        for start, end in _sick_stretches(periods)
        for n in range(_length(start, end))
    ]


def _sick_day_count(periods: Iterable[Period]) -> int:
    return sum(_length(start, end) for start, end in _sick_stretches(periods))


def check_max_gap(max_gap: int) -> int:
    if not 0 <= max_gap <= MAX_GAP_LIMIT:
        raise ValueError(f"max_gap must be between 0 and {MAX_GAP_LIMIT}")
    return max_gap


def build_spells(certificates: Iterable[CertificateSpan], max_gap: int = DEFAULT_MAX_GAP) -> list[Spell]:
    """Merge certificates into spells, oldest first. Certificates without periods are ignored."""
    check_max_gap(max_gap)
    spans = sorted((c for c in certificates if c.periods), key=lambda c: (c.first_day, c.last_day, c.certificate_id))
    groups: list[list[CertificateSpan]] = []
    group_end: datetime.date | None = None
    for span in spans:
        # Days strictly between the spell so far and this certificate (negative when they overlap).
        if group_end is not None and (span.first_day - group_end).days - 1 <= max_gap:
            groups[-1].append(span)
            group_end = max(group_end, span.last_day)
        else:
            groups.append([span])
            group_end = span.last_day
    spells = []
    for group in groups:
        periods = tuple(p for span in group for p in span.periods)
        spells.append(
            Spell(
                start=min(s.first_day for s in group),
                end=max(s.last_day for s in group),
                days=_sick_day_count(periods),
                certificate_ids=tuple(s.certificate_id for s in group),
                periods=periods,
            )
        )
    return spells


def degree_on(certificates: Iterable[CertificateSpan], day: datetime.date) -> int | None:
    """The degree on `day`: the covering period of the certificate issued last (ties: higher id)."""
    covering = [
        (span.issued_on, span.certificate_id, period.degree)
        for span in certificates
        for period in span.periods
        if period.covers(day)
    ]
    return max(covering)[2] if covering else None


def sick_leave_as_of(
    certificates: Sequence[CertificateSpan], on: datetime.date, max_gap: int = DEFAULT_MAX_GAP
) -> SickLeave:
    spells = build_spells(certificates, max_gap)
    current = next((s for s in spells if s.start <= on <= s.end and any(p.covers(on) for p in s.periods)), None)
    if current is None:
        return SickLeave(tuple(spells), on, max_gap, None, None, None, None)
    current_ids = set(current.certificate_ids)
    in_current = [c for c in certificates if c.certificate_id in current_ids]
    return SickLeave(
        spells=tuple(spells),
        on=on,
        max_gap=max_gap,
        current=current,
        current_degree=degree_on(in_current, on),
        days_to_date=current.days_until(on),
        reaches_60_days_on=current.reaches_days_on(DAYS_FOR_ACTIVE_PLAN),
    )
