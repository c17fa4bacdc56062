"""Method fidelity per unit and period, from the method rules of rattvag.followup.

The cases: the group's cases open at some time during the period. Each case is evaluated with the
rule functions of `rattvag.followup.rules` (the same code the worklist uses), with the unit's
parameters, on the day the case closed or, while open, today. Unlike the worklist, plans and SIPs
that have ended count too: fidelity asks whether the step was taken, not whether it is still in force.

A rule's answer for a case: fulfilled → met; overdue → not met; due (the deadline has not passed) →
not yet decided, left out; no answer (the rule does not apply, e.g. no healthcare contact) → left out.
The plan measure asks more than the rule: the active plan's first version must be dated no later
than the day the sick-leave spell in progress (or the last one before it) reached the rule's number
of days (60 by default); cases never sick-listed are left out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Unit
from rattvag.followup.evaluation import RuleBook
from rattvag.followup.rules import RULES, CaseFacts, State, load_case_facts
from rattvag.followup.rules.consent import CONSENT_BEFORE_HEALTHCARE
from rattvag.followup.rules.facts import cycle_collection_paused
from rattvag.followup.rules.method import CONTACT_PLAN, SIP, WORK_CAPACITY_FIRST
from rattvag.followup.rules.sick_leave import ACTIVE_PLAN
from rattvag.stats.suppression import Cell

from ..scope import Group, Period, cases_in_method
from .common import TOTAL_KEY, cell_json, counts, round_or_none, rule, share, share_display

# (code in the report, rule code, label)
MEASURES: list[tuple[str, str, Any]] = [
    ("contact_plan", CONTACT_PLAN, _("Written contact plan")),
    ("active_plan_in_time", ACTIVE_PLAN, _("Active plan within 60 days of sick leave")),
    ("sip_when_agencies", SIP, _("SIP where two or more agencies are involved")),
    ("consent_before_healthcare", CONSENT_BEFORE_HEALTHCARE, _("Consent before contact with healthcare")),
    (
        "work_capacity_before_application",
        WORK_CAPACITY_FIRST,
        _("Work-capacity assessment before a disability-benefit application"),
    ),
]


class Result:
    MET = "met"
    NOT_MET = "not_met"
    PENDING = "pending"
    NOT_APPLICABLE = "not_applicable"


def _params(book: RuleBook, rule_code: str, unit_id: int) -> dict[str, int]:
    config = book.by_code(rule_code, unit_id)
    return config.params if config is not None else RULES[rule_code].defaults()


def _plan_in_time(facts: CaseFacts, params: dict[str, int], day: datetime.date) -> str:
    outcome = RULES[ACTIVE_PLAN].evaluate(facts, params, day)
    if outcome is None:
        return Result.NOT_APPLICABLE
    if outcome.state == State.DUE:
        return Result.PENDING
    if outcome.state == State.OVERDUE:
        return Result.NOT_MET
    plan_on = outcome.on
    if plan_on is None:
        return Result.MET
    spells = facts.spells
    if not spells:
        return Result.NOT_APPLICABLE
    before = [s for s in spells if s.start <= plan_on]
    if not before:
        return Result.MET  # the plan was written before any sick leave
    deadline = before[-1].reaches_days_on(params["days"])
    return Result.MET if deadline is None or plan_on <= deadline else Result.NOT_MET


def case_result(facts: CaseFacts, measure: str, rule_code: str, params: dict[str, int], day: datetime.date) -> str:
    """Met, not met, pending or not applicable for one case and measure."""
    if measure == "active_plan_in_time":
        return _plan_in_time(facts, params, day)
    outcome = RULES[rule_code].evaluate(facts, params, day)
    if outcome is None:
        return Result.NOT_APPLICABLE
    return {State.FULFILLED: Result.MET, State.OVERDUE: Result.NOT_MET, State.DUE: Result.PENDING}[outcome.state]


@dataclass(frozen=True)
class MeasureCell:
    decided: Cell  # cases where the measure applied and was decided (met or not met)
    met: int | None  # None while `decided` is hidden
    pending: int

    @property
    def share(self) -> float | None:
        if self.met is None:
            return None
        return share(Cell.shown(self.met), self.decided)

    @property
    def share_display(self) -> str:
        return share_display(self.share)

    def as_json(self) -> dict[str, Any]:
        return {
            "decided": cell_json(self.decided),
            "met": self.met,
            "share": round_or_none(self.share),
        }


@dataclass(frozen=True)
class FidelityRow:
    code: str  # unit code, or "" for the total
    name: str
    cases: Cell
    measures: list[MeasureCell]

    def as_json(self) -> dict[str, Any]:
        return {
            "unit": self.code or None,
            "name": self.name,
            "cases": cell_json(self.cases),
            "measures": {code: cell.as_json() for (code, _r, _l), cell in zip(MEASURES, self.measures, strict=True)},
        }


@dataclass(frozen=True)
class FidelityReport:
    group: Group
    period: Period
    as_of: datetime.date
    rows: list[FidelityRow]  # one per unit
    total: FidelityRow

    @property
    def measure_labels(self) -> list[tuple[str, str]]:
        return [(code, str(label)) for code, _rule, label in MEASURES]

    def as_json(self) -> dict[str, Any]:
        return {
            "report": "fidelity",
            "group": self.group.as_json(),
            "period": self.period.as_json(),
            "as_of": self.as_of.isoformat(),
            "suppression_threshold": rule().threshold,
            "measures": [{"code": code, "rule": rule_code} for code, rule_code, _l in MEASURES],
            "units": [row.as_json() for row in self.rows],
            "total": self.total.as_json(),
        }


_SLOTS = {Result.MET: 0, Result.NOT_MET: 1, Result.PENDING: 2}


def _tally(
    group: Group, period: Period, units: list[Unit], today: datetime.date
) -> tuple[dict[int, list[list[int]]], dict[int, int]]:
    """Per unit: each measure's [met, not met, pending] counts, and the number of cases."""
    tallies: dict[int, list[list[int]]] = {u.pk: [[0, 0, 0] for _ in MEASURES] for u in units}
    case_counts: dict[int, int] = dict.fromkeys(tallies, 0)
    facts = load_case_facts(cases_in_method(group, period), ended_plans=True)
    book = RuleBook(group.unit_ids)
    # Each unit's parameters of each measure's rule, worked out once.
    params = {u.pk: [_params(book, rule_code, u.pk) for _m, rule_code, _l in MEASURES] for u in units}
    for case_facts in facts.values():
        case = case_facts.case
        day = min(today, case.closed_on) if case.closed_on is not None else today
        case_counts[case.unit_id] += 1
        unit_tallies, unit_params = tallies[case.unit_id], params[case.unit_id]
        for index, (measure, rule_code, _label) in enumerate(MEASURES):
            slot = _SLOTS.get(case_result(case_facts, measure, rule_code, unit_params[index], day))
            if slot is not None:
                unit_tallies[index][slot] += 1
    return tallies, case_counts


def fidelity_report(*, group: Group, period: Period, today: datetime.date | None = None) -> FidelityReport:
    """The fidelity report (no person in it; the caller audits that it was viewed)."""
    today = today or timezone.localdate()
    units = list(Unit.objects.filter(pk__in=group.unit_ids).order_by("municipality__name", "name"))
    # The cases' facts are freed when _tally returns, before the cycle collector resumes: resumed while they are
    # alive, its first collection walks every one of them (about a tenth of the report's time at region size).
    with cycle_collection_paused():
        tallies, case_counts = _tally(group, period, units, today)

    case_cells = counts({u.code: case_counts[u.pk] for u in units})
    decided_cells = [
        counts({u.code: tallies[u.pk][i][0] + tallies[u.pk][i][1] for u in units}) for i in range(len(MEASURES))
    ]

    def measure_cell(key: str, index: int, met: int, pending: int) -> MeasureCell:
        decided = decided_cells[index][key]
        return MeasureCell(decided=decided, met=None if decided.suppressed else met, pending=pending)

    rows = [
        FidelityRow(
            code=u.code,
            name=u.name,
            cases=case_cells[u.code],
            measures=[measure_cell(u.code, i, tallies[u.pk][i][0], tallies[u.pk][i][2]) for i in range(len(MEASURES))],
        )
        for u in units
    ]
    total = FidelityRow(
        code="",
        name=group.name,
        cases=case_cells[TOTAL_KEY],
        measures=[
            measure_cell(TOTAL_KEY, i, sum(tallies[u.pk][i][0] for u in units), sum(tallies[u.pk][i][2] for u in units))
            for i in range(len(MEASURES))
        ],
    )
    return FidelityReport(group=group, period=period, as_of=today, rows=rows, total=total)
