"""`manage.py restore PATH [--force]`: put a backup back (see docs/backup.md).

Refuses when other connections use the database, unless --force. Everything written after the backup
was taken is lost, the audit log included: note the restore in the operations log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from rattvag.ops.backup import BackupError, restore_database, table_fingerprints


class Command(BaseCommand):
    help = "Restore the database from a backup made by `manage.py backup`. Refuses a database in use."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file.")
        parser.add_argument("--force", action="store_true", help="Restore even though the database is in use.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database alias (default: default).")

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["database"]
        try:
            restore_database(source=options["path"], alias=alias, force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = table_fingerprints(alias)
        rows = sum(count for count, _digest in tables.values())
        self.stdout.write(f"Restored {options['path']}: {len(tables)} tables, {rows} rows.")
