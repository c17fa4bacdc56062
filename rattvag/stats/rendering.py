"""Charts for the published tables: which kind of chart each table gets, drawn with ``charts``."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from .charts import bar_chart_svg, line_chart_svg, stacked_bar_chart_svg
from .figures import (
    CARE_UNIT_COMPLETENESS,
    CARE_UNITS,
    CERTIFICATES,
    CHAPTERS_TABLE,
    CODES,
    COMPLETENESS,
    NEW_SPELLS_TABLE,
)
from .tables import PublishedTable

HORIZONTAL = frozenset({CHAPTERS_TABLE, CODES, CARE_UNITS})


def _count_label(table: PublishedTable) -> str:
    return _("Number of certificates") if table.population == CERTIFICATES else _("Number of clients")


def chart_alt(table: PublishedTable) -> str:
    return _("Chart: %(title)s. The numbers are in the table beside the chart.") % {"title": table.title}


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def standing_chart(table: PublishedTable) -> str:
    """One group (the mapping of a unit): a bar per category; hidden counts draw no bar and show their marker."""
    description = chart_alt(table)
    if table.key == CARE_UNIT_COMPLETENESS or (table.key == COMPLETENESS and not table.rows_are_groups):
        return stacked_bar_chart_svg(
            title=table.title,
            labels=[_short(r.label) for r in table.rows],
            series={c.label: [r.cells[j].value for r in table.rows] for j, c in enumerate(table.columns)},
            horizontal=True,
            xlabel=_count_label(table),
            description=description,
        )
    items = table.column_rows()
    horizontal = table.key in HORIZONTAL
    note = _empty_note(table)
    return bar_chart_svg(
        title=table.title,
        labels=[_short(item["label"]) for item in items],
        values=[item["cell"].value for item in items],
        annotations=[item["cell"].display for item in items],
        horizontal=horizontal,
        xlabel=_count_label(table) if horizontal else table.column_heading,
        ylabel="" if horizontal else _count_label(table),
        description=description,
        note=note,
    )


def _empty_note(table: PublishedTable) -> str:
    cells = [cell for row in table.rows for cell in row.cells]
    if any(cell.value for cell in cells):
        return ""
    if any(cell.suppressed for cell in cells):
        return _("Every count here is hidden or zero.")
    return _("Nothing to count.")


def wide_chart(table: PublishedTable) -> str:
    """Several groups (the aggregates): stacked bars per group, or a line per group over the months."""
    description = chart_alt(table) + " " + _("Hidden counts are not drawn.")
    note = _empty_note(table)
    if table.key == NEW_SPELLS_TABLE:
        months = [datetime.date.fromisoformat(c.key + "-01") for c in table.columns]
        return line_chart_svg(
            title=table.title,
            series={row.label: list(zip(months, [c.value for c in row.cells], strict=True)) for row in table.rows},
            xlabel=table.column_heading,
            ylabel=_count_label(table),
            description=description,
            note=note,
        )
    return stacked_bar_chart_svg(
        title=table.title,
        labels=[_short(r.label) for r in table.rows],
        series={_short(c.label): [r.cells[j].value for r in table.rows] for j, c in enumerate(table.columns)},
        horizontal=True,
        xlabel=_count_label(table),
        description=description,
        note=note,
    )
