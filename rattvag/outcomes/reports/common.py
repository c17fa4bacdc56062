"""Shared pieces of the reports: published counts (with small-cell suppression) and their JSON form.

Every count that leaves a report passes through `rattvag.stats.suppression`; a share is published
only when the counts it is made of are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rattvag.stats.suppression import TOTAL_KEY, Cell, SuppressionRule, default_rule, suppress_counts

__all__ = ["TOTAL_KEY", "Cell", "cell_json", "count_cell", "counts", "rule", "share", "share_display"]


def rule() -> SuppressionRule:
    return default_rule()


def count_cell(value: int) -> Cell:
    """One count on its own (no total it could be recovered from): hidden when it is small."""
    return suppress_counts({"n": value}, total_shown=False)["n"]


def counts(values: Mapping[str, int], *, total: bool = True) -> dict[str, Cell]:
    """Several counts, with their total under TOTAL_KEY when `total`."""
    return suppress_counts(dict(values), total_shown=total)


def share(numerator: Cell, denominator: Cell) -> float | None:
    """numerator / denominator, when both are published and the denominator is not zero."""
    if numerator.suppressed or denominator.suppressed or not denominator.value or numerator.value is None:
        return None
    return numerator.value / denominator.value


def share_display(value: float | None, decimals: int = 0) -> str:
    """ "61 %" (rounded half up, like rattvag.stats.suppression.safe_percentage), or "–"."""
    if value is None:
        return "–"
    from decimal import ROUND_HALF_UP, Decimal

    quantum = Decimal(1).scaleb(-decimals)
    return f"{(Decimal(str(value)) * 100).quantize(quantum, rounding=ROUND_HALF_UP)} %"


def cell_json(cell: Cell) -> dict[str, Any]:
    """{"value": 12, "suppressed": false, "display": "12"}; a hidden count has value null."""
    return {"value": cell.value, "suppressed": cell.suppressed, "display": cell.display}


def round_or_none(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)
