"""The mapping's numbers against the hand-built unit in conftest.py, the filters, and the query count."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rattvag.certificates.models import UnitCertificateSettings
from rattvag.certificates.selectors import certificate_spans_by_client
from rattvag.certificates.spells import DEFAULT_MAX_GAP, sick_leave_as_of
from rattvag.clients.models import Case
from rattvag.stats.figures import (
    GROUP_BY_MUNICIPALITY,
    GROUP_BY_UNIT,
    FigureQuery,
    Params,
    age_band,
    age_on,
    birth_and_sex,
    months_between,
    spell_bucket,
)
from rattvag.stats.selectors import aggregate_for, default_period, mapping_for
from tests.factories import make_personal_number

from .conftest import EXPECTED, EXPECTED_MEMBERS, TODAY, MappingWorld

pytestmark = pytest.mark.django_db

DEFAULT = Params(start=datetime.date(2024, 7, 1), reference_date=TODAY)


def _column_counts(dashboard: Any, key: str) -> dict[str, int | None]:
    table = dashboard.tables[key]
    counts: dict[str, int | None] = {
        c.key: cell.value for c, cell in zip(table.columns, table.rows[0].cells, strict=True)
    }
    counts["total"] = table.rows[0].total.value
    return counts


def test_pure_helpers() -> None:
    assert [spell_bucket(d) for d in (1, 14, 15, 30, 31, 90, 91, 180, 181, 364, 365, 730, 731, 5000)] == [
        "0-14", "0-14", "15-30", "15-30", "31-60", "61-90", "91-180", "91-180",
        "181-364", "181-364", "365-730", "365-730", "731+", "731+",
    ]  # fmt: skip
    assert [age_band(a) for a in (18, 20, 21, 25, 26, 60, 61, 90)] == [
        "-20", "-20", "21-25", "21-25", "26-30", "56-60", "61+", "61+"
    ]  # fmt: skip
    assert age_on(datetime.date(1990, 6, 17), TODAY) == 34
    assert age_on(datetime.date(1990, 6, 16), TODAY) == 35
    # A coordination number (day + 60) and a man / a woman from the serial's last digit.
    coordination = make_personal_number(datetime.date(1990, 3, 10), 123, coordination=True)
    assert birth_and_sex(coordination) == (datetime.date(1990, 3, 10), "male")
    assert birth_and_sex(make_personal_number(datetime.date(2000, 8, 20), 244)) == (
        datetime.date(2000, 8, 20),
        "female",
    )
    assert birth_and_sex("not a number") == (None, "unknown")
    assert months_between(datetime.date(2024, 11, 15), datetime.date(2025, 2, 1)) == [
        datetime.date(2024, 11, 1), datetime.date(2024, 12, 1), datetime.date(2025, 1, 1), datetime.date(2025, 2, 1)
    ]  # fmt: skip
    assert default_period(datetime.date(2025, 6, 16)) == (datetime.date(2024, 7, 1), datetime.date(2025, 6, 16))
    assert default_period(datetime.date(2025, 12, 31))[0] == datetime.date(2025, 1, 1)


def test_the_mapping_of_unit_a_matches_the_hand_count(unit_a: MappingWorld) -> None:
    dashboard = mapping_for(user=unit_a.world.manager, unit_code=None, params=DEFAULT)
    assert dashboard.unit == unit_a.world.unit_a
    assert not dashboard.suppressed
    for key, expected in EXPECTED.items():
        counts = _column_counts(dashboard, key)
        for column, value in expected.items():
            assert counts[column] == value, (key, column)
        named = set(expected) - {"total"}
        assert sum(v for k, v in counts.items() if k not in named and k != "total" and v) == 0, key


def test_care_units_are_ranked_with_their_completeness(unit_a: MappingWorld) -> None:
    dashboard = mapping_for(user=unit_a.world.manager, unit_code=None, params=DEFAULT)
    ranking = dashboard.tables["care_units"]
    assert [c.label for c in ranking.columns] == ["Vårdcentralen Söder", "Vårdcentralen Norr", "Övriga vårdenheter"]
    assert [c.value for c in ranking.rows[0].cells] == [2, 1, 0]
    completeness = dashboard.tables["care_unit_completeness"]
    rows = {r.label: [c.value for c in r.cells] for r in completeness.rows}
    # Söder: A1 complete, A2 without prognosis. Norr: A3's two certificates and A4's, all complete.
    assert rows == {"Vårdcentralen Söder": [1, 1], "Vårdcentralen Norr": [3, 0], "Övriga vårdenheter": [0, 0]}
    assert completeness.rows[0].shares == ["50 %", "50 %"]


def test_chapters_carry_the_swedish_names_from_the_icd_module(unit_a: MappingWorld) -> None:
    dashboard = mapping_for(user=unit_a.world.manager, unit_code=None, params=DEFAULT)
    labels = [c.label for c in dashboard.tables["chapters"].columns]
    assert labels == [
        "V Psykiska sjukdomar och syndrom samt beteendestörningar",
        "XIII Sjukdomar i muskuloskeletala systemet och bindväven",
    ]


def test_members_behind_each_figure(unit_a: MappingWorld) -> None:
    query = FigureQuery(units=[unit_a.world.unit_a], group_by=GROUP_BY_UNIT, params=DEFAULT)
    names = {client.pk: name for name, client in unit_a.clients.items()}
    for (table, column), expected in EXPECTED_MEMBERS.items():
        assert {names[pk] for pk in query.members(table, column)} == expected, (table, column)
    norr = next(c.key for c in query.top_care_units if c.label == "Vårdcentralen Norr")
    assert {names[pk] for pk in query.members("care_units", norr)} == {"A3"}
    assert {names[pk] for pk in query.members("care_unit_completeness", "with_findings", row="total")} == {"A2"}
    assert {names[pk] for pk in query.members("care_unit_completeness", "total", row=norr)} == {"A3", "A4"}
    with pytest.raises(KeyError):
        query.members("nonsense", "total")


def test_every_count_equals_its_list_of_clients(unit_a: MappingWorld) -> None:
    """The link behind a figure lists exactly the clients counted in it."""
    query = FigureQuery(units=[unit_a.world.unit_a], group_by=GROUP_BY_UNIT, params=DEFAULT)
    for table in query.tables():
        if not table.rows_are_groups or table.key == "completeness":
            continue
        for j, column in enumerate(table.columns):
            assert len(query.members(table.key, column.key)) == table.counts[0][j], (table.key, column.key)


def test_filter_by_caseworker(unit_a: MappingWorld) -> None:
    params = Params(start=DEFAULT.start, reference_date=TODAY, caseworker_id=unit_a.cw2.pk)
    dashboard = mapping_for(user=unit_a.world.manager, unit_code=None, params=params)
    assert _column_counts(dashboard, "headline") == {"sick_listed": 1, "not_sick_listed": 0, "total": 1}
    assert _column_counts(dashboard, "sgi")["none"] == 1
    assert dashboard.caseworker == unit_a.cw2


def test_filter_by_degree(unit_a: MappingWorld) -> None:
    params = Params(start=DEFAULT.start, reference_date=TODAY, degree=75)
    dashboard = mapping_for(user=unit_a.world.manager, unit_code=None, params=params)
    assert _column_counts(dashboard, "headline") == {"sick_listed": 1, "not_sick_listed": 0, "total": 1}
    assert _column_counts(dashboard, "spell_length")["91-180"] == 1
    assert _column_counts(dashboard, "sex") == {"female": 0, "male": 1, "total": 1}
    # New spells at 75 %: A3's spell started at 100 % in January, so none.
    assert _column_counts(dashboard, "new_spells")["total"] == 0
    at_100 = mapping_for(
        user=unit_a.world.manager, unit_code=None, params=Params(start=DEFAULT.start, reference_date=TODAY, degree=100)
    )
    assert _column_counts(at_100, "new_spells")["2025-06"] == 1  # A2 (A3 is at 75 % now, so not in the population)


def test_an_earlier_reference_date(unit_a: MappingWorld) -> None:
    """On 2025-02-15: A3 (100 %, Jan spell) and A4 (25 %) sick-listed; A5's case was still open; A1 had no case."""
    params = Params(start=datetime.date(2024, 7, 1), reference_date=datetime.date(2025, 2, 15))
    dashboard = mapping_for(user=unit_a.world.manager, unit_code=None, params=params)
    assert _column_counts(dashboard, "headline") == {"sick_listed": 2, "not_sick_listed": 2, "total": 4}
    assert _column_counts(dashboard, "degree") == {"25": 1, "50": 0, "75": 0, "100": 1, "total": 2}
    # SGI as known on that date: A3 unknown (recorded 2025-01-10); A2's and A4's were recorded later.
    assert _column_counts(dashboard, "sgi") == {"unknown": 4, "none": 0, "has": 0, "total": 4}
    # A4's spell: 2024-10-01..2025-05-01 = 213 days.
    assert _column_counts(dashboard, "spell_length")["181-364"] == 1


def test_the_units_maximum_gap_decides_the_spells(unit_a: MappingWorld) -> None:
    # With no gap allowed, A3's two certificates (two days apart) are two spells: the current one is 89 days.
    UnitCertificateSettings.objects.create(unit=unit_a.world.unit_a, max_gap=0)
    dashboard = mapping_for(user=unit_a.world.manager, unit_code=None, params=DEFAULT)
    counts = _column_counts(dashboard, "spell_length")
    assert counts["61-90"] == 1
    assert counts["91-180"] == 1
    assert _column_counts(dashboard, "new_spells")["2025-04"] == 1


def test_degrees_counted_in_the_database_agree_with_the_spell_rules(unit_a: MappingWorld) -> None:
    query = FigureQuery(units=[unit_a.world.unit_a], group_by=GROUP_BY_UNIT, params=DEFAULT)
    from_db = dict(query.status_cases.values_list("client_id", "current_degree"))
    spans = certificate_spans_by_client(Case.objects.filter(unit=unit_a.world.unit_a).values("client_id"))
    for client_id, degree in from_db.items():
        sick_leave = sick_leave_as_of(spans.get(client_id, []), DEFAULT.reference_date, DEFAULT_MAX_GAP)
        assert sick_leave.current_degree == degree


def test_analysts_see_the_mapping_with_small_counts_hidden(unit_a: MappingWorld) -> None:
    dashboard = mapping_for(user=unit_a.world.analyst, unit_code=None, params=DEFAULT)
    assert dashboard.suppressed
    headline = dashboard.tables["headline"]
    assert all(cell.suppressed for cell in headline.rows[0].cells)
    assert headline.rows[0].total.display == "<5"


def test_aggregates_group_by_municipality_and_unit(unit_a: MappingWorld) -> None:
    viewer = unit_a.world.aggregate_viewer
    by_municipality = aggregate_for(user=viewer, group_by=GROUP_BY_MUNICIPALITY, params=DEFAULT)
    assert [r.label for r in by_municipality.tables["headline"].rows] == ["Halmstad", "Laholm"]
    by_unit = aggregate_for(user=viewer, group_by=GROUP_BY_UNIT, params=DEFAULT)
    assert [r.key for r in by_unit.tables["headline"].rows] == ["HAL-EB", "HAL-SDF", "LAH-EB"]
    for dashboard in (by_municipality, by_unit):
        assert dashboard.suppressed
        for table in dashboard.tables.values():
            for row in [*table.rows, table.totals]:
                for cell in [*row.cells, row.total]:
                    assert cell.suppressed or cell.value == 0 or cell.value >= 5
    # The analyst sees only the municipality of their unit.
    analyst = aggregate_for(user=unit_a.world.analyst, group_by=GROUP_BY_MUNICIPALITY, params=DEFAULT)
    assert [r.label for r in analyst.tables["headline"].rows] == ["Halmstad"]


def test_query_count_does_not_grow_with_the_clients(unit_a: MappingWorld, add_clients: Any) -> None:
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            mapping_for(user=unit_a.world.manager, unit_code=None, params=DEFAULT)
        return len(queries)

    add_clients(5)
    few = count_queries()
    add_clients(35)
    many = count_queries()
    assert few == many
    assert many <= 16, many


def test_one_table_alone_is_the_same_as_in_the_whole_mapping(unit_a: MappingWorld) -> None:
    """A chart computes only its own table (mapping_for(only=…)): it must show what the page shows."""
    whole = mapping_for(user=unit_a.world.manager, unit_code=None, params=DEFAULT)
    assert len(whole.tables) > 5
    for key, table in whole.tables.items():
        alone = mapping_for(user=unit_a.world.manager, unit_code=None, params=DEFAULT, only=key)
        assert list(alone.tables) == [key]
        assert alone.tables[key] == table, key
    assert mapping_for(user=unit_a.world.manager, unit_code=None, params=DEFAULT, only="completeness").tables == {}
    assert mapping_for(user=unit_a.world.manager, unit_code=None, params=DEFAULT, only="no-such-table").tables == {}
