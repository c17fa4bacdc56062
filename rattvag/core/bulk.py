"""Fast inserts: many rows of one model in a few statements (the import, synthetic data, bulk audit events).

Django's bulk_create prepares every value of every object through the field machinery, which
costs tens of microseconds per row; at 100,000 rows with their cases, certificates, periods and
diagnoses that alone would take longer than the whole import may. Here each model gets a row
template built once from the fields' own defaults (prepared by the fields themselves), and only
the values that vary are filled in per row:

- ids are reserved first (PostgreSQL: nextval of the table's sequence, one array; SQLite: above
  the table's highest id and AUTOINCREMENT counter, under the write lock the transaction holds),
  so that rows of other tables can point at them without reading them back;
- SQLite gets one executemany per table, PostgreSQL one COPY, its text rendered here (the
  template once, each row's own values into a copy of it) rather than value by value by
  psycopg's write_row, and sent in pieces that the server takes in while the next is rendered.

The database's own constraints (not null, foreign keys, checks) still apply to every row.
Must run inside a transaction (see rattvag.imports.writing.write_plan).
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
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
                template.append(self._constant(field, constants[field.attname]))
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                template.append(field.get_db_prep_save(now, connection))
            else:
                template.append(self._constant(field, field.get_default()))
        self.template = template
        self.pk_index = next(index for index, field in enumerate(concrete) if field.primary_key)
        self.positions = [by_name[name] for name in fields]
        self.adapters: list[Callable[[Any], Any]] = [self._adapter(concrete[by_name[name]]) for name in fields]
        self._template_text: list[str] | None = None

    @staticmethod
    def _constant(field: models.Field[Any, Any], value: Any) -> Any:
        """A value the same for every row, prepared once. JSON as its text: PostgreSQL's COPY would
        otherwise encode the wrapped value again for every row (json.dumps per row and column)."""
        if isinstance(field, models.JSONField) and value is not None:
            return json.dumps(value, cls=field.encoder)
        return field.get_db_prep_save(value, connection)

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
        if connection.vendor == "postgresql":
            if self._template_text is None:
                self._template_text = [copy_text(value) for value in self.template]
            write_copy_text(self.table, self.columns, self._copy_text(ids, rows, plain, converted))
            return ids
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

    def _copy_text(
        self,
        ids: Sequence[int],
        rows: Sequence[Sequence[Any]],
        plain: Sequence[tuple[int, int]],
        converted: Sequence[tuple[int, int, Callable[[Any], Any]]],
    ) -> Iterator[str]:
        """The rows in COPY's text format, in pieces of COPY_PIECE rows: the template rendered once, each
        row's own values rendered into a copy of it (psycopg's write_row renders every value of every row,
        the constant ones included). The server takes in each piece while the next one is rendered."""
        template, pk_index = self._template_text or [], self.pk_index
        for start in range(0, len(rows), COPY_PIECE):
            lines = []
            for pk, values in zip(ids[start : start + COPY_PIECE], rows[start : start + COPY_PIECE], strict=True):
                row = template.copy()
                row[pk_index] = str(pk)
                for position, index in plain:
                    row[position] = copy_text(values[index])
                for position, index, adapt in converted:
                    row[position] = copy_text(adapt(values[index]))
                lines.append("\t".join(row))
            lines.append("")
            yield "\n".join(lines)


COPY_PIECE = 500  # rows rendered per piece of a COPY


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence looked up once, in a subquery kept apart (OFFSET 0): nextval(pg_get_serial_sequence(…))
            # looked it up again for every row, two thirds of the server's time here. The ids come as one array
            # rather than a row each.
            cursor.execute(
                "SELECT array_agg(nextval(s.seq)) FROM (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq "
                "OFFSET 0) s, generate_series(1, %s)",
                [table, pk_column, count],
            )
            return sorted(cursor.fetchone()[0] or [])  # no rows: NULL
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
                f"COALESCE((SELECT MAX({quote(pk_column)}) FROM {quote(table)}), 0))",
                [table],
            )
            start = int(cursor.fetchone()[0]) + 1
            return list(range(start, start + count))
    raise ImproperlyConfigured(f"Rätt väg runs on SQLite and PostgreSQL, not {connection.vendor}")


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: Any) -> str:
    """One value as PostgreSQL's COPY text format takes it: what psycopg's write_row sends (NULL as \\N;
    backslash, tab, newline and carriage return escaped). The usual types here, any other through
    psycopg's own text dumper."""
    cls = value.__class__
    if cls is str:
        return value.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(value) else value
    if cls is int:
        return str(value)
    if value is None:
        return "\\N"
    if cls is bool:
        return "t" if value else "f"
    if cls is datetime.date:
        return value.isoformat()
    if cls is datetime.datetime and value.tzinfo is not None:
        return value.isoformat()
    if isinstance(value, str):  # e.g. a TextChoices member: its characters, as psycopg sends them
        return copy_text(str.__str__(value))
    if isinstance(value, int) and not isinstance(value, bool):  # e.g. psycopg's Int4(1): its digits
        return int.__repr__(value)
    return _dumped_text(value)


def _dumped_text(value: Any) -> str:
    """A value as psycopg's text dumper renders it for write_row, escaped for COPY."""
    from psycopg.adapt import PyFormat, Transformer

    raw = connection.connection
    transformer = Transformer(raw)
    dumped = transformer.get_dumper(value, PyFormat.TEXT).dump(value)
    if dumped is None:
        return "\\N"
    return copy_text(bytes(dumped).decode(raw.info.encoding))


def write_copy_text(table: str, columns: Sequence[str], pieces: Iterable[str]) -> None:
    """PostgreSQL: COPY rows already in the text format (copy_text, tab-separated, a newline after each)."""
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {quote(table)} ({column_list}) FROM STDIN") as copy:
        for piece in pieces:
            copy.write(piece)


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
