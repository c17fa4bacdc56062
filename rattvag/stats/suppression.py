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
of the bipartite "row line / column line" graph). ``_System.is_protected`` searches for that cycle; every hidden entry
on a cycle found is protected too, so one search settles many entries. Between hides the engine keeps, in heaps, the
hidden entries not yet known to be protected and each line's cheapest publishable entry, instead of scanning the
whole table for them every time; the choices, and so the published tables, are those of the plain scan.

Several tables that publish the same figure (for example the number of sick-listed clients per municipality as
the row total of every breakdown) must hide it everywhere once one table hides it: ``suppress_linked_tables``.
Figures published both per unit and per municipality form one hierarchical table (``suppress_hierarchy``): a
municipality's count minus its units' published counts must not give a hidden unit count away.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "CHILD",
    "PARENT",
    "SECONDARY_MARKER",
    "TOTAL_KEY",
    "Cell",
    "HierarchyCells",
    "SuppressionRule",
    "default_rule",
    "safe_percentage",
    "suppress_counts",
    "suppress_hierarchy",
    "suppress_linked_hierarchies",
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
            if entry.node_b != entry.node_a:
                self.incident.setdefault(entry.node_b, []).append(index)
        # Each line's entries, cheapest to hide first (values never change).
        self.by_order = {node: sorted(indices, key=self._order) for node, indices in self.incident.items()}
        # How far each line's cheapest entries are known to be hidden or zero: hidden entries stay hidden and values
        # never change, so the first candidate of a line only moves forward.
        self.next_candidate: dict[int, int] = dict.fromkeys(self.incident, 0)
        self.hidden_in: dict[int, int] = dict.fromkeys(self.incident, 0)
        # The lines that hide exactly one entry, each with its cheapest candidate, cheapest first. A line hides one
        # entry only once (hidden entries stay hidden) and its candidate only gets dearer, so the heap is checked
        # lazily: what no longer holds is dropped or pushed again when it comes to the top.
        self.lonely: list[tuple[tuple[int, bool, int], int]] = []
        self.touched: list[tuple[tuple[int, bool, int], int]] = []  # the same for every line that hides an entry
        # Each line's hidden entries: the searches below walk only these (a large table hides few).
        self.hidden_incident: dict[int, list[int]] = {node: [] for node in self.incident}
        for index, entry in enumerate(self.entries):
            if entry.suppressed:
                for node in {entry.node_a, entry.node_b}:
                    self.hidden_incident[node].append(index)
        self.protected: set[int] = set()
        # The hidden entries not yet known to be protected, smallest index first (the order of the exact pass).
        self.unchecked: list[int] = [index for index, entry in enumerate(self.entries) if entry.suppressed]

    def hide(self, index: int) -> None:
        entry = self.entries[index]
        if entry.suppressed:
            return
        entry.suppressed = True
        for node in {entry.node_a, entry.node_b}:
            hidden = self.hidden_in[node] = self.hidden_in[node] + 1
            if hidden == 1:
                self._push_candidate(self.lonely, node)
                self._push_candidate(self.touched, node)
            self.hidden_incident[node].append(index)
        heapq.heappush(self.unchecked, index)

    def _can_move(self, entry: _Entry, y_delta: int) -> bool:
        low, high = entry.bounds(self.threshold)
        new_value = entry.value + entry.sign * y_delta
        return low <= new_value <= high

    def _path(self, start: int, goal: int, excluded: int) -> list[int] | None:
        """The entries of a directed path in the residual graph of hidden entries from ``start`` to ``goal``, not
        using entry ``excluded``; None when there is none.

        The innermost loop of suppression (national aggregates: tens of thousands of searches over thousands of
        lines), so _can_move is written out here."""
        entries, hidden_incident, threshold = self.entries, self.hidden_incident, self.threshold
        came_by: dict[int, int] = {start: -1}  # node -> the entry it was reached through
        queue = deque([start])
        while queue:
            node = queue.pop()
            for index in hidden_incident.get(node, ()):
                if index == excluded:
                    continue
                entry = entries[index]
                # Traversing a -> b increases y; b -> a decreases y.
                if node == entry.node_a and entry.node_a != entry.node_b:
                    nxt, delta = entry.node_b, 1
                elif node == entry.node_b:
                    nxt, delta = entry.node_a, -1
                else:  # pragma: no cover - node belongs to the entry by construction
                    continue
                if nxt in came_by:
                    continue
                new_value = entry.value + entry.sign * delta
                if entry.primary:  # the bounds of _Entry.bounds
                    if not 1 <= new_value <= threshold - 1:
                        continue
                elif new_value < threshold:
                    continue
                came_by[nxt] = index
                if nxt == goal:
                    path = []
                    while nxt != start:
                        index = came_by[nxt]
                        path.append(index)
                        entry = entries[index]
                        nxt = entry.node_a if nxt == entry.node_b else entry.node_b
                    return path
                queue.append(nxt)
        return None

    def is_protected(self, index: int) -> bool:
        """Hiding more entries only adds ways to move, so an entry once protected stays protected.

        A path found closes a cycle of hidden entries along which every one of them can move (each appears once
        on it, the path being simple), so all of them are protected, not only the one asked about."""
        if index in self.protected:
            return True
        entry = self.entries[index]
        path = None
        if self._can_move(entry, 1):
            path = self._path(entry.node_b, entry.node_a, index)
        if path is None and self._can_move(entry, -1):
            path = self._path(entry.node_a, entry.node_b, index)
        if path is None:
            return False
        self.protected.add(index)
        self.protected.update(path)
        return True

    def _first_candidate(self, node: int) -> int | None:
        order = self.by_order.get(node, ())
        position = self.next_candidate.get(node, 0)
        while position < len(order):
            entry = self.entries[order[position]]
            if not entry.suppressed and entry.value != 0:
                self.next_candidate[node] = position
                return order[position]
            position += 1
        self.next_candidate[node] = position
        return None

    def _best(self, nodes: Iterable[int]) -> int | None:
        candidates = [c for c in (self._first_candidate(node) for node in nodes) if c is not None]
        return min(candidates, key=self._order) if candidates else None

    def _choose_secondary(self, index: int) -> int | None:
        entry = self.entries[index]
        lonely = [node for node in (entry.node_a, entry.node_b) if self.hidden_in[node] == 1]
        for nodes in (lonely, [entry.node_a, entry.node_b]):
            best = self._best(nodes)
            if best is not None:
                return best
        # Both lines through the cell are hidden entirely: widen to every line touching a hidden entry.
        return self._cheapest(self.touched, lonely_only=False)

    def _push_candidate(self, heap: list[tuple[tuple[int, bool, int], int]], node: int) -> None:
        candidate = self._first_candidate(node)
        if candidate is not None:
            heapq.heappush(heap, (self._order(candidate), node))

    def _cheapest(self, heap: list[tuple[tuple[int, bool, int], int]], *, lonely_only: bool) -> int | None:
        """The cheapest candidate of the lines in ``heap`` (``_best`` of those lines, kept up to date lazily)."""
        while heap:
            (_value, _is_total, index), node = heap[0]
            if lonely_only and self.hidden_in[node] != 1:
                heapq.heappop(heap)
            elif self.entries[index].suppressed:
                heapq.heappop(heap)
                self._push_candidate(heap, node)
            else:
                return index
        return None

    def _lonely_candidate(self) -> int | None:
        """The smallest publishable entry in a line that hides exactly one entry (which the line's sum would give
        away). None when no such line has a candidate left."""
        return self._cheapest(self.lonely, lonely_only=True)

    def _first_unprotected(self) -> int | None:
        """The hidden entry with the smallest index that is not protected (entries found protected leave the heap
        for good)."""
        unchecked = self.unchecked
        while unchecked:
            index = unchecked[0]
            if not self.is_protected(index):
                return index
            heapq.heappop(unchecked)
        return None

    def _order(self, index: int) -> tuple[int, bool, int]:
        entry = self.entries[index]
        return entry.value, entry.is_total, index

    def run(self) -> None:
        for index, entry in enumerate(self.entries):
            if entry.value < 0:
                raise ValueError("Counts cannot be negative.")
            if 0 < entry.value < self.threshold:
                entry.primary = True
                self.hide(index)
        while True:
            # Cheap pass first: no line may hide exactly one entry.
            lonely = self._lonely_candidate()
            if lonely is not None:
                self.hide(lonely)
                continue
            # Exact pass: every hidden entry must lie on a cycle along which it can change.
            unprotected = self._first_unprotected()
            if unprotected is None:
                return
            chosen = self._choose_secondary(unprotected)
            if chosen is None:
                # Every non-zero count is hidden and a reader could still pin one down (e.g. four "<5" cells
                # under a "<5" total must all be 1): withhold the whole table, zeros included.
                self.withhold()
                return
            self.hide(chosen)

    def withhold(self) -> None:
        self.withheld = True
        for index, entry in enumerate(self.entries):
            self.hide(index)
            entry.primary = False

    def force(self, index: int) -> None:
        entry = self.entries[index]
        if entry.value != 0 and not entry.suppressed:
            entry.primary = entry.value < self.threshold
            self.hide(index)


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
    results: list[list[list[Cell]]] = []
    stale = set(range(len(tables)))  # the tables to suppress (again): a table is suppressed anew only when more of
    while True:  # its cells are forced, since the same table with the same forced cells gives the same result
        results = [
            suppress_table(table, rule=rule, forced=forced[t]) if t in stale else results[t]
            for t, table in enumerate(tables)
        ]
        stale = set()
        changed = False
        for group in groups:
            if any(results[t] and results[t][i][j].suppressed for t, i, j in group):
                for t, i, j in group:
                    if results[t] and not results[t][i][j].suppressed and (i, j) not in forced[t]:
                        forced[t].add((i, j))
                        stale.add(t)
                        changed = True
        if not changed:
            return results


# --------------------------------------------------------------------------------------------------------------
# Hierarchical tables: units within municipalities


@dataclass(frozen=True)
class HierarchyCells:
    """A table published at two levels: ``children`` (e.g. units) and ``parents`` (e.g. municipalities).

    Both are extended by their margins and share the last row (the column totals and the grand total).
    """

    children: list[list[Cell]]
    parents: list[list[Cell]]


class _Hierarchy:
    """The equations of a table of children grouped under parents, as one network.

    Published figures: child cells x[u][j] with row totals t[u]; parent cells m[M][j] (the sum of the children's
    cells) with totals T[M]; column totals c[j] and the grand total G. Equations: each child row; each parent
    column (the children's cells in column j, or their totals, sum to the parent's cell); each overall column
    (the parents' cells sum to the column total); and the column totals sum to G. Every figure is in exactly
    two equations, so the system is a network and the cycle test of ``_System`` is exact for it.
    """

    def __init__(self, rows: Sequence[Sequence[int]], parents: Sequence[int], rule: SuppressionRule) -> None:
        self.n = len(rows)
        self.width = _validate_rows(rows)
        if len(parents) != self.n:
            raise ValueError("Every row needs its parent.")
        self.n_parents = max(parents, default=-1) + 1
        if set(parents) != set(range(self.n_parents)):
            raise ValueError("Parents must be numbered 0..P-1, each with at least one row.")
        c_width = self.width + 1
        parent_node = lambda m, j: self.n + m * c_width + j  # noqa: E731
        column_node = lambda j: self.n + self.n_parents * c_width + j  # noqa: E731
        r_node = self.n + (self.n_parents + 1) * c_width
        entries: list[_Entry] = []
        self.child_index: dict[tuple[int, int], int] = {}
        self.parent_index: dict[tuple[int, int], int] = {}

        def add(value: int, a: int, b: int, *, is_total: bool) -> int:
            entries.append(_Entry(value=value, node_a=a, node_b=b, sign=1, is_total=is_total))
            return len(entries) - 1

        parent_values = [[0] * c_width for _ in range(self.n_parents)]
        for u, row in enumerate(rows):
            m = parents[u]
            for j, value in enumerate(row):
                self.child_index[(u, j)] = add(value, parent_node(m, j), u, is_total=False)
                parent_values[m][j] += value
            self.child_index[(u, self.width)] = add(sum(row), u, parent_node(m, self.width), is_total=True)
            parent_values[m][self.width] += sum(row)
        for m, values in enumerate(parent_values):
            for j in range(self.width):
                self.parent_index[(m, j)] = add(values[j], column_node(j), parent_node(m, j), is_total=True)
            self.parent_index[(m, self.width)] = add(
                values[self.width], parent_node(m, self.width), column_node(self.width), is_total=True
            )
        for j in range(self.width):
            total = sum(values[j] for values in parent_values)
            index = add(total, r_node, column_node(j), is_total=True)
            self.child_index[(self.n, j)] = self.parent_index[(self.n_parents, j)] = index
        grand = sum(values[self.width] for values in parent_values)
        index = add(grand, column_node(self.width), r_node, is_total=True)
        self.child_index[(self.n, self.width)] = self.parent_index[(self.n_parents, self.width)] = index
        self.system = _System(entries=entries, threshold=rule.threshold)

    def cells(self, rule: SuppressionRule) -> HierarchyCells:
        entries = self.system.entries
        children = [
            [_cell(entries[self.child_index[(u, j)]], rule) for j in range(self.width + 1)] for u in range(self.n + 1)
        ]
        parents = [
            [_cell(entries[self.parent_index[(m, j)]], rule) for j in range(self.width + 1)]
            for m in range(self.n_parents + 1)
        ]
        return HierarchyCells(children=children, parents=parents)


CHILD = "child"
PARENT = "parent"


def suppress_hierarchy(
    rows: Sequence[Sequence[int]],
    parents: Sequence[int],
    *,
    rule: SuppressionRule | None = None,
    forced: Iterable[tuple[str, int, int]] = (),
) -> HierarchyCells:
    """Suppress a table whose rows (children, e.g. units) are grouped under parents (e.g. municipalities), for
    publishing at both levels: no hidden figure of either level can be recovered from everything published at
    both levels. ``parents[u]`` is the parent (0..P-1) of row ``u``. ``forced`` names ``(CHILD or PARENT, row,
    column)`` positions in the extended tables to hide."""
    rule = rule or default_rule()
    if not rows:
        return HierarchyCells(children=[], parents=[])
    hierarchy = _Hierarchy(rows, parents, rule)
    for level, i, j in forced:
        index = hierarchy.child_index if level == CHILD else hierarchy.parent_index
        hierarchy.system.force(index[(i, j)])
    hierarchy.system.run()
    return hierarchy.cells(rule)


def suppress_linked_hierarchies(
    tables: Sequence[Sequence[Sequence[int]]],
    parents: Sequence[int],
    *,
    rule: SuppressionRule | None = None,
    links: Sequence[Sequence[tuple[int, str, int, int]]] = (),
) -> list[HierarchyCells]:
    """Several hierarchical tables over the same rows; ``links`` are groups of ``(table, level, row, column)``
    positions that publish the same figure: when one is hidden, all are."""
    rule = rule or default_rule()
    forced: list[set[tuple[str, int, int]]] = [set() for _ in tables]

    def cells_at(result: HierarchyCells, level: str, i: int, j: int) -> Cell | None:
        grid = result.children if level == CHILD else result.parents
        return grid[i][j] if grid else None

    results: list[HierarchyCells] = []
    stale = set(range(len(tables)))  # suppressed anew only when more of a table's cells are forced (same input,
    while True:  # same result)
        results = [
            suppress_hierarchy(table, parents, rule=rule, forced=forced[t]) if t in stale else results[t]
            for t, table in enumerate(tables)
        ]
        stale = set()
        changed = False
        for group in links:
            cells = [cells_at(results[t], level, i, j) for t, level, i, j in group]
            if any(cell is not None and cell.suppressed for cell in cells):
                for (t, level, i, j), cell in zip(group, cells, strict=True):
                    if cell is not None and not cell.suppressed and (level, i, j) not in forced[t]:
                        forced[t].add((level, i, j))
                        stale.add(t)
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
