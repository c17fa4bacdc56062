"""Reports are kept a few minutes once computed: the page says so, its chart uses the same figures."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .test_views import DAY, REPORT_PAGES

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(world, assess, today):
    assess(world.client_a, 2, today - 20 * DAY, world.caseworker)
    assess(world.client_a, 4, today - 5 * DAY, world.caseworker)


@pytest.mark.parametrize("name", [name for name in REPORT_PAGES if name != "reports"])
def test_every_report_page_shows_kept_figures_the_same_way_twice(keeping_figures, world, login_as, assessed, name):
    http = login_as(world.manager)
    first = http.get(reverse(f"outcomes:{name}"), {"from": "2020-01-01"})
    again = http.get(reverse(f"outcomes:{name}"), {"from": "2020-01-01"})
    assert first.status_code == again.status_code == 200
    assert 'data-testid="computed"' in first.content.decode()
    assert again.context["report"] == first.context["report"]


def test_a_report_chart_uses_the_figures_its_page_computed(keeping_figures, world, login_as, assessed):
    http = login_as(world.manager)
    with CaptureQueriesContext(connection) as alone:
        assert http.get(reverse("outcomes:movement_chart"), {"from": "2020-01-02"}).status_code == 200
    assert any("ladderassessment" in q["sql"] for q in alone.captured_queries)

    assert http.get(reverse("outcomes:movement"), {"from": "2020-01-01"}).status_code == 200
    with CaptureQueriesContext(connection) as after_page:
        assert http.get(reverse("outcomes:movement_chart"), {"from": "2020-01-01"}).status_code == 200
    assert not any("ladderassessment" in q["sql"] for q in after_page.captured_queries)


def test_a_kept_report_shows_new_records_after_the_keeping_time(
    keeping_figures, world, login_as, assess, today, time_machine
):
    time_machine.move_to(today, tick=False)
    http = login_as(world.manager)
    assess(world.client_a, 2, today - 20 * DAY, world.caseworker)
    assess(world.client_a, 4, today - 5 * DAY, world.caseworker)
    before = http.get(reverse("outcomes:movement"), {"from": "2020-01-01"}).context["report"]
    assess(world.client_a, 5, today - 1 * DAY, world.caseworker)
    kept = http.get(reverse("outcomes:movement"), {"from": "2020-01-01"}).context["report"]
    assert kept == before
    time_machine.shift(301)
    fresh = http.get(reverse("outcomes:movement"), {"from": "2020-01-01"}).context["report"]
    assert fresh != before
    assert [steps for steps, cell in fresh.distribution if cell.display != "0"] == [3]


def test_other_users_do_not_reach_kept_reports_they_may_not_see(keeping_figures, world, login_as, assessed):
    assert login_as(world.manager).get(reverse("outcomes:movement"), {"unit": "HAL-EB"}).status_code == 200
    assert login_as(world.manager).get(reverse("outcomes:movement"), {"unit": "LAH-EB"}).status_code == 404
    assert login_as(world.nurse).get(reverse("outcomes:movement"), {"unit": "HAL-EB"}).status_code == 404
