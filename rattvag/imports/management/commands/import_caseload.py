"""python manage.py import_caseload FILE --unit CODE [--dry-run] [--keep-valid] [--actor USERNAME]

Runs the import in this process (no background worker) and prints the counts and every error
with its line, column and reason. Exit code 0 when the import (or dry run) went through
without errors, or with --keep-valid; 1 when rows had errors and nothing would be written, or
the file could not be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils.translation import gettext as _

from rattvag.accounts.models import Role, Unit, User
from rattvag.imports import services
from rattvag.imports.models import ImportStatus

CHUNK = 1024 * 1024


class Command(BaseCommand):
    help = "Import a unit's current caseload from a CSV or XLSX file (see docs/import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument("--unit", required=True, help="The code of the unit the caseload belongs to.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and count; write nothing.")
        parser.add_argument(
            "--keep-valid", action="store_true", help="Write the valid rows even when other rows have errors."
        )
        parser.add_argument(
            "--actor",
            help="Username of the caseworker or unit manager the import is made for "
            "(default: the unit's manager, when it has exactly one).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        unit = Unit.objects.select_related("municipality").filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(_("No unit has the code %(code)s.") % {"code": options["unit"]})
        actor = self._actor(unit, options.get("actor"))
        try:
            with path.open("rb") as handle:
                job = services.import_job_create(
                    actor=actor,
                    unit=unit,
                    chunks=iter(lambda: handle.read(CHUNK), b""),
                    dry_run=options["dry_run"],
                    keep_valid=options["keep_valid"],
                    via="command",
                )
        except Http404:
            raise CommandError(_("%(user)s cannot import into this unit.") % {"user": actor.username}) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        job = services.import_job_run(job_id=job.pk)
        self._report(job)
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.failure, returncode=1)
        if job.dry_run and job.error_count and not job.keep_valid:
            raise CommandError(_("The file has errors: a real import would write nothing."), returncode=1)

    def _actor(self, unit: Unit, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(_("No user has the username %(username)s.") % {"username": username})
            return user
        managers = list(unit.users.filter(role=Role.UNIT_MANAGER, is_active=True)[:2])
        if len(managers) != 1:
            raise CommandError(_("Name the user the import is made for with --actor USERNAME."))
        return managers[0]

    def _report(self, job: Any) -> None:
        write = self.stdout.write
        for error in job.errors_in_language():
            self.stderr.write(
                _("Line %(line)s, column %(column)s: %(reason)s")
                % {"line": error["line"], "column": error["column"], "reason": error["reason"]}
            )
        if job.error_count > len(job.errors):
            self.stderr.write(_("… and more: %(count)s rows have errors in all.") % {"count": job.error_count})
        if job.status != ImportStatus.DONE:
            return
        heading = _("Dry run, nothing was written:") if job.dry_run else _("Imported:")
        write(
            f"{heading} "
            + _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(skipped)s skipped.")
            % {
                "created": job.created_count,
                "updated": job.updated_count,
                "unchanged": job.unchanged_count,
                "skipped": job.skipped_count,
            }
        )
