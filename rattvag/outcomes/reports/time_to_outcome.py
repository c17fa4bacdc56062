"""Outcomes by route, and the time from entering the method (or from the start of the sick-leave spell) to
an active plan, a first SIP and an outcome, estimated with Kaplan–Meier.

The cohort: the group's cases that entered the method (opened) in the period. Time counts in days from
- `opened`: the day the case opened, or
- `sick_leave`: the first day of the sick-leave spell in progress when the case opened (or, if none was,
  the first spell that began while the case was open); cases without such a spell are left out and counted.
Events:
- active plan: the first version of an active plan recorded for the case (or for the client without a case,
  on or after the day the case opened);
- first SIP: the first version of a SIP, likewise;
- outcome: the day the case closed (with `route`, only closings with that outcome count; other closings
  are censored on their day).
A case without the event is censored on the day it closed or, while open, on the report day: it counts as
still waiting up to then. An event recorded before the origin counts as day 0.
Curves and medians are published only when the series' counts (cases, reached, still waiting) are all
published: at least the suppression threshold of cases, and no hidden count beside the curve.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rattvag.accounts.models import Unit
from rattvag.certificates.models import UnitCertificateSettings
from rattvag.certificates.selectors import certificate_spans_by_client
from rattvag.certificates.spells import DEFAULT_MAX_GAP, Spell, build_spells
from rattvag.clients.models import Case, CaseStatus, Outcome
from rattvag.core.local_dates import LocalDate
from rattvag.followup.rules.facts import cycle_collection_paused
from rattvag.meetings.models import SipVersion
from rattvag.plans.models import PlanKind, PlanVersion
from rattvag.stats.suppression import Cell

from ..scope import Group, Period
from ..statistics import SurvivalEstimate, kaplan_meier
from .common import TOTAL_KEY, cell_json, count_cell, counts, rule, share

# Outcomes through which a client became self-supporting (no longer needs ekonomiskt bistånd).
SELF_SUPPORTING = (
    Outcome.WORK,
    Outcome.STUDIES,
    Outcome.SICKNESS_BENEFIT,
    Outcome.SICKNESS_COMPENSATION,
    Outcome.ACTIVITY_COMPENSATION,
)
SELF_SUPPORTING_ROUTE = "self_supporting"

ORIGINS = {
    "opened": gettext_lazy("Entry into the method (case opened)"),
    "sick_leave": gettext_lazy("Start of the sick-leave spell"),
}
ENDPOINTS = {
    "plan": gettext_lazy("Active plan"),
    "sip": gettext_lazy("First SIP"),
    "outcome": gettext_lazy("Outcome (case closed)"),
}
COMPARISONS = {
    "none": gettext_lazy("No comparison"),
    "unit": gettext_lazy("Units"),
    "period": gettext_lazy("The previous period of the same length"),
}


def route_choices() -> list[tuple[str, str]]:
    return [
        ("", _("Any outcome")),
        (
            SELF_SUPPORTING_ROUTE,
            _("Self-supporting (work, studies, sjukpenning, sjukersättning, aktivitetsersättning)"),
        ),
        *((value, str(label)) for value, label in Outcome.choices),
    ]


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    total: Cell
    events: Cell
    censored: Cell
    # (days, event observed) per case when the curve is published, None while hidden; the estimate is computed
    # from them when first asked for (a chart draws one endpoint of the three).
    observations: tuple[tuple[int, bool], ...] | None = field(default=None, repr=False)

    @cached_property
    def estimate(self) -> SurvivalEstimate | None:
        """Kaplan–Meier of the observations; None while hidden."""
        if self.observations is None:
            return None
        if not self.observations:
            return kaplan_meier([], [])
        days, seen = np.array(self.observations, dtype=np.int64).T
        return kaplan_meier(days, seen.astype(bool))

    @property
    def shows_curve(self) -> bool:
        return self.observations is not None

    def as_json(self) -> dict[str, Any]:
        estimate = self.estimate
        return {
            "key": self.key,
            "label": self.label,
            "n": cell_json(self.total),
            "events": cell_json(self.events),
            "censored": cell_json(self.censored),
            "shown": estimate is not None,
            "median_days": estimate.median if estimate else None,
            "median_low_days": estimate.median_low if estimate else None,
            "median_high_days": estimate.median_high if estimate else None,
            "curve": None
            if estimate is None
            else [
                {"day": p.time, "waiting": round(p.survival, 4), "low": round(p.low, 4), "high": round(p.high, 4)}
                for p in estimate.points
            ],
        }


@dataclass(frozen=True)
class Endpoint:
    code: str
    series: list[Series]

    @property
    def label(self) -> str:
        return str(ENDPOINTS[self.code])

    @property
    def any_curve(self) -> bool:
        return any(s.shows_curve for s in self.series)

    def as_json(self) -> dict[str, Any]:
        return {"endpoint": self.code, "series": [s.as_json() for s in self.series]}


@dataclass(frozen=True)
class TimeToOutcomeReport:
    group: Group
    period: Period
    origin: str
    by: str
    route: str
    as_of: datetime.date
    outcomes: list[tuple[str, str, Cell]]  # (code, label, closed cases) for cases closed in the period
    outcomes_total: Cell
    without_sick_leave: Cell | None  # cases left out for want of a spell (origin sick_leave)
    endpoints: list[Endpoint]

    @property
    def origin_label(self) -> str:
        return str(ORIGINS[self.origin])

    def outcome_share(self, cell: Cell) -> float | None:
        return share(cell, self.outcomes_total)

    def as_json(self) -> dict[str, Any]:
        return {
            "report": "time_to_outcome",
            "group": self.group.as_json(),
            "period": self.period.as_json(),
            "origin": self.origin,
            "by": self.by,
            "route": self.route or None,
            "as_of": self.as_of.isoformat(),
            "suppression_threshold": rule().threshold,
            "confidence_level": 0.95,
            "outcomes": {
                "total": cell_json(self.outcomes_total),
                "routes": [{"outcome": code, **cell_json(cell)} for code, _label, cell in self.outcomes],
            },
            "without_sick_leave": cell_json(self.without_sick_leave) if self.without_sick_leave else None,
            "endpoints": [e.as_json() for e in self.endpoints],
        }


# A case of the cohort as plain values, with the first plan and SIP days the database found for it: (id, client id,
# unit id, opened on, closed on, status, outcome, first plan day, first SIP day, the period's key). Plain tuples:
# thousands of them per report.
_Case = tuple[
    int, int, int, datetime.date, datetime.date | None, str, str, datetime.date | None, datetime.date | None, str
]


# A case followed from its origin: (unit id, the period's key, then (days, event observed) for each endpoint in
# the order of ENDPOINTS: active plan, first SIP, outcome).
_Subject = tuple[int, str, tuple[int, bool], tuple[int, bool], tuple[int, bool]]
_ENDPOINT_FIELD = {"plan": 2, "sip": 3, "outcome": 4}


def _first_day(versions: QuerySet[Any], parent: str) -> Subquery:
    """The local calendar day of the first version recorded for the outer case, or for its client without a
    case on or after the day the case opened (local day: the current time zone's, as `timezone.localdate`)."""
    day = LocalDate("created_at")
    return Subquery(
        versions.filter(**{f"{parent}__client_id": OuterRef("client_id")})
        .annotate(day=day)
        .filter(
            Q(**{f"{parent}__case_id": OuterRef("pk")})
            | Q(**{f"{parent}__case_id__isnull": True, "day__gte": OuterRef("opened_on")})
        )
        .order_by()
        .values(f"{parent}__client_id")
        .annotate(first=Min("day"))
        .values("first")
    )


def _cohort(group: Group, periods: dict[str, Period]) -> tuple[QuerySet[Case], list[_Case]]:
    """The cases that entered the method in the periods (ordered as the periods are, then by id), with their
    first plan and SIP days, in one query; and that query (for the clients' ids as a subquery)."""
    start = min(p.start for p in periods.values())
    end = max(p.end for p in periods.values())
    cases = Case.objects.filter(unit_id__in=group.unit_ids, opened_on__gte=start, opened_on__lte=end)
    rows = (
        cases.annotate(
            plan_on=_first_day(PlanVersion.objects.filter(plan__kind=PlanKind.ACTIVE), "plan"),
            sip_on=_first_day(SipVersion.objects.all(), "sip"),
        )
        # Sorted here rather than by the database: ordered by id, PostgreSQL walks the whole table's primary key.
        .order_by()
        .values_list("pk", "client_id", "unit_id", "opened_on", "closed_on", "status", "outcome", "plan_on", "sip_on")
    )
    if len(periods) == 1:
        (key,) = periods
        return cases, sorted((*row, key) for row in rows)  # by id, the first field (unique)
    order = {key: i for i, key in enumerate(periods)}
    cohort: list[_Case] = []
    for row in rows:
        opened_on = row[3]
        within = next((k for k, p in periods.items() if p.start <= opened_on <= p.end), None)
        if within is not None:  # the periods are contiguous: every row is in one
            cohort.append((*row, within))
    cohort.sort(key=lambda c: (order[c[9]], c[0]))
    return cases, cohort


def _spell_starts(cases: QuerySet[Case], cohort: list[_Case], as_of: datetime.date) -> dict[int, datetime.date]:
    gaps = dict(
        UnitCertificateSettings.objects.filter(unit_id__in={c[2] for c in cohort}).values_list("unit_id", "max_gap")
    )
    spans = certificate_spans_by_client(cases.values("client_id"))
    spells_of: dict[tuple[int, int], list[Spell]] = {}
    starts: dict[int, datetime.date] = {}
    for pk, client_id, unit_id, opened_on, closed_on, *_rest in cohort:
        gap = gaps.get(unit_id, DEFAULT_MAX_GAP)
        spells = spells_of.get((client_id, gap))
        if spells is None:
            spells = spells_of[(client_id, gap)] = build_spells(spans.get(client_id, []), gap)
        last_day = closed_on or as_of
        current = next((s for s in spells if s.start <= opened_on <= s.end), None)
        later = next((s for s in spells if opened_on < s.start <= last_day), None)
        spell = current or later
        if spell is not None:
            starts[pk] = spell.start
    return starts


def _route_outcomes(route: str) -> frozenset[str] | None:
    """The outcomes that count as reaching the route (None: any)."""
    if not route:
        return None
    if route == SELF_SUPPORTING_ROUTE:
        return frozenset(str(outcome.value) for outcome in SELF_SUPPORTING)
    return frozenset({route})


def _event(on: datetime.date | None, origin: datetime.date, days: int) -> tuple[int, bool]:
    """(days, event observed) for an event recorded `on` in a case followed `days` days from `origin`: day 0 when
    recorded before the origin; recorded after the case's last day, it is not in this case's time."""
    if on is None:
        return days, False
    after = (on - origin).days
    if after > days:
        return days, False
    return (after if after > 0 else 0), True


def _subjects(
    cases: QuerySet[Case], cohort: list[_Case], origin: str, as_of: datetime.date, route: str
) -> tuple[list[_Subject], int]:
    """The cases followed from their origin, and how many were left out for want of one.

    Each endpoint is (days, event observed): an event recorded on a day counts on that day from the origin (day 0
    when recorded before it); one recorded after the case's last day is not in this case's time, and the case
    counts as waiting until its last day."""
    spell_starts = _spell_starts(cases, cohort, as_of) if origin == "sick_leave" else None
    reaching = _route_outcomes(route)
    closed_status = CaseStatus.CLOSED
    subjects: list[_Subject] = []
    append = subjects.append
    left_out = 0
    # A plain loop over plain values: thousands of cases per report.
    for pk, _client_id, unit_id, opened_on, closed_on, status, outcome, plan_on, sip_on, key in cohort:
        if spell_starts is None:
            start = opened_on
        else:
            spell_start = spell_starts.get(pk)
            if spell_start is None:
                left_out += 1
                continue
            start = spell_start
        closed = status == closed_status and closed_on is not None
        end = closed_on if closed_on is not None and closed else as_of
        # Followed from the origin to the day the case closed or the report day (day 0 when that is earlier).
        days = (end - start).days if end > start else 0
        # With a route, other closings are censored on their day.
        reached = closed and (reaching is None or outcome in reaching)
        append((unit_id, key, _event(plan_on, start, days), _event(sip_on, start, days), (days, reached)))
    return subjects, left_out


def _series(key: str, label: str, subjects: list[_Subject], endpoint: str) -> Series:
    index = _ENDPOINT_FIELD[endpoint]
    observations: list[tuple[int, bool]] = [s[index] for s in subjects]  # type: ignore[misc]
    events = sum(1 for _days, seen in observations if seen)
    cells = counts({"events": events, "censored": len(observations) - events})
    total = cells[TOTAL_KEY]
    threshold = rule().threshold
    # The curve shows when each event happened: publish it only when every count beside it is shown too.
    shown = not (total.suppressed or cells["events"].suppressed or cells["censored"].suppressed)
    publish = shown and len(observations) >= threshold
    return Series(
        key=key,
        label=label,
        total=total,
        events=cells["events"],
        censored=cells["censored"],
        observations=tuple(observations) if publish else None,
    )


def _endpoints(group: Group, periods: dict[str, Period], subjects: list[_Subject], by: str) -> list[Endpoint]:
    """Each endpoint's series: one for the group, or one per unit or per period compared."""

    def label_of_period(p: Period) -> str:
        return f"{p.start.isoformat()} – {p.end.isoformat()}"

    groups: list[tuple[str, str, list[_Subject]]]
    if by == "unit":
        units = Unit.objects.filter(pk__in=group.unit_ids).order_by("name").values_list("pk", "code", "name")
        groups = [(code, name, [s for s in subjects if s[0] == pk]) for pk, code, name in units]
    elif by == "period":
        groups = [(key, label_of_period(p), [s for s in subjects if s[1] == key]) for key, p in periods.items()]
    else:
        groups = [("all", group.name, subjects)]
    return [
        Endpoint(code, [_series(key, label, members, code) for key, label, members in groups]) for code in ENDPOINTS
    ]


def time_to_outcome_report(
    *,
    group: Group,
    period: Period,
    origin: str = "opened",
    by: str = "none",
    route: str = "",
    as_of: datetime.date | None = None,
) -> TimeToOutcomeReport:
    """The report (no person in it; the caller audits that it was viewed)."""
    if origin not in ORIGINS or by not in COMPARISONS or route not in dict(route_choices()):
        raise ValueError("Unknown origin, comparison or route.")
    as_of = as_of or timezone.localdate()
    periods = {"current": period}
    if by == "period":
        periods["previous"] = period.previous()
    # Thousands of small tuples without reference cycles: the cycle collector waits while they are made (its
    # collections over them were about a twentieth of the request at region size).
    with cycle_collection_paused():
        cases, cohort = _cohort(group, periods)
        subjects, left_out = _subjects(cases, cohort, origin, as_of, route)
        endpoints = _endpoints(group, periods, subjects, by)

    by_outcome = dict.fromkeys(Outcome.values, 0)
    closed_in_period = (
        Case.objects.filter(
            unit_id__in=group.unit_ids, status=CaseStatus.CLOSED, closed_on__gte=period.start, closed_on__lte=period.end
        )
        .order_by()
        .values("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )
    for outcome, n in closed_in_period:
        by_outcome[outcome] = by_outcome.get(outcome, 0) + n
    outcome_cells = counts(by_outcome)
    return TimeToOutcomeReport(
        group=group,
        period=period,
        origin=origin,
        by=by,
        route=route,
        as_of=as_of,
        outcomes=[(code, str(Outcome(code).label), outcome_cells[code]) for code in Outcome.values],
        outcomes_total=outcome_cells[TOTAL_KEY],
        without_sick_leave=count_cell(left_out) if origin == "sick_leave" else None,
        endpoints=endpoints,
    )
