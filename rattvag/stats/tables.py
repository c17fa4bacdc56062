"""Published tables: raw counts turned into cells, with small-cell suppression where the figures leave the unit.

Suppression is applied to every table of one page together (``suppress_linked_tables``): tables that break the
same population down per group publish the same row totals, so a total hidden in one is hidden in all; the
number of sick-listed clients per group is also a cell of the headline table and is linked to the row totals of
the sick-leave tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .figures import HEADLINE, IN_METHOD, SICK_LISTED, Category, RawTable
from .suppression import (
    CHILD,
    PARENT,
    Cell,
    SuppressionRule,
    safe_percentage,
    suppress_linked_hierarchies,
    suppress_linked_tables,
)


@dataclass(frozen=True)
class PublishedRow:
    key: str
    label: str
    cells: list[Cell]
    total: Cell
    shares: list[str | None]  # each cell as a share of the row total (None when not computable)


@dataclass(frozen=True)
class PublishedTable:
    key: str
    title: str
    population: str
    column_heading: str
    columns: list[Category]
    rows: list[PublishedRow]
    totals: PublishedRow
    suppressed: bool  # whether small-cell suppression was applied
    rows_are_groups: bool

    @property
    def hidden_any(self) -> bool:
        return any(c.suppressed for row in [*self.rows, self.totals] for c in [*row.cells, row.total])

    @property
    def is_empty(self) -> bool:
        return not self.rows or self.totals.total.value == 0

    def column_rows(self) -> list[dict[str, Any]]:
        """For a table of one group shown "standing": one row per column (category) with its cell and share."""
        if not self.rows:
            return []
        row = self.rows[0]
        return [
            {"key": column.key, "label": column.label, "cell": cell, "share": share}
            for column, cell, share in zip(self.columns, row.cells, row.shares, strict=True)
        ]

    def as_json(self) -> dict[str, Any]:
        def row_json(row: PublishedRow) -> dict[str, Any]:
            return {
                "key": row.key,
                "label": row.label,
                "cells": [cell.as_json() for cell in row.cells],
                "total": row.total.as_json(),
            }

        return {
            "key": self.key,
            "title": self.title,
            "population": self.population,
            "columns": [{"key": c.key, "label": c.label} for c in self.columns],
            "rows": [row_json(r) for r in self.rows],
            "totals": row_json(self.totals),
        }


def _row(key: str, label: str, cells: list[Cell]) -> PublishedRow:
    *values, total = cells
    return PublishedRow(key, label, values, total, [safe_percentage(cell, total) for cell in values])


def _published(raw: RawTable, extended: list[list[Cell]], *, suppressed: bool, total_label: str) -> PublishedTable:
    rows = [_row(r.key, r.label, cells) for r, cells in zip(raw.rows, extended, strict=False)]
    if extended:
        totals = _row("total", total_label, extended[-1])
    else:
        empty = Cell.shown(0)
        totals = PublishedRow("total", total_label, [empty for _ in raw.columns], empty, [None for _ in raw.columns])
    return PublishedTable(
        key=raw.key,
        title=raw.title,
        population=raw.population,
        column_heading=raw.column_heading,
        columns=raw.columns,
        rows=rows,
        totals=totals,
        suppressed=suppressed,
        rows_are_groups=raw.rows_are_groups,
    )


def _plain(raw: RawTable) -> list[list[Cell]]:
    if not raw.rows:
        return []
    extended = [[*row, sum(row)] for row in raw.counts]
    width = len(raw.columns)
    extended.append([sum(row[j] for row in raw.counts) for j in range(width)] + [sum(map(sum, raw.counts))])
    return [[Cell.shown(v) for v in row] for row in extended]


def _links(tables: Sequence[RawTable]) -> list[list[tuple[int, int, int]]]:
    """Positions that publish the same figure: row totals per population, and the headline's sick-listed cells."""
    by_population: dict[str, list[int]] = defaultdict(list)
    for t, table in enumerate(tables):
        if table.rows_are_groups and table.population in (IN_METHOD, SICK_LISTED):
            by_population[table.population].append(t)
    headline = next((t for t, table in enumerate(tables) if table.key == HEADLINE), None)
    links: list[list[tuple[int, int, int]]] = []
    n_groups = max((len(table.rows) for table in tables if table.rows_are_groups), default=0)
    for i in range(n_groups + 1):  # every group row and the totals row
        for population, members in by_population.items():
            group = [(t, i, len(tables[t].columns)) for t in members]
            if population == SICK_LISTED and headline is not None:
                group.append((headline, i, 0))
            if len(group) > 1:
                links.append(group)
    return links


def publish(tables: Sequence[RawTable], *, rule: SuppressionRule | None, total_label: str) -> dict[str, PublishedTable]:
    """Cells for every table; with a ``rule`` every count is protected by small-cell suppression."""
    if rule is None:
        return {t.key: _published(t, _plain(t), suppressed=False, total_label=total_label) for t in tables}
    suppressed = suppress_linked_tables(
        [t.counts for t in tables], rule=rule, links=_links(tables), link_row_totals=False
    )
    return {
        t.key: _published(t, cells, suppressed=True, total_label=total_label)
        for t, cells in zip(tables, suppressed, strict=True)
    }


def _hierarchy_links(
    tables: Sequence[RawTable], n_children: int, n_parents: int
) -> list[list[tuple[int, str, int, int]]]:
    """The links of ``_links`` at both levels (the shared totals row is linked through the children's)."""
    by_population: dict[str, list[int]] = defaultdict(list)
    for t, table in enumerate(tables):
        if table.population in (IN_METHOD, SICK_LISTED):
            by_population[table.population].append(t)
    headline = next((t for t, table in enumerate(tables) if table.key == HEADLINE), None)
    positions = [(CHILD, i) for i in range(n_children + 1)] + [(PARENT, m) for m in range(n_parents)]
    links: list[list[tuple[int, str, int, int]]] = []
    for level, i in positions:
        for population, members in by_population.items():
            group = [(t, level, i, len(tables[t].columns)) for t in members]
            if population == SICK_LISTED and headline is not None:
                group.append((headline, level, i, 0))
            if len(group) > 1:
                links.append(group)
    return links


def _parent_rows(table: RawTable, parents: Sequence[int], parent_groups: Sequence[Category]) -> RawTable:
    counts = [[0] * len(table.columns) for _ in parent_groups]
    for row, parent in zip(table.counts, parents, strict=True):
        for j, value in enumerate(row):
            counts[parent][j] += value
    return RawTable(
        key=table.key,
        title=table.title,
        population=table.population,
        columns=table.columns,
        rows=list(parent_groups),
        counts=counts,
        column_heading=table.column_heading,
    )


def publish_hierarchy(
    tables: Sequence[RawTable],
    *,
    parents: Sequence[int],
    parent_groups: Sequence[Category],
    rule: SuppressionRule,
    total_label: str,
) -> tuple[dict[str, PublishedTable], dict[str, PublishedTable]]:
    """Tables per child group (units) and per parent group (municipalities), suppressed together so that
    nothing hidden at one level can be worked out from the other. ``parents[i]`` is the parent of row ``i``."""
    results = suppress_linked_hierarchies(
        [t.counts for t in tables],
        parents,
        rule=rule,
        links=_hierarchy_links(tables, len(parents), len(parent_groups)),
    )
    children = {
        t.key: _published(t, cells.children, suppressed=True, total_label=total_label)
        for t, cells in zip(tables, results, strict=True)
    }
    by_parent = {
        t.key: _published(
            _parent_rows(t, parents, parent_groups), cells.parents, suppressed=True, total_label=total_label
        )
        for t, cells in zip(tables, results, strict=True)
    }
    return children, by_parent


def single_row(table: PublishedTable, key: str) -> PublishedTable:
    """One group's row of a published table, as a table of that group alone (its totals are the row's)."""
    row = next(r for r in table.rows if r.key == key)
    return PublishedTable(
        key=table.key,
        title=table.title,
        population=table.population,
        column_heading=table.column_heading,
        columns=table.columns,
        rows=[row],
        totals=PublishedRow("total", table.totals.label, row.cells, row.total, row.shares),
        suppressed=table.suppressed,
        rows_are_groups=table.rows_are_groups,
    )
