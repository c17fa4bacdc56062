"""Who may see which report, for which group of clients and period.

- caseworkers and unit managers: their own units;
- analysts: their municipality (the municipalities of their units) and each unit in it;
- aggregate viewers: every municipality and unit, and everything together;
- everyone else (nurses, partner officers, administrators): no reports.
Reports are aggregated and carry no person; a group the user may not choose answers 404.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from rattvag.accounts.models import Municipality, Role, Unit
from rattvag.clients.models import Case

if TYPE_CHECKING:
    from rattvag.accounts.models import User

REPORT_ROLES = frozenset({Role.CASEWORKER, Role.UNIT_MANAGER, Role.ANALYST, Role.AGGREGATE_VIEWER})
UNIT_REPORT_ROLES = frozenset({Role.CASEWORKER, Role.UNIT_MANAGER})
# The longest period a report covers, so that a request cannot ask for centuries of work.
MAX_PERIOD_DAYS = 366 * 10


class GroupKind:
    UNIT = "unit"
    MUNICIPALITY = "municipality"
    ALL = "all"


@dataclass(frozen=True)
class Group:
    """The clients a report is about: the cases of these units."""

    kind: str
    code: str
    name: str
    unit_ids: tuple[int, ...] = field(default=())

    @property
    def key(self) -> str:
        """The value of the page's group choice, e.g. "unit:HAL-EB"."""
        return self.kind if self.kind == GroupKind.ALL else f"{self.kind}:{self.code}"

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "code": self.code, "name": self.name}


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("The period ends before it starts.")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end)

    def as_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def may_see_reports(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in REPORT_ROLES)


def _unit_group(unit: Unit) -> Group:
    return Group(GroupKind.UNIT, unit.code, unit.name, (unit.pk,))


def _municipality_groups(municipalities: list[Municipality]) -> list[Group]:
    """The municipalities' groups, the units of all of them read in one query (not one per municipality)."""
    unit_ids: dict[int, list[int]] = {m.pk: [] for m in municipalities}
    rows = Unit.objects.filter(municipality__in=municipalities).order_by("pk").values_list("pk", "municipality_id")
    for unit_id, municipality_id in rows:
        unit_ids[municipality_id].append(unit_id)
    return [Group(GroupKind.MUNICIPALITY, m.code, m.name, tuple(unit_ids[m.pk])) for m in municipalities]


def _all_group() -> Group:
    return Group(
        GroupKind.ALL, "", _("All municipalities"), tuple(Unit.objects.order_by("pk").values_list("pk", flat=True))
    )


def _units_for(user: User) -> QuerySet[Unit]:
    if user.role in UNIT_REPORT_ROLES:
        return user.units.select_related("municipality").order_by("municipality__name", "name")
    if user.role == Role.ANALYST:
        return Unit.objects.filter(municipality__units__users=user).distinct().order_by("municipality__name", "name")
    if user.role == Role.AGGREGATE_VIEWER:
        return Unit.objects.order_by("municipality__name", "name")
    return Unit.objects.none()


def _municipalities_for(user: User) -> QuerySet[Municipality]:
    if user.role == Role.ANALYST:
        return Municipality.objects.filter(units__users=user).distinct().order_by("name")
    if user.role == Role.AGGREGATE_VIEWER:
        return Municipality.objects.order_by("name")
    return Municipality.objects.none()


def group_choices(user: User) -> list[Group]:
    """Every group the user may choose, widest first."""
    if not may_see_reports(user):
        return []
    groups: list[Group] = []
    if user.role == Role.AGGREGATE_VIEWER:
        groups.append(_all_group())
    groups.extend(_municipality_groups(list(_municipalities_for(user))))
    groups.extend(_unit_group(u) for u in _units_for(user))
    return groups


def resolve_group(
    user: User, *, unit: str | None = None, municipality: str | None = None, choices: list[Group] | None = None
) -> Group:
    """The group named by a unit or municipality code (neither: the user's widest group); Http404 if not allowed.

    `choices`: the user's `group_choices`, when the caller has read them; the group is then found among them
    instead of asked of the database again."""
    if not may_see_reports(user):
        raise Http404
    if unit and municipality:
        raise Http404
    if choices is not None and (unit or municipality):
        kind, code = (GroupKind.UNIT, unit) if unit else (GroupKind.MUNICIPALITY, municipality)
        named = next((group for group in choices if group.kind == kind and group.code == code), None)
        if named is None:
            raise Http404
        return named
    if unit:
        found = _units_for(user).filter(code=unit).first()
        if found is None:
            raise Http404
        return _unit_group(found)
    if municipality:
        place = _municipalities_for(user).filter(code=municipality).first()
        if place is None:
            raise Http404
        return _municipality_groups([place])[0]
    choices = group_choices(user) if choices is None else choices
    if not choices:
        raise Http404
    return choices[0]


def default_period(today: datetime.date | None = None) -> Period:
    """From the first of January to today."""
    today = today or timezone.localdate()
    return Period(today.replace(month=1, day=1), today)


def make_period(start: datetime.date | None, end: datetime.date | None, today: datetime.date | None = None) -> Period:
    """A period from optional dates (missing: from the first of January of the end's year, to today).

    Raises ValueError when the end is before the start or the period is longer than ten years.
    """
    today = today or timezone.localdate()
    end = end or today
    start = start or end.replace(month=1, day=1)
    period = Period(start, end)
    if period.days > MAX_PERIOD_DAYS:
        raise ValueError("The period is too long.")
    return period


def cases_in_method(group: Group, period: Period) -> QuerySet[Case]:
    """Cases of the group's units that were open at some time during the period."""
    return Case.objects.filter(unit_id__in=group.unit_ids, opened_on__lte=period.end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=period.start)
    )
