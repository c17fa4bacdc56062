"""Pages, charts and exports of the statistics: who reaches what (404 otherwise), audit, files, no identities."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.test import override_settings
from openpyxl import load_workbook

from rattvag.accounts.models import User
from rattvag.audit.models import AuditEvent

from .conftest import MappingWorld

pytestmark = pytest.mark.django_db

Login = Callable[[User], HttpClient]
Q = "unit=HAL-EB&from=2024-07-01&to=2025-06-16"

MAPPING_PAGES = [
    "/stats/mapping/",
    f"/stats/mapping/?{Q}",
    f"/stats/mapping/chart/chapters.svg?{Q}",
    f"/stats/mapping/export/?{Q}&table=all&format=xlsx",
    f"/stats/mapping/export/?{Q}&table=sgi&format=csv",
]
CLIENT_LIST_PAGES = [
    f"/stats/mapping/clients/?{Q}&figure=headline:total",
    f"/stats/mapping/clients/export/?{Q}&figure=headline:total&format=csv",
    f"/stats/mapping/clients/export/?{Q}&figure=headline:total&format=xlsx",
]
AGGREGATE_PAGES = [
    "/stats/aggregate/",
    "/stats/aggregate/?group_by=unit&from=2024-07-01&to=2025-06-16",
    "/stats/aggregate/chart/headline.svg?group_by=municipality",
    "/stats/aggregate/chart/new_spells.svg?group_by=unit",
    "/stats/aggregate/export/?group_by=municipality&table=all&format=xlsx",
    "/stats/aggregate/export/?group_by=unit&table=chapters&format=csv",
]


def _statuses(http: HttpClient, urls: list[str]) -> list[int]:
    return [http.get(url).status_code for url in urls]


# --- access ------------------------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client: HttpClient, unit_a: MappingWorld) -> None:
    for url in [*MAPPING_PAGES, *CLIENT_LIST_PAGES, *AGGREGATE_PAGES]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/account/login/" in response["Location"]


@pytest.mark.parametrize("actor", ["caseworker", "manager"])
def test_unit_staff_reach_the_mapping_and_its_client_lists(unit_a: MappingWorld, login_as: Login, actor: str) -> None:
    http = login_as(getattr(unit_a.world, actor))
    assert _statuses(http, MAPPING_PAGES + CLIENT_LIST_PAGES) == [200] * 8
    assert set(_statuses(http, AGGREGATE_PAGES)) == {404}


def test_analysts_reach_the_mapping_and_aggregates_but_no_client(unit_a: MappingWorld, login_as: Login) -> None:
    http = login_as(unit_a.world.analyst)
    assert _statuses(http, MAPPING_PAGES + AGGREGATE_PAGES) == [200] * 11
    assert set(_statuses(http, CLIENT_LIST_PAGES)) == {404}


def test_aggregate_viewers_reach_only_the_aggregates(unit_a: MappingWorld, login_as: Login) -> None:
    http = login_as(unit_a.world.aggregate_viewer)
    assert set(_statuses(http, AGGREGATE_PAGES)) == {200}
    assert set(_statuses(http, MAPPING_PAGES + CLIENT_LIST_PAGES)) == {404}


@pytest.mark.parametrize("actor", ["nurse", "partner_officer", "admin"])
def test_other_roles_get_404_everywhere(unit_a: MappingWorld, login_as: Login, actor: str) -> None:
    http = login_as(getattr(unit_a.world, actor))
    assert set(_statuses(http, ["/stats/", *MAPPING_PAGES, *CLIENT_LIST_PAGES, *AGGREGATE_PAGES])) == {404}


def test_another_units_mapping_is_404(unit_a: MappingWorld, login_as: Login) -> None:
    http = login_as(unit_a.world.caseworker_other_unit)
    assert http.get("/stats/mapping/?unit=HAL-EB").status_code == 404
    assert http.get(f"/stats/mapping/clients/?{Q}&figure=headline:total").status_code == 404
    assert http.get("/stats/mapping/?unit=NO-SUCH-UNIT").status_code == 404
    assert http.get("/stats/mapping/").status_code == 200  # their own unit


def test_the_index_sends_each_role_to_its_page(unit_a: MappingWorld, login_as: Login) -> None:
    assert login_as(unit_a.world.manager).get("/stats/")["Location"] == "/stats/mapping/"
    assert login_as(unit_a.world.analyst).get("/stats/")["Location"] == "/stats/aggregate/"
    assert login_as(unit_a.world.aggregate_viewer).get("/stats/")["Location"] == "/stats/aggregate/"


def test_a_caseworker_filter_outside_the_unit_is_404(unit_a: MappingWorld, login_as: Login) -> None:
    http = login_as(unit_a.world.manager)
    other = unit_a.world.caseworker_other_unit.pk
    response = http.get(f"/stats/mapping/?{Q}&caseworker={other}")
    assert response.status_code == 200  # the page shows the error
    assert "Välj en handläggare på enheten." in response.content.decode()
    assert http.get(f"/stats/mapping/clients/?{Q}&caseworker={other}&figure=headline:total").status_code == 404
    assert http.get(f"/stats/mapping/chart/sgi.svg?{Q}&caseworker={other}").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"/stats/mapping/clients/?{Q}",
        f"/stats/mapping/clients/?{Q}&figure=nonsense",
        f"/stats/mapping/clients/?{Q}&figure=nonsense:total",
        f"/stats/mapping/clients/?{Q}&figure=sgi:no-such-column",
        f"/stats/mapping/clients/?{Q}&figure=care_unit_completeness:complete",
        f"/stats/mapping/chart/nonsense.svg?{Q}",
        f"/stats/mapping/export/?{Q}&table=all&format=csv",
        f"/stats/mapping/export/?{Q}&table=sgi&format=pdf",
        "/stats/mapping/export/?from=yesterday",
    ],
)
def test_malformed_addresses_are_404(unit_a: MappingWorld, login_as: Login, url: str) -> None:
    assert login_as(unit_a.world.manager).get(url).status_code == 404


# --- the pages ---------------------------------------------------------------------------------------------------


def test_the_mapping_page_shows_every_figure_with_chart_table_and_links(unit_a: MappingWorld, login_as: Login) -> None:
    response = login_as(unit_a.world.manager).get(f"/stats/mapping/?{Q}")
    html = response.content.decode()
    for key in ("headline", "sgi", "chapters", "codes", "care_units", "degree", "spell_length", "age", "sex"):
        assert f'data-testid="{key}"' in html
        assert f"/stats/mapping/chart/{key}.svg?" in html
    assert html.count('<img class="rv-chart"') == 11
    assert "figure=chapters%3AV" in html  # the figure links to its clients
    assert "Psykiska sjukdomar och syndrom samt beteendestörningar" in html
    # Reading the figures reads no client: no audit event.
    assert not AuditEvent.objects.filter(action="client.listed").exists()


def test_the_mapping_form_keeps_what_was_typed_and_explains_errors(unit_a: MappingWorld, login_as: Login) -> None:
    response = login_as(unit_a.world.manager).get("/stats/mapping/?unit=HAL-EB&from=2025-06-10&to=2025-05-01")
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Periodens början måste vara samma dag som eller före dess slut." in html
    assert 'value="2025-06-10"' in html
    future = login_as(unit_a.world.manager).get("/stats/mapping/?to=2099-01-01").content.decode()
    assert "Periodens slut kan inte ligga i framtiden." in future


def test_the_client_list_shows_and_audits_the_clients_behind_a_figure(unit_a: MappingWorld, login_as: Login) -> None:
    http = login_as(unit_a.world.manager)
    response = http.get(f"/stats/mapping/clients/?{Q}&figure=chapters:V")
    html = response.content.decode()
    a1, a3 = unit_a.clients["A1"], unit_a.clients["A3"]
    assert a1.last_name in html
    assert a3.last_name in html
    assert unit_a.clients["A2"].last_name not in html
    events = AuditEvent.objects.filter(action="client.listed")
    assert {e.client_id for e in events} == {a1.pk, a3.pk}
    assert all(e.data == {"via": "stats"} for e in events)


def test_a_protected_identity_is_hidden_from_a_caseworker_who_is_not_responsible(
    unit_a: MappingWorld, login_as: Login
) -> None:
    a2 = unit_a.clients["A2"]  # responsible: cw2
    type(a2).objects.filter(pk=a2.pk).update(protected_identity=True)
    html = login_as(unit_a.world.caseworker).get(f"/stats/mapping/clients/?{Q}&figure=sgi:none").content.decode()
    assert a2.last_name not in html
    assert "Skyddad identitet" in html
    manager = login_as(unit_a.world.manager).get(f"/stats/mapping/clients/?{Q}&figure=sgi:none").content.decode()
    assert a2.last_name in manager


# --- exports -----------------------------------------------------------------------------------------------------


def _csv_rows(response: Any) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def test_a_table_as_csv_has_the_filters_in_its_header(unit_a: MappingWorld, login_as: Login) -> None:
    response = login_as(unit_a.world.manager).get(f"/stats/mapping/export/?{Q}&table=sgi&format=csv&degree=100")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="kartlaggning-HAL-EB-2025-06-16-sgi.csv"' in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0] == ["SGI-status"]
    header = {row[0]: row[1] for row in rows[1:9] if len(row) == 2}
    assert header["Enhet"] == "Ekonomiskt bistånd Halmstad (HAL-EB)"
    assert header["Period"] == "2024-07-01 – 2025-06-16"
    assert header["Sjukskrivningsgrad"] == "100 %"
    assert header["Ansvarig handläggare"] == "Alla handläggare"
    assert header["Små antal"].startswith("Visas")
    table = rows[rows.index([]) + 1 :]
    assert table[0] == ["SGI-status", "Antal", "Andel"]
    assert table[1] == ["Okänd eller inte registrerad", "0", "0 %"]  # only A2 is at 100 % …
    assert table[2] == ["Ingen SGI", "1", "100 %"]
    assert table[-1] == ["Totalt", "1", ""]


def test_all_tables_as_xlsx(unit_a: MappingWorld, login_as: Login) -> None:
    response = login_as(unit_a.world.manager).get(f"/stats/mapping/export/?{Q}&table=all&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 11
    sheet = workbook[workbook.sheetnames[1]]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "SGI-status"
    assert ("Enhet", "Ekonomiskt bistånd Halmstad (HAL-EB)") in [tuple(v[:2]) for v in values]
    assert ("Okänd eller inte registrerad", 2, "50 %") in [tuple(v[:3]) for v in values]


def test_a_protected_export_hides_small_counts(unit_a: MappingWorld, login_as: Login) -> None:
    response = login_as(unit_a.world.manager).get(f"/stats/mapping/export/?{Q}&table=sgi&format=csv&protect=1")
    rows = _csv_rows(response)
    assert ["Okänd eller inte registrerad", "<5", ""] in rows
    assert not any(row[1:2] == ["2"] for row in rows)


def test_exporting_a_client_list_is_audited_per_client(unit_a: MappingWorld, login_as: Login) -> None:
    http = login_as(unit_a.world.manager)
    response = http.get(f"/stats/mapping/clients/export/?{Q}&figure=headline:sick_listed&format=csv")
    rows = _csv_rows(response)
    numbers = {row[0] for row in rows if row and re.fullmatch(r"\d{8}-\d{4}", row[0])}
    fresh = type(unit_a.clients["A1"]).objects.filter(pk__in=[unit_a.clients[n].pk for n in ("A1", "A2", "A3")])
    assert numbers == {client.personal_number_display for client in fresh}
    assert ["Siffra", "Klienter i arbetssättet: Sjukskrivna"] in rows
    events = AuditEvent.objects.filter(action="client.exported")
    assert {e.client_id for e in events} == {unit_a.clients[n].pk for n in ("A1", "A2", "A3")}
    assert all(e.data == {"via": "stats", "format": "csv"} for e in events)
    assert not AuditEvent.objects.filter(action="client.listed").exists()
    xlsx = http.get(f"/stats/mapping/clients/export/?{Q}&figure=headline:sick_listed&format=xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["Klienter"]


def test_a_spreadsheet_formula_in_a_name_is_defused(unit_a: MappingWorld, login_as: Login) -> None:
    a1 = unit_a.clients["A1"]
    type(a1).objects.filter(pk=a1.pk).update(last_name="=HYPERLINK(1)")
    rows = _csv_rows(
        login_as(unit_a.world.manager).get(f"/stats/mapping/clients/export/?{Q}&figure=headline:total&format=csv")
    )
    assert any(row[1] == "'=HYPERLINK(1)" for row in rows if len(row) > 1)


# --- charts ------------------------------------------------------------------------------------------------------


def test_charts_are_svg_with_inline_styles_allowed_only_for_them(unit_a: MappingWorld, login_as: Login) -> None:
    http = login_as(unit_a.world.manager)
    chart = http.get(f"/stats/mapping/chart/degree.svg?{Q}")
    assert chart["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert "'unsafe-inline'" in chart["Content-Security-Policy"]
    assert "<title>Sjukskrivningsgrad</title>" in chart.content.decode()
    page = http.get(f"/stats/mapping/?{Q}")
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]


# --- the aggregates never carry an identity -------------------------------------------------------------------------


def _identities(unit_a: MappingWorld) -> list[str]:
    """Every client's number and name (names made unique, so that no staff name can match by chance)."""
    model = type(unit_a.clients["A1"])
    for client in model.objects.all():
        model.objects.filter(pk=client.pk).update(first_name=f"Förnamn{client.pk}x", last_name=f"Efternamn{client.pk}x")
    found = []
    for client in type(unit_a.clients["A1"]).objects.all():
        found += [client.personal_number, client.personal_number_display, client.first_name, client.last_name]
    return [value for value in found if len(value) > 2]


@pytest.mark.parametrize("actor", ["aggregate_viewer", "analyst"])
def test_no_page_or_export_of_the_aggregates_holds_an_identity_or_a_client_link(
    unit_a: MappingWorld, login_as: Login, actor: str
) -> None:
    identities = _identities(unit_a)
    http = login_as(getattr(unit_a.world, actor))
    urls = [url for url in AGGREGATE_PAGES if "export" not in url or "format=csv" in url]
    urls += [
        f"/stats/aggregate/export/?group_by={g}&table={t}&format=csv"
        for g in ("municipality", "unit")
        for t in ("headline", "sgi", "chapters", "codes", "care_units", "degree", "spell_length", "age", "sex")
    ]
    if actor == "analyst":
        urls += [f"/stats/mapping/?{Q}", f"/stats/mapping/export/?{Q}&table=codes&format=csv"]
    for url in urls:
        response = http.get(url)
        assert response.status_code == 200, url
        text = response.content.decode("utf-8")
        for identity in identities:
            assert identity not in text, (url, identity)
        assert "/stats/mapping/clients/" not in text
        assert "/clients/" not in re.sub(r"/stats/[a-z/_.]*", "", text), url
    workbook = load_workbook(io.BytesIO(http.get(AGGREGATE_PAGES[4]).content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert str(value) not in identities


def test_the_aggregate_page_explains_the_markers(unit_a: MappingWorld, login_as: Login) -> None:
    html = login_as(unit_a.world.aggregate_viewer).get("/stats/aggregate/").content.decode()
    assert "&lt;5" in html
    assert "betyder 1 till 4" in html


@override_settings(RATTVAG_SUPPRESSION_THRESHOLD=3)
def test_the_threshold_is_configurable(unit_a: MappingWorld, login_as: Login) -> None:
    html = login_as(unit_a.world.aggregate_viewer).get("/stats/aggregate/").content.decode()
    assert "&lt;3" in html
    assert "&lt;5" not in html
