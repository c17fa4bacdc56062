"""The aggregates: per unit and per municipality from one computation, consistent with what analysts see."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from rattvag.stats.figures import GROUP_BY_MUNICIPALITY, GROUP_BY_UNIT, Params
from rattvag.stats.selectors import aggregate_for, mapping_for
from tests.factories import CaseFactory, ClientFactory

from .conftest import TODAY, MappingWorld, register

pytestmark = pytest.mark.django_db

DEFAULT = Params(start=datetime.date(2024, 7, 1), reference_date=TODAY)
D = datetime.date


@pytest.fixture
def halmstad(unit_a: MappingWorld) -> MappingWorld:
    """Unit B gets 12 sick-listed clients, so Halmstad's figures are large enough to show while unit A's are not."""
    world = unit_a.world
    for n in range(12):
        client = ClientFactory(municipality=world.municipality_a)
        CaseFactory(client=client, unit=world.unit_b, opened_on=D(2025, 1, 1), responsible=world.caseworker_other_unit)
        register(
            world.caseworker_other_unit,
            client,
            care_unit="Vårdcentralen Söder",
            code=["F32.1", "M54.5"][n % 2],
            periods=[([50, 100][n % 2], D(2025, 5, 1), D(2025, 8, 31))],
        )
    return unit_a


def _cells(table: Any) -> list[list[Any]]:
    return [[*row.cells, row.total] for row in [*table.rows, table.totals]]


def test_a_municipality_minus_its_published_units_never_reveals_a_hidden_unit_count(halmstad: MappingWorld) -> None:
    viewer = halmstad.world.aggregate_viewer
    by_unit = aggregate_for(user=viewer, group_by=GROUP_BY_UNIT, params=DEFAULT)
    by_municipality = aggregate_for(user=viewer, group_by=GROUP_BY_MUNICIPALITY, params=DEFAULT)
    units_of = {"Halmstad": ["HAL-EB", "HAL-SDF"], "Laholm": ["LAH-EB"]}
    for key, unit_table in by_unit.tables.items():
        municipality_table = by_municipality.tables[key]
        assert municipality_table.totals == unit_table.totals  # one computation, one set of totals
        for municipality_row in municipality_table.rows:
            unit_rows = [r for r in unit_table.rows if r.key in units_of[municipality_row.label]]
            for j, cell in enumerate([*municipality_row.cells, municipality_row.total]):
                hidden = [r for r in unit_rows if ([*r.cells, r.total][j]).suppressed]
                if not cell.suppressed:
                    assert len(hidden) != 1, (key, municipality_row.label, j)
                    shown = [([*r.cells, r.total][j]).value for r in unit_rows if r not in hidden]
                    if not hidden:
                        assert sum(shown) == cell.value


def test_unit_a_is_hidden_while_halmstad_shows_figures(halmstad: MappingWorld) -> None:
    viewer = halmstad.world.aggregate_viewer
    by_municipality = aggregate_for(user=viewer, group_by=GROUP_BY_MUNICIPALITY, params=DEFAULT)
    shown = [
        cell
        for table in by_municipality.tables.values()
        for row in table.rows
        if row.label == "Halmstad"
        for cell in [*row.cells, row.total]
        if not cell.suppressed and cell.value
    ]
    assert shown  # Halmstad (16 clients) is not hidden as a whole
    unit_headline = aggregate_for(user=viewer, group_by=GROUP_BY_UNIT, params=DEFAULT).tables["headline"]
    assert unit_headline.rows[0].key == "HAL-EB"
    assert unit_headline.rows[0].total.display == "<5"  # unit A: 4 clients


def test_the_analysts_mapping_is_their_aggregates_row(halmstad: MappingWorld) -> None:
    analyst = halmstad.world.analyst
    mapping = mapping_for(user=analyst, unit_code="HAL-EB", params=DEFAULT)
    by_unit = aggregate_for(user=analyst, group_by=GROUP_BY_UNIT, params=DEFAULT)
    assert "care_unit_completeness" not in mapping.tables
    for key, table in mapping.tables.items():
        aggregate_row = next(r for r in by_unit.tables[key].rows if r.key == "HAL-EB")
        assert table.rows[0] == aggregate_row, key


def test_analysts_cannot_narrow_the_mapping(halmstad: MappingWorld, login_as: Any) -> None:
    http = login_as(halmstad.world.analyst)
    assert http.get("/stats/mapping/?degree=100").status_code == 404
    assert http.get(f"/stats/mapping/?caseworker={halmstad.world.caseworker.pk}").status_code == 404
    html = http.get("/stats/mapping/").content.decode()
    assert 'name="caseworker"' not in html
    assert 'name="degree"' not in html
    assert 'data-testid="completeness"' in html


def test_a_client_in_two_units_of_one_municipality_counts_once_there(unit_a: MappingWorld) -> None:
    world = unit_a.world
    a3 = unit_a.clients["A3"]
    CaseFactory(client=a3, unit=world.unit_b, opened_on=D(2025, 3, 1), responsible=world.caseworker_other_unit)
    viewer = world.aggregate_viewer
    by_unit = aggregate_for(user=viewer, group_by=GROUP_BY_UNIT, params=DEFAULT).tables["sex"]
    by_municipality = aggregate_for(user=viewer, group_by=GROUP_BY_MUNICIPALITY, params=DEFAULT).tables["sex"]
    # A3's newest case is in unit B (2025-03-01 after 2024-12-01): there, and not in unit A, for the aggregates.
    raw = {r.key: r.total for r in by_unit.rows}
    assert raw["HAL-EB"].display == "<5"
    assert by_municipality.totals.total == by_unit.totals.total
    # The unit's own mapping still counts every client with a case in it.
    staff = mapping_for(user=world.manager, unit_code="HAL-EB", params=DEFAULT).tables["sex"]
    assert staff.rows[0].total.value == 4
