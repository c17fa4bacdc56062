"""The statistics API: the same numbers as the pages, hidden cells as null, 404 for whoever may not see them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rattvag.accounts.models import User
from rattvag.api.tests.helpers import TokenClient

from .conftest import EXPECTED, MappingWorld

pytestmark = pytest.mark.django_db

API = "/api/v1/stats"
ApiAs = Callable[[User], TokenClient]


def _counts(table: dict[str, Any], row: int = 0) -> dict[str, int | None]:
    values = {c["key"]: cell["value"] for c, cell in zip(table["columns"], table["rows"][row]["cells"], strict=True)}
    values["total"] = table["rows"][row]["total"]["value"]
    return values


def _page_tables(response: Any) -> dict[str, Any]:
    """What the page rendered, from its context: the dashboard's published tables as JSON."""
    return {key: table.as_json() for key, table in response.context["dashboard"].tables.items()}


def test_the_mapping_endpoint_returns_the_pages_numbers(unit_a: MappingWorld, api_as: ApiAs, login_as: Any) -> None:
    query = "unit=HAL-EB&from=2024-07-01&to=2025-06-16"
    response = api_as(unit_a.world.manager).get(f"{API}/mapping?{query}")
    assert response.status_code == 200
    body = response.json()
    assert body["unit"] == {"code": "HAL-EB", "name": "Ekonomiskt bistånd Halmstad"}
    assert body["period_start"] == "2024-07-01"
    assert body["period_end"] == "2025-06-16"
    assert body["suppression"] == {"applied": False, "threshold": None}
    tables = {t["key"]: t for t in body["tables"]}
    for key, expected in EXPECTED.items():
        counts = _counts(tables[key])
        for column, value in expected.items():
            assert counts[column] == value, (key, column)
    page = login_as(unit_a.world.manager).get(f"/stats/mapping/?{query}")
    assert _page_tables(page) == tables


def test_the_aggregate_endpoint_returns_the_pages_numbers(unit_a: MappingWorld, api_as: ApiAs, login_as: Any) -> None:
    viewer = unit_a.world.aggregate_viewer
    body = api_as(viewer).get(f"{API}/aggregate?group_by=unit&from=2024-07-01&to=2025-06-16").json()
    assert body["group_by"] == "unit"
    assert body["suppression"] == {"applied": True, "threshold": 5}
    assert [g["key"] for g in body["groups"]] == ["HAL-EB", "HAL-SDF", "LAH-EB"]
    tables = {t["key"]: t for t in body["tables"]}
    page = login_as(viewer).get("/stats/aggregate/?group_by=unit&from=2024-07-01&to=2025-06-16")
    assert _page_tables(page) == tables
    # Unit A's four clients in the method: every count of its row is hidden, as null.
    headline = tables["headline"]["rows"][0]
    assert headline["cells"] == [{"value": None, "suppressed": True}, {"value": None, "suppressed": True}]
    assert headline["total"] == {"value": None, "suppressed": True}
    assert tables["headline"]["rows"][2]["total"] == {"value": 0, "suppressed": False}


def test_the_analyst_gets_the_mapping_suppressed_and_only_their_municipality(
    unit_a: MappingWorld, api_as: ApiAs
) -> None:
    http = api_as(unit_a.world.analyst)
    mapping = http.get(f"{API}/mapping?unit=HAL-EB").json()
    assert mapping["suppression"] == {"applied": True, "threshold": 5}
    assert all(cell["value"] is None for t in mapping["tables"] for cell in t["rows"][0]["cells"] if cell["suppressed"])
    aggregate = http.get(f"{API}/aggregate").json()
    assert [g["label"] for g in aggregate["groups"]] == ["Halmstad"]


@pytest.mark.parametrize("actor", ["nurse", "partner_officer", "admin", "aggregate_viewer", "caseworker_other_unit"])
def test_the_mapping_endpoint_is_404_for_others(unit_a: MappingWorld, api_as: ApiAs, actor: str) -> None:
    response = api_as(getattr(unit_a.world, actor)).get(f"{API}/mapping?unit=HAL-EB")
    assert response.status_code == 404
    assert response.json() == {"message": "Hittades inte.", "errors": []}


@pytest.mark.parametrize("actor", ["nurse", "partner_officer", "admin", "caseworker", "manager"])
def test_the_aggregate_endpoint_is_404_for_others(unit_a: MappingWorld, api_as: ApiAs, actor: str) -> None:
    assert api_as(getattr(unit_a.world, actor)).get(f"{API}/aggregate").status_code == 404


def test_without_a_token_the_api_answers_401(unit_a: MappingWorld, anonymous: TokenClient) -> None:
    assert anonymous.get(f"{API}/mapping?unit=HAL-EB").status_code == 401
    assert anonymous.get(f"{API}/aggregate").status_code == 401


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/mapping?unit=HAL-EB&from=2025-06-10&to=2025-05-01", "from"),
        ("/mapping?unit=HAL-EB&to=2099-01-01", "to"),
        ("/mapping?unit=HAL-EB&from=yesterday", "from"),
        ("/mapping", "unit"),
        ("/aggregate?group_by=caseworker", "group_by"),
    ],
)
def test_invalid_filters_answer_422(unit_a: MappingWorld, api_as: ApiAs, url: str, field: str) -> None:
    response = api_as(unit_a.world.manager if "mapping" in url else unit_a.world.analyst).get(f"{API}{url}")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_the_endpoints_are_documented(unit_a: MappingWorld, api_as: ApiAs) -> None:
    schema = api_as(unit_a.world.manager).get("/api/v1/openapi.json").json()
    assert "/api/v1/stats/mapping" in schema["paths"]
    assert "/api/v1/stats/aggregate" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/stats/mapping"]["get"]["parameters"]}
    assert {"unit", "from", "to"} <= parameters
