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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rattvag.accounts.models import Unit
from rattvag.certificates.models import UnitCertificateSettings
from rattvag.certificates.selectors import certificate_spans_by_client
from rattvag.certificates.spells import DEFAULT_MAX_GAP, build_spells
from rattvag.clients.models import Case, CaseStatus, Outcome
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
    estimate: SurvivalEstimate | None  # None while hidden

    @property
    def shows_curve(self) -> bool:
        return self.estimate is not None

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


@dataclass
class _Subject:
    case_id: int
    unit_id: int
    origin: datetime.date
    end: datetime.date  # closed on, or the report day
    closed: bool
    outcome: str
    plan_on: datetime.date | None = None
    sip_on: datetime.date | None = None
    cohort: str = ""


def _first_dates(rows: Iterable[tuple[int, int | None, datetime.datetime]], cases: dict[int, Case]) -> dict[int, Any]:
    """The first date per case: rows are (client, case or None, moment), ordered by moment."""
    by_client: dict[int, list[Case]] = {}
    for case in cases.values():
        by_client.setdefault(case.client_id, []).append(case)
    first: dict[int, datetime.date] = {}
    for client_id, case_id, moment in rows:
        day = timezone.localdate(moment)
        for case in by_client.get(client_id, []):
            belongs = case_id == case.pk or (case_id is None and day >= case.opened_on)
            if belongs and (case.pk not in first or day < first[case.pk]):
                first[case.pk] = day
    return first


def _spell_starts(cases: dict[int, Case], as_of: datetime.date) -> dict[int, datetime.date]:
    client_ids = {c.client_id for c in cases.values()}
    gaps = dict(
        UnitCertificateSettings.objects.filter(unit_id__in={c.unit_id for c in cases.values()}).values_list(
            "unit_id", "max_gap"
        )
    )
    spans = certificate_spans_by_client(client_ids)
    starts: dict[int, datetime.date] = {}
    for case in cases.values():
        spells = build_spells(spans.get(case.client_id, []), gaps.get(case.unit_id, DEFAULT_MAX_GAP))
        last_day = case.closed_on or as_of
        current = next((s for s in spells if s.start <= case.opened_on <= s.end), None)
        later = next((s for s in spells if case.opened_on < s.start <= last_day), None)
        spell = current or later
        if spell is not None:
            starts[case.pk] = spell.start
    return starts


def _subjects(
    cases: dict[int, Case], origin: str, as_of: datetime.date, cohort_of: dict[int, str]
) -> tuple[list[_Subject], int]:
    client_ids = {c.client_id for c in cases.values()}
    plan_rows = (
        PlanVersion.objects.filter(plan__kind=PlanKind.ACTIVE, plan__client_id__in=client_ids)
        .order_by("created_at")
        .values_list("plan__client_id", "plan__case_id", "created_at")
    )
    sip_rows = (
        SipVersion.objects.filter(sip__client_id__in=client_ids)
        .order_by("created_at")
        .values_list("sip__client_id", "sip__case_id", "created_at")
    )
    plans = _first_dates(plan_rows, cases)
    sips = _first_dates(sip_rows, cases)
    spell_starts = _spell_starts(cases, as_of) if origin == "sick_leave" else {}
    subjects = []
    left_out = 0
    for case in cases.values():
        start = case.opened_on if origin == "opened" else spell_starts.get(case.pk)
        if start is None:
            left_out += 1
            continue
        closed = case.status == CaseStatus.CLOSED and case.closed_on is not None
        end = case.closed_on if closed and case.closed_on is not None else as_of
        subjects.append(
            _Subject(
                case_id=case.pk,
                unit_id=case.unit_id,
                origin=start,
                end=max(end, start),
                closed=closed,
                outcome=case.outcome,
                plan_on=plans.get(case.pk),
                sip_on=sips.get(case.pk),
                cohort=cohort_of[case.pk],
            )
        )
    return subjects, left_out


def _route_matches(outcome: str, route: str) -> bool:
    if not route:
        return True
    if route == SELF_SUPPORTING_ROUTE:
        return outcome in SELF_SUPPORTING
    return outcome == route


def _observation(subject: _Subject, endpoint: str, route: str) -> tuple[int, bool]:
    """(days, event observed) for one case and endpoint."""
    if endpoint == "outcome":
        event_on = subject.end if subject.closed and _route_matches(subject.outcome, route) else None
    else:
        event_on = subject.plan_on if endpoint == "plan" else subject.sip_on
        if event_on is not None and event_on > subject.end:
            event_on = None  # recorded after the case closed (or after the report day): not in this case's time
    if event_on is None:
        return (subject.end - subject.origin).days, False
    return max(0, (event_on - subject.origin).days), True


def _series(key: str, label: str, subjects: list[_Subject], endpoint: str, route: str) -> Series:
    observations = [_observation(s, endpoint, route) for s in subjects]
    events = sum(1 for _days, seen in observations if seen)
    cells = counts({"events": events, "censored": len(observations) - events})
    total = cells[TOTAL_KEY]
    threshold = rule().threshold
    # The curve shows when each event happened: publish it only when every count beside it is shown too.
    shown = not (total.suppressed or cells["events"].suppressed or cells["censored"].suppressed)
    publish = shown and len(observations) >= threshold
    estimate = (
        kaplan_meier([float(d) for d, _seen in observations], [seen for _d, seen in observations]) if publish else None
    )
    return Series(
        key=key, label=label, total=total, events=cells["events"], censored=cells["censored"], estimate=estimate
    )


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
    cases: dict[int, Case] = {}
    cohort_of: dict[int, str] = {}
    for key, cohort_period in periods.items():
        for case in Case.objects.filter(
            unit_id__in=group.unit_ids, opened_on__gte=cohort_period.start, opened_on__lte=cohort_period.end
        ).order_by("pk"):
            cases[case.pk] = case
            cohort_of[case.pk] = key
    subjects, left_out = _subjects(cases, origin, as_of, cohort_of)

    def label_of_period(p: Period) -> str:
        return f"{p.start.isoformat()} – {p.end.isoformat()}"

    groups: list[tuple[str, str, list[_Subject]]]
    if by == "unit":
        units = Unit.objects.filter(pk__in=group.unit_ids).order_by("name")
        groups = [(u.code, u.name, [s for s in subjects if s.unit_id == u.pk]) for u in units]
    elif by == "period":
        groups = [(key, label_of_period(p), [s for s in subjects if s.cohort == key]) for key, p in periods.items()]
    else:
        groups = [("all", group.name, subjects)]

    endpoints = [
        Endpoint(code, [_series(key, label, members, code, route) for key, label, members in groups])
        for code in ENDPOINTS
    ]

    by_outcome = dict.fromkeys(Outcome.values, 0)
    for outcome in Case.objects.filter(
        unit_id__in=group.unit_ids, status=CaseStatus.CLOSED, closed_on__gte=period.start, closed_on__lte=period.end
    ).values_list("outcome", flat=True):
        by_outcome[outcome] = by_outcome.get(outcome, 0) + 1
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
