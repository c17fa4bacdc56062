"""Input limits shared by the services: lengths of free text and the range of dates.

Free text (notes, descriptions, minutes) is at most TEXT_MAX_LENGTH characters: the forms say so
with `max_length`, the API schemas with `max_length`, and the services refuse longer text (never
cut it). Dates must lie in a plausible range: no certificate from 1900 or meeting in 2200. The
default range is EARLIEST_DATE up to DEFAULT_FUTURE_YEARS years from today; birth dates come from
the personal identity number and are not checked here.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

TEXT_MAX_LENGTH = 10_000
EARLIEST_DATE = datetime.date(1990, 1, 1)
DEFAULT_FUTURE_YEARS = 5


def _years_from(day: datetime.date, years: int) -> datetime.date:
    year = min(max(day.year + years, datetime.MINYEAR), datetime.MAXYEAR)
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def date_range(
    *, past_years: int | None = None, future_years: int = DEFAULT_FUTURE_YEARS, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """(earliest, latest) accepted: EARLIEST_DATE (or `past_years` back) to `future_years` ahead of today."""
    today = today or timezone.localdate()
    earliest = EARLIEST_DATE if past_years is None else _years_from(today, -past_years)
    return earliest, _years_from(today, future_years)


def validate_reasonable_date(
    value: datetime.date | datetime.datetime | None,
    *,
    past_years: int | None = None,
    future_years: int = DEFAULT_FUTURE_YEARS,
    today: datetime.date | None = None,
) -> None:
    """Raise ValidationError (code "date_out_of_range") unless the date lies in `date_range(...)`.

    An aware datetime is judged by its local date. None passes (required-ness is checked elsewhere).
    """
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        day = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    else:
        day = value
    earliest, latest = date_range(past_years=past_years, future_years=future_years, today=today)
    if not earliest <= day <= latest:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s.")
            % {"earliest": earliest.isoformat(), "latest": latest.isoformat()},
            code="date_out_of_range",
        )


def date_range_errors(
    dates: Mapping[str, datetime.date | datetime.datetime | None],
    errors: dict[str, str] | None = None,
    *,
    past_years: int | None = None,
    future_years: int = DEFAULT_FUTURE_YEARS,
) -> dict[str, str]:
    """Add an error for each named date outside the range (fields that already have an error keep it)."""
    errors = {} if errors is None else errors
    for name, value in dates.items():
        if name in errors:
            continue
        try:
            validate_reasonable_date(value, past_years=past_years, future_years=future_years)
        except ValidationError as error:
            errors[name] = error.messages[0]
    return errors


def text_too_long_message(limit: int = TEXT_MAX_LENGTH) -> str:
    return _("The text can be at most %(limit)s characters long.") % {
        "limit": formats.number_format(limit, force_grouping=True)
    }


def validate_text_length(value: str | None, *, limit: int = TEXT_MAX_LENGTH) -> None:
    """Raise ValidationError (code "text_too_long") when the text has more than `limit` characters."""
    if value is not None and len(value) > limit:
        raise ValidationError(text_too_long_message(limit), code="text_too_long")


def text_length_errors(
    texts: Mapping[str, str | None], errors: dict[str, str] | None = None, *, limit: int = TEXT_MAX_LENGTH
) -> dict[str, str]:
    """Add an error for each named text longer than `limit` (fields that already have an error keep it)."""
    errors = {} if errors is None else errors
    for name, value in texts.items():
        if name not in errors and value is not None and len(value) > limit:
            errors[name] = text_too_long_message(limit)
    return errors
