"""A caseworker imports the unit's caseload: a dry run finds a bad row (line and column shown), the
file is fixed and imported, the counts are shown. The job page's progress bar follows a running job."""

from __future__ import annotations

import pytest

from rattvag.clients.models import Client
from rattvag.imports.models import ImportJob, ImportStatus
from rattvag.imports.tests.files import csv_bytes, not_sick, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def test_dry_run_fix_and_import(page, world, browser_login, assert_accessible, tmp_path, private_media):
    good, fixed = row(first_name="Märta"), not_sick(first_name="Björn")
    broken = {**fixed, "sick_listed": "kanske"}
    bad_file, good_file = tmp_path / "klienter.csv", tmp_path / "klienter-rättad.csv"
    bad_file.write_bytes(csv_bytes([good, broken], encoding="cp1252"))
    good_file.write_bytes(csv_bytes([good, fixed], encoding="cp1252"))

    browser_login(world.caseworker)
    page.goto("/imports/")
    page.get_by_role("heading", name="Importera ärendebeståndet", level=1).wait_for()
    assert_accessible(page)

    # First a dry run (the default).
    assert page.get_by_label("Provkörning: kontrollera filen och räkna, spara ingenting").is_checked()
    page.get_by_label("Fil med ärendebeståndet").set_input_files(str(bad_file))
    page.get_by_role("button", name="Ladda upp och kontrollera").click()
    page.get_by_role("heading", name="Provkörning av en fil med ärendebeståndet", level=1).wait_for()
    errors = page.get_by_test_id("job-errors")
    assert errors.locator("tbody tr").count() == 1
    cells = errors.locator("tbody tr td").all_inner_texts()
    assert cells == ["3", "Sjukskriven", "Skriv ja eller nej."]
    assert "Skulle skapas" in page.get_by_test_id("job-counts").inner_text()
    assert_accessible(page)
    assert not Client.objects.filter(first_name__in=["Märta", "Björn"]).exists()

    # The fixed file, for real.
    page.get_by_role("link", name="Ladda upp en fil").click()
    page.get_by_label("Provkörning: kontrollera filen och räkna, spara ingenting").uncheck()
    page.get_by_label("Fil med ärendebeståndet").set_input_files(str(good_file))
    page.get_by_role("button", name="Ladda upp och kontrollera").click()
    page.get_by_role("heading", name="Import av en fil med ärendebeståndet", level=1).wait_for()
    assert page.get_by_test_id("job-status").inner_text() == "Klar"
    counts = page.get_by_test_id("job-counts").inner_text()
    assert "Skapade\n2" in counts or "Skapade\t2" in counts
    assert page.get_by_test_id("job-errors").count() == 0
    assert_accessible(page)
    assert set(Client.objects.filter(first_name__in=["Märta", "Björn"]).values_list("last_name", flat=True)) == {
        "Öberg"
    }

    # The upload page lists both jobs.
    page.goto("/imports/")
    assert page.locator("table").last.locator("tbody tr").count() == 2
    assert_accessible(page)


def test_progress_bar_follows_a_running_job_and_stops_when_done(page, world, browser_login, assert_accessible):
    job = ImportJob.objects.create(
        unit=world.unit_a, created_by=world.caseworker, status=ImportStatus.VALIDATING, rows_total=400, rows_checked=100
    )
    browser_login(world.caseworker)
    page.goto(f"/imports/{job.pk}/")
    progress = page.get_by_label("Förlopp")
    assert progress.get_attribute("value") == "100"
    assert progress.get_attribute("max") == "400"
    assert "100 av 400 kontrollerade" in page.locator("#job-status").inner_text()
    assert_accessible(page)

    # The page polls every 2 s: it shows the next phase, then the result, without a reload.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.WRITING, rows_checked=400)
    page.get_by_text("Sparar … Raderna sparas i ett enda steg").wait_for(timeout=10_000)
    assert_accessible(page)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, created_count=400)
    page.get_by_test_id("job-counts").wait_for(timeout=10_000)
    assert page.locator("#job-status[hx-trigger]").count() == 0  # polling stopped
    assert page.get_by_label("Förlopp").count() == 0
    assert_accessible(page)
