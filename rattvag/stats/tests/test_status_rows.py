"""The status tables are counted from rows read once: the same figures and members as the subqueries define."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rattvag.stats.figures import (
    AGE,
    CARE_UNITS,
    CHAPTERS_TABLE,
    CODES,
    DEGREE,
    GROUP_BY_UNIT,
    HEADLINE,
    SEX,
    SGI,
    SPELL_LENGTH,
    TOTAL,
    FigureQuery,
    Params,
)

from .conftest import TODAY, MappingWorld, register

pytestmark = pytest.mark.django_db

DEFAULT = Params(start=datetime.date(2024, 7, 1), reference_date=TODAY)
STATUS_TABLES = (HEADLINE, SGI, CHAPTERS_TABLE, CODES, CARE_UNITS, DEGREE, AGE, SEX, SPELL_LENGTH)


def _query(unit_a: MappingWorld, params: Params = DEFAULT) -> FigureQuery:
    return FigureQuery(units=[unit_a.world.unit_a], group_by=GROUP_BY_UNIT, params=params)


def test_the_members_of_every_cell_are_the_clients_the_table_counts(unit_a: MappingWorld) -> None:
    query = _query(unit_a)
    for key in STATUS_TABLES:
        table = query.table(key)
        assert table is not None
        for j, column in enumerate(table.columns):
            assert len(query.members(key, column.key)) == table.counts[0][j], (key, column.key)
        # Every client counts in exactly one column (a spell length: the sick-listed clients with a current spell).
        assert len(query.members(key, TOTAL)) == sum(table.counts[0]), key


def test_the_current_certificate_is_the_covering_one_issued_last(unit_a: MappingWorld) -> None:
    # A1 gets a second certificate covering the reference date, issued later: it is the current one.
    a1 = unit_a.clients["A1"]
    D = datetime.date
    later = register(
        unit_a.world.caseworker,
        a1,
        care_unit="Vårdcentralen Väster",
        code="J45",
        periods=[(25, D(2025, 6, 10), D(2025, 6, 30))],
    )
    query = _query(unit_a)
    from_subqueries = {
        client_id: (certificate, degree)
        for client_id, certificate, degree in query.status_cases.values_list(
            "client_id", "current_certificate", "current_degree"
        )
        if certificate is not None
    }
    rows = query._sick_rows[unit_a.world.unit_a.code]
    assert {client_id: (row.certificate, row.degree) for client_id, row in rows.items()} == from_subqueries
    assert from_subqueries[a1.pk] == (later.pk, 25)

    degree = query.degree()
    assert degree.count(unit_a.world.unit_a.code, "25") == 1
    assert degree.count(unit_a.world.unit_a.code, "50") == 0
    assert query.codes().count(unit_a.world.unit_a.code, "J45") == 1
    assert query.members(CARE_UNITS, str(later.care_unit_id)) == {a1.pk}
    assert query.headline().count(unit_a.world.unit_a.code, "sick_listed") == 3


def test_the_status_tables_read_the_database_twice(unit_a: MappingWorld) -> None:
    query = _query(unit_a)
    with CaptureQueriesContext(connection) as status:
        for key in (HEADLINE, SGI, CHAPTERS_TABLE, CODES, CARE_UNITS, DEGREE, AGE, SEX):
            query.table(key)
        for key in (HEADLINE, SGI, CHAPTERS_TABLE, CODES, CARE_UNITS, DEGREE, AGE, SEX):
            query.members(key, TOTAL)
    assert len(status.captured_queries) == 2
    for key, queries in ((CHAPTERS_TABLE, 1), (SGI, 1), (AGE, 1), (HEADLINE, 2)):
        with CaptureQueriesContext(connection) as alone:
            _query(unit_a).table(key)
        assert len(alone.captured_queries) == queries, key


def test_a_degree_filter_narrows_every_status_table(unit_a: MappingWorld) -> None:
    query = _query(unit_a, Params(start=DEFAULT.start, reference_date=DEFAULT.reference_date, degree=75))
    code = unit_a.world.unit_a.code
    assert query.headline().counts == [[1, 0]]
    assert query.members(HEADLINE, TOTAL) == {unit_a.clients["A3"].pk}
    assert query.codes().count(code, "F438A") == 1
    assert sum(query.sex().counts[0]) == 1
