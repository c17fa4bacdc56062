"""The background task (django-tasks): queued jobs run in a worker and survive a page reload."""

from __future__ import annotations

import pytest
from django.test import override_settings

from rattvag.imports import services
from rattvag.imports.models import ImportJob, ImportStatus
from rattvag.imports.tasks import run_import_job

from .files import csv_bytes, row

pytestmark = pytest.mark.django_db
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued_job(world):
    return services.import_job_create(
        actor=world.caseworker, unit=world.unit_a, chunks=[csv_bytes([row()])], dry_run=False, keep_valid=False
    )


def test_the_task_runs_the_job(world):
    job = queued_job(world)
    assert run_import_job.call(job.pk) == "done"
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE


@override_settings(TASKS=DUMMY, RATTVAG_IMPORT_INLINE_MAX_BYTES=0)
def test_a_queued_job_waits_for_the_worker(world, django_capture_on_commit_callbacks):
    job = queued_job(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_start(job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED
    assert job.task_id
    result = run_import_job.get_backend().get_result(job.task_id)
    assert result.args == [job.pk] or result.args == (job.pk,)
    # What the worker would do:
    run_import_job.call(*result.args)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["other"]}})
def test_a_broken_queue_fails_the_job_visibly(world, caplog):
    job = queued_job(world)
    services._enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "bakgrundsarbetaren" in job.failure_sv


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE, RATTVAG_IMPORT_INLINE_MAX_BYTES=0)
def test_database_backend_and_db_worker(world):
    from django.core.management import call_command

    job = queued_job(world)
    services._enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED
    assert job.task_id
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert ImportJob.objects.get(pk=job.pk).created_count == 1
