"""Who may see which client: decided here, and only here.

- caseworkers and unit managers: clients with a case in one of their units;
- nurses: clients of the cases they are assigned to;
- any unit staff: clients they hold temporary access to (break-the-glass) for today;
- partner officers, analysts, aggregate viewers and administrators: no individual clients
  (partner access under consent comes with the consent module).
Anything a user may not see is answered with 404 by the callers, never 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from rattvag.accounts.models import Role
from rattvag.audit.services import ActingFor

from .models import AccessGrant, Case, Client

if TYPE_CHECKING:
    from rattvag.accounts.models import User


UNIT_ROLES = frozenset({Role.CASEWORKER, Role.UNIT_MANAGER})


def _active_grants(user: User) -> QuerySet[AccessGrant]:
    return AccessGrant.objects.filter(user=user, expires_at__gt=timezone.now())


def _regular_case_filter(user: User) -> Q | None:
    """The cases a user reaches through their own work (no temporary access)."""
    if user.role in UNIT_ROLES:
        return Q(unit__in=user.units.all())
    if user.role == Role.NURSE:
        return Q(nurses=user)
    return None


def may_take_temporary_access(user: User) -> bool:
    return user.is_active and user.role in {Role.CASEWORKER, Role.UNIT_MANAGER, Role.NURSE}


def visible_clients(user: User) -> QuerySet[Client]:
    """Every client the user may see, as one query."""
    if not user.is_authenticated or not user.is_active:
        return Client.objects.none()
    conditions = Q(pk__in=[])
    case_filter = _regular_case_filter(user)
    if case_filter is not None:
        conditions |= Exists(Case.objects.filter(case_filter, client=OuterRef("pk")))
    if may_take_temporary_access(user):
        conditions |= Exists(_active_grants(user).filter(client=OuterRef("pk")))
    return Client.objects.filter(conditions)


@dataclass(frozen=True)
class ClientAccess:
    """How a user reaches one client; feeds the audit event and what the page may show."""

    acting_for: ActingFor
    sees_protected_identity: bool


def client_access(user: User, client: Client) -> ClientAccess | None:
    """None when the user may not see the client at all."""
    if not user.is_authenticated or not user.is_active:
        return None
    case_filter = _regular_case_filter(user)
    if case_filter is not None:
        case = client.cases.filter(case_filter).select_related("unit").order_by("-opened_on", "-pk").first()
        if case is not None:
            sees_protected = user.role == Role.UNIT_MANAGER or case.responsible_id == user.pk
            return ClientAccess(ActingFor(unit=case.unit), sees_protected_identity=sees_protected)
    if may_take_temporary_access(user) and _active_grants(user).filter(client=client).exists():
        return ClientAccess(
            ActingFor(unit=user.units.order_by("pk").first(), break_glass=True, outside_units=True),
            sees_protected_identity=False,
        )
    return None


def may_see_protected_identity(user: User, client: Client) -> bool:
    access = client_access(user, client)
    return access is not None and access.sees_protected_identity
