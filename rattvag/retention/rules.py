"""The retention rules as parameters (settings), with the law's defaults.

- RATTVAG_RETENTION_YEARS (5): a client's records go this many years after the last entry in the file
  (SoL 12 kap. 1 §), once every case of the client is closed.
- RATTVAG_RETENTION_RESEARCH_DAYS ((5, 15, 25)): clients born on these days of a month are kept for
  research (socialtjänstförordningen 7 kap. 1 §); for a samordningsnummer the day is the number's day − 60.
- RATTVAG_AUDIT_RETENTION_YEARS (5): audit events are kept at least this long, then removed.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

COORDINATION_NUMBER_DAY_OFFSET = 60


def _years_setting(name: str, default: int) -> int:
    value = getattr(settings, name, default)
    if not isinstance(value, int) or value < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of years, at least 1")
    return value


def retention_years() -> int:
    return _years_setting("RATTVAG_RETENTION_YEARS", 5)


def audit_retention_years() -> int:
    return _years_setting("RATTVAG_AUDIT_RETENTION_YEARS", 5)


def research_days() -> frozenset[int]:
    days = frozenset(getattr(settings, "RATTVAG_RETENTION_RESEARCH_DAYS", (5, 15, 25)))
    if not all(isinstance(day, int) and 1 <= day <= 31 for day in days):
        raise ImproperlyConfigured("RATTVAG_RETENTION_RESEARCH_DAYS must be days of a month (1-31)")
    return days


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    """The same moment `years` earlier; 29 February becomes 28 February."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def birth_day(personal_number: str) -> int | None:
    """The day of birth of a 12-digit personal identity number or samordningsnummer (day + 60)."""
    if len(personal_number) != 12 or not personal_number.isdigit():
        return None
    day = int(personal_number[6:8])
    if day > COORDINATION_NUMBER_DAY_OFFSET:
        day -= COORDINATION_NUMBER_DAY_OFFSET
    return day


def kept_for_research(personal_number: str) -> bool:
    return birth_day(personal_number) in research_days()
