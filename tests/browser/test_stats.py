"""The unit manager's first Monday: the mapping dashboard, a filter, an XLSX; the steering group's aggregate page."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from rattvag.certificates.services import CareUnitData, CertificateData, DiagnosisData, PeriodData, certificate_register
from rattvag.certificates.tests.factories import GOOD_IMPAIRMENT, GOOD_LIMITATION
from tests.factories import CaseFactory, ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sick_listed(world, *, code: str, degree: int, care_unit: str, days_ago: int) -> None:
    today = timezone.localdate()
    client = ClientFactory(municipality=world.municipality_a)
    CaseFactory(client=client, unit=world.unit_a, opened_on=today - datetime.timedelta(days=200))
    start = today - datetime.timedelta(days=days_ago)
    certificate_register(
        actor=world.manager,
        client=client,
        data=CertificateData(
            issued_on=start,
            received_on=start,
            care_unit=CareUnitData(name=care_unit),
            diagnoses=[DiagnosisData(code=code)],
            periods=[PeriodData(degree=degree, start=start, end=today + datetime.timedelta(days=30))],
            basis=["own_examination"],
            functional_impairment=GOOD_IMPAIRMENT,
            activity_limitation=GOOD_LIMITATION,
            prognosis="after_60",
        ),
    )


@pytest.fixture
def sick_clients(world):
    _sick_listed(world, code="F32.1", degree=100, care_unit="Vårdcentralen Söder", days_ago=40)
    _sick_listed(world, code="F43.8A", degree=50, care_unit="Vårdcentralen Söder", days_ago=100)
    _sick_listed(world, code="M54.5", degree=100, care_unit="Vårdcentralen Norr", days_ago=10)
    return world


def _charts_loaded(page) -> None:
    images = page.locator("img.rv-chart")
    assert images.count() >= 10
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        assert image.get_attribute("alt")
        assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", image.element_handle())


def test_unit_manager_reads_the_mapping_filters_and_downloads_xlsx(
    page, sick_clients, browser_login, assert_accessible
):
    world = sick_clients
    statuses: dict[str, int] = {}
    page.on("response", lambda response: statuses.__setitem__(response.url, response.status))
    browser_login(world.manager)

    page.goto("/stats/mapping/")
    assert page.get_by_role("heading", level=1).inner_text().endswith("Kartläggning av enheten")
    page.wait_for_load_state("networkidle")
    chart_statuses = {url: status for url, status in statuses.items() if ".svg" in url}
    assert len(chart_statuses) >= 10
    assert set(chart_statuses.values()) == {200}
    _charts_loaded(page)
    chapters = page.get_by_test_id("chapters")
    assert "Psykiska sjukdomar" in chapters.inner_text()
    assert page.get_by_test_id("headline").locator("table").is_visible()
    assert_accessible(page)

    # Filter by degree: only the client at 50 % remains.
    page.get_by_role("combobox", name="Sjukskrivningsgrad").select_option("50")
    page.get_by_role("button", name="Visa siffrorna").click()
    page.wait_for_load_state("networkidle")
    assert "degree=50" in page.url
    degree_table = page.get_by_test_id("degree").locator("table")
    assert "50 %" in degree_table.inner_text()
    total_row = page.get_by_test_id("headline").locator("tbody tr").last
    assert total_row.locator("td").first.inner_text().splitlines()[0].strip() == "1"
    _charts_loaded(page)
    assert_accessible(page)

    # The figure links to the clients behind it.
    page.get_by_test_id("headline").locator("tbody tr").last.get_by_role("link").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("client-list").locator("tbody tr").count() == 1
    assert_accessible(page)
    page.go_back()

    with page.expect_download() as download_info:
        page.get_by_test_id("export-all").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert len(workbook.sheetnames) >= 10
    first = workbook[workbook.sheetnames[0]]
    header = [row[0] for row in first.iter_rows(min_row=1, max_row=12, max_col=2, values_only=True)]
    assert "Sjukskrivningsgrad" in header


def _password_login(page, user) -> None:
    """Statistics roles see no individual data and log in without a one-time code."""
    assert not user.needs_two_factor
    page.goto("/account/login/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill("correct-horse-battery")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def test_aggregate_viewer_sees_small_counts_hidden(page, sick_clients, assert_accessible):
    _password_login(page, sick_clients.aggregate_viewer)
    page.goto("/stats/aggregate/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).is_visible()
    headline = page.get_by_test_id("headline")
    assert "<5" in headline.inner_text()
    assert page.get_by_test_id("suppression-note").is_visible()
    # Never a link to a client.
    assert page.locator("a[href*='/clients/']").count() == 0
    _charts_loaded(page)
    assert_accessible(page)


def test_analyst_sees_the_unit_mapping_protected(page, sick_clients, assert_accessible):
    _password_login(page, sick_clients.analyst)
    page.goto("/stats/mapping/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("suppression-note").is_visible()
    assert page.locator("#id_degree").count() == 0
    assert page.locator("a[href*='/clients/']").count() == 0
    _charts_loaded(page)
    assert_accessible(page)
