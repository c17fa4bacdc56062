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
from django.utils.translation import gettext_lazy as _
from personnummer import personnummer as _lib

_ACCEPTED_FORMS = re.compile(r"^(?:\d{8}-?\d{4}|\d{6}[-+]?\d{4})$")


@dataclass(frozen=True)
class PersonalNumber:
    normalised: str  # 12 digits: YYYYMMDDNNNN
    is_coordination_number: bool
    birth_date: datetime.date

    @property
    def display(self) -> str:
        """The long form with a hyphen, as Swedish authorities print it: YYYYMMDD-NNNN."""
        return f"{self.normalised[:8]}-{self.normalised[8:]}"


def parse_personal_number(value: str, *, today: datetime.date | None = None) -> PersonalNumber:
    """Validate and normalise; raise ValidationError with a message for the user."""
    text = (value or "").strip().replace(" ", "")
    if not _ACCEPTED_FORMS.match(text):
        raise ValidationError(_("Enter the personal identity number as YYYYMMDD-NNNN or YYMMDD-NNNN."), code="format")
    if today is not None:
        # The library resolves the century of a 10-digit form against "today".
        original = _lib._get_current_date
        _lib._get_current_date = lambda: today
    try:
        parsed = _lib.Personnummer(text)
    except _lib.PersonnummerException:
        raise ValidationError(
            _("The personal identity number is not valid (check the date and the last digit)."), code="invalid"
        ) from None
    finally:
        if today is not None:
            _lib._get_current_date = original
    normalised = parsed.format(long_format=True)
    return PersonalNumber(
        normalised=normalised,
        is_coordination_number=parsed.is_coordination_number(),
        birth_date=parsed.get_date(),
    )


def normalise_personal_number(value: str) -> str:
    return parse_personal_number(value).normalised


def looks_like_personal_number_fragment(query: str) -> str | None:
    """For search: the digits of a query that is (part of) a number, else None."""
    digits = re.sub(r"[-+\s]", "", query or "")
    return digits if digits.isdigit() and len(digits) >= 4 else None
