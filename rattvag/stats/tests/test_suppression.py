"""Small-cell suppression: the rule, secondary suppression, and an adversary who tries to recover hidden cells.

The adversary is independent of the implementation: it writes down everything a reader of the published table
knows (published counts and totals; a "<5" cell lies in 1..4; a ".." cell is at least 5) and asks an integer
linear program (scipy's HiGHS) for the smallest and largest value each hidden cell can take. A hidden cell is
safe when the two differ.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from rattvag.stats.suppression import (
    CHILD,
    PARENT,
    SECONDARY_MARKER,
    TOTAL_KEY,
    Cell,
    HierarchyCells,
    SuppressionRule,
    default_rule,
    safe_percentage,
    suppress_counts,
    suppress_hierarchy,
    suppress_linked_hierarchies,
    suppress_linked_tables,
    suppress_table,
)

RULE = SuppressionRule(threshold=5)
BIG = 10**6


def _extended(rows: list[list[int]]) -> list[list[int]]:
    table = [[*row, sum(row)] for row in rows]
    width = len(rows[0])
    table.append([sum(row[j] for row in rows) for j in range(width)] + [sum(map(sum, rows))])
    return table


def _bounds_of(cell: Cell, rule: SuppressionRule, *, withheld: bool = False) -> tuple[float, float]:
    if withheld:  # a withheld table shows ".." everywhere, zeros included
        return 0, BIG
    if cell.display == rule.marker:
        return 1, rule.threshold - 1
    assert cell.display == SECONDARY_MARKER
    return rule.threshold, BIG


def _value_ranges(published: list[list[Cell]], rule: SuppressionRule) -> dict[tuple[int, int], tuple[float, float]]:
    """What an adversary can learn about each hidden cell of a published table with margins."""
    n_rows, n_cols = len(published) - 1, len(published[0]) - 1
    hidden = [(i, j) for i in range(n_rows + 1) for j in range(n_cols + 1) if published[i][j].suppressed]
    if not hidden:
        return {}
    index = {pos: k for k, pos in enumerate(hidden)}
    equations, rhs = [], []
    lines = [[(i, j) for j in range(n_cols)] + [(i, n_cols)] for i in range(n_rows + 1)]
    lines += [[(i, j) for i in range(n_rows)] + [(n_rows, j)] for j in range(n_cols + 1)]
    for line in lines:
        *parts, total = line
        coefficients = np.zeros(len(hidden))
        constant = 0.0
        for pos, sign in [*((p, 1) for p in parts), (total, -1)]:
            cell = published[pos[0]][pos[1]]
            if cell.suppressed:
                coefficients[index[pos]] += sign
            else:
                constant += sign * (cell.value or 0)
        if coefficients.any():
            equations.append(coefficients)
            rhs.append(-constant)
    withheld = all(c.display == SECONDARY_MARKER for row in published for c in row)
    lower = [_bounds_of(published[i][j], rule, withheld=withheld)[0] for i, j in hidden]
    upper = [_bounds_of(published[i][j], rule, withheld=withheld)[1] for i, j in hidden]
    constraints = [LinearConstraint(np.array(equations), rhs, rhs)] if equations else []
    ranges = {}
    for k, pos in enumerate(hidden):
        found = []
        for sense in (1, -1):
            objective = np.zeros(len(hidden))
            objective[k] = sense
            result = milp(
                objective,
                constraints=constraints,
                integrality=np.ones(len(hidden)),
                bounds=Bounds(lower, upper),
            )
            assert result.success, "the true values are always a solution"
            found.append(result.x[k])
        ranges[pos] = (round(found[0]), round(found[1]))
    return ranges


def _assert_no_cell_recoverable(rows: list[list[int]], rule: SuppressionRule = RULE) -> list[list[Cell]]:
    published = suppress_table(rows, rule=rule)
    truth = _extended(rows)
    for (i, j), (low, high) in _value_ranges(published, rule).items():
        assert low <= truth[i][j] <= high
        assert high > low, f"hidden cell {(i, j)} = {truth[i][j]} recoverable in {rows}"
    return published


# --- the rule -------------------------------------------------------------------------------------------------


def test_threshold_below_three_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        SuppressionRule(threshold=2)
    assert SuppressionRule(threshold=3).marker == "<3"


@override_settings(RATTVAG_SUPPRESSION_THRESHOLD=10)
def test_threshold_comes_from_settings() -> None:
    assert default_rule() == SuppressionRule(threshold=10)
    cells = suppress_counts({"a": 9, "b": 10}, total_shown=False)
    assert cells["a"].display == "<10"
    assert cells["b"].display == "10"


@override_settings(RATTVAG_SUPPRESSION_THRESHOLD=2)
def test_a_setting_below_three_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        default_rule()


def test_primary_suppression_hides_one_to_four_and_shows_zero() -> None:
    cells = suppress_counts({"zero": 0, "one": 1, "four": 4, "five": 5}, rule=RULE, total_shown=False)
    assert cells["zero"] == Cell(0, False, "0")
    assert cells["one"] == Cell(None, True, "<5")
    assert cells["four"] == Cell(None, True, "<5")
    assert cells["five"] == Cell(5, False, "5")


def test_one_dimensional_total_forces_a_second_hidden_cell() -> None:
    cells = suppress_counts({"a": 2, "b": 9, "c": 30}, rule=RULE, total_shown=True)
    assert cells["a"].display == "<5"
    assert cells["b"].suppressed  # the next smallest non-zero count
    assert cells["b"].display == SECONDARY_MARKER
    assert cells["c"] == Cell.shown(30)
    assert cells[TOTAL_KEY] == Cell.shown(41)


def test_one_dimensional_bounds_attack_is_blocked() -> None:
    # a=1 and b=5 with total 6: a "<5" and a ".." (>= 5) summing to 6 can only be 1 and 5, so the total goes too.
    cells = suppress_counts({"a": 1, "b": 5, "c": 0}, rule=RULE, total_shown=True)
    assert cells["a"].suppressed
    assert cells["b"].suppressed
    assert cells[TOTAL_KEY].suppressed
    assert cells["c"] == Cell.shown(0)


def test_one_dimensional_zeros_are_never_hidden() -> None:
    cells = suppress_counts({"a": 3, "b": 0, "c": 0}, rule=RULE, total_shown=True)
    assert cells["b"] == cells["c"] == Cell.shown(0)
    assert cells["a"].suppressed
    assert cells[TOTAL_KEY].suppressed


def test_table_with_margins_hides_a_rectangle() -> None:
    published = _assert_no_cell_recoverable([[2, 7, 30], [10, 12, 40], [20, 30, 50]])
    hidden = {(i, j) for i, row in enumerate(published) for j, c in enumerate(row) if c.suppressed}
    assert hidden == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert published[0][0].display == "<5"
    assert published[0][1].display == SECONDARY_MARKER
    # Totals are computed from the true counts and published.
    assert [c.value for c in published[3]] == [32, 49, 120, 201]


def test_a_total_that_gives_a_cell_away_is_hidden() -> None:
    published = _assert_no_cell_recoverable([[1, 0, 0], [10, 12, 40]])
    assert published[0][3].suppressed  # the row total equals the single hidden cell


def test_a_table_of_small_counts_hides_everything_but_zeros() -> None:
    published = suppress_table([[3, 0], [0, 1]], rule=RULE)
    assert [[c.display for c in row] for row in published] == [["<5", "0", "<5"], ["0", "<5", "<5"], ["<5", "<5", "<5"]]


def test_a_table_a_reader_could_still_solve_is_withheld() -> None:
    # Four "<5" cells under a "<5" grand total can only be 1 each: nothing of the table is shown.
    published = _assert_no_cell_recoverable([[1, 1], [1, 1]])
    assert {c.display for row in published for c in row} == {SECONDARY_MARKER}
    withheld_with_zero = suppress_table([[1, 1, 0], [1, 1, 0]], rule=RULE)
    assert withheld_with_zero[0][2].suppressed  # zeros too


def test_the_adversary_cannot_use_bounds_to_pin_a_cell() -> None:
    # Row 0: "<5" + ".." = 6 would force 1 and 5 if only those two were hidden in it.
    _assert_no_cell_recoverable([[1, 5, 20], [7, 9, 30], [8, 12, 40]])


def test_bridges_between_hidden_blocks_are_protected() -> None:
    # Two separate 2x2 blocks of small counts: every hidden cell must lie on a cycle.
    rows = [
        [1, 2, 10, 10, 10],
        [3, 4, 10, 10, 10],
        [10, 10, 10, 1, 2],
        [10, 10, 10, 3, 4],
    ]
    _assert_no_cell_recoverable(rows)


def test_invalid_tables_are_refused() -> None:
    with pytest.raises(ValueError, match="same number of cells"):
        suppress_table([[1, 2], [3]], rule=RULE)
    with pytest.raises(ValueError, match="non-negative"):
        suppress_table([[-1, 2]], rule=RULE)
    assert suppress_table([], rule=RULE) == []


def test_exhaustive_small_tables() -> None:
    values = [0, 1, 3, 5, 9]
    for flat in itertools.product(values, repeat=4):
        _assert_no_cell_recoverable([list(flat[:2]), list(flat[2:])])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=1, max_value=5).flatmap(
        lambda width: st.lists(
            st.lists(
                st.one_of(st.integers(0, 6), st.integers(0, 60)),
                min_size=width,
                max_size=width,
            ),
            min_size=1,
            max_size=5,
        )
    ),
    st.sampled_from([3, 5, 10]),
)
def test_no_hidden_cell_is_recoverable_from_published_cells_and_totals(rows: list[list[int]], threshold: int) -> None:
    rule = SuppressionRule(threshold=threshold)
    published = _assert_no_cell_recoverable(rows, rule)
    truth = _extended(rows)
    for i, row in enumerate(published):
        for j, cell in enumerate(row):
            if cell.suppressed:
                assert cell.value is None
                assert truth[i][j] > 0 or cell.display == SECONDARY_MARKER  # zeros only in a withheld table
            else:
                assert cell.value == truth[i][j]  # what is shown is true
            if 0 < truth[i][j] < threshold:
                assert cell.suppressed

    # The simple linear argument holds too: no line with a published total hides exactly one entry.
    lines = [list(row) for row in published] + [list(col) for col in zip(*published, strict=True)]
    for line in lines:
        assert sum(c.suppressed for c in line) != 1


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 30), min_size=1), st.booleans())
def test_no_hidden_count_is_recoverable_in_one_dimension(counts: dict[str, int], total_shown: bool) -> None:
    cells = suppress_counts(counts, rule=RULE, total_shown=total_shown)
    keys = list(counts)
    if not total_shown:
        for key in keys:
            assert cells[key].suppressed == (0 < counts[key] < 5)
        return
    # Adversary: one equation, published values known, bounds from the markers.
    entries = [*((cells[k], counts[k], 1) for k in keys), (cells[TOTAL_KEY], sum(counts.values()), -1)]
    hidden = [(cell, true, sign) for cell, true, sign in entries if cell.suppressed]
    if not hidden:
        return
    constant = sum(sign * (cell.value or 0) for cell, _true, sign in entries if not cell.suppressed)
    equation = LinearConstraint(np.array([[sign for _c, _t, sign in hidden]]), [-constant], [-constant])
    withheld = all(cell.display == SECONDARY_MARKER for cell, _t, _s in entries)
    low_high = [_bounds_of(c, RULE, withheld=withheld) for c, _t, _s in hidden]
    bounds = Bounds([low for low, _high in low_high], [high for _low, high in low_high])
    for k in range(len(hidden)):
        extremes = []
        for sense in (1, -1):
            objective = np.zeros(len(hidden))
            objective[k] = sense
            result = milp(objective, constraints=[equation], integrality=np.ones(len(hidden)), bounds=bounds)
            extremes.append(round(result.x[k]))
        assert extremes[1] > extremes[0]


def test_linked_tables_hide_a_shared_total_everywhere() -> None:
    # Two breakdowns of the same population per row; row 0's total (6) is hidden in the first table because of
    # its own cells ("<5" + ".." = 6 would pin both), so the second must hide it too.
    first = [[1, 5], [20, 30], [25, 35]]
    second = [[3, 3], [25, 25], [30, 30]]
    alone = suppress_table(second, rule=RULE)
    linked = suppress_linked_tables([first, second], rule=RULE)
    for t, table in enumerate(linked):
        for i in range(len(table)):
            assert table[i][-1].suppressed == linked[0][i][-1].suppressed, (t, i)
    assert linked[0][0][-1].suppressed
    assert linked[1][0][-1].suppressed
    assert not alone[0][-1].suppressed  # on its own the second table would publish it


def test_linked_tables_must_share_their_row_totals() -> None:
    with pytest.raises(ValueError, match="same row totals"):
        suppress_linked_tables([[[1, 2]], [[5, 5]]], rule=RULE)


def test_explicit_links_across_tables() -> None:
    # The breakdown hides its row total 6; the headline table shows the same figure in cell (0, 0).
    headline = [[6, 10], [50, 10]]
    breakdown = [[1, 5], [20, 30]]
    assert not suppress_table(headline, rule=RULE)[0][0].suppressed
    linked = suppress_linked_tables(
        [headline, breakdown], rule=RULE, links=[[(0, 0, 0), (1, 0, 2)]], link_row_totals=False
    )
    assert linked[1][0][2].suppressed
    assert linked[0][0][0].suppressed
    _hidden_once_more = [c for row in linked[0] for c in row if c.suppressed]
    assert len(_hidden_once_more) >= 4  # and the headline protects it with a rectangle of its own


# --- percentages ----------------------------------------------------------------------------------------------


def test_percentages_never_come_from_hidden_counts() -> None:
    assert safe_percentage(Cell.shown(61), Cell.shown(100)) == "61 %"
    assert safe_percentage(Cell.shown(1), Cell.shown(8)) == "13 %"  # 12.5 rounds half up
    assert safe_percentage(Cell.shown(1), Cell.shown(3), decimals=1) == "33.3 %"
    assert safe_percentage(Cell(None, True, "<5"), Cell.shown(100)) is None
    assert safe_percentage(Cell.shown(10), Cell(None, True, "..", secondary=True)) is None
    assert safe_percentage(Cell.shown(0), Cell.shown(0)) is None
    assert safe_percentage(None, Cell.shown(3)) is None


@override_settings(RATTVAG_SUPPRESSION_THRESHOLD=2)
def test_a_threshold_below_three_fails_the_system_check() -> None:
    from rattvag.stats.apps import check_suppression_threshold

    assert [error.id for error in check_suppression_threshold()] == ["stats.E001"]


def test_the_default_threshold_passes_the_system_check() -> None:
    from rattvag.stats.apps import check_suppression_threshold

    assert check_suppression_threshold() == []


# --- hierarchies: units published together with their municipalities ------------------------------------------


def _hierarchy_ranges(
    published: HierarchyCells, rows: list[list[int]], parents: list[int], rule: SuppressionRule
) -> dict[tuple[str, int, int], tuple[int, int, int]]:
    """(level, i, j) -> (smallest, largest, true value) for every hidden figure at either level."""
    n, width, n_parents = len(rows), len(rows[0]), max(parents) + 1
    truth_children = _extended(rows)
    parent_rows = [
        [sum(rows[u][j] for u in range(n) if parents[u] == m) for j in range(width)] for m in range(n_parents)
    ]
    truth_parents = _extended(parent_rows)
    # Variables: every figure of both levels (the shared last row once).
    variables: dict[tuple[str, int, int], tuple[Cell, int]] = {}
    for i in range(n + 1):
        for j in range(width + 1):
            key = ("child", i, j) if i < n else ("total", 0, j)
            variables[key] = (published.children[i][j], truth_children[i][j])
    for m in range(n_parents):
        for j in range(width + 1):
            variables[("parent", m, j)] = (published.parents[m][j], truth_parents[m][j])
    equations: list[list[tuple[tuple[str, int, int], int]]] = []
    for u in range(n):  # child rows
        equations.append([*((("child", u, j), 1) for j in range(width)), (("child", u, width), -1)])
    for m in range(n_parents):  # parent rows and parent columns
        equations.append([*((("parent", m, j), 1) for j in range(width)), (("parent", m, width), -1)])
        for j in range(width + 1):
            equations.append([*((("child", u, j), 1) for u in range(n) if parents[u] == m), (("parent", m, j), -1)])
    for j in range(width + 1):  # overall columns, and the totals row
        equations.append([*((("parent", m, j), 1) for m in range(n_parents)), (("total", 0, j), -1)])
    equations.append([*((("total", 0, j), 1) for j in range(width)), (("total", 0, width), -1)])
    hidden = [key for key, (cell, _v) in variables.items() if cell.suppressed]
    if not hidden:
        return {}
    index = {key: k for k, key in enumerate(hidden)}
    matrix, rhs = [], []
    for equation in equations:
        coefficients, constant = np.zeros(len(hidden)), 0.0
        for key, sign in equation:
            cell, _value = variables[key]
            if cell.suppressed:
                coefficients[index[key]] += sign
            else:
                constant += sign * (cell.value or 0)
        if coefficients.any():
            matrix.append(coefficients)
            rhs.append(-constant)
    withheld = all(variables[key][0].display == SECONDARY_MARKER for key in variables)
    bounds = [_bounds_of(variables[key][0], rule, withheld=withheld) for key in hidden]
    constraint = LinearConstraint(np.array(matrix), rhs, rhs)
    ranges = {}
    for k, key in enumerate(hidden):
        extremes = []
        for sense in (1, -1):
            objective = np.zeros(len(hidden))
            objective[k] = sense
            result = milp(
                objective,
                constraints=[constraint],
                integrality=np.ones(len(hidden)),
                bounds=Bounds([b[0] for b in bounds], [b[1] for b in bounds]),
            )
            assert result.success
            extremes.append(round(result.x[k]))
        ranges[key] = (extremes[0], extremes[1], variables[key][1])
    return ranges


def test_a_municipality_total_does_not_give_a_hidden_unit_count_away() -> None:
    # Halmstad's two units: 3 and 20 sick-listed in column 0. Published alone per unit, the 3 would be hidden with
    # a partner in another municipality's unit; Halmstad's own 23 would then give it away.
    rows = [[3, 10, 12], [20, 30, 40], [7, 9, 11], [15, 16, 17]]
    parents = [0, 0, 1, 1]
    published = suppress_hierarchy(rows, parents, rule=RULE)
    for key, (low, high, true) in _hierarchy_ranges(published, rows, parents, RULE).items():
        assert low <= true <= high
        assert high > low, key
    assert published.children[0][0].display == "<5"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda width: st.lists(
            st.tuples(
                st.lists(st.one_of(st.integers(0, 6), st.integers(0, 40)), min_size=width, max_size=width),
                st.integers(0, 2),
            ),
            min_size=1,
            max_size=6,
        )
    )
)
def test_no_hidden_figure_is_recoverable_from_both_levels(data: list[tuple[list[int], int]]) -> None:
    rows = [row for row, _p in data]
    used = sorted({p for _row, p in data})
    parents = [used.index(p) for _row, p in data]
    published = suppress_hierarchy(rows, parents, rule=RULE)
    for key, (low, high, true) in _hierarchy_ranges(published, rows, parents, RULE).items():
        assert low <= true <= high
        assert high > low, (key, rows, parents)
    # The two levels share their last row.
    assert published.children[-1] == published.parents[-1]


def test_linked_hierarchies_hide_shared_totals_everywhere() -> None:
    first = [[1, 8], [20, 30], [25, 35]]
    second = [[4, 5], [25, 25], [30, 30]]
    parents = [0, 0, 1]
    links = [[(0, CHILD, i, 2), (1, CHILD, i, 2)] for i in range(4)]
    links += [[(0, PARENT, m, 2), (1, PARENT, m, 2)] for m in range(2)]
    results = suppress_linked_hierarchies([first, second], parents, rule=RULE, links=links)
    for i in range(4):
        assert results[0].children[i][2].suppressed == results[1].children[i][2].suppressed
    for m in range(2):
        assert results[0].parents[m][2].suppressed == results[1].parents[m][2].suppressed


def test_hierarchies_refuse_bad_parents() -> None:
    with pytest.raises(ValueError, match="parent"):
        suppress_hierarchy([[1, 2]], [], rule=RULE)
    with pytest.raises(ValueError, match="numbered"):
        suppress_hierarchy([[1, 2], [3, 4]], [0, 2], rule=RULE)
    assert suppress_hierarchy([], [], rule=RULE) == HierarchyCells(children=[], parents=[])
