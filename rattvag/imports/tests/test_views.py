"""The upload page and the job page: access (404 for everyone else), the form, progress and errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from rattvag.clients.models import Client
from rattvag.imports import services
from rattvag.imports.models import ImportJob, ImportStatus

from .files import csv_bytes, not_sick, row

pytestmark = pytest.mark.django_db

UPLOAD = "/imports/"
NO_IMPORT = ["nurse", "analyst", "partner_officer", "aggregate_viewer", "admin"]


def upload(http, content, *, unit, dry_run=False, keep_valid=False, name="klienter.csv"):
    data = {"unit": unit.pk, "file": SimpleUploadedFile(name, content, content_type="text/csv")}
    if dry_run:
        data["dry_run"] = "on"
    if keep_valid:
        data["keep_valid"] = "on"
    return http.post(UPLOAD, data)


@pytest.mark.parametrize("actor", ["caseworker", "manager", "caseworker_other_unit"])
def test_upload_page_for_caseworkers_and_managers(world, login_as, actor):
    response = login_as(world.actors()[actor]).get(UPLOAD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Importera ärendebeståndet" in page
    assert 'type="file"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "Personnummer" in page
    assert "personal_number" in page


@pytest.mark.parametrize("actor", NO_IMPORT)
def test_upload_page_is_404_for_other_roles(world, login_as, actor):
    http = login_as(world.actors()[actor])
    assert http.get(UPLOAD).status_code == 404
    assert upload(http, csv_bytes([row()]), unit=world.unit_a).status_code == 404
    assert not ImportJob.objects.exists()


def test_upload_into_a_unit_that_is_not_yours_is_refused(world, login_as):
    response = upload(login_as(world.caseworker_other_unit), csv_bytes([row()]), unit=world.unit_a)
    assert response.status_code == 200
    assert "Välj en av dina enheter." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_a_small_file_runs_at_once_and_shows_the_counts(world, login_as):
    http = login_as(world.caseworker)
    response = upload(http, csv_bytes([row(), not_sick()]), unit=world.unit_a)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{job.pk}/"
    assert job.status == ImportStatus.DONE
    page = http.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-testid="job-counts"' in page
    assert "hx-trigger" not in page  # finished: no polling
    assert Client.objects.filter(first_name="Åsa").count() == 2


def test_dry_run_with_an_error_shows_line_column_and_reason(world, login_as):
    http = login_as(world.caseworker)
    upload(http, csv_bytes([row(), row(sick_leave_degree="30")]), unit=world.unit_a, dry_run=True)
    job = ImportJob.objects.get()
    page = http.get(f"/imports/{job.pk}/").content.decode()
    assert "Provkörning" in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in page
    assert "Sjukskrivningsgrad" in page
    assert "Graden ska vara 25, 50, 75 eller 100." in page
    assert "Skulle skapas" in page
    assert not Client.objects.filter(first_name="Åsa").exists()


def test_the_form_keeps_the_choices_when_the_file_is_missing(world, login_as):
    response = login_as(world.caseworker).post(UPLOAD, {"unit": world.unit_a.pk, "keep_valid": "on"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Välj filen som ska importeras." in page
    assert "govuk-error-summary" in page
    assert 'name="keep_valid" type="checkbox" value="on" checked' in page


def test_too_large_a_file_is_refused_in_the_form(world, login_as, settings):
    settings.RATTVAG_IMPORT_MAX_BYTES = 10
    response = upload(login_as(world.caseworker), csv_bytes([row()]), unit=world.unit_a)
    assert "Filen är för stor" in response.content.decode()
    assert not ImportJob.objects.exists()


@override_settings(RATTVAG_IMPORT_INLINE_MAX_BYTES=0)
def test_a_large_file_goes_to_the_background_worker(world, login_as, django_capture_on_commit_callbacks):
    http = login_as(world.caseworker)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(http, csv_bytes([row()]), unit=world.unit_a)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.QUEUED
    page = http.get(f"/imports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert f'hx-get="/imports/{job.pk}/status/"' in page
    assert "<progress" in page
    assert "Uppdatera" in page
    # The default backend (immediate) runs the task when the transaction commits.
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.task_id


@pytest.mark.parametrize(
    ("status", "fields", "text"),
    [
        (ImportStatus.VALIDATING, {"rows_total": 200, "rows_checked": 50}, "50 av 200 kontrollerade"),
        (ImportStatus.WRITING, {"rows_total": 200, "rows_checked": 200}, "Sparar …"),
        (
            ImportStatus.WRITING,
            {"rows_total": 200, "rows_checked": 200, "rows_written": 120},
            "120 av 200 rader sparade",
        ),
    ],
)
def test_progress_of_a_running_job(world, login_as, status, fields, text):
    job = ImportJob.objects.create(unit=world.unit_a, created_by=world.caseworker, status=status, **fields)
    http = login_as(world.caseworker)
    partial = http.get(f"/imports/{job.pk}/status/", headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="job-status" hx-get=')
    assert text in partial
    assert '<label class="govuk-label" for="import-progress">' in partial


def test_a_job_that_has_not_moved_for_long_is_shown_as_stopped(world, login_as, time_machine):
    job = ImportJob.objects.create(unit=world.unit_a, created_by=world.caseworker, status=ImportStatus.WRITING)
    time_machine.move_to(job.updated_at + services_stalled())
    page = login_as(world.caseworker).get(f"/imports/{job.pk}/").content.decode()
    assert "har troligen stannat" in page
    assert "hx-trigger" not in page


def services_stalled():
    from rattvag.imports.views import STALLED_AFTER

    return STALLED_AFTER * 2


def test_job_page_for_its_creator_and_the_unit_managers_only(world, login_as):
    job = services.import_job_create(
        actor=world.caseworker, unit=world.unit_a, chunks=[csv_bytes([row()])], dry_run=True, keep_valid=False
    )
    for actor in ["caseworker", "manager"]:
        http = login_as(world.actors()[actor])
        assert http.get(f"/imports/{job.pk}/").status_code == 200
        assert http.get(f"/imports/{job.pk}/status/").status_code == 200
    other_caseworker = _another_caseworker_of(world.unit_a)
    for user in [*(world.actors()[a] for a in [*NO_IMPORT, "caseworker_other_unit"]), other_caseworker]:
        http = login_as(user)
        assert http.get(f"/imports/{job.pk}/").status_code == 404
        assert http.get(f"/imports/{job.pk}/status/").status_code == 404
    assert login_as(world.caseworker).get("/imports/999999/").status_code == 404


def test_recent_imports_are_listed_on_the_upload_page(world, login_as):
    http = login_as(world.manager)
    services.import_job_create(
        actor=world.caseworker, unit=world.unit_a, chunks=[csv_bytes([row()])], dry_run=True, keep_valid=False
    )
    page = http.get(UPLOAD).content.decode()
    assert "Senaste importer" in page
    assert "(provkörning)" in page


def test_pages_in_english(world, login_as):
    http = login_as(world.caseworker)
    http.cookies["django_language"] = "en"
    upload(http, csv_bytes([row(sick_leave_degree="30")]), unit=world.unit_a)
    job = ImportJob.objects.get()
    page = http.get(f"/imports/{job.pk}/", headers={"Accept-Language": "en"}).content.decode()
    assert "The degree must be 25, 50, 75 or 100." in page
    assert "1 row has errors. Nothing was imported" in page


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def _another_caseworker_of(unit):
    from rattvag.accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="caseworker_2", role=Role.CASEWORKER, units=[unit])
