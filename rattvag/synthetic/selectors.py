"""Who and what the benchmarks and the load test use in a generated dataset.

Reads only; these are for tooling (benchmarks/, locust), not for pages, so they are not audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from rattvag.accounts.models import Role, Unit, User
from rattvag.certificates.models import Certificate
from rattvag.clients.access import visible_clients
from rattvag.clients.models import Case, CaseStatus
from rattvag.meetings.models import Meeting
from rattvag.plans.models import Plan

from .generate import DEFAULT_PASSWORD

LOGIN_CLIENTS = 50


class NoSyntheticData(LookupError):
    """The database holds no generated dataset (run manage.py generate_data first)."""


@dataclass(frozen=True)
class BenchmarkSubjects:
    unit: Unit  # the unit with the most open cases
    caseworker: User  # a caseworker of that unit with a median-sized caseload
    unit_manager: User  # a unit manager of that unit
    aggregate_viewer: User  # sees every municipality (national aggregate)
    analyst: User  # analyst of the unit's municipality
    client_id: int  # a client of the caseworker with about median (or more) certificates, meetings, plans


@dataclass(frozen=True)
class LoadTestLogin:
    username: str
    password: str
    totp_key: str  # hex, the user's confirmed django-otp TOTPDevice key
    client_ids: list[int]  # up to 50 clients this caseworker may see (rattvag.clients.access)


def _median(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0


def _open_caseloads(unit: Unit) -> list[tuple[User, int]]:
    """The unit's active caseworkers with their number of open cases in the unit, smallest first."""
    caseworkers = (
        User.objects.filter(role=Role.CASEWORKER, is_active=True, units=unit)
        .annotate(
            open_cases=Count(
                "responsible_cases",
                filter=Q(responsible_cases__unit=unit, responsible_cases__status=CaseStatus.OPEN),
            )
        )
        .order_by("open_cases", "pk")
    )
    return [(user, user.open_cases) for user in caseworkers]


def _busiest_unit() -> Unit:
    row = (
        Case.objects.filter(status=CaseStatus.OPEN)
        .values("unit_id")
        .annotate(open_cases=Count("pk"))
        .order_by("-open_cases", "unit_id")
        .first()
    )
    if row is None:
        raise NoSyntheticData("No open cases: generate a dataset first (manage.py generate_data).")
    return Unit.objects.select_related("municipality").get(pk=row["unit_id"])


def _typical_client(caseworker: User, unit: Unit) -> int:
    """Of the caseworker's open cases in the unit: a client with at least the median number of certificates,
    meetings and plans, the smallest such (closest to the median); else the one with the most."""
    client_ids = list(
        Case.objects.filter(responsible=caseworker, unit=unit, status=CaseStatus.OPEN)
        .order_by("client_id")
        .values_list("client_id", flat=True)
    )
    if not client_ids:
        raise NoSyntheticData(f"Caseworker {caseworker.username} has no open cases.")
    counts: dict[int, list[int]] = {pk: [0, 0, 0] for pk in client_ids}
    querysets: tuple[QuerySet[Any], ...] = (Certificate.objects.all(), Meeting.objects.all(), Plan.objects.all())
    for index, queryset in enumerate(querysets):
        for client_id, count in (
            queryset.filter(client_id__in=client_ids)
            .values("client_id")
            .annotate(n=Count("pk"))
            .values_list("client_id", "n")
        ):
            counts[client_id][index] = count
    medians = [_median([c[index] for c in counts.values()]) for index in range(3)]
    typical = [pk for pk, c in counts.items() if all(c[i] >= medians[i] for i in range(3))]
    if typical:
        return min(typical, key=lambda pk: (sum(counts[pk]), pk))
    return max(client_ids, key=lambda pk: (sum(counts[pk]), -pk))


def benchmark_subjects() -> BenchmarkSubjects:
    """The users and the client the benchmarks measure with, chosen the same way on every dataset."""
    unit = _busiest_unit()
    caseloads = [(user, n) for user, n in _open_caseloads(unit) if n > 0]
    if not caseloads:
        raise NoSyntheticData(f"Unit {unit.code} has no caseworker with open cases.")
    caseworker = caseloads[len(caseloads) // 2][0]
    unit_manager = User.objects.filter(role=Role.UNIT_MANAGER, is_active=True, units=unit).order_by("pk").first()
    aggregate_viewer = User.objects.filter(role=Role.AGGREGATE_VIEWER, is_active=True).order_by("pk").first()
    analyst = (
        User.objects.filter(role=Role.ANALYST, is_active=True, units=unit).order_by("pk").first()
        or User.objects.filter(role=Role.ANALYST, is_active=True, units__municipality=unit.municipality_id)
        .order_by("pk")
        .first()
    )
    if unit_manager is None or aggregate_viewer is None or analyst is None:
        raise NoSyntheticData("The dataset lacks a unit manager, an aggregate viewer or an analyst.")
    return BenchmarkSubjects(
        unit=unit,
        caseworker=caseworker,
        unit_manager=unit_manager,
        aggregate_viewer=aggregate_viewer,
        analyst=analyst,
        client_id=_typical_client(caseworker, unit),
    )


def load_test_logins(count: int = 50, *, password: str = DEFAULT_PASSWORD) -> list[LoadTestLogin]:
    """Up to `count` distinct caseworkers with open cases, from the units with the most open cases first,
    each with their TOTP key and up to 50 clients they may see."""
    units = (
        Case.objects.filter(status=CaseStatus.OPEN)
        .values("unit_id")
        .annotate(open_cases=Count("pk"))
        .order_by("-open_cases", "unit_id")
    )
    chosen: list[User] = []
    seen: set[int] = set()
    for row in units:
        unit = Unit(pk=row["unit_id"])
        for user, open_cases in reversed(_open_caseloads(unit)):  # the busiest caseworkers of the unit first
            if open_cases and user.pk not in seen:
                seen.add(user.pk)
                chosen.append(user)
            if len(chosen) >= count:
                break
        if len(chosen) >= count:
            break
    keys = dict(
        TOTPDevice.objects.filter(user__in=chosen, confirmed=True)
        .order_by("user_id", "pk")
        .values_list("user_id", "key")
    )
    logins = []
    for user in chosen:
        if user.pk not in keys:
            continue
        client_ids = list(visible_clients(user).order_by("pk").values_list("pk", flat=True)[:LOGIN_CLIENTS])
        logins.append(LoadTestLogin(user.username, password, keys[user.pk], client_ids))
    return logins
