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
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.utils.translation import gettext as _

from rattvag.stats.suppression import Cell, safe_percentage, suppress_table

from ..models import AssessedBy, LadderAssessment, LadderStep
from ..scope import Group, Period, cases_in_method
from .common import cell_json, count_cell, round_or_none, rule, share


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


def _suppress_linked(
    by_direction: list[list[int]], steps_moved: list[int], transitions: list[list[int]], numbers: list[int]
) -> tuple[list[list[Cell]], list[list[Cell]]]:
    """Suppress the direction × steps table and the transition table so that neither gives the other away.

    The transition table's cells add up to the other table's figures: the cells on a diagonal to the
    clients who moved that many steps, those above, on and below the diagonal to moved up / stayed / down,
    all of them to the clients compared. Both tables go through `suppress_table`; where a figure is hidden
    in one table and its cells are all shown in the other (or a shown figure leaves exactly one of its
    cells hidden), the smallest shown cell is hidden as well (`forced`), until nothing changes.
    """
    forced_directions: set[tuple[int, int]] = set()
    forced_transitions: set[tuple[int, int]] = set()
    size, width = len(numbers), len(steps_moved)
    groups: list[tuple[tuple[int, int], list[tuple[int, int]]]] = []
    for column, d in enumerate(steps_moved):
        diagonal = [(i, j) for i in range(size) for j in range(size) if numbers[j] - numbers[i] == d]
        groups.append(((3, column), diagonal))
    for row, sign in enumerate((-1, 0, 1)):
        region = [(i, j) for i in range(size) for j in range(size) if (j > i) - (j < i) == sign]
        groups.append(((row, width), region))
    groups.append(((3, width), [(i, j) for i in range(size) for j in range(size)]))
    while True:
        directions = suppress_table(by_direction, forced=forced_directions)
        cells = suppress_table(transitions, forced=forced_transitions) if numbers else []
        if not cells:
            return directions, cells
        changed = False
        for (row, column), members in groups:
            nonzero = [(i, j) for i, j in members if transitions[i][j] > 0]
            hidden = [(i, j) for i, j in nonzero if cells[i][j].suppressed]
            shown = [(i, j) for i, j in nonzero if not cells[i][j].suppressed]
            figure_hidden = directions[row][column].suppressed
            if (figure_hidden and nonzero and not hidden) or (not figure_hidden and len(hidden) == 1):
                if shown:
                    forced_transitions.add(min(shown, key=lambda p: (transitions[p[0]][p[1]], p)))
                else:
                    forced_directions.add((row, column))
                changed = True
        if not changed:
            return directions, cells


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
    rows = assessments.order_by("client_id", "assessed_on", "pk").values_list(
        "client_id", "step__version_id", "step__number"
    )
    assessed_clients = 0
    pairs: list[tuple[int, int, int]] = []  # (version, first step, last step)
    for _client_id, assessed in groupby(rows, itemgetter(0)):
        assessed_clients += 1
        history = list(assessed)
        if len(history) < 2:
            continue
        version = history[-1][1]
        if history[0][1] == version:
            # The first and the last assessment are on the latest version (the usual case): they are compared.
            pairs.append((version, history[0][2], history[-1][2]))
            continue
        on_version = [number for _c, v, number in history if v == version]
        if len(on_version) >= 2:
            pairs.append((version, on_version[0], on_version[-1]))

    moved = [last - first for _v, first, last in pairs]
    low, high = min([0, *moved]), max([0, *moved])
    steps_moved = list(range(low, high + 1))
    # One table holds both breakdowns: rows down / stayed / up, columns steps moved. Its row totals are the
    # directions, its column totals the distribution, its grand total the clients compared, so hiding is
    # consistent between them.
    spread = Counter(moved)
    by_direction = [[spread.get(d, 0) if (d > 0) - (d < 0) == sign else 0 for d in steps_moved] for sign in (-1, 0, 1)]

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

    directions, transition_cells = _suppress_linked(by_direction, steps_moved, table, numbers)
    width = len(steps_moved)
    compared = directions[3][width]
    down, same, up = (directions[row][width] for row in range(3))
    distribution = [(d, directions[3][c]) for c, d in enumerate(steps_moved)]
    mean = sum(moved) / len(moved) if moved and not compared.suppressed else None
    transitions = TransitionTable(steps=numbers, labels=labels, rows=transition_cells)

    return MovementReport(
        group=group,
        period=period,
        assessed_by=assessed_by,
        assessed_clients=count_cell(assessed_clients),
        compared=compared,
        up=up,
        down=down,
        same=same,
        mean_steps=mean,
        distribution=distribution,
        transitions=transitions,
    )


def assessed_by_choices() -> list[tuple[str, str]]:
    return [("", _("Every assessor")), *((value, str(label)) for value, label in AssessedBy.choices)]
