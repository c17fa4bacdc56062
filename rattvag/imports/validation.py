"""Checking each row of a caseload file. A row is either an ImportRow or a list of RowErrors.

Rules (docs/import.md lists them for users):
- personal number: a valid personnummer or samordningsnummer (date and check digit);
- first and last name: required, at most 100 characters;
- unit code: must equal the unit the file is imported into;
- case opened on, sick leave from and to: dates (YYYY-MM-DD or YYYYMMDD) from 1990-01-01 to a
  year from today; from ≤ to;
- sick-listed: yes/no; when yes, degree (25/50/75/100), from, to and care unit are required;
- diagnosis codes: up to three ICD-10-SE (or KSH97-P) codes, checked by rattvag.certificates.icd;
- SGI status: unknown/none/has in Swedish or English, or empty;
- caseworker: empty, or the username of an active caseworker or unit manager of the unit;
- a personal number may appear on one line only.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rattvag.certificates.icd import KSH97P, CodeError, CodeInfo, validate_code
from rattvag.clients.personal_numbers import luhn_check_digit, parse_personal_number, read_long_form

from .columns import COLUMNS, COLUMNS_BY_KEY, NO, REQUIRED_KEYS, SGI_VALUES, YES, column_key, normalise_value
from .messages import bilingual

FIRST_DATE = datetime.date(1990, 1, 1)
MAX_DIAGNOSES = 3
NAME_MAX = 100
CARE_UNIT_NAME_MAX = 200
HSA_ID_MAX = 64
DEGREES = frozenset({25, 50, 75, 100})
_CODE_SPLIT = re.compile(r"[,;|\s]+")
_DATE_8 = re.compile(r"^\d{8}$")
# The forms rattvag.clients.personal_numbers accepts.
_PERSONAL_NUMBER_FORM = re.compile(r"^(?:\d{8}-?\d{4}|\d{6}[-+]?\d{4})$")


@dataclass(slots=True)
class ImportRow:
    line: int
    personal_number: str  # 12 digits
    first_name: str
    last_name: str
    opened_on: datetime.date
    sick_listed: bool
    degree: int | None
    start: datetime.date | None
    end: datetime.date | None
    diagnoses: tuple[CodeInfo, ...]
    care_unit_name: str
    care_unit_hsa_id: str
    sgi_status: str  # "" when the file says nothing
    caseworker_id: int | None


@dataclass(slots=True)
class RowError:
    line: int
    field: str  # the column's key
    column: str  # the header as written in the file
    render: Callable[[], str]  # the reason in the active language

    def as_dict(self) -> dict[str, Any]:
        reason = bilingual(self.render)
        return {
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "reason_sv": reason.sv,
            "reason_en": reason.en,
        }


def _message(message: Any, **params: Any) -> Callable[[], str]:
    if params:
        return lambda: str(message) % params
    return lambda: str(message)


def _text(value: Any) -> str:
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def a_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def personal_number_reason(text: str) -> Callable[[], str]:
    """Why a personal number was refused: its form, its check digit, or its date."""
    compact = text.replace(" ", "")
    if not _PERSONAL_NUMBER_FORM.match(compact):
        return _message(_("Write the personal number as YYYYMMDD-NNNN or YYMMDD-NNNN."))
    digits = re.sub(r"[-+]", "", compact)
    if luhn_check_digit(digits[-10:-1]) != int(digits[-1]):
        return _message(_("The check digit is wrong."))
    return _message(_("The date in the personal number does not exist."))


class HeaderMap:
    """Which cell holds which column; problems with the header line as RowErrors on line 1."""

    def __init__(self, headers: list[str]) -> None:
        self.headers = headers
        self.index: dict[str, int] = {}
        self.problems: list[RowError] = []
        for position, header in enumerate(headers):
            key = column_key(header)
            if key is None:
                continue  # columns the import does not use are ignored
            if key in self.index:
                self.problems.append(
                    RowError(1, key, header, _message(_("Two columns mean the same thing; keep one of them.")))
                )
                continue
            self.index[key] = position
        for key in REQUIRED_KEYS:
            if key not in self.index:
                column = COLUMNS_BY_KEY[key]
                self.problems.append(
                    RowError(
                        1,
                        key,
                        column.swedish,
                        _message(
                            _("The column is missing. Name it %(swedish)s or %(english)s."),
                            swedish=column.swedish,
                            english=column.english,
                        ),
                    )
                )

    def header_of(self, key: str) -> str:
        position = self.index.get(key)
        return self.headers[position] if position is not None else COLUMNS_BY_KEY[key].swedish


class RowValidator:
    """Checks rows one at a time and remembers personal numbers to find duplicates at the end."""

    def __init__(
        self,
        *,
        header_map: HeaderMap,
        unit_code: str,
        caseworkers: dict[str, int],
        today: datetime.date,
    ) -> None:
        self.header_map = header_map
        self.unit_code = unit_code
        self.unit_code_folded = unit_code.strip().casefold()
        self.caseworkers = caseworkers
        self.caseworkers_folded = {name.casefold(): pk for name, pk in caseworkers.items()}
        self.today = today
        self.last_date = a_year_after(today)
        # Position of each column in a row; -1 for a column the file does not have (check() appends
        # a None to every row, so cells[-1] reads as an empty cell).
        self.columns = {column.key: header_map.index.get(column.key, -1) for column in COLUMNS}
        self.width = max(header_map.index.values(), default=0) + 1
        self._normalised: dict[str, str] = {}
        self.lines_by_number: dict[str, list[int]] = {}
        self._dates: dict[str, datetime.date | Callable[[], str]] = {}
        self._codes: dict[str, CodeInfo | Callable[[], str]] = {}
        self._diagnosis_lists: dict[str, tuple[CodeInfo, ...]] = {}  # texts without errors only

    # --- cells ---------------------------------------------------------------------------

    def _normalise(self, value: Any) -> str:
        text = value.strip() if value.__class__ is str else _text(value)
        found = self._normalised.get(text)
        if found is None:
            found = self._normalised[text] = normalise_value(text)
        return found

    def _error(self, errors: list[RowError], line: int, key: str, render: Callable[[], str]) -> None:
        errors.append(RowError(line, key, self.header_map.header_of(key), render))

    def _date(self, value: Any) -> datetime.date | Callable[[], str]:
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return self._date_in_range(value)
        text = _text(value)
        found = self._dates.get(text)
        if found is None:
            found = self._parse_date(text)
            self._dates[text] = found
        return found

    def _parse_date(self, text: str) -> datetime.date | Callable[[], str]:
        parsed: datetime.date | None
        try:
            if _DATE_8.match(text):
                parsed = datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
            else:
                parsed = datetime.date.fromisoformat(text[:10]) if len(text) in (10, 19) else None
        except ValueError:
            parsed = None
        if parsed is None or (len(text) == 19 and text[10] not in "T "):
            return _message(_("Write the date as YYYY-MM-DD, for example 2025-03-14."))
        return self._date_in_range(parsed)

    def _date_in_range(self, value: datetime.date) -> datetime.date | Callable[[], str]:
        if not FIRST_DATE <= value <= self.last_date:
            return _message(
                _("The date must be between %(first)s and %(last)s."),
                first=FIRST_DATE.isoformat(),
                last=self.last_date.isoformat(),
            )
        return value

    def _code(self, raw: str) -> CodeInfo | Callable[[], str]:
        found = self._codes.get(raw)
        if found is None:
            found = self._validate_code(raw)
            self._codes[raw] = found
        return found

    @staticmethod
    def _validate_code(raw: str) -> CodeInfo | Callable[[], str]:
        try:
            return validate_code(raw)
        except CodeError:
            pass
        if raw.upper().endswith(("P", "-")):
            try:
                return validate_code(raw, KSH97P)
            except CodeError:
                pass

        def reason() -> str:
            try:
                validate_code(raw)
            except CodeError as error:  # rendered again in the language being asked for
                return gettext("%(code)s: %(reason)s") % {"code": raw, "reason": str(error)}
            return raw  # pragma: no cover - the code was refused above

        return reason

    # --- one row -------------------------------------------------------------------------

    def check(self, line: int, cells: list[Any]) -> ImportRow | list[RowError]:
        errors: list[RowError] = []
        position = self.columns
        cells = [*cells, *([None] * (self.width - len(cells))), None]
        required = _message(_("The value is missing."))

        raw_number = _text(cells[position["personal_number"]])
        number = ""
        if not raw_number:
            self._error(errors, line, "personal_number", required)
        else:
            fast = read_long_form(raw_number)
            number = fast.normalised if fast is not None else ""
            if not number:
                try:
                    # `today` fixed once: the library would otherwise ask the clock for every row.
                    number = parse_personal_number(raw_number, today=self.today).normalised
                except ValidationError:
                    self._error(errors, line, "personal_number", personal_number_reason(raw_number))
        if number:
            self.lines_by_number.setdefault(number, []).append(line)

        names = []
        for key in ("first_name", "last_name"):
            name = " ".join(_text(cells[position[key]]).split())
            if not name:
                self._error(errors, line, key, required)
            elif len(name) > NAME_MAX:
                self._error(errors, line, key, _message(_("At most %(limit)s characters."), limit=NAME_MAX))
            names.append(name)

        unit_code = _text(cells[position["unit_code"]])
        if not unit_code:
            self._error(errors, line, "unit_code", required)
        elif unit_code != self.unit_code and unit_code.casefold() != self.unit_code_folded:
            self._error(
                errors,
                line,
                "unit_code",
                _message(
                    _("The unit code %(found)s is not the unit the file is imported into (%(expected)s)."),
                    found=unit_code,
                    expected=self.unit_code,
                ),
            )

        opened_on = self._required_date(errors, line, cells[position["case_opened_on"]], "case_opened_on")

        sick_text = self._normalise(cells[position["sick_listed"]])
        sick_listed = False
        if not sick_text:
            self._error(errors, line, "sick_listed", required)
        elif sick_text in YES:
            sick_listed = True
        elif sick_text not in NO:
            self._error(errors, line, "sick_listed", _message(_("Write ja or nej (yes or no).")))

        degree: int | None = None
        start = end = None
        diagnoses: tuple[CodeInfo, ...] = ()
        care_unit_name = hsa_id = ""
        if sick_listed:
            degree = self._degree(errors, line, cells[position["sick_leave_degree"]])
            start = self._required_date(errors, line, cells[position["sick_leave_from"]], "sick_leave_from", True)
            end = self._required_date(errors, line, cells[position["sick_leave_to"]], "sick_leave_to", True)
            if start is not None and end is not None and end < start:
                self._error(
                    errors, line, "sick_leave_to", _message(_("The last day of sick leave is before the first day."))
                )
            diagnoses = self._diagnoses(errors, line, _text(cells[position["diagnosis_codes"]]))
            care_unit_name = " ".join(_text(cells[position["care_unit"]]).split())
            hsa_id = _text(cells[position["care_unit_hsa_id"]]).upper()
            if not care_unit_name:
                self._error(errors, line, "care_unit", _message(_("Required when the client is sick-listed.")))
            elif len(care_unit_name) > CARE_UNIT_NAME_MAX:
                self._error(
                    errors, line, "care_unit", _message(_("At most %(limit)s characters."), limit=CARE_UNIT_NAME_MAX)
                )
            if len(hsa_id) > HSA_ID_MAX:
                self._error(
                    errors, line, "care_unit_hsa_id", _message(_("At most %(limit)s characters."), limit=HSA_ID_MAX)
                )

        sgi_text = self._normalise(cells[position["sgi_status"]])
        sgi_status = ""
        if sgi_text:
            sgi_status = SGI_VALUES.get(sgi_text, "")
            if not sgi_status:
                self._error(
                    errors, line, "sgi_status", _message(_("Write okänd, ingen or har (unknown, none or has)."))
                )

        username = _text(cells[position["caseworker"]])
        caseworker_id = None
        if username:
            caseworker_id = self.caseworkers.get(username) or self.caseworkers_folded.get(username.casefold())
            if caseworker_id is None:
                self._error(
                    errors,
                    line,
                    "caseworker",
                    _message(
                        _("No caseworker or unit manager of the unit has the username %(username)s."),
                        username=username,
                    ),
                )

        if errors:
            return errors
        assert opened_on is not None
        return ImportRow(
            line=line,
            personal_number=number,
            first_name=names[0],
            last_name=names[1],
            opened_on=opened_on,
            sick_listed=sick_listed,
            degree=degree,
            start=start,
            end=end,
            diagnoses=diagnoses,
            care_unit_name=care_unit_name,
            care_unit_hsa_id=hsa_id,
            sgi_status=sgi_status,
            caseworker_id=caseworker_id,
        )

    def _required_date(
        self, errors: list[RowError], line: int, value: Any, key: str, when_sick: bool = False
    ) -> datetime.date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            message = _("Required when the client is sick-listed.") if when_sick else _("The value is missing.")
            self._error(errors, line, key, _message(message))
            return None
        parsed = self._date(value)
        if isinstance(parsed, datetime.date):
            return parsed
        self._error(errors, line, key, parsed)
        return None

    def _degree(self, errors: list[RowError], line: int, value: Any) -> int | None:
        degree: int | None = None
        if isinstance(value, float) and 0 < value <= 1:
            degree = round(value * 100)  # an Excel cell formatted as a percentage
        elif isinstance(value, int):
            degree = value
        else:
            text = _text(value).replace("%", "").strip()
            if not text:
                self._error(errors, line, "sick_leave_degree", _message(_("Required when the client is sick-listed.")))
                return None
            degree = int(text) if text.isdigit() else None
        if degree not in DEGREES:
            self._error(errors, line, "sick_leave_degree", _message(_("The degree must be 25, 50, 75 or 100.")))
            return None
        return degree

    def _diagnoses(self, errors: list[RowError], line: int, text: str) -> tuple[CodeInfo, ...]:
        found_before = self._diagnosis_lists.get(text)
        if found_before is not None:
            return found_before  # the same text was valid on an earlier line (lists of codes repeat)
        errors_before = len(errors)
        diagnoses = self._parse_diagnoses(errors, line, text)
        if len(errors) == errors_before:
            self._diagnosis_lists[text] = diagnoses
        return diagnoses

    def _parse_diagnoses(self, errors: list[RowError], line: int, text: str) -> tuple[CodeInfo, ...]:
        raws = [part for part in _CODE_SPLIT.split(text) if part]
        if len(raws) > MAX_DIAGNOSES:
            self._error(
                errors, line, "diagnosis_codes", _message(_("At most %(limit)s diagnosis codes."), limit=MAX_DIAGNOSES)
            )
            return ()
        found: list[CodeInfo] = []
        for raw in raws:
            info = self._code(raw)
            if isinstance(info, CodeInfo):
                if all(existing.code != info.code for existing in found):
                    found.append(info)
            else:
                self._error(errors, line, "diagnosis_codes", info)
        return tuple(found)

    # --- after the last row ----------------------------------------------------------------

    def duplicate_errors(self) -> list[RowError]:
        """Every line whose personal number appears on another line too."""
        errors: list[RowError] = []
        for lines in self.lines_by_number.values():
            if len(lines) < 2:
                continue
            for line in lines:
                others = ", ".join(str(other) for other in lines if other != line)
                self._error(
                    errors,
                    line,
                    "personal_number",
                    _message(_("The same personal number is also on line %(lines)s."), lines=others),
                )
        return errors
