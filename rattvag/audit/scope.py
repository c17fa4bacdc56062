"""Which audit events a unit manager follows up: decided here, used by the service and the views.

A unit manager reviews events about clients with a case in one of their units, and events by
users who work for one of their units (whichever client those were about). Other roles review
nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from rattvag.accounts.models import Role, User
from rattvag.clients.models import Case

from .models import AuditEvent

if TYPE_CHECKING:
    from rattvag.accounts.models import Unit

FLAGGED = Q(break_glass=True) | Q(outside_units=True) | Q(outside_hours=True)


def is_log_reviewer(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.UNIT_MANAGER)


def reviewer_units(user: User) -> QuerySet[Unit]:
    return user.units.all()


def users_of_units_of(manager: User) -> QuerySet[User]:
    """The staff whose accesses the manager follows up (the manager included)."""
    if not is_log_reviewer(manager):
        return User.objects.none()
    return User.objects.filter(units__in=reviewer_units(manager).values("pk")).distinct()


def events_in_review_scope(manager: User) -> QuerySet[AuditEvent]:
    if not is_log_reviewer(manager):
        return AuditEvent.objects.none()
    unit_ids = reviewer_units(manager).values("pk")
    clients_of_units = Case.objects.filter(unit_id__in=unit_ids).values("client_id")
    staff_of_units = User.objects.filter(units__in=unit_ids).values("pk")
    return AuditEvent.objects.filter(
        Q(client_id__in=clients_of_units) | Q(actor_id__in=staff_of_units) | Q(acting_unit_id__in=unit_ids)
    )
