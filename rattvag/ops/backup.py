"""Backing up and restoring the database, for `manage.py backup` and `manage.py restore`.

- SQLite: the sqlite3 online backup API, page by page, while the app keeps running; a restore copies
  the backup into the database file the same way.
- PostgreSQL: `pg_dump -Fc` (custom format) and `pg_restore --clean --if-exists` in one transaction,
  with the binaries of Debian's postgresql package (on PATH or in /usr/lib/postgresql/*/bin). The
  connection settings go to them through PG* environment variables, never on the command line.
A restore refuses to run against a database that is in use unless forced: PostgreSQL counts the other
sessions on the database; SQLite tries to take the database out of WAL mode, which only succeeds when
no other connection has it open.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections

# pg_restore waits at most this long for a lock held by another session (with --force), then fails.
PG_LOCK_TIMEOUT = "30s"


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why."""


class DatabaseInUse(BackupError):
    """Other sessions use the database: a restore would pull it from under them."""


@dataclass(frozen=True)
class Database:
    alias: str
    vendor: str
    settings: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.settings["NAME"])

    @property
    def suffix(self) -> str:
        return ".sqlite3" if self.vendor == "sqlite" else ".dump"


def database(alias: str = "default") -> Database:
    connection = connections[alias]
    if connection.vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported")
    return Database(alias, connection.vendor, connection.settings_dict)


def _is_memory(db: Database) -> bool:
    return db.name == ":memory:" or "mode=memory" in db.name


def _private_file(path: Path) -> None:
    """Backups hold health data: readable by the owner only."""
    path.chmod(0o600)


# --- PostgreSQL ---------------------------------------------------------------------------------


def pg_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version_key)
    if not candidates:
        raise BackupError(f"{name} was not found (install Debian's postgresql-client package)")
    return candidates[-1]


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def _pg_env(db: Database) -> dict[str, str]:
    env = dict(os.environ)
    mapping = {"PGHOST": "HOST", "PGPORT": "PORT", "PGUSER": "USER", "PGPASSWORD": "PASSWORD", "PGDATABASE": "NAME"}
    for variable, key in mapping.items():
        value = db.settings.get(key)
        if value:
            env[variable] = str(value)
        else:
            env.pop(variable, None)
    sslmode = (db.settings.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    env["PGOPTIONS"] = f"-c lock_timeout={PG_LOCK_TIMEOUT}"
    return env


def _run(arguments: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(arguments[0]).name} failed: {result.stderr.strip() or result.returncode}")


def other_sessions(alias: str = "default") -> int:
    """Sessions other than this one that are connected to the database (PostgreSQL)."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _pg_backup(db: Database, output: Path) -> None:
    _run([pg_binary("pg_dump"), "--format=custom", "--no-password", f"--file={output}"], _pg_env(db))


def _pg_restore(db: Database, source: Path, *, force: bool) -> None:
    env = _pg_env(db)
    _run([pg_binary("pg_restore"), "--list", str(source)], env)  # a readable custom-format archive
    in_use = other_sessions(db.alias)
    connections[db.alias].close()
    if in_use and not force:
        raise DatabaseInUse(
            f"{in_use} other session(s) are connected to the database {db.name}. Stop the application "
            "(and other clients) first, or use --force."
        )
    _run(
        [
            pg_binary("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={db.name}",
            str(source),
        ],
        env,
    )


# --- SQLite -------------------------------------------------------------------------------------


def _sqlite_backup(db: Database, output: Path) -> None:
    connection = connections[db.alias]
    connection.ensure_connection()
    destination = sqlite3.connect(output)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def _check_sqlite_file(source: Path) -> None:
    try:
        probe = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = probe.execute("PRAGMA quick_check").fetchone()
        finally:
            probe.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is not a SQLite database: {error}") from None
    if not result or result[0] != "ok":
        raise BackupError(f"{source} is damaged: {result[0] if result else 'no answer'}")


def sqlite_in_use(target: sqlite3.Connection) -> bool:
    """Whether another connection has the database open (WAL mode) or holds a lock on it (other modes).

    In WAL mode every open connection holds a shared lock on the WAL index, and leaving WAL mode needs
    the database to itself: a refusal means someone else has it open. (On success the database is left
    in rollback-journal mode; the application sets WAL again when it connects.)
    """
    (mode,) = target.execute("PRAGMA journal_mode").fetchone()
    try:
        if mode == "wal":
            (new_mode,) = target.execute("PRAGMA journal_mode=DELETE").fetchone()
            return new_mode == "wal"
        target.execute("BEGIN EXCLUSIVE")
        target.execute("ROLLBACK")
    except sqlite3.OperationalError:
        return True
    return False


def _sqlite_restore(db: Database, source: Path, *, force: bool) -> None:
    if _is_memory(db):
        raise BackupError("An in-memory database cannot be restored into")
    _check_sqlite_file(source)
    connections[db.alias].close()
    target = sqlite3.connect(db.name, timeout=0 if not force else 30)
    try:
        if sqlite_in_use(target) and not force:
            raise DatabaseInUse(
                f"Another connection has the database {db.name} open. Stop the application first, or use --force."
            )
        backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            backup.backup(target)
        finally:
            backup.close()
    finally:
        target.close()


# --- the two operations -----------------------------------------------------------------------


def backup_database(*, output: Path, alias: str = "default") -> Path:
    """Write a backup of the database to `output` (atomically: a temporary file, then renamed)."""
    db = database(alias)
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(prefix=".backup-", suffix=db.suffix, dir=output.parent)
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        _private_file(temporary)
        if db.vendor == "sqlite":
            temporary.unlink()  # sqlite3 creates the file itself
            _sqlite_backup(db, temporary)
            _private_file(temporary)
        else:
            _pg_backup(db, temporary)
        temporary.replace(output)
    finally:
        temporary.unlink(missing_ok=True)
    return output


def restore_database(*, source: Path, alias: str = "default", force: bool = False) -> None:
    """Replace the database's content with the backup's. Refuses when the database is in use, unless forced."""
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    db = database(alias)
    if db.vendor == "sqlite":
        _sqlite_restore(db, source, force=force)
    else:
        _pg_restore(db, source, force=force)


# --- comparing databases ----------------------------------------------------------------------


def _stable(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def table_fingerprints(alias: str = "default") -> dict[str, tuple[int, str]]:
    """For every table: the row count and a SHA-256 over every row's values, ordered by primary key."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    fingerprints: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            description = connection.introspection.get_table_description(cursor, table)
            columns = [column.name for column in description]
            order = connection.introspection.get_primary_key_columns(cursor, table) or columns
            # Names come from the database's own catalogue and are quoted: no outside input here.
            cursor.execute(
                f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} "  # noqa: S608
                f"ORDER BY {', '.join(quote(c) for c in order)}"
            )
            digest = hashlib.sha256()
            count = 0
            for row in cursor.fetchall():
                digest.update(repr(tuple(_stable(value) for value in row)).encode())
                count += 1
            fingerprints[table] = (count, digest.hexdigest())
    return fingerprints
