"""The seven measured endpoints: how each is requested, its SQL baseline, and the app's figures to compare.

Requests go in-process through the whole Django stack (``django.test.Client``, the real middleware, a session
that passed two-factor login, DEBUG off). The app's figures come from the response where it is JSON, and from
the selector the page renders otherwise (the same call the view makes, outside the timing).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.http import HttpResponse
from django.test import Client as HttpClient
from django.utils import timezone

from . import baseline_outcomes, baseline_pages, baseline_stats
from .compare import Agreement, agree


class Subjects(Protocol):
    """``rattvag.synthetic.selectors.BenchmarkSubjects`` or the sample's ``SampleWorld`` (frozen dataclasses)."""

    @property
    def unit(self) -> Any: ...
    @property
    def caseworker(self) -> Any: ...
    @property
    def unit_manager(self) -> Any: ...
    @property
    def aggregate_viewer(self) -> Any: ...
    @property
    def analyst(self) -> Any: ...
    @property
    def client_id(self) -> int: ...


@dataclass
class Endpoint:
    key: str
    title: str
    user: Any
    path: str
    baseline: Callable[[], Any]  # the hand-written SQL (timed the same way)
    agreement: Callable[[HttpResponse, Any], Agreement]  # app figures (response) vs baseline result
    kept: bool = False  # statistics that production keeps a few minutes (rattvag.core.kept_figures)

    @property
    def who(self) -> str:
        return str(self.user.role)


def log_in(user: Any) -> HttpClient:
    """A client whose session passed both login steps (as tests/fixtures/actors.py::log_in)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    http = HttpClient(SERVER_NAME="localhost")
    http.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
    session = http.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return http


def _json(response: HttpResponse) -> Any:
    return json.loads(response.content)


def endpoints(subjects: Subjects, *, today: datetime.date | None = None) -> list[Endpoint]:
    from rattvag.accounts.models import Unit
    from rattvag.outcomes.reports import movement_report, time_to_outcome_report
    from rattvag.outcomes.scope import Period, resolve_group
    from rattvag.stats import selectors as stats_selectors
    from rattvag.stats.api import dashboard_json
    from rattvag.stats.figures import Params

    today = today or timezone.localdate()
    unit = subjects.unit
    manager, caseworker, viewer = subjects.unit_manager, subjects.caseworker, subjects.aggregate_viewer
    map_start, map_end = stats_selectors.default_period(today)
    report_start = today - datetime.timedelta(days=365)
    report_query = f"unit={unit.code}&from={report_start.isoformat()}&to={today.isoformat()}"
    all_units = list(Unit.objects.order_by("pk").values_list("pk", flat=True))

    def mapping_sql() -> dict[str, int]:
        return baseline_stats.stats_figures(
            unit_ids=[unit.pk], start=map_start, reference=map_end, group_by="unit", dedup=False, care_unit_rows=True
        )

    def aggregate_sql() -> dict[str, int]:
        return baseline_stats.stats_figures(
            unit_ids=all_units, start=map_start, reference=map_end, group_by="municipality", dedup=True
        )

    def mapping_page_agreement(_response: HttpResponse, sql: dict[str, int]) -> Agreement:
        dashboard = stats_selectors.mapping_for(
            user=manager, unit_code=unit.code, params=Params(start=map_start, reference_date=map_end)
        )
        shown, hidden = baseline_stats.figures_from_tables(dashboard_json(dashboard)["tables"])
        return agree(shown, sql, hidden=hidden)

    def json_tables_agreement(response: HttpResponse, sql: dict[str, int]) -> Agreement:
        shown, hidden = baseline_stats.figures_from_tables(_json(response)["tables"])
        return agree(shown, sql, hidden=hidden)

    group = resolve_group(manager, unit=unit.code)
    period = Period(report_start, today)

    def movement_sql() -> baseline_outcomes.MovementFigures:
        return baseline_outcomes.movement_figures(unit_ids=list(group.unit_ids), start=report_start, end=today)

    def movement_agreement(_response: HttpResponse, sql: baseline_outcomes.MovementFigures) -> Agreement:
        report = movement_report(group=group, period=period)
        app: dict[str, Any] = {}
        hidden: set[str] = set()

        def put(key: str, cell: Any) -> None:
            if cell.suppressed:
                hidden.add(key)
            else:
                app[key] = cell.value

        for key, cell in (
            ("assessed_clients", report.assessed_clients),
            ("compared", report.compared),
            ("up", report.up),
            ("same", report.same),
            ("down", report.down),
        ):
            put(key, cell)
        for steps, cell in report.distribution:
            put(f"moved {steps:+d}", cell)
        numbers = report.transitions.steps
        for i, row in enumerate(report.transitions.rows[: len(numbers)]):
            for j, cell in enumerate(row[: len(numbers)]):
                put(f"from {numbers[i]} to {numbers[j]}", cell)
        return agree(app, sql.key_figures(), hidden=hidden)

    def time_to_outcome_sql() -> baseline_outcomes.TimeToOutcomeFigures:
        return baseline_outcomes.time_to_outcome_figures(
            unit_ids=list(group.unit_ids), start=report_start, end=today, as_of=today
        )

    def time_to_outcome_agreement(_response: HttpResponse, sql: baseline_outcomes.TimeToOutcomeFigures) -> Agreement:
        report = time_to_outcome_report(group=group, period=period, as_of=today)
        app: dict[str, Any] = {}
        hidden: set[str] = set()
        for code, _label, cell in report.outcomes:
            if cell.suppressed:
                hidden.add(f"closed {code}")
            else:
                app[f"closed {code}"] = cell.value
        for endpoint in report.endpoints:
            series = endpoint.series[0]
            for name, cell in (("n", series.total), ("events", series.events), ("censored", series.censored)):
                if cell.suppressed:
                    hidden.add(f"{endpoint.code} {name}")
                else:
                    app[f"{endpoint.code} {name}"] = cell.value
            if series.estimate is None:
                hidden.add(f"{endpoint.code} median days")
            else:
                app[f"{endpoint.code} median days"] = series.estimate.median
        return agree(app, sql.key_figures(), hidden=hidden)

    def worklist_sql() -> baseline_pages.WorklistRows:
        return baseline_pages.worklist_rows(user_id=caseworker.pk, today=today)

    def worklist_agreement(_response: HttpResponse, sql: baseline_pages.WorklistRows) -> Agreement:
        return agree(baseline_pages.app_worklist_rows(caseworker, today).figures(), sql.figures())

    def client_sql() -> baseline_pages.ClientPage:
        return baseline_pages.client_page(client_id=subjects.client_id, user_id=caseworker.pk, today=today)

    def client_agreement(_response: HttpResponse, sql: baseline_pages.ClientPage) -> Agreement:
        return agree(baseline_pages.app_client_page(caseworker, subjects.client_id, today).figures(), sql.figures())

    return [
        Endpoint(
            "mapping_page",
            "Unit mapping page /stats/mapping/",
            manager,
            f"/stats/mapping/?unit={unit.code}",
            mapping_sql,
            mapping_page_agreement,
            kept=True,
        ),
        Endpoint(
            "mapping_api",
            "Unit mapping API /api/v1/stats/mapping",
            manager,
            f"/api/v1/stats/mapping?unit={unit.code}",
            mapping_sql,
            json_tables_agreement,
            kept=True,
        ),
        Endpoint(
            "aggregate_api",
            "National aggregate API /api/v1/stats/aggregate",
            viewer,
            "/api/v1/stats/aggregate?group_by=municipality",
            aggregate_sql,
            json_tables_agreement,
            kept=True,
        ),
        Endpoint("worklist", "Worklist /worklist/", caseworker, "/worklist/", worklist_sql, worklist_agreement),
        Endpoint(
            "client_page",
            "Client page /clients/<id>/",
            caseworker,
            f"/clients/{subjects.client_id}/",
            client_sql,
            client_agreement,
        ),
        Endpoint(
            "movement",
            "Movement report /outcomes/movement/",
            manager,
            f"/outcomes/movement/?{report_query}",
            movement_sql,
            movement_agreement,
            kept=True,
        ),
        Endpoint(
            "time_to_outcome",
            "Time-to-outcome report /outcomes/time-to-outcome/",
            manager,
            f"/outcomes/time-to-outcome/?{report_query}",
            time_to_outcome_sql,
            time_to_outcome_agreement,
            kept=True,
        ),
    ]


@dataclass
class Floor:
    """A request that reads no client data: what every page costs before its own work."""

    key: str
    title: str
    user: Any
    path: str
    status: int


def floors(subjects: Subjects) -> list[Floor]:
    """The request around the work, through the same stack and session as the endpoints: the start page answers a
    caseworker with a redirect (middleware, session, user, two-factor check; no template) and an analyst with
    the page frame (the same plus the base template: header, navigation, footer)."""
    return [
        Floor("floor_redirect", "Start page, redirected", subjects.caseworker, "/", 302),
        Floor("floor_frame", "Start page, the page frame", subjects.analyst, "/", 200),
    ]
