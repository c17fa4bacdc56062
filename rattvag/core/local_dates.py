"""The local calendar day of a stored instant, computed by the database.

`LocalDate("created_at")` is Django's `TruncDate` (the date in the current time zone, as `timezone.localdate`
gives it), with one difference on SQLite: there `TruncDate` calls a Python function for every row
(`django_datetime_cast_date`), which dominates reports that turn many timestamps into days. SQLite has no time
zones, so `LocalDate` writes the zone's offsets into the SQL instead:

- the zone's changes of UTC offset are read from the zone itself (`zoneinfo`, whatever zone Django is
  configured with; nothing here knows about Sweden) for the years that matter: from `FIRST_YEAR` to ten years
  after the current one;
- the offset in force at an instant is found by a balanced tree of `CASE WHEN column < 'change' ...` over those
  changes (about seven comparisons of text for a zone with summer time), and the day is
  `date(substr(column, 1, 19), '+3600 seconds')` (whole seconds: SQLite would round 23:59:59.9999 up);
- instants outside those years, and zones with more changes than `MAX_CHANGES`, are left to Django's function as
  before, so the result is the same for every value.

Stored instants are UTC text ('YYYY-MM-DD HH:MM:SS[.ffffff]', as Django writes them), so comparing text compares
instants. When the database connection has a time zone of its own (DATABASES TIME_ZONE), or USE_TZ is off, this
is plain `TruncDate`. On PostgreSQL it is `TruncDate` as well (`AT TIME ZONE`).
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.db.models.functions import TruncDate
from django.utils import timezone

__all__ = ["FIRST_YEAR", "MAX_CHANGES", "LocalDate", "offset_changes"]

# The first year written into the SQL; instants before it are converted by Django's Python function.
FIRST_YEAR = 2000
# Years after the current one written into the SQL.
YEARS_AHEAD = 10
# More changes than this in the years covered (a zone that changes its clocks very often): plain TruncDate.
MAX_CHANGES = 512

_UTC = datetime.UTC
# Offset changes are searched for day by day, then located to the second; tzdata has never changed a zone's
# offset twice within one day (a change and its reversal within a day would go unseen).
_SCAN_STEP = datetime.timedelta(days=1)


def _offset(tz: datetime.tzinfo, instant: datetime.datetime) -> int:
    offset = instant.astimezone(tz).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


@functools.lru_cache(maxsize=64)
def offset_changes(
    tz: datetime.tzinfo, first_year: int, last_year: int
) -> tuple[int, tuple[tuple[datetime.datetime, int], ...]]:
    """The zone's UTC offset (seconds) at the start of `first_year`, and every change of it until the end of
    `last_year`: (the instant in UTC from which the new offset holds, the new offset)."""
    start = datetime.datetime(first_year, 1, 1, tzinfo=_UTC)
    end = datetime.datetime(last_year + 1, 1, 1, tzinfo=_UTC)
    initial = current = _offset(tz, start)
    changes: list[tuple[datetime.datetime, int]] = []
    before = start
    while before < end:
        after = min(before + _SCAN_STEP, end)
        offset = _offset(tz, after)
        if offset != current:
            # The change lies in (before, after]: bisect to the whole second (tzdata changes on whole seconds).
            low, high = before, after
            while high - low > datetime.timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle <= low:
                    middle = low + datetime.timedelta(seconds=1)
                if _offset(tz, middle) == current:
                    low = middle
                else:
                    high = middle
            changes.append((high, offset))
            current = offset
        before = after
    return initial, tuple(changes)


def _text(instant: datetime.datetime) -> str:
    """An instant as SQLite holds it (UTC text without zone, as Django writes DateTimeField values)."""
    return instant.astimezone(_UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S")


def _modifier(offset: int) -> str:
    return f"'{offset:+d} seconds'"


@functools.lru_cache(maxsize=64)
def _sqlite_template(tz: datetime.tzinfo, first_year: int, last_year: int) -> tuple[str, int] | None:
    """The SQL (with `{c}` for the column) giving the local day of instants from `first_year` to `last_year`,
    and how many times the column occurs in it; None when the zone changes too often."""
    initial, changes = offset_changes(tz, first_year, last_year)
    if len(changes) > MAX_CHANGES:
        return None
    offsets = [initial, *(offset for _instant, offset in changes)]
    bounds = [_text(instant) for instant, _offset in changes]  # offsets[i] holds from bounds[i - 1] to bounds[i]
    uses = 0

    def tree(low: int, high: int) -> str:
        nonlocal uses
        if low == high:
            return _modifier(offsets[low])
        middle = (low + high + 1) // 2
        uses += 1
        return f"CASE WHEN {{c}} < '{bounds[middle - 1]}' THEN {tree(low, middle - 1)} ELSE {tree(middle, high)} END"

    offset_sql = tree(0, len(offsets) - 1)
    first = _text(datetime.datetime(first_year, 1, 1, tzinfo=_UTC))
    after_last = _text(datetime.datetime(last_year + 1, 1, 1, tzinfo=_UTC))
    # The fallback's SQL is added by the caller: "CASE WHEN <within> THEN date(...) ELSE <fallback> END".
    # SQLite's date functions keep milliseconds and round: the seconds are cut off first ('23:59:59.9999995' is
    # still the same day).
    sql = f"CASE WHEN {{c}} >= '{first}' AND {{c}} < '{after_last}' THEN date(substr({{c}}, 1, 19), {offset_sql}) ELSE "
    return sql, uses + 3


class LocalDate(TruncDate):
    """The local calendar day (a date) of a datetime expression in the current time zone (or `tzinfo`)."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, Any]:
        tzname = self.get_tzname()
        if tzname is None or connection.timezone_name != "UTC":
            return self.as_sql(compiler, connection)
        tz = self.tzinfo or timezone.get_current_timezone()
        this_year = timezone.now().year
        template = _sqlite_template(tz, FIRST_YEAR, max(this_year, FIRST_YEAR) + YEARS_AHEAD)
        if template is None:
            return self.as_sql(compiler, connection)
        column, column_params = compiler.compile(self.lhs)
        fallback, fallback_params = self.as_sql(compiler, connection)
        sql, uses = template
        params = (*(tuple(column_params) * uses), *fallback_params)
        return f"({sql.format(c=column)}{fallback} END)", params
