"""Pages: the upload form and the job page with its progress bar (HTMX polls every 2 s; without
JavaScript a Refresh link). Only caseworkers and unit managers of a unit import into it; a job
is seen by its creator and the unit's managers. Anyone else gets 404.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from . import selectors, services
from .columns import COLUMNS
from .forms import ImportForm
from .models import ImportJob, ImportStatus

if TYPE_CHECKING:
    from rattvag.accounts.models import User

RECENT_JOBS = 10
# A running job that has not moved for this long has most likely stopped (a killed worker).
STALLED_AFTER = datetime.timedelta(minutes=30)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    units = selectors.units_for_import(user=user)
    if not units.exists():
        raise Http404
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, units=units)
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            try:
                job = services.import_job_create(
                    actor=user,
                    unit=form.cleaned_data["unit"],
                    chunks=upload_file.chunks(),
                    dry_run=form.cleaned_data["dry_run"],
                    keep_valid=form.cleaned_data["keep_valid"],
                )
            except ValidationError as error:
                for message in error.message_dict.get("file", error.messages):
                    form.add_error("file", message)
            else:
                services.import_job_start(job=job)
                return redirect("imports:job", job_id=job.pk)
    else:
        form = ImportForm(units=units)
    return render(
        request,
        "imports/import_upload.html",
        {
            "form": form,
            "columns": COLUMNS,
            "jobs": list(selectors.import_jobs_for(user=user)[:RECENT_JOBS]),
        },
    )


def status_context(job: ImportJob) -> dict[str, Any]:
    running = job.is_running
    total = job.rows_total or 0
    return {
        "job": job,
        "running": running,
        "stalled": running and timezone.now() - job.updated_at > STALLED_AFTER,
        "total": total,
        "writing": job.status == ImportStatus.WRITING,
        "writing_progress_known": job.rows_written is not None,
        "errors": job.errors_in_language(),
        "errors_truncated": len(job.errors) >= services.MAX_STORED_ERRORS,
    }


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.import_job_get_for(user=_user(request), job_id=job_id)
    return render(request, "imports/importjob_detail.html", status_context(job))


@login_required
@require_GET
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The status region alone, for HTMX polling."""
    job = selectors.import_job_get_for(user=_user(request), job_id=job_id)
    return render(request, "imports/_job_status.html", status_context(job))
