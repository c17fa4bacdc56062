"""The background task that runs an import job (django-tasks; a `db_worker` process runs it).

Only the job's id travels through the queue: the file stays in PRIVATE_MEDIA_ROOT and the
worker reads it from there, so the worker must run on a machine that shares that directory.
"""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def run_import_job(job_id: int) -> str:
    job = services.import_job_run(job_id=job_id)
    return str(job.status)
