"""POST /api/v1/imports and GET /api/v1/imports/{id}: 202 with the job, errors, access (404)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from rattvag.clients.models import Client
from rattvag.imports.models import ImportJob

from .files import csv_bytes, not_sick, row, xlsx_bytes

pytestmark = pytest.mark.django_db
API = "/api/v1/imports"


def post(http, content, *, unit="HAL-EB", **fields):
    data = {"file": SimpleUploadedFile("caseload.csv", content), "unit": unit, **fields}
    return http.post(API, data)


def test_post_imports_a_small_file_and_answers_202_with_the_job(world, api_as):
    response = post(api_as(world.caseworker), csv_bytes([row(), not_sick()]))
    assert response.status_code == 202, response.content
    body = response.json()
    job = ImportJob.objects.get()
    assert body["id"] == job.pk
    assert body["status"] == "done"
    assert body["unit"] == "HAL-EB"
    assert body["progress"] == {"rows_total": 2, "rows_checked": 2, "rows_written": body["progress"]["rows_written"]}
    assert body["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0}
    assert body["errors"] == []
    assert body["failure"] is None
    assert job.via == "api"


def test_post_dry_run_reports_errors_with_line_and_column(world, api_as):
    response = post(api_as(world.manager), csv_bytes([row(), row(sgi_status="kanske")]), dry_run="true")
    body = response.json()
    assert response.status_code == 202
    assert body["dry_run"] is True
    assert body["status"] == "done"
    assert body["errors"] == [
        {"line": 3, "column": "SGI-status", "field": "sgi_status", "reason": "Skriv okänd, ingen eller har."}
    ]
    assert body["rows_with_errors"] == 1
    assert body["counts"]["created"] == 1
    assert not Client.objects.filter(first_name="Åsa").exists()


def test_errors_in_english_for_an_english_request(world, api_as):
    response = api_as(world.caseworker).post(
        API,
        {"file": SimpleUploadedFile("c.csv", csv_bytes([row(sgi_status="?")])), "unit": "HAL-EB"},
        headers={"Accept-Language": "en"},
    )
    body = response.json()
    assert body["status"] == "failed"
    assert body["errors"][0]["reason"] == "Write okänd, ingen or har (unknown, none or has)."
    assert body["failure"].startswith("1 row has errors.")


def test_post_keep_valid(world, api_as):
    response = post(api_as(world.caseworker), csv_bytes([row(), row(sgi_status="?")]), keep_valid="true")
    assert response.json()["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 1}


def test_post_xlsx(world, api_as):
    response = post(api_as(world.caseworker), xlsx_bytes([row()]))
    assert response.json()["status"] == "done"


@override_settings(RATTVAG_IMPORT_INLINE_MAX_BYTES=0)
def test_large_files_are_queued_and_followed_with_get(world, api_as, django_capture_on_commit_callbacks):
    http = api_as(world.caseworker)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(http, csv_bytes([row()]))
    assert response.status_code == 202
    job_id = response.json()["id"]
    assert response.json()["status"] == "queued"
    for callback in callbacks:
        callback()
    body = http.get(f"{API}/{job_id}").json()
    assert body["status"] == "done"
    assert body["counts"]["created"] == 1


@pytest.mark.parametrize(
    "actor", ["caseworker_other_unit", "nurse", "analyst", "partner_officer", "aggregate_viewer", "admin"]
)
def test_post_into_a_unit_you_cannot_import_into_is_404(world, api_as, actor):
    response = post(api_as(world.actors()[actor]), csv_bytes([row()]))
    assert response.status_code == 404
    assert response.json() == {"message": "Hittades inte.", "errors": []}
    assert not ImportJob.objects.exists()


def test_post_unknown_unit_is_404(world, api_as):
    assert post(api_as(world.caseworker), csv_bytes([row()]), unit="NOPE").status_code == 404


def test_post_without_a_file_is_422(world, api_as):
    response = api_as(world.caseworker).post(API, {"unit": "HAL-EB"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["file"]


def test_post_too_large_is_422_on_file(world, api_as, settings):
    settings.RATTVAG_IMPORT_MAX_BYTES = 10
    response = post(api_as(world.caseworker), csv_bytes([row()]))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["file"]


def test_anonymous_is_401(world, client):
    response = client.post(API, {"file": SimpleUploadedFile("c.csv", b"x"), "unit": "HAL-EB"})
    assert response.status_code == 401


def test_get_for_creator_and_unit_managers_only(world, api_as):
    job_id = post(api_as(world.caseworker), csv_bytes([row()])).json()["id"]
    assert api_as(world.caseworker).get(f"{API}/{job_id}").status_code == 200
    assert api_as(world.manager).get(f"{API}/{job_id}").status_code == 200
    for actor in ["caseworker_other_unit", "nurse", "analyst", "partner_officer", "aggregate_viewer", "admin"]:
        assert api_as(world.actors()[actor]).get(f"{API}/{job_id}").status_code == 404, actor
    assert api_as(world.caseworker).get(f"{API}/{job_id + 1000}").status_code == 404


def test_openapi_documents_the_import_endpoints(world, api_as):
    schema = api_as(world.caseworker).get("/api/v1/openapi.json").json()
    assert "/api/v1/imports" in schema["paths"]
    assert "202" in schema["paths"]["/api/v1/imports"]["post"]["responses"]
    assert "/api/v1/imports/{job_id}" in schema["paths"]
