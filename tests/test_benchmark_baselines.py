"""The benchmarks' hand-written SQL computes the same figures as the app (benchmarks/measure/baseline_*.py).

On a small, deliberately awkward sample (benchmarks/measure/sample.py: overlapping and gapped certificates, codes
missing, coordination numbers, clients in two units of one municipality, every rule of the worklist due somewhere)
each baseline is compared with the app's own figures, on whichever database the suite runs on. Timings are not
tested here; they are the benchmark's business.
"""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from benchmarks.measure import baseline_outcomes, baseline_pages, baseline_stats
from benchmarks.measure.compare import agree
from benchmarks.measure.endpoints import endpoints, floors, log_in
from benchmarks.measure.sample import SampleWorld, build_sample
from rattvag.accounts.models import Role, Unit, User
from rattvag.clients.models import Case, CaseStatus
from rattvag.followup.selectors import worklist_items
from rattvag.outcomes.reports import movement_report, time_to_outcome_report
from rattvag.outcomes.scope import Period, resolve_group
from rattvag.stats import selectors as stats_selectors
from rattvag.stats.api import dashboard_json
from rattvag.stats.figures import GROUP_BY_MUNICIPALITY, GROUP_BY_UNIT, FigureQuery, Params
from rattvag.stats.tables import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample(db: None) -> SampleWorld:
    return build_sample(clients=300, seed=7)


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


def test_unit_mapping_baseline_gives_the_apps_exact_counts(sample: SampleWorld, today: datetime.date) -> None:
    for unit in Unit.objects.filter(code__startswith="S7-"):
        for start in (today - datetime.timedelta(days=365), today - datetime.timedelta(days=60)):
            query = FigureQuery(units=[unit], group_by=GROUP_BY_UNIT, params=Params(start=start, reference_date=today))
            tables = publish(query.tables(with_care_unit_completeness=True), rule=None, total_label="Total")
            app, hidden = baseline_stats.figures_from_tables([t.as_json() for t in tables.values()])
            sql = baseline_stats.stats_figures(
                unit_ids=[unit.pk], start=start, reference=today, group_by="unit", dedup=False, care_unit_rows=True
            )
            agreement = agree(app, sql, hidden=hidden)
            assert not hidden
            assert agreement.same, agreement.text()
            assert agreement.compared > 30


@pytest.mark.parametrize("group_by", [GROUP_BY_MUNICIPALITY, GROUP_BY_UNIT])
def test_aggregate_baseline_gives_every_count_the_app_shows(
    sample: SampleWorld, today: datetime.date, group_by: str
) -> None:
    start = today - datetime.timedelta(days=365)
    dashboard = stats_selectors.aggregate_for(
        user=sample.aggregate_viewer, group_by=group_by, params=Params(start=start, reference_date=today)
    )
    app, hidden = baseline_stats.figures_from_tables(dashboard_json(dashboard)["tables"])
    sql = baseline_stats.stats_figures(
        unit_ids=list(Unit.objects.values_list("pk", flat=True)),
        start=start,
        reference=today,
        group_by=group_by,
        dedup=True,
    )
    agreement = agree(app, sql, hidden=hidden)
    assert agreement.same, agreement.text()
    assert agreement.compared > 20


def test_movement_baseline_agrees(sample: SampleWorld, today: datetime.date) -> None:
    start = today - datetime.timedelta(days=365)
    group = resolve_group(sample.unit_manager, unit=sample.unit.code)
    report = movement_report(group=group, period=Period(start, today))
    sql = baseline_outcomes.movement_figures(unit_ids=list(group.unit_ids), start=start, end=today)
    assert report.assessed_clients.value == sql.assessed_clients
    assert report.compared.value == sql.compared
    assert (report.up.value, report.same.value, report.down.value) == (
        sql.direction(1),
        sql.direction(0),
        sql.direction(-1),
    )
    shown = {steps: cell.value for steps, cell in report.distribution if not cell.suppressed}
    assert shown
    assert all(sql.distribution.get(steps, 0) == n for steps, n in shown.items())


@pytest.mark.parametrize("days", [365, 800])
def test_time_to_outcome_baseline_agrees(sample: SampleWorld, today: datetime.date, days: int) -> None:
    start = today - datetime.timedelta(days=days)
    group = resolve_group(sample.unit_manager, unit=sample.unit.code)
    report = time_to_outcome_report(group=group, period=Period(start, today), as_of=today)
    sql = baseline_outcomes.time_to_outcome_figures(unit_ids=list(group.unit_ids), start=start, end=today, as_of=today)
    for code, _label, cell in report.outcomes:
        if not cell.suppressed:
            assert sql.outcomes.get(code, 0) == cell.value, code
    medians = 0
    for endpoint in report.endpoints:
        series, figures = endpoint.series[0], sql.endpoints[endpoint.code]
        assert (series.total.value, series.events.value, series.censored.value) == (
            figures.n,
            figures.events,
            figures.censored,
        )
        if series.estimate is not None:
            assert series.estimate.median == figures.median, endpoint.code
            medians += series.estimate.median is not None
    if days == 800:
        assert medians, "the longer cohort reaches a median somewhere"


def test_worklist_baseline_gives_the_same_items_for_every_caseworker(sample: SampleWorld, today: datetime.date) -> None:
    for caseworker in User.objects.filter(role=Role.CASEWORKER, username__startswith="S7-"):
        app = baseline_pages.app_worklist_rows(caseworker, today)
        sql = baseline_pages.worklist_rows(user_id=caseworker.pk, today=today)
        assert app.items == sql.items, caseworker.username
    rules = Counter(i.rule.code for i in worklist_items(cases=Case.objects.filter(status=CaseStatus.OPEN), today=today))
    assert set(rules) == set(baseline_pages.RULE_CODES), "every rule is due somewhere in the sample"


def test_client_page_baseline_agrees_for_many_clients(sample: SampleWorld, today: datetime.date) -> None:
    cases = Case.objects.filter(status=CaseStatus.OPEN, responsible__isnull=False).select_related("responsible")
    for case in cases.order_by("pk")[:40]:
        app = baseline_pages.app_client_page(case.responsible, case.client_id, today)
        sql = baseline_pages.client_page(client_id=case.client_id, user_id=case.responsible_id, today=today)
        agreement = agree(app.figures(), sql.figures())
        assert agreement.same, (case.client_id, agreement.text())


def test_every_endpoint_answers_and_its_baseline_agrees(sample: SampleWorld) -> None:
    """The harness's own loop, once per endpoint: 200 through the whole stack, and "same figures: yes"."""
    for endpoint in endpoints(sample):
        response = log_in(endpoint.user).get(endpoint.path)
        assert response.status_code == 200, endpoint.key
        agreement = endpoint.agreement(response, endpoint.baseline())
        assert agreement.same, (endpoint.key, agreement.text())


def test_the_floor_requests_answer_as_the_harness_expects(sample: SampleWorld) -> None:
    """The harness stops on a floor request with another status: a redirect for the caseworker, a page for the
    analyst."""
    answers = {floor.key: log_in(floor.user).get(floor.path).status_code for floor in floors(sample)}
    assert (
        answers == {floor.key: floor.status for floor in floors(sample)} == {"floor_redirect": 302, "floor_frame": 200}
    )
