"""CSV and XLSX files of the published tables and of the client lists.

CSV: UTF-8 with a byte-order mark and ``;`` as separator (what Excel expects in a Swedish locale). XLSX: openpyxl,
one sheet per table. Every file starts with header rows naming what it holds and the filters it was made with,
then a blank row, then the table. Suppressed figures are written as their marker ("<5", ".."), never the count.
Text that a spreadsheet would run as a formula (starting with = + - @) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .suppression import Cell
from .tables import PublishedTable

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Value = str | int | None


@dataclass(frozen=True)
class Sheet:
    title: str
    rows: list[list[Value]]  # the first row is the heading row


def _safe_text(value: Value) -> Value:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell_value(cell: Cell) -> Value:
    return cell.value if not cell.suppressed else cell.display


def table_sheet(table: PublishedTable, *, standing: bool) -> Sheet:
    """Standing (one group: a row per category, with shares) or wide (a row per group, a column per category)."""
    if standing:
        rows: list[list[Value]] = [[table.column_heading, _("Number"), _("Share")]]
        for item in table.column_rows():
            rows.append([item["label"], _cell_value(item["cell"]), item["share"] or ""])
        total = table.rows[0].total if table.rows else Cell.shown(0)
        rows.append([_("Total"), _cell_value(total), ""])
        return Sheet(table.title, rows)
    heading: list[Value] = ["", *(c.label for c in table.columns), _("Total")]
    rows = [heading]
    for row in [*table.rows, table.totals]:
        rows.append([row.label, *(_cell_value(c) for c in row.cells), _cell_value(row.total)])
    return Sheet(table.title, rows)


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]\*\?/\\:]", " ", title)[:31].strip() or "Sheet"
    candidate, n = name, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def xlsx_bytes(*, header: Sequence[tuple[str, str]], sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_name(sheet.title, used))
        worksheet.append([sheet.title])
        worksheet.cell(row=1, column=1).font = bold
        for label, value in header:
            worksheet.append([_safe_text(label), _safe_text(value)])
        worksheet.append([])
        heading_row = worksheet.max_row + 1
        for row in sheet.rows:
            worksheet.append([_safe_text(v) for v in row])
        for cell in worksheet[heading_row]:
            cell.font = bold
        worksheet.column_dimensions["A"].width = max(
            12, min(60, max((len(str(r[0] or "")) for r in sheet.rows), default=10) + 2)
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(*, header: Sequence[tuple[str, str]], sheets: Iterable[Sheet]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for index, sheet in enumerate(sheets):
        if index:
            writer.writerow([])
        writer.writerow([_safe_text(sheet.title)])
        for label, value in header:
            writer.writerow([_safe_text(label), _safe_text(value)])
        writer.writerow([])
        for row in sheet.rows:
            writer.writerow(["" if v is None else _safe_text(v) for v in row])
    return "\ufeff" + buffer.getvalue()


def file_response(
    *, file_format: str, filename: str, header: Sequence[tuple[str, str]], sheets: Sequence[Sheet]
) -> HttpResponse:
    if file_format == XLSX:
        content: bytes | str = xlsx_bytes(header=header, sheets=sheets)
    else:
        content = csv_text(header=header, sheets=sheets).encode("utf-8")
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response


def rows_as_text(rows: Iterable[Sequence[Any]]) -> list[list[Value]]:
    return [[v if isinstance(v, int | str) or v is None else str(v) for v in row] for row in rows]
