"""Fast inserts: many rows of one model in a few statements (the import, synthetic data, bulk audit events).

Django's bulk_create prepares every value of every object through the field machinery, which
costs tens of microseconds per row; at 100,000 rows with their cases, certificates, periods and
diagnoses that alone would take longer than the whole import may. Here each model gets a row
template built once from the fields' own defaults (prepared by the fields themselves), and only
the values that vary are filled in per row:

- ids are reserved first (PostgreSQL: nextval of the table's sequence; SQLite: above the
  table's highest id and AUTOINCREMENT counter, under the write lock the transaction holds),
  so that rows of other tables can point at them without reading them back;
- SQLite gets one executemany per table, PostgreSQL one COPY.

The database's own constraints (not null, foreign keys, checks) still apply to every row.
Must run inside a transaction (see rattvag.imports.writing.write_plan).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.utils import timezone

_UNSET = object()


def _identity(value: Any) -> Any:
    return value


class Inserter:
    """Insert rows of `model`: `fields` (attnames) vary per row, `constants` (attnames) are the same
    for every row, every other field takes its default; created_at/updated_at take `now`."""

    def __init__(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        *,
        constants: dict[str, Any] | None = None,
        now: datetime.datetime | None = None,
    ) -> None:
        self.model = model
        self.table = model._meta.db_table
        now = now or timezone.now()
        concrete = list(model._meta.concrete_fields)
        self.columns = [field.column for field in concrete]
        by_name = {field.name: index for index, field in enumerate(concrete)}
        by_name.update({field.attname: index for index, field in enumerate(concrete)})
        constants = constants or {}
        template: list[Any] = []
        for field in concrete:
            if field.primary_key or field.name in fields or field.attname in fields:
                template.append(None)
            elif field.attname in constants:
                template.append(field.get_db_prep_save(constants[field.attname], connection))
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                template.append(field.get_db_prep_save(now, connection))
            else:
                template.append(field.get_db_prep_save(field.get_default(), connection))
        self.template = template
        self.pk_index = next(index for index, field in enumerate(concrete) if field.primary_key)
        self.positions = [by_name[name] for name in fields]
        self.adapters: list[Callable[[Any], Any]] = [self._adapter(concrete[by_name[name]]) for name in fields]

    @staticmethod
    def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
        if isinstance(field, models.JSONField):
            # As text: PostgreSQL's COPY would otherwise encode the same wrapped value again for every row.
            encoder = field.encoder
            last_json: list[Any] = [_UNSET, None]

            def adapt_json(value: Any) -> Any:
                if value is not last_json[0]:
                    last_json[0], last_json[1] = value, None if value is None else json.dumps(value, cls=encoder)
                return last_json[1]

            return adapt_json
        if isinstance(field, models.DateTimeField):
            # The same value often repeats (one time, one details dict for a whole batch).
            last: list[Any] = [_UNSET, None]

            def adapt_repeating(value: Any) -> Any:
                if value is not last[0]:
                    last[0], last[1] = value, field.get_db_prep_save(value, connection)
                return last[1]

            return adapt_repeating
        if isinstance(field, models.DateField):
            if connection.vendor == "postgresql":
                return _identity  # COPY takes date objects as they are
            cache: dict[datetime.date, Any] = {}

            def adapt_date(value: datetime.date | None) -> Any:
                if value is None:
                    return None
                found = cache.get(value)
                if found is None:
                    found = cache[value] = connection.ops.adapt_datefield_value(value)
                return found

            return adapt_date
        return _identity

    def insert(self, rows: Sequence[Sequence[Any]]) -> list[int]:
        """Insert the rows; their new ids, in order."""
        if not rows:
            return []
        ids = reserve_ids(self.model, len(rows))
        template, pk_index = self.template, self.pk_index
        # Values that need no conversion are copied straight; only the others go through a call.
        plain = [
            (position, index)
            for index, (position, adapt) in enumerate(zip(self.positions, self.adapters, strict=True))
            if adapt is _identity
        ]
        converted = [
            (position, index, adapt)
            for index, (position, adapt) in enumerate(zip(self.positions, self.adapters, strict=True))
            if adapt is not _identity
        ]
        prepared = []
        for pk, values in zip(ids, rows, strict=True):
            row = template.copy()
            row[pk_index] = pk
            for position, index in plain:
                row[position] = values[index]
            for position, index, adapt in converted:
                row[position] = adapt(values[index])
            prepared.append(row)
        write_rows(self.table, self.columns, prepared)
        return ids


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk_column, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
                f"COALESCE((SELECT MAX({quote(pk_column)}) FROM {quote(table)}), 0))",
                [table],
            )
            start = int(cursor.fetchone()[0]) + 1
            return list(range(start, start + count))
    raise ImproperlyConfigured(f"Rätt väg runs on SQLite and PostgreSQL, not {connection.vendor}")


def write_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {quote(table)} ({column_list}) VALUES ({placeholders})", rows)  # noqa: S608


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE … SET field = value … WHERE pk = id for each (id, value, …) row; a `version` column
    (optimistic locking) is counted up."""
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    targets = [_concrete(model, name) for name in fields]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in targets)
    if any(field.name == "version" for field in meta.concrete_fields) and "version" not in fields:
        # Records with optimistic locking (rattvag.core.concurrency) count every save: an edit
        # page loaded before the import then sees that the record changed.
        version = quote(_concrete(model, "version").column)
        assignments += f", {version} = {version} + 1"
    prepared = [
        [*(field.get_db_prep_save(value, connection) for field, value in zip(targets, values, strict=True)), pk]
        for pk, *values in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s",  # noqa: S608
            prepared,
        )


def _concrete(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def column_of(model: type[models.Model], name: str) -> str:
    return str(_concrete(model, name).column)
