"""Pages of the statistics: the unit mapping, the clients behind a figure, the aggregates, charts and exports.

Views parse the filters, call the selectors (which decide who sees what; anything else is 404) and render.
Charts are separate SVG responses so the pages stay fast; every chart has its table beside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rattvag.accounts.models import Role
from rattvag.core import kept_figures

from . import exports, selectors
from .charts import svg_chart_view, svg_response
from .figures import CARE_UNIT_COMPLETENESS, CARE_UNITS, HEADLINE, TOTAL, Params
from .forms import AggregateFilterForm, MappingFilterForm
from .rendering import chart_alt, standing_chart, wide_chart
from .suppression import SECONDARY_MARKER
from .tables import PublishedTable

if TYPE_CHECKING:
    from rattvag.accounts.models import Unit, User


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# The order of the figures on the mapping page (the headline is shown as key figures at the top).
MAPPING_ORDER = (
    "headline",
    "sgi",
    "chapters",
    "codes",
    "care_units",
    "degree",
    "spell_length",
    "age",
    "sex",
    "new_spells",
)
AGGREGATE_ORDER = (*MAPPING_ORDER, "completeness")


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if selectors.may_see_mapping(user=user) and user.role != Role.ANALYST:
        return redirect("stats:mapping")
    if selectors.may_see_aggregates(user=user):
        return redirect("stats:aggregate")
    if selectors.may_see_mapping(user=user):
        return redirect("stats:mapping")
    raise Http404


# --- the mapping of a unit ---------------------------------------------------------------------------------------


def _mapping_form(request: HttpRequest, user: User) -> tuple[MappingFilterForm, Unit]:
    """The filters, bound to the address (empty filters mean the defaults)."""
    unit = selectors.mapping_unit_for(user=user, code=request.GET.get("unit") or None)
    narrowing = selectors.mapping_rule_for(user=user) is None
    form = MappingFilterForm(
        request.GET,
        units=selectors.mapping_units_for(user=user),
        caseworkers=list(selectors.caseworkers_of(unit)) if narrowing else [],
        narrowing=narrowing,
    )
    if not narrowing and ("caseworker" in request.GET or "degree" in request.GET):
        raise Http404
    return form, unit


def _mapping_query(unit: Unit, params: Params, **extra: str) -> str:
    query = {"unit": unit.code, "from": params.start.isoformat(), "to": params.reference_date.isoformat()}
    if params.caseworker_id is not None:
        query["caseworker"] = str(params.caseworker_id)
    if params.degree is not None:
        query["degree"] = str(params.degree)
    query.update(extra)
    return urlencode(query)


def _valid_mapping_params(request: HttpRequest, user: User) -> tuple[Unit, Params]:
    """For charts, exports and lists: the filters must be valid (they come from our own links); else 404."""
    form, unit = _mapping_form(request, user)
    if not form.is_valid():
        raise Http404
    return unit, form.mapping_params()


def _header_rows(dashboard: selectors.Dashboard) -> list[tuple[str, str]]:
    params = dashboard.params
    rows: list[tuple[str, str]] = []
    if dashboard.unit is not None:
        rows.append((_("Unit"), f"{dashboard.unit.name} ({dashboard.unit.code})"))
    else:
        rows.append((_("Grouped by"), _("Municipality") if dashboard.group_by == "municipality" else _("Unit")))
        rows.append((_("Municipalities"), ", ".join(sorted({u.municipality.name for u in dashboard.units}))))
    rows.append((_("Period"), f"{params.start.isoformat()} – {params.reference_date.isoformat()}"))
    rows.append((_("Status figures counted on"), params.reference_date.isoformat()))
    if dashboard.unit is not None:
        caseworker = dashboard.caseworker
        rows.append(
            (
                _("Responsible caseworker"),
                (caseworker.get_full_name() or caseworker.username) if caseworker else _("All caseworkers"),
            )
        )
    rows.append((_("Sick-leave degree"), f"{params.degree} %" if params.degree else _("All degrees")))
    if dashboard.rule is not None:
        rows.append(
            (
                _("Small counts"),
                _("Hidden: %(marker)s = 1 to %(max)s; %(secondary)s = hidden to protect a small count")
                % {"marker": dashboard.rule.marker, "max": dashboard.rule.threshold - 1, "secondary": SECONDARY_MARKER},
            )
        )
    else:
        rows.append((_("Small counts"), _("Shown (not for sharing outside the unit)")))
    if dashboard.computed_at is not None:
        rows.append((_("Figures computed"), timezone.localtime(dashboard.computed_at).strftime("%Y-%m-%d %H:%M")))
    rows.append((_("Created"), timezone.localtime().strftime("%Y-%m-%d %H:%M")))
    return rows


def _standing_items(table: PublishedTable, clients_url: Any) -> list[dict[str, Any]]:
    """One row per category (the mapping of one unit), with the address of the clients behind it."""
    items = table.column_rows()
    for item in items:
        item["url"] = clients_url(table.key, item["key"]) if clients_url else ""
    return items


def _wide_rows(table: PublishedTable) -> list[dict[str, Any]]:
    """Aggregates shown with a row per category and a column per group (the groups are few, categories many)."""
    rows: list[dict[str, Any]] = [
        {
            "label": column.label,
            "cells": [{"cell": row.cells[j], "share": row.shares[j], "group": row.label} for row in table.rows],
            "total": {"cell": table.totals.cells[j], "share": table.totals.shares[j]},
        }
        for j, column in enumerate(table.columns)
    ]
    rows.append(
        {
            "label": _("Total"),
            "cells": [{"cell": row.total, "share": None, "group": row.label} for row in table.rows],
            "total": {"cell": table.totals.total, "share": None},
            "is_total": True,
        }
    )
    return rows


def _figure_sections(
    dashboard: selectors.Dashboard, order: tuple[str, ...], *, chart_url: Any, clients_url: Any, standing: bool
) -> list[dict[str, Any]]:
    sections = []
    for key in order:
        if key not in dashboard.tables:
            continue
        table = dashboard.tables[key]
        section: dict[str, Any] = {
            "table": table,
            "chart_url": chart_url(key),
            "chart_alt": chart_alt(table),
            "anchor": f"figure-{key.replace('_', '-')}",
        }
        if standing:
            section["items"] = _standing_items(table, clients_url)
            total = table.rows[0].total if table.rows else None
            section["total"] = total
            section["total_url"] = clients_url(key, TOTAL) if clients_url else ""
        else:
            section["wide_rows"] = _wide_rows(table)
        sections.append(section)
    return sections


@login_required
@require_GET
def mapping(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form, unit = _mapping_form(request, user)
    if not form.is_valid():
        return render(request, "stats/mapping.html", {"form": form, "unit": unit, "dashboard": None}, status=200)
    params = form.mapping_params()
    dashboard = selectors.mapping_for(user=user, unit_code=unit.code, params=params)
    may_list = selectors.may_list_clients(user=user)
    query = _mapping_query(unit, params)

    def chart_url(key: str) -> str:
        return f"{reverse('stats:mapping_chart', args=[key])}?{query}"

    def clients_url(table: str, column: str, row: str = "") -> str:
        figure = ":".join(p for p in (table, column, row) if p)
        return f"{reverse('stats:mapping_clients')}?{_mapping_query(unit, params, figure=figure)}"

    links = clients_url if may_list else None
    by_care_unit = CARE_UNIT_COMPLETENESS in dashboard.tables
    order = MAPPING_ORDER if by_care_unit else AGGREGATE_ORDER
    sections = _figure_sections(dashboard, order, chart_url=chart_url, clients_url=links, standing=True)
    context: dict[str, Any] = {
        "form": form,
        "unit": unit,
        "dashboard": dashboard,
        "headline": dashboard.tables[HEADLINE],
        "sections": sections,
        "may_list": may_list,
        "by_care_unit": by_care_unit,
        "export_query": query,
        "period_text": _period_text(params),
        "computed_note": _computed_note(dashboard),
        "may_protect": dashboard.rule is None,
    }
    if by_care_unit:
        completeness = dashboard.tables[CARE_UNIT_COMPLETENESS]
        context["care_unit_rows"] = _care_unit_rows(dashboard, links)
        context["completeness_table"] = completeness
        context["completeness_chart_url"] = chart_url(CARE_UNIT_COMPLETENESS)
        context["completeness_chart_alt"] = chart_alt(completeness)
    return render(request, "stats/mapping.html", context)


def _computed_note(dashboard: selectors.Dashboard) -> str:
    return kept_figures.computed_note(dashboard.computed_at) if dashboard.computed_at is not None else ""


def _period_text(params: Params) -> str:
    return _("Period %(start)s – %(end)s. Status figures counted on %(end)s.") % {
        "start": date_format(params.start, "j F Y"),
        "end": date_format(params.reference_date, "j F Y"),
    }


def _care_unit_rows(dashboard: selectors.Dashboard, clients_url: Any) -> list[dict[str, Any]]:
    """The care units ranked by sick-listed clients, each with the completeness of its certificates."""
    ranking = dashboard.tables[CARE_UNITS]
    completeness = dashboard.tables[CARE_UNIT_COMPLETENESS]
    by_key = {row.key: row for row in completeness.rows}
    rows = []
    for item in ranking.column_rows():
        row = by_key.get(item["key"])
        rows.append(
            {
                **item,
                "complete": row.cells[0] if row else None,
                "with_findings": row.cells[1] if row else None,
                "certificates": row.total if row else None,
                "share_complete": row.shares[0] if row else None,
                "url": clients_url(CARE_UNITS, item["key"]) if clients_url else "",
                "certificates_url": clients_url(CARE_UNIT_COMPLETENESS, TOTAL, item["key"]) if clients_url else "",
            }
        )
    return rows


@login_required
@require_GET
@svg_chart_view
def mapping_chart(request: HttpRequest, table: str) -> HttpResponse:
    user = _user(request)
    unit, params = _valid_mapping_params(request, user)
    # The page shows about a dozen charts: each computes its own table only, not the whole mapping.
    dashboard = selectors.mapping_for(user=user, unit_code=unit.code, params=params, only=table)
    return svg_response(standing_chart(dashboard.table(table)))


def _file_format(request: HttpRequest) -> str:
    file_format = request.GET.get("format", exports.XLSX)
    if file_format not in exports.FORMATS:
        raise Http404
    return file_format


def _sheets(dashboard: selectors.Dashboard, key: str, order: tuple[str, ...], *, standing: bool) -> list[exports.Sheet]:
    if key == "all":
        keys = [k for k in order if k in dashboard.tables]
        if CARE_UNIT_COMPLETENESS in dashboard.tables:
            keys.append(CARE_UNIT_COMPLETENESS)
        return [
            exports.table_sheet(dashboard.tables[k], standing=standing and k != CARE_UNIT_COMPLETENESS) for k in keys
        ]
    table = dashboard.table(key)
    return [exports.table_sheet(table, standing=standing and key != CARE_UNIT_COMPLETENESS)]


@login_required
@require_GET
def mapping_export(request: HttpRequest) -> HttpResponse:
    """Every table (``table=all``, XLSX) or one table, with the filters in the header. ``protect=1`` hides small
    counts (for sharing outside the unit); analysts always get hidden small counts."""
    user = _user(request)
    file_format = _file_format(request)
    unit, params = _valid_mapping_params(request, user)
    key = request.GET.get("table", "all")
    if key == "all" and file_format == exports.CSV:
        raise Http404
    dashboard = selectors.mapping_for(
        user=user, unit_code=unit.code, params=params, protect=request.GET.get("protect") == "1"
    )
    sheets = _sheets(dashboard, key, AGGREGATE_ORDER, standing=True)
    name = f"kartlaggning-{unit.code}-{params.reference_date.isoformat()}" + ("" if key == "all" else f"-{key}")
    return exports.file_response(
        file_format=file_format,
        filename=_safe_filename(name),
        header=[(_("Unit mapping"), ""), *_header_rows(dashboard)],
        sheets=sheets,
    )


def _safe_filename(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name)


# --- the clients behind a figure ----------------------------------------------------------------------------------


def _figure_label(dashboard: selectors.Dashboard, figure: selectors.Figure) -> str:
    table = dashboard.table(figure.table)
    if figure.table == CARE_UNIT_COMPLETENESS:
        row = next((r.label for r in table.rows if r.key == figure.row), "")
        column = next((c.label for c in table.columns if c.key == figure.column), _("All certificates"))
        return f"{table.title}: {row} – {column}"
    if figure.column == TOTAL:
        return f"{table.title}: {_('Total')}"
    label = next((c.label for c in table.columns if c.key == figure.column), None)
    if label is None:
        raise Http404
    return f"{table.title}: {label}"


@login_required
@require_GET
def mapping_clients(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.may_list_clients(user=user):
        raise Http404
    unit, params = _valid_mapping_params(request, user)
    figure = selectors.Figure.parse(request.GET.get("figure", ""))
    dashboard = selectors.mapping_for(user=user, unit_code=unit.code, params=params)
    label = _figure_label(dashboard, figure)
    rows = selectors.mapping_clients_for(user=user, unit_code=unit.code, params=params, figure=figure)
    query = _mapping_query(unit, params, figure=str(figure))
    context = {
        "unit": unit,
        "rows": rows,
        "figure_label": label,
        "period_text": _period_text(params),
        "dashboard": dashboard,
        "export_query": query,
        "back_url": f"{reverse('stats:mapping')}?{_mapping_query(unit, params)}",
    }
    return render(request, "stats/mapping_clients.html", context)


@login_required
@require_GET
def mapping_clients_export(request: HttpRequest) -> HttpResponse:
    """The client list behind a figure as a file; one ``client.exported`` event per client."""
    user = _user(request)
    if not selectors.may_list_clients(user=user):
        raise Http404
    file_format = _file_format(request)
    unit, params = _valid_mapping_params(request, user)
    figure = selectors.Figure.parse(request.GET.get("figure", ""))
    dashboard = selectors.mapping_for(user=user, unit_code=unit.code, params=params)
    label = _figure_label(dashboard, figure)
    rows = selectors.mapping_clients_for(user=user, unit_code=unit.code, params=params, figure=figure, audit=False)
    selectors.audit_clients_exported(user=user, unit=unit, rows=rows, file_format=file_format)
    table_rows: list[list[exports.Value]] = [
        [_("Personal identity number"), _("Last name"), _("First name"), _("Responsible caseworker")]
    ]
    for row in rows:
        responsible = row.responsible.get_full_name() or row.responsible.username if row.responsible else ""
        if row.shows_identity:
            table_rows.append(
                [row.client.personal_number_display, row.client.last_name, row.client.first_name, responsible]
            )
        else:
            table_rows.append([row.client.personal_number_display, _("Protected identity"), "", responsible])
    header = [(_("Clients behind a figure of the unit mapping"), ""), (_("Figure"), label), *_header_rows(dashboard)]
    return exports.file_response(
        file_format=file_format,
        filename=_safe_filename(f"klienter-{unit.code}-{params.reference_date.isoformat()}"),
        header=header,
        sheets=[exports.Sheet(_("Clients"), table_rows)],
    )


# --- aggregates -------------------------------------------------------------------------------------------------


def _aggregate_form(request: HttpRequest) -> AggregateFilterForm:
    form = AggregateFilterForm(request.GET)
    form.is_valid()
    return form


def _aggregate_query(group_by: str, params: Params) -> str:
    return urlencode({"group_by": group_by, "from": params.start.isoformat(), "to": params.reference_date.isoformat()})


def _valid_aggregate_params(request: HttpRequest) -> tuple[str, Params]:
    form = _aggregate_form(request)
    if form.errors:
        raise Http404
    return form.cleaned_data["group_by"], form.params()


@login_required
@require_GET
def aggregate(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.may_see_aggregates(user=user):
        raise Http404
    form = _aggregate_form(request)
    if form.errors:
        return render(request, "stats/aggregate.html", {"form": form, "dashboard": None})
    group_by, params = form.cleaned_data["group_by"], form.params()
    dashboard = selectors.aggregate_for(user=user, group_by=group_by, params=params)
    query = _aggregate_query(group_by, params)

    def chart_url(key: str) -> str:
        return f"{reverse('stats:aggregate_chart', args=[key])}?{query}"

    context = {
        "form": form,
        "dashboard": dashboard,
        "sections": _figure_sections(dashboard, AGGREGATE_ORDER, chart_url=chart_url, clients_url=None, standing=False),
        "export_query": query,
        "period_text": _period_text(params),
        "computed_note": _computed_note(dashboard),
        "rule": dashboard.rule,
        "secondary_marker": SECONDARY_MARKER,
        "group_label": _("Municipality") if group_by == "municipality" else _("Unit"),
    }
    return render(request, "stats/aggregate.html", context)


@login_required
@require_GET
@svg_chart_view
def aggregate_chart(request: HttpRequest, table: str) -> HttpResponse:
    user = _user(request)
    if not selectors.may_see_aggregates(user=user):
        raise Http404
    group_by, params = _valid_aggregate_params(request)
    dashboard = selectors.aggregate_for(user=user, group_by=group_by, params=params)
    return svg_response(wide_chart(dashboard.table(table)))


@login_required
@require_GET
def aggregate_export(request: HttpRequest) -> HttpResponse:
    """Suppressed figures only: the aggregates never carry a client."""
    user = _user(request)
    if not selectors.may_see_aggregates(user=user):
        raise Http404
    file_format = _file_format(request)
    group_by, params = _valid_aggregate_params(request)
    key = request.GET.get("table", "all")
    if key == "all" and file_format == exports.CSV:
        raise Http404
    dashboard = selectors.aggregate_for(user=user, group_by=group_by, params=params)
    return exports.file_response(
        file_format=file_format,
        filename=_safe_filename(
            f"statistik-{group_by}-{params.reference_date.isoformat()}" + ("" if key == "all" else f"-{key}")
        ),
        header=[(_("Statistics across units and municipalities"), ""), *_header_rows(dashboard)],
        sheets=_sheets(dashboard, key, AGGREGATE_ORDER, standing=False),
    )


def tables_as_json(tables: dict[str, PublishedTable]) -> list[dict[str, Any]]:
    return [table.as_json() for table in tables.values()]
