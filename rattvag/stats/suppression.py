"""Small-cell suppression for every count that leaves a unit aggregated.

The rule (documented for users in docs/statistics.md):

* **Primary suppression.** A count from 1 to ``threshold - 1`` is hidden and shown as ``"<5"`` (with the
  configured threshold). Zeros are published: "nobody" is not a small group that identifies a person, and hiding
  zeros would make every sparse table unreadable.
* **Secondary suppression.** A published table carries row totals, column totals and a grand total. A hidden
  cell must not be recoverable from the published cells and totals. We treat the table with its margins as one
  system of equations (every row and column of the table including its total is one equation) and require that
  every hidden cell can take at least two values consistent with everything published *and* with what a reader
  knows from the markers: a cell shown as ``"<5"`` lies in ``1..threshold-1``, a cell hidden to protect others
  (shown as ``".."``) is at least ``threshold``. While some hidden cell is determined, the smallest non-zero
  published cell (a total only if nothing smaller is available) in a line through that cell is hidden as well,
  and the check starts over until it is stable. Totals are computed from the TRUE counts; a total that would
  give a hidden cell away is hidden by the same rule.
* **Withholding.** When every non-zero count is hidden and a reader could still pin one down (four "<5" cells under
  a "<5" grand total can only be 1 each), the whole table is withheld: every entry, zeros included, shows "..".

The check is exact, not a heuristic: a table with margins is a transportation problem, whose constraint matrix is
totally unimodular, so a hidden cell has a second consistent integer value exactly when it lies on a cycle of
hidden cells along which the values can move by one within their bounds (a directed cycle in the residual graph
of the bipartite "row line / column line" graph). ``_is_protected`` searches for that cycle.

Several tables that publish the same figure (for example the number of sick-listed clients per municipality as
the row total of every breakdown) must hide it everywhere once one table hides it: ``suppress_linked_tables``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "SECONDARY_MARKER",
    "TOTAL_KEY",
    "Cell",
    "SuppressionRule",
    "default_rule",
    "safe_percentage",
    "suppress_counts",
    "suppress_linked_tables",
    "suppress_table",
]

MINIMUM_THRESHOLD = 3
DEFAULT_THRESHOLD = 5
#: Shown instead of a count hidden to protect another cell (secondary suppression), as in Statistics Sweden's tables.
SECONDARY_MARKER = ".."
#: The key under which ``suppress_counts`` returns the total when it is shown.
TOTAL_KEY = "__total__"


@dataclass(frozen=True)
class SuppressionRule:
    """Counts from 1 to ``threshold - 1`` are hidden. The threshold is never below 3."""

    threshold: int = DEFAULT_THRESHOLD

    def __post_init__(self) -> None:
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int):
            raise ImproperlyConfigured("The suppression threshold must be an integer.")
        if self.threshold < MINIMUM_THRESHOLD:
            raise ImproperlyConfigured(
                f"The suppression threshold must be at least {MINIMUM_THRESHOLD}, not {self.threshold}."
            )

    @classmethod
    def from_settings(cls) -> SuppressionRule:
        return cls(threshold=getattr(settings, "RATTVAG_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))

    @property
    def marker(self) -> str:
        """What a primary-suppressed cell shows, e.g. ``"<5"``."""
        return f"<{self.threshold}"

    def is_small(self, value: int) -> bool:
        return 0 < value < self.threshold


def default_rule() -> SuppressionRule:
    """The rule configured in settings (``RATTVAG_SUPPRESSION_THRESHOLD``, default 5, refused below 3)."""
    return SuppressionRule.from_settings()


@dataclass(frozen=True)
class Cell:
    """A published count. ``value`` is None when the count is hidden."""

    value: int | None
    suppressed: bool
    display: str
    secondary: bool = False

    @classmethod
    def shown(cls, value: int) -> Cell:
        return cls(value=value, suppressed=False, display=str(value))

    def as_json(self) -> dict[str, int | bool | None]:
        return {"value": self.value, "suppressed": self.suppressed}


# --------------------------------------------------------------------------------------------------------------
# The engine: entries on a bipartite graph of lines


@dataclass
class _Entry:
    value: int
    node_a: int  # a "row" line
    node_b: int  # a "column" line
    sign: int  # y = sign * value satisfies "the entries of every line sum to zero"
    is_total: bool
    suppressed: bool = False
    primary: bool = False

    def bounds(self, threshold: int) -> tuple[int, float]:
        """What a reader knows about a hidden value from its marker."""
        if self.primary:
            return 1, threshold - 1
        return threshold, float("inf")


@dataclass
class _System:
    entries: list[_Entry]
    threshold: int
    incident: dict[int, list[int]] = field(default_factory=dict)
    withheld: bool = False

    def __post_init__(self) -> None:
        for index, entry in enumerate(self.entries):
            self.incident.setdefault(entry.node_a, []).append(index)
            self.incident.setdefault(entry.node_b, []).append(index)

    def _can_move(self, entry: _Entry, y_delta: int) -> bool:
        low, high = entry.bounds(self.threshold)
        new_value = entry.value + entry.sign * y_delta
        return low <= new_value <= high

    def _path_exists(self, start: int, goal: int, excluded: int) -> bool:
        """A directed path in the residual graph of hidden entries, not using entry ``excluded``."""
        seen = {start}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for index in self.incident.get(node, ()):
                if index == excluded:
                    continue
                entry = self.entries[index]
                if not entry.suppressed:
                    continue
                # Traversing a -> b increases y; b -> a decreases y.
                if node == entry.node_a and entry.node_a != entry.node_b:
                    nxt, delta = entry.node_b, 1
                elif node == entry.node_b:
                    nxt, delta = entry.node_a, -1
                else:  # pragma: no cover - node belongs to the entry by construction
                    continue
                if nxt in seen or not self._can_move(entry, delta):
                    continue
                if nxt == goal:
                    return True
                seen.add(nxt)
                queue.append(nxt)
        return False

    def is_protected(self, index: int) -> bool:
        entry = self.entries[index]
        if self._can_move(entry, 1) and self._path_exists(entry.node_b, entry.node_a, index):
            return True
        return self._can_move(entry, -1) and self._path_exists(entry.node_a, entry.node_b, index)

    def _candidates(self, nodes: Iterable[int]) -> list[int]:
        found = {
            index
            for node in nodes
            for index in self.incident.get(node, ())
            if not self.entries[index].suppressed and self.entries[index].value != 0
        }
        return sorted(found, key=self._order)

    def _suppressed_in(self, node: int) -> int:
        return sum(1 for i in self.incident.get(node, ()) if self.entries[i].suppressed)

    def _choose_secondary(self, index: int) -> int | None:
        entry = self.entries[index]
        lonely = [node for node in (entry.node_a, entry.node_b) if self._suppressed_in(node) == 1]
        for nodes in (lonely, [entry.node_a, entry.node_b]):
            candidates = self._candidates(nodes)
            if candidates:
                return candidates[0]
        # Both lines through the cell are hidden entirely: widen to every line touching a hidden entry.
        touching = {e.node_a for e in self.entries if e.suppressed} | {e.node_b for e in self.entries if e.suppressed}
        candidates = self._candidates(touching)
        return candidates[0] if candidates else None

    def _lonely_candidate(self) -> int | None:
        """The smallest publishable entry in a line that hides exactly one entry (which the line's sum would give
        away). None when no such line has a candidate left."""
        best: int | None = None
        for node in self.incident:
            if self._suppressed_in(node) != 1:
                continue
            candidates = self._candidates([node])
            if candidates and (best is None or self._order(candidates[0]) < self._order(best)):
                best = candidates[0]
        return best

    def _order(self, index: int) -> tuple[int, bool, int]:
        entry = self.entries[index]
        return entry.value, entry.is_total, index

    def run(self) -> None:
        for entry in self.entries:
            if entry.value < 0:
                raise ValueError("Counts cannot be negative.")
            if 0 < entry.value < self.threshold:
                entry.suppressed = entry.primary = True
        while True:
            # Cheap pass first: no line may hide exactly one entry.
            lonely = self._lonely_candidate()
            if lonely is not None:
                self.entries[lonely].suppressed = True
                continue
            # Exact pass: every hidden entry must lie on a cycle along which it can change.
            unprotected = next(
                (i for i, e in enumerate(self.entries) if e.suppressed and not self.is_protected(i)),
                None,
            )
            if unprotected is None:
                return
            chosen = self._choose_secondary(unprotected)
            if chosen is None:
                # Every non-zero count is hidden and a reader could still pin one down (e.g. four "<5" cells
                # under a "<5" total must all be 1): withhold the whole table, zeros included.
                self.withhold()
                return
            self.entries[chosen].suppressed = True

    def withhold(self) -> None:
        self.withheld = True
        for entry in self.entries:
            entry.suppressed, entry.primary = True, False

    def force(self, index: int) -> None:
        entry = self.entries[index]
        if entry.value != 0 and not entry.suppressed:
            entry.suppressed = True
            entry.primary = entry.value < self.threshold


def _cell(entry: _Entry, rule: SuppressionRule) -> Cell:
    if not entry.suppressed:
        return Cell.shown(entry.value)
    if entry.primary:
        return Cell(value=None, suppressed=True, display=rule.marker)
    return Cell(value=None, suppressed=True, display=SECONDARY_MARKER, secondary=True)


# --------------------------------------------------------------------------------------------------------------
# Two-dimensional tables


def _validate_rows(rows: Sequence[Sequence[int]]) -> int:
    widths = {len(row) for row in rows}
    if len(widths) > 1:
        raise ValueError("Every row of a table must have the same number of cells.")
    width = widths.pop() if widths else 0
    for row in rows:
        for value in row:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError("Counts must be non-negative integers.")
    return width


def _build_table_system(rows: Sequence[Sequence[int]], rule: SuppressionRule) -> tuple[_System, int, int]:
    """The table extended with its margins: row ``R`` holds the column totals, column ``C`` the row totals."""
    n_rows = len(rows)
    n_cols = _validate_rows(rows)
    extended = [[*row, sum(row)] for row in rows]
    extended.append([sum(row[j] for row in rows) for j in range(n_cols)] + [sum(sum(row) for row in rows)])
    entries: list[_Entry] = []
    for i, line in enumerate(extended):
        for j, value in enumerate(line):
            is_total_row, is_total_col = i == n_rows, j == n_cols
            entries.append(
                _Entry(
                    value=value,
                    node_a=i,
                    node_b=n_rows + 1 + j,
                    sign=-1 if is_total_row != is_total_col else 1,
                    is_total=is_total_row or is_total_col,
                )
            )
    return _System(entries=entries, threshold=rule.threshold), n_rows, n_cols


def _table_cells(system: _System, n_rows: int, n_cols: int, rule: SuppressionRule) -> list[list[Cell]]:
    width = n_cols + 1
    return [[_cell(system.entries[i * width + j], rule) for j in range(width)] for i in range(n_rows + 1)]


def suppress_table(
    rows: Sequence[Sequence[int]],
    *,
    rule: SuppressionRule | None = None,
    forced: Iterable[tuple[int, int]] = (),
) -> list[list[Cell]]:
    """Suppress a table of counts published WITH its row totals, column totals and grand total.

    Returns the table extended by its margins: ``len(rows) + 1`` rows of ``len(row) + 1`` cells; the last cell of
    every row is the row total, the last row holds the column totals and, in its last cell, the grand total.
    ``forced`` names positions (in the extended table) that must be hidden because another table hides the
    same figure; a forced zero stays published.
    """
    rule = rule or default_rule()
    if not rows:
        return []
    system, n_rows, n_cols = _build_table_system(rows, rule)
    width = n_cols + 1
    for i, j in forced:
        system.force(i * width + j)
    system.run()
    return _table_cells(system, n_rows, n_cols, rule)


def suppress_linked_tables(
    tables: Sequence[Sequence[Sequence[int]]],
    *,
    rule: SuppressionRule | None = None,
    links: Sequence[Sequence[tuple[int, int, int]]] = (),
    link_row_totals: bool = True,
) -> list[list[list[Cell]]]:
    """Suppress several tables that publish some of the same figures.

    ``links`` lists groups of positions ``(table index, row, column)`` in the extended tables that carry the same
    figure: when one member is hidden, all are. With ``link_row_totals`` (the default) the row totals and the
    grand total of all tables are linked as well; the tables must then have the same rows and equal row totals
    (they break the same population down in different ways).
    """
    rule = rule or default_rule()
    groups: list[list[tuple[int, int, int]]] = [list(group) for group in links]
    if link_row_totals and tables:
        n_rows = len(tables[0])
        for table in tables:
            if len(table) != n_rows:
                raise ValueError("Linked tables must have the same rows.")
        totals = [[sum(row) for row in table] for table in tables]
        if any(t != totals[0] for t in totals):
            raise ValueError("Linked tables must have the same row totals.")
        widths = [_validate_rows(table) for table in tables]
        for i in range(n_rows + 1):
            groups.append([(t, i, widths[t]) for t in range(len(tables))])
    forced: list[set[tuple[int, int]]] = [set() for _ in tables]
    while True:
        results = [suppress_table(table, rule=rule, forced=forced[t]) for t, table in enumerate(tables)]
        changed = False
        for group in groups:
            if any(results[t] and results[t][i][j].suppressed for t, i, j in group):
                for t, i, j in group:
                    if results[t] and not results[t][i][j].suppressed and (i, j) not in forced[t]:
                        forced[t].add((i, j))
                        changed = True
        if not changed:
            return results


# --------------------------------------------------------------------------------------------------------------
# One-dimensional tables


def suppress_counts(
    counts: Mapping[str, int],
    *,
    rule: SuppressionRule | None = None,
    total_shown: bool = True,
) -> dict[str, Cell]:
    """Suppress a one-dimensional table (categories -> counts).

    With ``total_shown`` the result also holds the total under ``TOTAL_KEY``, and a hidden count must not be
    recoverable as the total minus the published counts. Without a published total only primary suppression
    applies (no equation links the counts).
    """
    rule = rule or default_rule()
    keys = list(counts)
    _validate_rows([[counts[k] for k in keys]])
    # One line: every count and the total join node 0 (the line) and node 1 (a shared counterpart), so a cycle is
    # any pair of hidden entries that can move in opposite y-directions.
    entries = [_Entry(value=counts[k], node_a=0, node_b=1, sign=1, is_total=False) for k in keys]
    if total_shown:
        entries.append(_Entry(value=sum(counts.values()), node_a=0, node_b=1, sign=-1, is_total=True))
        system = _System(entries=entries, threshold=rule.threshold)
        system.run()
    else:
        for entry in entries:
            if rule.is_small(entry.value):
                entry.suppressed = entry.primary = True
    result = {key: _cell(entry, rule) for key, entry in zip(keys, entries, strict=False)}
    if total_shown:
        result[TOTAL_KEY] = _cell(entries[-1], rule)
    return result


# --------------------------------------------------------------------------------------------------------------
# Percentages


def safe_percentage(numerator_cell: Cell | None, denominator_cell: Cell | None, *, decimals: int = 0) -> str | None:
    """The percentage ``numerator / denominator`` as text ("61 %"), or None.

    None when either count is hidden (a percentage of hidden counts would reveal them), missing, or the
    denominator is zero. Rounded half up.
    """
    if numerator_cell is None or denominator_cell is None:
        return None
    if numerator_cell.suppressed or denominator_cell.suppressed:
        return None
    numerator, denominator = numerator_cell.value, denominator_cell.value
    if numerator is None or denominator is None or denominator == 0:
        return None
    quantum = Decimal(1).scaleb(-decimals)
    percentage = (Decimal(100) * numerator / denominator).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{percentage} %"
