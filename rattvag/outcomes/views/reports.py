"""The report pages, their charts and the summary exports.

Each page reads its group and period from the query string (`group`, or the API's `unit` /
`municipality`, and `from` / `to`), calls the same report function as the API and shows the numbers
as a table beside a chart. Reports hold no person, so the aggregate viewer sees them in full.
"""

from __future__ import annotations

import datetime
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rattvag.core import kept_figures
from rattvag.stats.charts import bar_chart_svg, line_chart_svg, svg_chart_view, svg_response

from .. import exports
from ..forms import ReportFilterForm
from ..reports import (
    fidelity_report,
    indicator_report,
    movement_report,
    summary_report,
    time_to_outcome_report,
)
from ..reports.time_to_outcome import ENDPOINTS
from ..scope import default_period, group_choices, may_see_reports, resolve_group
from ..selectors import audit_report
from .common import current_user

EXTRA_FIELDS = {
    "movement": ("assessed_by",),
    "indicators": ("moment",),
    "time_to_outcome": ("origin", "by", "route"),
    "fidelity": (),
    "summary": (),
}


@dataclass
class ReportRequest:
    form: ReportFilterForm
    report: Any | None  # None when the filter form has errors
    computed_at: datetime.datetime | None = None

    @property
    def query(self) -> str:
        """The filter as a query string, for the chart and export addresses."""
        if self.report is None:
            return ""
        cleaned = self.form.cleaned_data
        params = {"group": cleaned["group"], "from": self.form.period.start, "to": self.form.period.end}
        for name in EXTRA_FIELDS.get(getattr(self.form, "kind", ""), ()):
            if cleaned.get(name):
                params[name] = cleaned[name]
        return urlencode({k: str(v) for k, v in params.items()})


def _build(request: HttpRequest, kind: str) -> ReportRequest:
    user = current_user(request)
    if not may_see_reports(user):
        raise Http404
    groups = group_choices(user)
    data = request.GET.copy()
    unit, municipality = request.GET.get("unit"), request.GET.get("municipality")
    if unit or municipality:
        data["group"] = resolve_group(user, unit=unit, municipality=municipality, choices=groups).key
    elif not data.get("group"):
        data["group"] = groups[0].key
    # Show the default period in the form (1 January to today) rather than empty date fields.
    default = default_period()
    if not data.get("to"):
        data["to"] = default.end.isoformat()
    if not data.get("from"):
        data["from"] = default.start.isoformat()
    form = ReportFilterForm(data, groups=groups, extra=kind)
    form.kind = kind  # type: ignore[attr-defined]
    if not form.is_valid():
        return ReportRequest(form=form, report=None)
    group, period = form.selected_group, form.period
    cleaned = form.cleaned_data
    builders: dict[str, Callable[[], Any]] = {
        "movement": lambda: movement_report(group=group, period=period, assessed_by=cleaned.get("assessed_by") or ""),
        "indicators": lambda: indicator_report(group=group, period=period, moment=cleaned.get("moment") or ""),
        "time_to_outcome": lambda: time_to_outcome_report(
            group=group,
            period=period,
            origin=cleaned.get("origin") or "opened",
            by=cleaned.get("by") or "none",
            route=cleaned.get("route") or "",
        ),
        "fidelity": lambda: fidelity_report(group=group, period=period),
        "summary": lambda: summary_report(group=group, period=period),
    }
    # Reports count whole units over periods: kept a few minutes (labelled on the page), so that the page and its
    # charts, and the unit's staff, share one computation. Open cases are judged as of today, hence the date.
    extra = tuple(str(cleaned.get(name) or "") for name in EXTRA_FIELDS[kind])
    parts = ("report", kind, group, period, extra, timezone.localdate())
    kept = kept_figures.kept(parts, builders[kind])
    return ReportRequest(form=form, report=kept.value, computed_at=kept.computed_at)


def _page(request: HttpRequest, kind: str, template: str) -> HttpResponse:
    built = _build(request, kind)
    if built.report is not None:
        audit_report(user=current_user(request), report=kind, group=built.form.selected_group, period=built.form.period)
    context = {
        "form": built.form,
        "report": built.report,
        "query": built.query,
        "kind": kind,
        "suppression_note": exports.suppression_note(),
        "computed_note": kept_figures.computed_note(built.computed_at) if built.computed_at else "",
    }
    return render(request, template, context)


@login_required
@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    if not may_see_reports(current_user(request)):
        raise Http404
    return render(request, "outcomes/report_index.html")


@login_required
@require_GET
def movement(request: HttpRequest) -> HttpResponse:
    return _page(request, "movement", "outcomes/report_movement.html")


@login_required
@require_GET
def indicators(request: HttpRequest) -> HttpResponse:
    return _page(request, "indicators", "outcomes/report_indicators.html")


@login_required
@require_GET
def time_to_outcome(request: HttpRequest) -> HttpResponse:
    return _page(request, "time_to_outcome", "outcomes/report_time_to_outcome.html")


@login_required
@require_GET
def fidelity(request: HttpRequest) -> HttpResponse:
    return _page(request, "fidelity", "outcomes/report_fidelity.html")


@login_required
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    return _page(request, "summary", "outcomes/report_summary.html")


# --- exports ------------------------------------------------------------------------------------


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    built = _build(request, "summary")
    if built.report is None:
        raise Http404
    audit_report(
        user=current_user(request),
        report="summary",
        group=built.form.selected_group,
        period=built.form.period,
        exported=fmt,
    )
    report = built.report
    filename = f"rattvag-summary-{report.group.code or 'all'}-{report.period.start}-{report.period.end}"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.summary_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.summary_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def summary_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")


@login_required
@require_GET
def summary_pdf(request: HttpRequest) -> HttpResponse:
    return _export(request, "pdf")


# --- charts (images beside the tables; the numbers are in the tables) ------------------------------


def _chart(request: HttpRequest, kind: str, draw: Callable[[Any], str]) -> HttpResponse:
    """A report's chart from the (kept) report; the charts module remembers what it has drawn."""
    built = _build(request, kind)
    if built.report is None:
        raise Http404
    return svg_response(draw(built.report))


@login_required
@require_GET
@svg_chart_view
def movement_chart(request: HttpRequest) -> HttpResponse:
    return _chart(request, "movement", _movement_svg)


def _movement_svg(report: Any) -> str:
    labels = [f"{steps:+d}" if steps else "0" for steps, _cell in report.distribution]
    return bar_chart_svg(
        title=_("Steps moved on the ladder"),
        labels=labels,
        values=[cell.value for _s, cell in report.distribution],
        annotations=[cell.display for _s, cell in report.distribution],
        xlabel=_("Steps moved (last assessment minus first)"),
        ylabel=_("Clients"),
        description=_("Clients by steps moved; the same figures are in the table on the page."),
    )


@login_required
@require_GET
@svg_chart_view
def indicators_chart(request: HttpRequest) -> HttpResponse:
    return _chart(request, "indicators", _indicators_svg)


def _indicators_svg(report: Any) -> str:
    rows = report.rows
    return bar_chart_svg(
        title=_("Share meeting each indicator"),
        labels=[textwrap.fill(f"{row.indicator_label} ({row.moment_label.lower()})", 32) for row in rows],
        values=[None if row.share is None else round(row.share * 100, 1) for row in rows],
        annotations=[f"{row.share_display} (n={row.n.display})" for row in rows],
        xlabel=_("Per cent"),
        horizontal=True,
        description=_("Share meeting each indicator; targets and intervals are in the table on the page."),
        width=8.0,
    )


@login_required
@require_GET
@svg_chart_view
def time_to_outcome_chart(request: HttpRequest, endpoint: str) -> HttpResponse:
    if endpoint not in ENDPOINTS:
        raise Http404
    return _chart(request, "time_to_outcome", lambda report: _time_to_outcome_svg(report, endpoint))


def _time_to_outcome_svg(report: Any, endpoint: str) -> str:
    found = next(e for e in report.endpoints if e.code == endpoint)
    series: dict[str, list[tuple[float, float | None]]] = {}
    bands: dict[str, list[tuple[float | None, float | None]]] = {}
    for item in found.series:
        if item.estimate is None:
            continue
        series[item.label] = [(p.time, p.survival) for p in item.estimate.points]
        bands[item.label] = [(p.low, p.high) for p in item.estimate.points]
    return line_chart_svg(
        title=_("Still waiting for: %(endpoint)s") % {"endpoint": found.label.lower()},
        series=series,
        step=True,
        bands=bands,
        xlabel=_("Days from %(origin)s") % {"origin": report.origin_label.lower()},
        ylabel=_("Share still waiting"),
        ylim=(0, 1.02),
        description=_("Kaplan–Meier curves with 95 % bands; medians and counts are in the table on the page."),
    )


@login_required
@require_GET
@svg_chart_view
def fidelity_chart(request: HttpRequest) -> HttpResponse:
    return _chart(request, "fidelity", _fidelity_svg)


def _fidelity_svg(report: Any) -> str:
    # Wrapped like the indicators chart: unwrapped, the long labels and the shares beside the bars leave the
    # axes no room (matplotlib warns that the layout collapsed and draws an unreadable chart).
    labels = [textwrap.fill(label, 32) for _code, label in report.measure_labels]
    cells = report.total.measures
    return bar_chart_svg(
        title=_("Method fidelity"),
        labels=labels,
        values=[None if c.share is None else round(c.share * 100, 1) for c in cells],
        annotations=[f"{c.share_display} (n={c.decided.display})" for c in cells],
        xlabel=_("Per cent of the cases where the rule applied"),
        horizontal=True,
        description=_("Share of cases following each method rule; the same figures are in the table on the page."),
        width=8.0,
    )
