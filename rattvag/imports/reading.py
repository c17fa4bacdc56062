"""Reading a caseload file: CSV (UTF-8, UTF-8 with BOM or Windows-1252; `;` or `,`) or XLSX.

The result is a table of raw cells: strings from CSV; strings, numbers, dates or None from XLSX.
Line numbers are the file's own: the header is line 1 (in XLSX: the row number).
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from .messages import FileProblem, bilingual

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SEPARATORS = (";", ",")


def max_rows() -> int:
    """More rows than this are refused (a municipality's caseload is far smaller; it bounds memory)."""
    from django.conf import settings

    return int(getattr(settings, "RATTVAG_IMPORT_MAX_ROWS", 500_000))


def _too_many_rows(limit: int) -> FileProblem:
    return FileProblem(bilingual(_("The file has more than %(limit)s rows. Split it into smaller files."), limit=limit))


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (line number, cells)
    file_format: str  # "csv" or "xlsx"
    encoding: str = ""  # "utf-8", "utf-8-sig" or "cp1252" for CSV
    separator: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding: UTF-8 (with or without BOM) if it decodes strictly, else Windows-1252."""
    if data.startswith(UTF8_BOM):
        try:
            return data[len(UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise FileProblem(
                bilingual(_("The file starts as UTF-8 but is not valid UTF-8. Save it again as UTF-8."))
            ) from None
    if data.startswith(UTF16_BOMS):
        raise FileProblem(bilingual(_("The file is in UTF-16. Save it as CSV in UTF-8 or as an Excel file (.xlsx).")))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise FileProblem(
            bilingual(
                _("The file's characters could not be read. Save it as CSV in UTF-8 or as an Excel file (.xlsx).")
            )
        ) from None


def detect_separator(header_line: str) -> str:
    """`;` or `,`: the one the header line holds more of (outside quotes)."""
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    separator = max(SEPARATORS, key=lambda s: counts[s])
    if counts[separator] == 0:
        raise FileProblem(
            bilingual(_("No column separator was found in the first line. Separate the columns with ; or ,."))
        )
    return separator


def read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0].rstrip("\r")
    separator = detect_separator(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"', strict=False)
    try:
        headers = next(reader)
    except StopIteration:
        raise FileProblem(bilingual(_("The file is empty."))) from None
    rows: list[tuple[int, list[Any]]] = []
    limit = max_rows()
    try:
        for cells in reader:
            if "".join(cells).strip():
                rows.append((reader.line_num, cells))
                if len(rows) > limit:
                    raise _too_many_rows(limit)
    except csv.Error:
        raise FileProblem(
            bilingual(_("Line %(line)s could not be read as CSV (check the quotation marks)."), line=reader.line_num)
        ) from None
    return Table(
        headers=[h.strip() for h in headers], rows=rows, file_format="csv", encoding=encoding, separator=separator
    )


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_xlsx(path: Path) -> Table:
    import openpyxl

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; the values are what matters.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to open is "not a readable workbook"
        raise FileProblem(bilingual(_("The Excel file could not be opened. Save it again as .xlsx."))) from None
    try:
        sheet = workbook.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        header_cells = next(rows_iter, None)
        if header_cells is None:
            raise FileProblem(bilingual(_("The file is empty.")))
        headers = ["" if h is None else str(h).strip() for h in header_cells]
        rows: list[tuple[int, list[Any]]] = []
        limit = max_rows()
        for line, cells in enumerate(rows_iter, start=2):
            values = [_xlsx_cell(v) for v in cells]
            if any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
                rows.append((line, values))
                if len(rows) > limit:
                    raise _too_many_rows(limit)
    finally:
        workbook.close()
    return Table(headers=headers, rows=rows, file_format="xlsx")


def read_table(path: Path) -> Table:
    """Read the file at `path`, deciding CSV or XLSX from its first bytes (not its name)."""
    with path.open("rb") as handle:
        start = handle.read(8)
    if start.startswith(XLSX_MAGIC):
        return read_xlsx(path)
    if start.startswith(OLE_MAGIC):
        raise FileProblem(bilingual(_("Old Excel files (.xls) cannot be read. Save the file as .xlsx or as CSV.")))
    return read_csv(path.read_bytes())
