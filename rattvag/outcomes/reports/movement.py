"""Movement on the progression ladder for a group of clients in a period.

For every client of the group (a case in one of its units, open during the period) the assessments
dated in the period are read. Steps are only compared within one ladder version: the version of the
client's latest assessment in the period counts, and the client's first and last assessment on that
version are compared. Clients with at least two such assessments moved up (last step higher), down,
or stayed. The transition table counts clients by first step (rows) and last step (columns).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from rattvag.stats.suppression import Cell, safe_percentage, suppress_table

from ..models import AssessedBy, LadderAssessment, LadderStep
from ..scope import Group, Period, cases_in_method
from .common import TOTAL_KEY, cell_json, count_cell, counts, round_or_none, rule, share


@dataclass(frozen=True)
class TransitionTable:
    steps: list[int]
    labels: dict[int, str]  # step number -> label, when every client is on the same ladder version
    rows: list[list[Cell]]  # len(steps) + 1 rows of len(steps) + 1 cells; the last row and column are totals

    @property
    def labelled_rows(self) -> list[tuple[int | None, list[Cell]]]:
        """(from step, cells with the row total last); the column totals come last, with step None."""
        return [(self.steps[i] if i < len(self.steps) else None, row) for i, row in enumerate(self.rows)]

    def as_json(self) -> dict[str, Any]:
        return {
            "steps": self.steps,
            "labels": {str(k): v for k, v in self.labels.items()},
            "rows": [
                {
                    "from_step": self.steps[i] if i < len(self.steps) else None,
                    "cells": [cell_json(c) for c in row[:-1]],
                    "total": cell_json(row[-1]),
                }
                for i, row in enumerate(self.rows)
            ],
        }


@dataclass(frozen=True)
class MovementReport:
    group: Group
    period: Period
    assessed_by: str  # "" for every kind of assessor
    assessed_clients: Cell  # clients with at least one assessment in the period
    compared: Cell  # clients with at least two assessments on one ladder version
    up: Cell
    down: Cell
    same: Cell
    mean_steps: float | None
    distribution: list[tuple[int, Cell]]  # steps moved (last - first) -> clients
    transitions: TransitionTable

    def share(self, cell: Cell) -> float | None:
        return share(cell, self.compared)

    @property
    def up_share(self) -> float | None:
        return self.share(self.up)

    @property
    def down_share(self) -> float | None:
        return self.share(self.down)

    @property
    def same_share(self) -> float | None:
        return self.share(self.same)

    @property
    def up_display(self) -> str:
        return safe_percentage(self.up, self.compared) or "–"

    @property
    def down_display(self) -> str:
        return safe_percentage(self.down, self.compared) or "–"

    @property
    def same_display(self) -> str:
        return safe_percentage(self.same, self.compared) or "–"

    @property
    def is_empty(self) -> bool:
        return self.compared.value == 0

    def as_json(self) -> dict[str, Any]:
        return {
            "report": "movement",
            "group": self.group.as_json(),
            "period": self.period.as_json(),
            "assessed_by": self.assessed_by or None,
            "suppression_threshold": rule().threshold,
            "assessed_clients": cell_json(self.assessed_clients),
            "clients_with_two_assessments": cell_json(self.compared),
            "moved_up": {**cell_json(self.up), "share": round_or_none(self.up_share)},
            "moved_down": {**cell_json(self.down), "share": round_or_none(self.down_share)},
            "stayed": {**cell_json(self.same), "share": round_or_none(self.same_share)},
            "mean_steps_moved": round_or_none(self.mean_steps),
            "distribution": [{"steps": steps, **cell_json(cell)} for steps, cell in self.distribution],
            "transitions": self.transitions.as_json(),
        }


def movement_report(*, group: Group, period: Period, assessed_by: str = "") -> MovementReport:
    """The movement report (no person in it; the caller audits that it was viewed)."""
    if assessed_by and assessed_by not in AssessedBy.values:
        raise ValueError("Unknown kind of assessor.")
    assessments = LadderAssessment.objects.filter(
        assessed_on__gte=period.start,
        assessed_on__lte=period.end,
        client_id__in=cases_in_method(group, period).values("client_id"),
    )
    if assessed_by:
        assessments = assessments.filter(assessed_by=assessed_by)
    rows = list(
        assessments.order_by("client_id", "assessed_on", "pk").values_list(
            "client_id", "step__version_id", "step__number"
        )
    )
    by_client: dict[int, list[tuple[int, int]]] = {}
    for client_id, version_id, number in rows:
        by_client.setdefault(client_id, []).append((version_id, number))
    pairs: list[tuple[int, int, int]] = []  # (version, first step, last step)
    for history in by_client.values():
        version = history[-1][0]
        on_version = [number for v, number in history if v == version]
        if len(on_version) >= 2:
            pairs.append((version, on_version[0], on_version[-1]))

    moved = [last - first for _v, first, last in pairs]
    direction = counts(
        {"up": sum(1 for d in moved if d > 0), "down": sum(1 for d in moved if d < 0), "same": moved.count(0)}
    )
    compared = direction[TOTAL_KEY]
    mean = sum(moved) / len(moved) if moved and not compared.suppressed else None

    low, high = min([0, *moved]), max([0, *moved])
    spread = Counter(moved)
    distribution_cells = counts({str(d): spread.get(d, 0) for d in range(low, high + 1)}, total=True)
    distribution = [(d, distribution_cells[str(d)]) for d in range(low, high + 1)]

    versions = {v for v, _f, _l in pairs}
    steps_by_version: dict[int, dict[int, str]] = {}
    for step in LadderStep.objects.filter(version_id__in=versions).order_by("number"):
        steps_by_version.setdefault(step.version_id, {})[step.number] = step.label
    numbers = sorted({n for steps in steps_by_version.values() for n in steps})
    labels = steps_by_version[next(iter(versions))] if len(versions) == 1 else {}
    index = {n: i for i, n in enumerate(numbers)}
    table = [[0] * len(numbers) for _ in numbers]
    for _v, first, last in pairs:
        table[index[first]][index[last]] += 1
    transitions = TransitionTable(steps=numbers, labels=labels, rows=suppress_table(table) if numbers else [])

    return MovementReport(
        group=group,
        period=period,
        assessed_by=assessed_by,
        assessed_clients=count_cell(len(by_client)),
        compared=compared,
        up=direction["up"],
        down=direction["down"],
        same=direction["same"],
        mean_steps=mean,
        distribution=distribution,
        transitions=transitions,
    )


def assessed_by_choices() -> list[tuple[str, str]]:
    return [("", _("Every assessor")), *((value, str(label)) for value, label in AssessedBy.choices)]
