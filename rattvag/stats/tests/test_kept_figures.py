"""Kept statistics: computed once for a page and its charts, labelled with their time, recomputed after the
keeping time; who may see them is still decided on every request."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from rattvag.accounts.models import User
from rattvag.core import kept_figures

from .conftest import NOW, MappingWorld

pytestmark = pytest.mark.django_db

Login = Callable[[User], HttpClient]
Q = "unit=HAL-EB&from=2024-07-01&to=2025-06-16"


def _mapping(api: Any) -> dict[str, Any]:
    response = api.get(f"/api/v1/stats/mapping?{Q}")
    assert response.status_code == 200, response.content
    return response.json()


def _sick_listed(body: dict[str, Any]) -> int:
    headline = next(t for t in body["tables"] if t["key"] == "headline")
    return headline["totals"]["cells"][0]["value"]


def test_kept_figures_stay_with_their_time_until_the_keeping_time_has_passed(
    keeping_figures: None, unit_a: MappingWorld, api_as: Any, add_clients: Callable[[int], None], time_machine: Any
) -> None:
    api = api_as(unit_a.world.caseworker)
    first = _mapping(api)
    assert _sick_listed(first) == 3
    assert datetime.datetime.fromisoformat(first["computed_at"]) == NOW

    add_clients(1)
    time_machine.move_to(NOW + datetime.timedelta(seconds=299), tick=False)
    kept = _mapping(api)
    assert _sick_listed(kept) == 3  # stale by design, and says so
    assert kept["computed_at"] == first["computed_at"]

    time_machine.move_to(NOW + datetime.timedelta(seconds=301), tick=False)
    fresh = _mapping(api)
    assert _sick_listed(fresh) == 4
    assert datetime.datetime.fromisoformat(fresh["computed_at"]) == NOW + datetime.timedelta(seconds=301)


def test_without_keeping_every_request_counts_anew(
    unit_a: MappingWorld, api_as: Any, add_clients: Callable[[int], None]
) -> None:
    api = api_as(unit_a.world.caseworker)
    assert _sick_listed(_mapping(api)) == 3
    add_clients(1)
    assert _sick_listed(_mapping(api)) == 4


def test_the_page_says_when_its_figures_were_computed_and_how_long_they_are_kept(
    keeping_figures: None, unit_a: MappingWorld, login_as: Login
) -> None:
    html = login_as(unit_a.world.caseworker).get(f"/stats/mapping/?{Q}").content.decode()
    note = html.split('data-testid="computed">', 1)[1].split("</p>", 1)[0]
    assert "2025-06-16 12:00" in note  # 10:00 UTC in Stockholm's summer time
    assert "5" in note


def test_the_charts_of_a_page_use_the_figures_the_page_computed(
    keeping_figures: None, unit_a: MappingWorld, login_as: Login
) -> None:
    http = login_as(unit_a.world.caseworker)
    with CaptureQueriesContext(connection) as alone:
        assert (
            http.get("/stats/mapping/chart/chapters.svg?unit=HAL-EB&from=2024-07-02&to=2025-06-16").status_code == 200
        )
    assert any("certificateperiod" in q["sql"] for q in alone.captured_queries)

    assert http.get(f"/stats/mapping/?{Q}").status_code == 200
    for table in ("chapters", "care_units", "new_spells"):
        with CaptureQueriesContext(connection) as after_page:
            assert http.get(f"/stats/mapping/chart/{table}.svg?{Q}").status_code == 200
        assert not any("certificateperiod" in q["sql"] for q in after_page.captured_queries), table


def test_kept_figures_are_still_only_for_those_who_may_see_them(
    keeping_figures: None, unit_a: MappingWorld, login_as: Login
) -> None:
    assert login_as(unit_a.world.caseworker).get(f"/stats/mapping/?{Q}").status_code == 200
    other = login_as(unit_a.world.caseworker_other_unit)
    assert other.get(f"/stats/mapping/?{Q}").status_code == 404
    assert other.get(f"/stats/mapping/chart/chapters.svg?{Q}").status_code == 404
    assert login_as(unit_a.world.nurse).get(f"/stats/mapping/?{Q}").status_code == 404


def test_exact_and_suppressed_figures_of_a_unit_are_kept_apart(
    keeping_figures: None, unit_a: MappingWorld, api_as: Any
) -> None:
    exact = _mapping(api_as(unit_a.world.caseworker))
    suppressed = _mapping(api_as(unit_a.world.analyst))
    assert exact["suppression"]["applied"] is False
    assert suppressed["suppression"]["applied"] is True
    assert _sick_listed(exact) == 3
    assert _sick_listed(suppressed) is None  # 3 is a small count outside the unit
    assert _sick_listed(_mapping(api_as(unit_a.world.caseworker))) == 3


def test_figures_are_kept_per_language(keeping_figures: None) -> None:
    with translation.override("sv"):
        swedish = kept_figures.kept(("labels",), lambda: gettext("Total")).value
    with translation.override("en"):
        english = kept_figures.kept(("labels",), lambda: gettext("Total")).value
    assert (swedish, english) == ("Totalt", "Total")


def test_a_chart_of_exact_figures_is_never_shown_for_suppressed_ones(
    keeping_figures: None, unit_a: MappingWorld, login_as: Login
) -> None:
    exact = login_as(unit_a.world.caseworker).get(f"/stats/mapping/chart/headline.svg?{Q}")
    suppressed = login_as(unit_a.world.analyst).get(f"/stats/mapping/chart/headline.svg?{Q}")
    assert exact.status_code == suppressed.status_code == 200
    assert "&lt;5" not in exact.content.decode()
    assert "&lt;5" in suppressed.content.decode()
    again = login_as(unit_a.world.caseworker).get(f"/stats/mapping/chart/headline.svg?{Q}")
    assert again.content == exact.content
