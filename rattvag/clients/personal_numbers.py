"""Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer).

Accepted forms: YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDDNNNN and YYMMDD+NNNN (the
`+` marks a person aged 100 or more). The date and the Luhn check digit are validated by the
`personnummer` library; we only restrict the accepted forms and normalise to 12 digits.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from personnummer import personnummer as _lib

_ACCEPTED_FORMS = re.compile(r"^(?:\d{8}-?\d{4}|\d{6}[-+]?\d{4})$")
# The long form in ASCII digits, YYYYMMDD-NNNN or YYYYMMDDNNNN: what registers and caseload files hold.
_LONG_FORM = re.compile(r"[0-9]{8}-?[0-9]{4}")


@dataclass(frozen=True)
class PersonalNumber:
    normalised: str  # 12 digits: YYYYMMDDNNNN
    is_coordination_number: bool
    birth_date: datetime.date

    @property
    def display(self) -> str:
        """The long form with a hyphen, as Swedish authorities print it: YYYYMMDD-NNNN."""
        return f"{self.normalised[:8]}-{self.normalised[8:]}"


def _long_form(text: str, today: datetime.date) -> str:
    """The 12-digit form. A 10-digit form's century is the one that makes the person younger than
    100 (`-`, or no separator) or at least 100 (`+`) on `today`, judged on the full birth date.

    The library judges on the year alone, which puts someone born in December 1926 at 2026 when
    asked in November 2026; hence this step.
    """
    digits = text.replace("-", "").replace("+", "")
    if len(digits) == 12:
        return digits
    yy, month, day = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    day = day - 60 if day > 60 else day
    year = today.year - ((today.year - yy) % 100)
    for _step in range(3):
        try:
            born = datetime.date(year, month, day)
        except ValueError:
            born = None  # e.g. 29 February in a year that has none: try the century before
        if born is not None:
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
            if (age >= 100) == ("+" in text) and born <= today:
                break
        year -= 100
    return f"{year:04d}"[:2] + digits


def parse_personal_number(value: str, *, today: datetime.date | None = None) -> PersonalNumber:
    """Validate and normalise; raise ValidationError with a message for the user."""
    text = (value or "").strip().replace(" ", "")
    if not _ACCEPTED_FORMS.match(text):
        raise ValidationError(_("Enter the personal identity number as YYYYMMDD-NNNN or YYMMDD-NNNN."), code="format")
    try:
        parsed = _lib.Personnummer(_long_form(text, today or timezone.localdate()))
    except _lib.PersonnummerException:
        raise ValidationError(
            _("The personal identity number is not valid (check the date and the last digit)."), code="invalid"
        ) from None
    return PersonalNumber(
        normalised=parsed.format(long_format=True),
        is_coordination_number=parsed.is_coordination_number(),
        birth_date=parsed.get_date(),
    )


def luhn_check_digit(nine_digits: str) -> int:
    """The check digit of the Luhn sum over the nine digits after the century (weights 2, 1, 2, ...)."""
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def read_long_form(text: str) -> PersonalNumber | None:
    """A valid number written in the long form, read with the library's checks (the date, coordination days
    +60, a serial other than 000, the check digit) but without its general parsing: imports and statistics read
    hundreds of thousands of numbers, and the library's regular expressions and objects cost more than the rest
    of the work per number. None for anything else, valid or not, which `parse_personal_number` then reads (and
    explains). Property-tested against the library."""
    if not _LONG_FORM.fullmatch(text):
        return None
    digits = text.replace("-", "")
    if digits[8:11] == "000" or luhn_check_digit(digits[2:11]) != int(digits[11]):
        return None
    day = int(digits[6:8])
    try:
        birth = datetime.date(int(digits[:4]), int(digits[4:6]), day - 60 if day > 60 else day)
    except ValueError:
        return None
    return PersonalNumber(normalised=digits, is_coordination_number=day > 60, birth_date=birth)


def normalise_personal_number(value: str) -> str:
    return parse_personal_number(value).normalised


def looks_like_personal_number_fragment(query: str) -> str | None:
    """For search: the digits of a query that is (part of) a number, else None."""
    digits = re.sub(r"[-+\s]", "", query or "")
    return digits if digits.isdigit() and len(digits) >= 4 else None
