"""The results summary for a period: the figures a project report needs.

- Case consultations with Försäkringskassan held by the group's units in the period: sessions,
  discussions (cases raised) and unique cases, counted as `rattvag.consent.selectors.consultation_counts`
  counts them (each identified client once; pseudonymous cases once per unit and pseudonym key, each
  without a key once), and how many identified clients later became self-supporting, by route (their
  latest case in those units closed with a self-supporting outcome).
- Clients in the method: new (a case opened in the period), active (a case open on the last day) and
  closed (a case closed in the period, and none open on the last day).
- Ladder: clients who moved up at least one step (the movement report).
- The three indicators at the end of the support (the indicator report).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from rattvag.clients.models import Case, CaseStatus, Outcome
from rattvag.consent.models import Consultation, ConsultationCase
from rattvag.stats.suppression import Cell

from ..models import Indicator, Moment
from ..scope import Group, Period
from .common import TOTAL_KEY, cell_json, count_cell, counts, rule
from .indicators import IndicatorRow, indicator_report
from .movement import MovementReport, movement_report
from .time_to_outcome import SELF_SUPPORTING


@dataclass(frozen=True)
class SummaryReport:
    group: Group
    period: Period
    consultations: Cell
    discussions: Cell
    unique_cases: Cell
    self_supporting: Cell
    self_supporting_routes: list[tuple[str, str, Cell]]  # (outcome code, label, clients)
    new_clients: Cell
    active_clients: Cell
    closed_clients: Cell
    movement: MovementReport
    indicators: list[IndicatorRow]

    @property
    def sentence_parts(self) -> dict[str, str]:
        return {
            "discussions": self.discussions.display,
            "unique": self.unique_cases.display,
            "self_supporting": self.self_supporting.display,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "report": "summary",
            "group": self.group.as_json(),
            "period": self.period.as_json(),
            "suppression_threshold": rule().threshold,
            "consultations": {
                "sessions": cell_json(self.consultations),
                "discussions": cell_json(self.discussions),
                "unique_cases": cell_json(self.unique_cases),
                "self_supporting": {
                    "total": cell_json(self.self_supporting),
                    "routes": [{"outcome": code, **cell_json(cell)} for code, _l, cell in self.self_supporting_routes],
                },
            },
            "clients": {
                "new": cell_json(self.new_clients),
                "active": cell_json(self.active_clients),
                "closed": cell_json(self.closed_clients),
            },
            "ladder": {
                "clients_with_two_assessments": cell_json(self.movement.compared),
                "moved_up": cell_json(self.movement.up),
                "moved_up_share": self.movement.as_json()["moved_up"]["share"],
            },
            "indicators": [row.as_json() for row in self.indicators],
        }


def _consultation_figures(group: Group, period: Period) -> tuple[int, int, int, dict[str, int]]:
    consultations = Consultation.objects.filter(
        unit_id__in=group.unit_ids, held_on__gte=period.start, held_on__lte=period.end
    )
    items = list(
        ConsultationCase.objects.filter(consultation__in=consultations.values("pk")).values_list(
            "client_id", "pseudonym_key", "consultation__unit_id"
        )
    )
    client_ids = {client_id for client_id, _key, _unit in items if client_id is not None}
    keys = {(unit_id, key) for client_id, key, unit_id in items if client_id is None and key}
    unkeyed = sum(1 for client_id, key, _unit in items if client_id is None and not key)
    unit_ids = {unit_id for _c, _k, unit_id in items}
    latest: dict[int, tuple[datetime.date, str]] = {}
    for client_id, status, closed_on, outcome in Case.objects.filter(
        client_id__in=client_ids, unit_id__in=unit_ids
    ).values_list("client_id", "status", "closed_on", "outcome"):
        if status == CaseStatus.OPEN or closed_on is None:
            latest[client_id] = (datetime.date.max, "")
        elif latest.get(client_id, (datetime.date.min, ""))[0] < closed_on:
            latest[client_id] = (closed_on, outcome)
    routes: dict[str, int] = dict.fromkeys((str(code) for code in SELF_SUPPORTING), 0)
    for _day, outcome in latest.values():
        if outcome in routes:
            routes[outcome] += 1
    return consultations.count(), len(items), len(client_ids) + len(keys) + unkeyed, routes


def _client_figures(group: Group, period: Period) -> tuple[int, int, int]:
    cases = Case.objects.filter(unit_id__in=group.unit_ids)
    new = cases.filter(opened_on__gte=period.start, opened_on__lte=period.end).values("client_id").distinct().count()
    open_at_end = cases.filter(opened_on__lte=period.end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=period.end)
    )
    active = open_at_end.values("client_id").distinct().count()
    closed = (
        cases.filter(status=CaseStatus.CLOSED, closed_on__gte=period.start, closed_on__lte=period.end)
        .exclude(client_id__in=open_at_end.values("client_id"))
        .values("client_id")
        .distinct()
        .count()
    )
    return new, active, closed


def summary_report(*, group: Group, period: Period) -> SummaryReport:
    """The results summary (no person in it; the caller audits that it was viewed or exported)."""
    sessions, discussions, unique, routes = _consultation_figures(group, period)
    route_cells = counts(routes)
    new, active, closed = _client_figures(group, period)
    indicators = indicator_report(group=group, period=period, moment=Moment.END)
    wanted = [i.value for i in Indicator]
    rows = sorted(
        (row for row in indicators.rows if row.indicator in wanted), key=lambda row: wanted.index(row.indicator)
    )
    return SummaryReport(
        group=group,
        period=period,
        consultations=count_cell(sessions),
        discussions=count_cell(discussions),
        unique_cases=count_cell(unique),
        self_supporting=route_cells[TOTAL_KEY],
        self_supporting_routes=[(code, str(Outcome(code).label), route_cells[code]) for code in routes],
        new_clients=count_cell(new),
        active_clients=count_cell(active),
        closed_clients=count_cell(closed),
        movement=movement_report(group=group, period=period),
        indicators=rows,
    )
