"""`manage.py backup [--output PATH]`: an online backup of the database (see docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from rattvag.ops.backup import BackupError, backup_database, database


def default_output(alias: str) -> Path:
    directory = Path(getattr(settings, "RATTVAG_BACKUP_DIR", Path(settings.BASE_DIR) / "backups"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return directory / f"rattvag-{alias}-{stamp}{database(alias).suffix}"


class Command(BaseCommand):
    help = "Back up the database while the application runs (SQLite backup API or pg_dump -Fc)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="The backup file (default: a new file in RATTVAG_BACKUP_DIR).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database alias (default: default).")

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["database"]
        try:
            output = backup_database(output=options["output"] or default_output(alias), alias=alias)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written: {output} ({output.stat().st_size} bytes)")
