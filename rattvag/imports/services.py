"""Import jobs: create one from an uploaded file, start it, run it.

A run has two phases. Validating reads and checks every row and updates the job's progress in
short transactions of their own, so the page can show it. Writing happens in ONE transaction
(everything or nothing: a process killed half-way leaves no rows behind); the job's final
status, counts and audit events are written in that same transaction. Other readers cannot
see progress from inside it, except on PostgreSQL, where the writer reports progress through a
second connection of its own.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, connections, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from rattvag.accounts.models import Role, Unit
from rattvag.audit.services import ActingFor, audit_log

from .columns import COLUMNS
from .messages import Bilingual, FileProblem, bilingual
from .models import ImportJob, ImportStatus
from .reading import OLE_MAGIC, XLSX_MAGIC, read_table
from .validation import HeaderMap, ImportRow, RowError, RowValidator
from .writing import Counts, plan_rows, refresh_statistics, write_plan

if TYPE_CHECKING:
    from rattvag.accounts.models import User

logger = logging.getLogger(__name__)

IMPORT_ROLES = frozenset({Role.CASEWORKER, Role.UNIT_MANAGER})
MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 1000  # rows between looks at the clock
PROGRESS_SECONDS = 0.5  # at most two progress writes a second
# Test hook (documented in docs/import.md): with RATTVAG_ENV=test and this variable naming a file,
# the writer creates that file after its first batch, inside the open transaction, then waits to
# be killed (at most TEST_PAUSE_SECONDS, after which it gives up and rolls back).
TEST_PAUSE_ENV = "RATTVAG_IMPORT_TEST_PAUSE_FILE"
TEST_PAUSE_SECONDS = 60
_COLUMN_ORDER = {column.key: index for index, column in enumerate(COLUMNS)}


def max_upload_bytes() -> int:
    return int(getattr(settings, "RATTVAG_IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def too_large_message() -> str:
    return str(_("The file is too large (at most %(limit)s MB).") % {"limit": max_upload_bytes() // (1024 * 1024)})


def inline_max_bytes() -> int:
    """Files up to this size are imported at once in the request; larger ones by a background worker."""
    return int(getattr(settings, "RATTVAG_IMPORT_INLINE_MAX_BYTES", 100 * 1024))


def private_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT)


def may_import(user: User, unit: Unit) -> bool:
    """Caseworkers and unit managers import into their own units."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role in IMPORT_ROLES
        and user.units.filter(pk=unit.pk).exists()
    )


# --- creating and starting a job -------------------------------------------------------------


def import_job_create(
    *,
    actor: User,
    unit: Unit,
    chunks: Iterable[bytes],
    dry_run: bool,
    keep_valid: bool,
    via: str = "web",
) -> ImportJob:
    """Store the uploaded file privately and create a queued job. Raises Http404 for a unit the
    actor may not import into, ValidationError for a file that is too large or empty."""
    if not may_import(actor, unit):
        raise Http404
    directory = private_root() / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    stem = uuid.uuid4().hex
    partial = directory / f"{stem}.part"
    size = 0
    limit = max_upload_bytes()
    try:
        with partial.open("wb") as handle:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise ValidationError({"file": too_large_message()})
                handle.write(chunk)
        if size == 0:
            raise ValidationError({"file": _("The file is empty.")})
        with partial.open("rb") as handle:
            start = handle.read(8)
        suffix = ".xlsx" if start.startswith(XLSX_MAGIC) else ".xls" if start.startswith(OLE_MAGIC) else ".csv"
        stored = partial.with_suffix(suffix)
        partial.rename(stored)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    job = ImportJob(
        unit=unit,
        created_by=actor,
        stored_file=str(stored.relative_to(private_root())),
        file_format=suffix.lstrip(".").upper(),
        dry_run=dry_run,
        keep_valid=keep_valid,
        via=via,
    )
    job.full_clean()
    job.save()
    return job


def import_job_start(*, job: ImportJob) -> ImportJob:
    """Run a small file at once; hand a larger one to the background worker (django-tasks)."""
    path = _stored_path(job)
    if path is not None and path.exists() and path.stat().st_size <= inline_max_bytes():
        return import_job_run(job_id=job.pk)
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import run_import_job

    try:
        result = run_import_job.enqueue(job_id)
    except Exception as error:  # noqa: BLE001 - a broken queue must show on the job, not vanish
        logger.error("Could not queue import job %s: %s", job_id, type(error).__name__)
        _fail(
            job_id,
            bilingual(_("The import could not be queued for the background worker. Try again later.")),
            errors=[],
        )
        return
    ImportJob.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id)[:64])


# --- running a job ---------------------------------------------------------------------------


def _stored_path(job: ImportJob) -> Path | None:
    return private_root() / job.stored_file if job.stored_file else None


def _set(job_id: int, **fields: Any) -> None:
    ImportJob.objects.filter(pk=job_id).update(updated_at=timezone.now(), **fields)


def _remove_file(job: ImportJob) -> None:
    path = _stored_path(job)
    if path is not None:
        path.unlink(missing_ok=True)
        _set(job.pk, stored_file="")


def _fail(job_id: int, message: Bilingual, *, errors: list[dict[str, Any]], error_count: int = 0) -> None:
    _set(
        job_id,
        status=ImportStatus.FAILED,
        failure_sv=message.sv[:500],
        failure_en=message.en[:500],
        errors=errors,
        error_count=error_count,
        finished_at=timezone.now(),
    )


def _sorted_errors(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.line, _COLUMN_ORDER.get(e.field, 99)))


def import_job_run(*, job_id: int) -> ImportJob:
    """Validate and (unless a dry run) write. Safe to call twice: only a queued job runs."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.VALIDATING, started_at=timezone.now(), updated_at=timezone.now()
    )
    job = ImportJob.objects.select_related("unit", "unit__municipality", "created_by").get(pk=job_id)
    if not claimed:
        return job
    try:
        _run(job)
    except FileProblem as problem:
        _fail(job.pk, problem.message, errors=[])
        _audit_failed(job)
    except Exception as error:  # noqa: BLE001 - any failure must end the job as failed, not leave it running
        # The class only: messages of database errors can quote the values of a row.
        logger.error("Import job %s stopped by %s", job.pk, type(error).__name__)
        _fail(job.pk, bilingual(_("An unexpected error stopped the import. Nothing was written.")), errors=[])
        _audit_failed(job)
    finally:
        _remove_file(job)
    job.refresh_from_db()
    return job


def _run(job: ImportJob) -> None:
    actor = job.created_by
    unit = job.unit
    if not may_import(actor, unit):
        raise FileProblem(bilingual(_("The user who started the import can no longer import into the unit.")))
    path = _stored_path(job)
    if path is None or not path.exists():
        raise FileProblem(bilingual(_("The uploaded file is gone. Upload it again.")))
    table = read_table(path)
    header_map = HeaderMap(table.headers)
    if header_map.problems:
        stored = [error.as_dict() for error in _sorted_errors(header_map.problems)]
        _fail(
            job.pk,
            bilingual(_("The header line does not have the columns the import needs. Nothing was imported.")),
            errors=stored,
            error_count=1,
        )
        _audit_failed(job)
        return
    total = len(table.rows)
    if total == 0:
        raise FileProblem(bilingual(_("The file has a header line but no rows.")))
    _set(job.pk, rows_total=total)

    valid, errors, bad_lines = _validate(job, table.rows, header_map)
    stored_errors = [error.as_dict() for error in _sorted_errors(errors)[:MAX_STORED_ERRORS]]
    error_count = len(bad_lines)
    _set(job.pk, rows_checked=total, errors=stored_errors, error_count=error_count)

    if error_count and not job.keep_valid and not job.dry_run:
        _fail(
            job.pk,
            bilingual(
                ngettext_lazy(
                    "%(count)s row has errors. Nothing was imported: correct the file and upload it again.",
                    "%(count)s rows have errors. Nothing was imported: correct the file and upload it again.",
                    "count",
                ),
                count=error_count,
            ),
            errors=stored_errors,
            error_count=error_count,
        )
        _audit_failed(job)
        return

    plan = plan_rows(unit=unit, rows=valid, skipped=error_count)
    if job.dry_run:
        with transaction.atomic():
            _finish(job, plan.counts)
        return

    _set(job.pk, status=ImportStatus.WRITING)
    progress = _WriteProgress(job.pk)
    try:
        with _large_page_cache(), transaction.atomic():
            write_plan(plan, actor=actor, job_id=job.pk, after_chunk=progress)
            _finish(job, plan.counts)
    finally:
        progress.close()
    try:
        refresh_statistics(plan.counts.created + plan.counts.updated)
    except DatabaseError as error:  # the import itself is done and committed
        logger.warning("Statistics not refreshed after import job %s: %s", job.pk, type(error).__name__)


SQLITE_IMPORT_CACHE_KIB = 128 * 1024


@contextmanager
def _large_page_cache() -> Iterator[None]:
    """SQLite: a larger page cache for this connection while it writes (the default 2 MB makes
    the indexes of 100,000 new rows spill and re-read pages); set back afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def _validate(
    job: ImportJob, rows: list[tuple[int, list[Any]]], header_map: HeaderMap
) -> tuple[list[ImportRow], list[RowError], set[int]]:
    unit = job.unit
    caseworkers = dict(unit.users.filter(role__in=list(IMPORT_ROLES), is_active=True).values_list("username", "pk"))
    validator = RowValidator(
        header_map=header_map, unit_code=unit.code, caseworkers=caseworkers, today=timezone.localdate()
    )
    valid: list[ImportRow] = []
    errors: list[RowError] = []
    bad_lines: set[int] = set()
    last_report = time.monotonic()
    check = validator.check
    for index, (line, cells) in enumerate(rows, start=1):
        result = check(line, cells)
        if isinstance(result, ImportRow):
            valid.append(result)
        else:
            errors.extend(result)
            bad_lines.add(line)
        if index % PROGRESS_EVERY == 0 and time.monotonic() - last_report >= PROGRESS_SECONDS:
            _set(job.pk, rows_checked=index)
            last_report = time.monotonic()
    duplicates = validator.duplicate_errors()
    if duplicates:
        duplicate_lines = {error.line for error in duplicates}
        valid = [row for row in valid if row.line not in duplicate_lines]
        errors.extend(duplicates)
        bad_lines |= duplicate_lines
    return valid, errors, bad_lines


def _finish(job: ImportJob, counts: Counts) -> None:
    """The job's final state and the `import.completed` event (inside the writer's transaction)."""
    _set(
        job.pk,
        status=ImportStatus.DONE,
        created_count=counts.created,
        updated_count=counts.updated,
        unchanged_count=counts.unchanged,
        skipped_count=counts.skipped,
        finished_at=timezone.now(),
    )
    audit_log(
        actor=job.created_by,
        action="import.completed",
        acting_for=ActingFor(unit=job.unit),
        obj=job,
        data={
            "job_id": job.pk,
            "dry_run": job.dry_run,
            "keep_valid": job.keep_valid,
            "via": job.via,
            **counts.as_dict(),
        },
    )


def _audit_failed(job: ImportJob) -> None:
    job.refresh_from_db(fields=["error_count"])
    audit_log(
        actor=job.created_by,
        action="import.failed",
        acting_for=ActingFor(unit=job.unit),
        obj=job,
        data={"job_id": job.pk, "dry_run": job.dry_run, "via": job.via, "rows_with_errors": job.error_count},
    )


class _WriteProgress:
    """Called after each batch of the writing phase.

    On PostgreSQL the number of rows written is reported through a second connection that
    commits at once, so that readers see it while the writer's transaction is open. On SQLite a
    second writer would wait for the first one's lock, so there the page says "Writing …".
    Also runs the test hook (see TEST_PAUSE_ENV).
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.side: Any = None
        self.last = 0.0
        self.batches = 0
        if connection.vendor == "postgresql":
            self.side = connections.create_connection("default")
            self._report(0)

    def _report(self, written: int) -> None:
        if self.side is None:
            return
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET rows_written = %s, updated_at = %s WHERE id = %s",  # noqa: S608
                [written, timezone.now(), self.job_id],
            )
        self.last = time.monotonic()

    def __call__(self, written: int) -> None:
        self.batches += 1
        if self.side is not None and time.monotonic() - self.last >= PROGRESS_SECONDS:
            self._report(written)
        if self.batches == 1:
            _test_pause()

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def _test_pause() -> None:
    marker = os.environ.get(TEST_PAUSE_ENV, "")
    if not marker or getattr(settings, "RATTVAG_ENV", "") != "test":
        return
    Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    deadline = time.monotonic() + TEST_PAUSE_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)  # waiting to be killed by the test
    raise RuntimeError("test pause ended without the process being killed")
