"""The statistics API: the unit mapping and the aggregates, with the same numbers as the pages.

Mounted by rattvag.api.setup (full paths declared here). The selectors that feed the pages feed these endpoints;
who may see what is decided there (404 otherwise). A hidden count is ``{"value": null, "suppressed": true}``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rattvag.api.auth import request_user
from rattvag.api.errors import error_responses
from rattvag.api.schemas import Text

from . import selectors
from .figures import GROUP_BY_MUNICIPALITY, Params
from .forms import PeriodForm
from .selectors import Dashboard

router = Router(tags=["statistics"])


# --- input ------------------------------------------------------------------------------------------------------


class PeriodQuery(Schema):
    start: datetime.date | None = Field(
        None, alias="from", description="Start of the period. Default: twelve months back from `to`."
    )
    to: datetime.date | None = Field(
        None, description="End of the period; the status figures are counted on this date. Default: today."
    )


class MappingQuery(PeriodQuery):
    unit: Text = Field(max_length=40, description="The unit's code; one of your units.")


class AggregateQuery(PeriodQuery):
    group_by: str = Field(GROUP_BY_MUNICIPALITY, pattern="^(municipality|unit)$", description="municipality or unit")


# --- output -----------------------------------------------------------------------------------------------------


class CellOut(Schema):
    value: int | None = Field(description="The count; null when it is hidden.")
    suppressed: bool = Field(description="True when the count is hidden by small-cell suppression.")


class CategoryOut(Schema):
    key: str
    label: str


class RowOut(Schema):
    key: str
    label: str
    cells: list[CellOut] = Field(description="One per column, in the order of `columns`.")
    total: CellOut


class TableOut(Schema):
    key: str
    title: str
    population: str = Field(description="in_method, sick_listed, new_spells or certificates")
    columns: list[CategoryOut]
    rows: list[RowOut]
    totals: RowOut = Field(description="Column totals; `total` is the grand total.")


class SuppressionOut(Schema):
    applied: bool
    threshold: int | None = Field(description="Counts from 1 to threshold - 1 are hidden.")


class UnitOut(Schema):
    code: str
    name: str


COMPUTED_AT = (
    "When the figures were computed: they are kept for a few minutes (the server's RATTVAG_FIGURE_CACHE_SECONDS), "
    "so what was recorded after this shows when they are computed again."
)


class MappingOut(Schema):
    unit: UnitOut
    period_start: datetime.date
    period_end: datetime.date
    suppression: SuppressionOut
    tables: list[TableOut]
    computed_at: datetime.datetime = Field(description=COMPUTED_AT)


class AggregateOut(Schema):
    group_by: str
    period_start: datetime.date
    period_end: datetime.date
    suppression: SuppressionOut
    groups: list[CategoryOut]
    tables: list[TableOut]
    computed_at: datetime.datetime = Field(description=COMPUTED_AT)


# --- helpers ----------------------------------------------------------------------------------------------------


def _period(query: PeriodQuery) -> Params:
    """The same defaults and checks as the pages' filters."""
    data = {"from": query.start.isoformat() if query.start else "", "to": query.to.isoformat() if query.to else ""}
    form = PeriodForm(data)
    if not form.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
    return form.params()


def _suppression(dashboard: Dashboard) -> dict[str, Any]:
    rule = dashboard.rule
    return {"applied": rule is not None, "threshold": rule.threshold if rule is not None else None}


def dashboard_json(dashboard: Dashboard) -> dict[str, Any]:
    """The body of both endpoints (and what the tests compare with the pages)."""
    body: dict[str, Any] = {
        "period_start": dashboard.params.start,
        "period_end": dashboard.params.reference_date,
        "suppression": _suppression(dashboard),
        "tables": [table.as_json() for table in dashboard.tables.values()],
        "computed_at": dashboard.computed_at,
    }
    if dashboard.unit is not None:
        body["unit"] = {"code": dashboard.unit.code, "name": dashboard.unit.name}
    else:
        first = next(iter(dashboard.tables.values()), None)
        body["group_by"] = dashboard.group_by
        body["groups"] = [{"key": r.key, "label": r.label} for r in first.rows] if first else []
    return body


# --- endpoints --------------------------------------------------------------------------------------------------


@router.get("/stats/mapping", response={200: MappingOut, **error_responses(404, 422)}, summary="Unit mapping")
def stats_mapping(request: HttpRequest, filters: Query[MappingQuery]) -> dict[str, Any]:
    """The mapping of one of your units. Caseworkers and unit managers get exact counts; analysts get the counts
    with small-cell suppression."""
    user = request_user(request)
    selectors.mapping_unit_for(user=user, code=filters.unit)  # 404 before looking at the period
    dashboard = selectors.mapping_for(user=user, unit_code=filters.unit, params=_period(filters))
    return dashboard_json(dashboard)


@router.get("/stats/aggregate", response={200: AggregateOut, **error_responses(404, 422)}, summary="Aggregates")
def stats_aggregate(request: HttpRequest, filters: Query[AggregateQuery]) -> dict[str, Any]:
    """Figures per municipality or unit, always with small-cell suppression. Analysts: the units of their
    municipalities; aggregate viewers: every municipality."""
    user = request_user(request)
    if not selectors.may_see_aggregates(user=user):
        from django.http import Http404

        raise Http404
    dashboard = selectors.aggregate_for(user=user, group_by=filters.group_by, params=_period(filters))
    return dashboard_json(dashboard)
