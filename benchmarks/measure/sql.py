"""What differs between SQLite and PostgreSQL in the hand-written SQL: date arithmetic, JSON, local time.

Everything else in the baselines is plain SQL both understand: CTEs (``AS MATERIALIZED`` where one is read
several times), window functions, ``UNION ALL``. Parameters are named (``%(name)s``, Django converts them for
SQLite); a literal percent sign is written ``%%``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection


class Dialect:
    def __init__(self, vendor: str | None = None) -> None:
        self.vendor = vendor or connection.vendor
        if self.vendor not in {"sqlite", "postgresql"}:
            raise ValueError(f"No baselines for {self.vendor}")

    @property
    def pg(self) -> bool:
        return self.vendor == "postgresql"

    def date(self, value: datetime.date) -> Any:
        """A date parameter: PostgreSQL takes the date, SQLite compares ISO text."""
        return value if self.pg else value.isoformat()

    def days(self, later: str, earlier: str) -> str:
        """Whole days from ``earlier`` to ``later`` (dates)."""
        if self.pg:
            return f"({later} - {earlier})"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def plus_days(self, day: str, days: str) -> str:
        """``day`` + ``days`` (an integer expression) as a date."""
        if self.pg:
            return f"({day} + CAST(({days}) AS integer))"
        return f"date({day}, ({days}) || ' days')"

    def month(self, day: str) -> str:
        """'YYYY-MM' of a date."""
        return f"to_char({day}, 'YYYY-MM')" if self.pg else f"substr({day}, 1, 7)"

    def json_length(self, column: str) -> str:
        return f"jsonb_array_length({column})" if self.pg else f"json_array_length({column})"

    def local_date(self, column: str) -> str:
        """The date in Europe/Stockholm of a timestamp (stored in UTC).

        SQLite has no time zones: summer time (UTC+2) runs from 01:00 UTC on the last Sunday of March to
        01:00 UTC on the last Sunday of October, otherwise UTC+1.
        """
        if self.pg:
            return f"CAST(({column} AT TIME ZONE 'Europe/Stockholm') AS date)"
        year = f"substr({column}, 1, 4)"
        summer = (
            f"{column} >= date({year} || '-03-25', 'weekday 0') || ' 01:00:00' "
            f"AND {column} < date({year} || '-10-25', 'weekday 0') || ' 01:00:00'"
        )
        return f"date({column}, CASE WHEN {summer} THEN '+2 hours' ELSE '+1 hours' END)"

    def text(self, expression: str) -> str:
        return f"CAST({expression} AS TEXT)" if not self.pg else f"CAST({expression} AS varchar)"


def id_list(ids: Iterable[int]) -> str:
    """A literal list of ids for ``IN (...)`` (integers from the database, never user input)."""
    values = [str(int(i)) for i in ids]
    return ", ".join(values) if values else "NULL"


def fetch(sql: str, params: dict[str, Any] | Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def as_date(value: Any) -> datetime.date | None:
    """A date from a row (SQLite returns ISO text for computed dates)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])
