"""Reads for the statistics: who sees which figures, the dashboards, and the clients behind a figure.

Scope (documented in docs/statistics.md):

* **Unit mapping** (``/stats/mapping/``): caseworkers, unit managers and analysts, for the units they work for.
  Caseworkers and unit managers see exact counts and may open the clients behind each figure (the clients they
  may see anyway, through ``rattvag.clients.access``); analysts see the figures with small-cell suppression and
  never a client.
* **Aggregates** (``/stats/aggregate/``): analysts for every unit of the municipalities they work in;
  aggregate viewers (steering groups, coordination associations) for every municipality. Always suppressed.
* Everyone else (nurses, partner officers, administrators) gets 404.

One selector feeds the pages, the charts, the exports and the API, so they show the same numbers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from rattvag.accounts.models import Role, Unit, User
from rattvag.audit.services import ActingFor, audit_log_many
from rattvag.clients.access import visible_clients
from rattvag.clients.models import Case, Client
from rattvag.clients.selectors import audit_clients_listed, client_ids_with_visible_protected_identity
from rattvag.core import kept_figures

from .figures import (
    CARE_UNIT_COMPLETENESS,
    COMPLETENESS,
    GROUP_BY_MUNICIPALITY,
    GROUP_BY_UNIT,
    TOTAL,
    Category,
    FigureQuery,
    Params,
)
from .suppression import SuppressionRule, default_rule
from .tables import PublishedTable, publish, publish_hierarchy, single_row

MAPPING_ROLES = frozenset({Role.CASEWORKER, Role.UNIT_MANAGER, Role.ANALYST})
CLIENT_LIST_ROLES = frozenset({Role.CASEWORKER, Role.UNIT_MANAGER})
AGGREGATE_ROLES = frozenset({Role.ANALYST, Role.AGGREGATE_VIEWER})
GROUPINGS = (GROUP_BY_MUNICIPALITY, GROUP_BY_UNIT)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


# --- scope ------------------------------------------------------------------------------------------------------


def mapping_units_for(*, user: User) -> list[Unit]:
    """The units whose mapping the user may see (their own units); empty for other roles."""
    if not _active(user) or user.role not in MAPPING_ROLES:
        return []
    return list(user.units.select_related("municipality").order_by("municipality__name", "name", "pk"))


def may_see_mapping(*, user: User) -> bool:
    return bool(mapping_units_for(user=user))


def mapping_unit_for(*, user: User, code: str | None) -> Unit:
    """The unit named by ``code`` (default: the user's first unit) if the user may see its mapping; else 404."""
    units = mapping_units_for(user=user)
    if not units:
        raise Http404
    if not code:
        return units[0]
    for unit in units:
        if unit.code == code:
            return unit
    raise Http404


def may_list_clients(*, user: User) -> bool:
    """Whether the figures link to the clients behind them: only for roles that work with individual clients."""
    return _active(user) and user.role in CLIENT_LIST_ROLES


def mapping_rule_for(*, user: User, protect: bool = False) -> SuppressionRule | None:
    """Analysts always see suppressed figures; unit staff see exact counts unless they ask for protection
    (an export to share outside the unit)."""
    if user.role == Role.ANALYST or protect:
        return default_rule()
    return None


def may_see_aggregates(*, user: User) -> bool:
    return _active(user) and user.role in AGGREGATE_ROLES


def aggregate_units_for(*, user: User) -> list[Unit]:
    """Analysts: every unit of their municipalities. Aggregate viewers: every unit. Others: 404."""
    if not may_see_aggregates(user=user):
        raise Http404
    units = Unit.objects.select_related("municipality").order_by("municipality__name", "name", "pk")
    if user.role == Role.ANALYST:
        units = units.filter(municipality_id__in=user.units.values("municipality_id"))
    return list(units)


def caseworkers_of(unit: Unit) -> QuerySet[User]:
    """The staff who can be responsible for the unit's cases (for the caseworker filter)."""
    return User.objects.filter(units=unit, role__in=[Role.CASEWORKER, Role.UNIT_MANAGER], is_active=True).order_by(
        "last_name", "first_name", "username"
    )


# --- dashboards -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    """The published tables of one page, with what they were computed for."""

    params: Params
    group_by: str
    units: list[Unit]
    tables: dict[str, PublishedTable]
    rule: SuppressionRule | None
    unit: Unit | None = None  # the mapping's unit
    caseworker: User | None = None
    computed_at: datetime.datetime | None = None  # when the figures were computed (they may be kept a while)

    @property
    def suppressed(self) -> bool:
        return self.rule is not None

    def table(self, key: str) -> PublishedTable:
        try:
            return self.tables[key]
        except KeyError:
            raise Http404 from None


def _caseworker(unit: Unit, caseworker_id: int | None) -> User | None:
    if caseworker_id is None:
        return None
    caseworker = caseworkers_of(unit).filter(pk=caseworker_id).first()
    if caseworker is None:
        raise Http404
    return caseworker


Hierarchy = tuple[dict[str, PublishedTable], dict[str, PublishedTable]]


def _hierarchy(units: list[Unit], params: Params) -> kept_figures.Kept[Hierarchy]:
    """The aggregates per unit and per municipality, suppressed together (one computation for both), kept a while."""
    parts = ("hierarchy", tuple(u.pk for u in units), params, default_rule())
    return kept_figures.kept(parts, lambda: _compute_hierarchy(units, params))


def _compute_hierarchy(units: list[Unit], params: Params) -> Hierarchy:
    query = FigureQuery(units=units, group_by=GROUP_BY_UNIT, params=params, one_unit_per_municipality=True)
    municipalities: list[Category] = []
    index: dict[int, int] = {}
    for unit in sorted(units, key=lambda u: (u.municipality.name, u.municipality_id)):
        if unit.municipality_id not in index:
            index[unit.municipality_id] = len(municipalities)
            municipalities.append(Category(unit.municipality.code, unit.municipality.name))
    return publish_hierarchy(
        query.tables(),
        parents=[index[u.municipality_id] for u in units],
        parent_groups=municipalities,
        rule=default_rule(),
        total_label=_("All"),
    )


def _statistics_params(params: Params) -> Params:
    """Figures that leave the unit have no caseworker or degree filter: narrowing them invites differencing."""
    return Params(start=params.start, reference_date=params.reference_date)


def _unit_mapping_from_aggregates(
    *, scope: list[Unit], unit: Unit, params: Params
) -> tuple[dict[str, PublishedTable], datetime.datetime]:
    """The unit's row of the aggregates of ``scope``: what an analyst or a shared export shows is exactly what the
    aggregate pages show, so that comparing them reveals nothing more."""
    hierarchy = _hierarchy(scope, _statistics_params(params))
    by_unit, _by_municipality = hierarchy.value
    return {key: single_row(table, unit.code) for key, table in by_unit.items()}, hierarchy.computed_at


def _unit_tables(unit: Unit, params: Params, only: str | None) -> kept_figures.Kept[dict[str, PublishedTable]]:
    """A unit's exact figures. A chart asks for one table: taken from the whole mapping when that is kept (the
    page has just computed it), else computed alone."""
    whole = ("mapping", unit.pk, params)
    if only is not None:
        found: kept_figures.Kept[dict[str, PublishedTable]] | None = kept_figures.peek(whole)
        if found is not None and only in found.value:
            return found
        query = FigureQuery(units=[unit], group_by=GROUP_BY_UNIT, params=params)

        def one_table() -> dict[str, PublishedTable]:
            one = query.table(only)
            raw = [one] if one is not None and only != COMPLETENESS else []
            return publish(raw, rule=None, total_label=_("Total"))

        return kept_figures.kept(("mapping-table", unit.pk, params, only), one_table)
    query = FigureQuery(units=[unit], group_by=GROUP_BY_UNIT, params=params)
    return kept_figures.kept(
        whole,
        lambda: publish(query.tables(with_care_unit_completeness=True), rule=None, total_label=_("Total")),
    )


def mapping_for(
    *, user: User, unit_code: str | None, params: Params, protect: bool = False, only: str | None = None
) -> Dashboard:
    """The mapping of one unit (404 when the user may not see it); with `only`, of that table alone where the
    figures allow it (exact counts: every table stands alone; suppressed counts are protected across tables).

    Unit staff see exact counts. Analysts, and exports protected for sharing outside the unit, get the unit's row
    of the aggregates (analysts: of their municipalities; a protected export: of every municipality, as the
    aggregate viewers see them), without the caseworker and degree filters.
    """
    unit = mapping_unit_for(user=user, code=unit_code)
    caseworker = _caseworker(unit, params.caseworker_id)
    rule = mapping_rule_for(user=user, protect=protect)
    if rule is not None:
        if user.role == Role.ANALYST and (params.caseworker_id is not None or params.degree is not None):
            raise Http404
        scope = aggregate_units_for(user=user) if user.role == Role.ANALYST else _all_units()
        tables, computed_at = _unit_mapping_from_aggregates(scope=scope, unit=unit, params=params)
        return Dashboard(
            params=_statistics_params(params),
            group_by=GROUP_BY_UNIT,
            units=[unit],
            tables=tables,
            rule=rule,
            unit=unit,
            computed_at=computed_at,
        )
    kept = _unit_tables(unit, params, only)
    return Dashboard(
        params=params,
        group_by=GROUP_BY_UNIT,
        units=[unit],
        tables=kept.value,
        rule=None,
        unit=unit,
        caseworker=caseworker,
        computed_at=kept.computed_at,
    )


def _all_units() -> list[Unit]:
    return list(Unit.objects.select_related("municipality").order_by("municipality__name", "name", "pk"))


def aggregate_for(*, user: User, group_by: str, params: Params) -> Dashboard:
    """Figures per municipality or unit in the user's scope, always with small-cell suppression. Both groupings
    come from one computation, so the units' figures cannot be subtracted from the municipalities'."""
    units = aggregate_units_for(user=user)
    if group_by not in GROUPINGS:
        raise Http404
    params = _statistics_params(params)
    hierarchy = _hierarchy(units, params)
    by_unit, by_municipality = hierarchy.value
    return Dashboard(
        params=params,
        group_by=group_by,
        units=units,
        tables=by_unit if group_by == GROUP_BY_UNIT else by_municipality,
        rule=default_rule(),
        computed_at=hierarchy.computed_at,
    )


# --- the clients behind a figure -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One cell of the mapping: table, column (category or "total") and, for the care-unit completeness table,
    the row (care unit)."""

    table: str
    column: str
    row: str = ""

    @classmethod
    def parse(cls, value: str) -> Figure:
        parts = (value or "").split(":")
        if len(parts) not in (2, 3) or not all(parts[:2]):
            raise Http404
        return cls(parts[0], parts[1], parts[2] if len(parts) == 3 else "")

    def __str__(self) -> str:
        return ":".join(p for p in (self.table, self.column, self.row) if p)


@dataclass(frozen=True)
class ClientRow:
    client: Client
    shows_identity: bool
    responsible: User | None


def _figure_client_ids(*, unit: Unit, params: Params, figure: Figure) -> set[int]:
    query = FigureQuery(units=[unit], group_by=GROUP_BY_UNIT, params=params)
    if figure.table == CARE_UNIT_COMPLETENESS and not figure.row:
        raise Http404
    try:
        return query.members(figure.table, figure.column, row=figure.row or TOTAL)
    except KeyError:
        raise Http404 from None


def mapping_clients_for(
    *, user: User, unit_code: str | None, params: Params, figure: Figure, audit: bool = True
) -> list[ClientRow]:
    """The clients behind one figure of the mapping that the user may see; 404 for roles without client lists.

    Not audited here when ``audit`` is False: the caller audits what it shows (a page) or exports.
    """
    unit = mapping_unit_for(user=user, code=unit_code)
    if not may_list_clients(user=user):
        raise Http404
    _caseworker(unit, params.caseworker_id)
    ids = _figure_client_ids(unit=unit, params=params, figure=figure)
    unit_cases = Case.objects.filter(unit=unit).select_related("responsible").order_by("-opened_on", "-pk")
    clients = list(
        visible_clients(user)
        .filter(pk__in=ids)
        .prefetch_related(Prefetch("cases", queryset=unit_cases, to_attr="unit_cases"))
        .order_by("last_name", "first_name", "pk")
    )
    protected = [c.pk for c in clients if c.protected_identity]
    sees = client_ids_with_visible_protected_identity(user=user, client_ids=protected)
    rows = [
        ClientRow(
            client=c,
            shows_identity=not c.protected_identity or c.pk in sees,
            responsible=c.unit_cases[0].responsible if c.unit_cases else None,
        )
        for c in clients
    ]
    if audit:
        audit_clients_listed(user=user, clients=clients, via="stats")
    return rows


def audit_clients_exported(*, user: User, unit: Unit, rows: list[ClientRow], file_format: str) -> None:
    """One ``client.exported`` event per client in an exported list."""
    audit_log_many(
        actor=user,
        action="client.exported",
        client_ids=[row.client.pk for row in rows],
        acting_for=ActingFor(unit=unit),
        objects=[row.client for row in rows],
        data={"via": "stats", "format": file_format},
    )


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Twelve calendar months up to and including today."""
    first = today.replace(day=1)
    year, month = (first.year, first.month - 11) if first.month > 11 else (first.year - 1, first.month + 1)
    return datetime.date(year, month, 1), today
