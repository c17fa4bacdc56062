"""Building caseload files for the tests: rows as dicts by column key, written as CSV or XLSX."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from typing import Any

from django.utils import timezone

from rattvag.imports.columns import COLUMNS
from tests.factories import make_personal_number

_serials = itertools.count(1)


def new_number(*, dashed: bool = True) -> str:
    """A valid personal number no factory hands out (births in 1935–1945)."""
    n = next(_serials)
    number = make_personal_number(datetime.date(1935, 1, 1) + datetime.timedelta(days=n * 3), n % 999 + 1)
    return f"{number[:8]}-{number[8:]}" if dashed else number


def wrong_check_digit(number: str) -> str:
    last = int(number[-1])
    return number[:-1] + str((last + 1) % 10)


def row(unit_code: str = "HAL-EB", **values: Any) -> dict[str, Any]:
    """A valid row of a sick-listed client; override any column by its key."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=20)
    base: dict[str, Any] = {
        "personal_number": new_number(),
        "first_name": "Åsa",
        "last_name": "Öberg",
        "unit_code": unit_code,
        "case_opened_on": (today - datetime.timedelta(days=60)).isoformat(),
        "sick_listed": "ja",
        "sick_leave_degree": "100",
        "sick_leave_from": start.isoformat(),
        "sick_leave_to": (start + datetime.timedelta(days=59)).isoformat(),
        "diagnosis_codes": "F32.1, M54.5",
        "care_unit": "Vårdcentralen Andersberg",
        "care_unit_hsa_id": "SE2321000149-1234",
        "sgi_status": "ingen",
        "caseworker": "caseworker",
    }
    base.update(values)
    return base


def not_sick(unit_code: str = "HAL-EB", **values: Any) -> dict[str, Any]:
    return row(
        unit_code,
        **{
            "sick_listed": "nej",
            "sick_leave_degree": "",
            "sick_leave_from": "",
            "sick_leave_to": "",
            "diagnosis_codes": "",
            "care_unit": "",
            "care_unit_hsa_id": "",
            **values,
        },
    )


def headers(language: str = "sv") -> list[str]:
    return [column.swedish if language == "sv" else column.english for column in COLUMNS]


def table(rows: list[dict[str, Any]], language: str = "sv", columns: list[str] | None = None) -> list[list[Any]]:
    keys = columns or [column.key for column in COLUMNS]
    names = dict(zip([c.key for c in COLUMNS], headers(language), strict=True))
    return [[names.get(key, key) for key in keys], *([r.get(key, "") for key in keys] for r in rows)]


def csv_bytes(
    rows: list[dict[str, Any]],
    *,
    language: str = "sv",
    separator: str = ";",
    encoding: str = "utf-8",
    columns: list[str] | None = None,
) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(table(rows, language, columns))
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict[str, Any]], *, language: str = "sv", typed: bool = True) -> bytes:
    """An Excel file; with `typed`, dates as date cells and the degree as a number, as Excel keeps them."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for index, values in enumerate(table(rows, language)):
        if typed and index:
            values = [_typed(value) for value in values]
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _typed(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return datetime.date.fromisoformat(value)
    if isinstance(value, str) and value.isdigit() and len(value) <= 3:
        return int(value)
    return value
