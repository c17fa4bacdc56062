"""The import API: upload a caseload file (multipart) and follow the job.

    POST /api/v1/imports        file, unit, dry_run, keep_valid  → 202 with the job
    GET  /api/v1/imports/{id}   → the job (its creator and the unit's managers; else 404)

Small files are imported before the answer; larger ones by the background worker, so poll the
job until `status` is `done` or `failed`. Errors name a line, a column and a reason (in the
request's language), never a personal number or a name.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, File, Form, Path, Router, Schema, Status
from ninja.files import UploadedFile

from rattvag.api.auth import request_user
from rattvag.api.errors import error_responses
from rattvag.api.schemas import MAX_ID, Text

from . import selectors, services
from .models import ImportJob, ImportStatus

router = Router(tags=["imports"])


class ProgressOut(Schema):
    rows_total: int | None = Field(description="Rows in the file (known once it has been read).")
    rows_checked: int
    rows_written: int | None = Field(
        description="Rows written so far while writing; null when the database cannot show it (SQLite)."
    )


class CountsOut(Schema):
    created: int
    updated: int
    unchanged: int
    skipped: int = Field(description="Rows with errors that were not imported.")


class ImportErrorOut(Schema):
    line: int = Field(description="Line in the file; the header is line 1.")
    column: str = Field(description="The column's header as written in the file.")
    field: str = Field(description="The column's English name, e.g. personal_number.")
    reason: str


class ImportJobOut(Schema):
    id: int
    unit: str = Field(description="Code of the unit.")
    status: ImportStatus
    dry_run: bool
    keep_valid: bool
    progress: ProgressOut
    counts: CountsOut = Field(description="For a dry run: what an import would do.")
    errors: list[ImportErrorOut] = Field(description="At most the first 1,000 errors.")
    rows_with_errors: int
    failure: str | None = Field(description="Why the job failed; null unless status is failed.")
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None


def job_out(job: ImportJob) -> dict[str, object]:
    return {
        "id": job.pk,
        "unit": job.unit.code,
        "status": job.status,
        "dry_run": job.dry_run,
        "keep_valid": job.keep_valid,
        "progress": {"rows_total": job.rows_total, "rows_checked": job.rows_checked, "rows_written": job.rows_written},
        "counts": {
            "created": job.created_count,
            "updated": job.updated_count,
            "unchanged": job.unchanged_count,
            "skipped": job.skipped_count,
        },
        "errors": job.errors_in_language(),
        "rows_with_errors": job.error_count,
        "failure": job.failure if job.status == ImportStatus.FAILED else None,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


@router.post("/imports", response={202: ImportJobOut, **error_responses(400, 401, 403, 404, 422)})
def create_import(
    request: HttpRequest,
    file: File[UploadedFile],
    unit: Form[Text],
    dry_run: Form[bool] = False,
    keep_valid: Form[bool] = False,
) -> Status[dict[str, object]]:
    """Upload a caseload file (CSV or XLSX, columns as in docs/import.md) for one of your units.

    Answers 202 with the job; poll `GET /imports/{id}` until `status` is `done` or `failed`.
    A unit you cannot import into answers 404.
    """
    user = request_user(request)
    target = selectors.units_for_import(user=user).filter(code=unit.strip()).first()
    if target is None:
        raise Http404
    if file.size is not None and file.size > services.max_upload_bytes():
        raise ValidationError({"file": services.too_large_message()})
    job = services.import_job_create(
        actor=user,
        unit=target,
        chunks=file.chunks(),
        dry_run=dry_run,
        keep_valid=keep_valid,
        via="api",
    )
    job = services.import_job_start(job=job)
    job = selectors.import_job_get_for(user=user, job_id=job.pk)
    return Status(202, job_out(job))


@router.get("/imports/{job_id}", response={200: ImportJobOut, **error_responses(401, 404, 422)})
def get_import(request: HttpRequest, job_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, object]:
    """An import job: status, progress, counts and errors. Its creator and the unit's managers only."""
    job = selectors.import_job_get_for(user=request_user(request), job_id=job_id)
    return job_out(job)
