"""Fixtures for the audit tests: flagged and plain events around the `world` fixture."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from rattvag.accounts.models import Role, User
from rattvag.audit.models import AuditEvent
from rattvag.audit.services import ActingFor, audit_log
from tests.factories import CaseFactory, ClientFactory, UserFactory

WEEKDAY_EVENING = datetime.datetime(2026, 11, 24, 20, 15)  # a Tuesday, after office hours
WEEKDAY_MORNING = datetime.datetime(2026, 11, 24, 9, 30)  # a Tuesday, in office hours


def local(naive: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(naive, timezone.get_default_timezone())


@pytest.fixture
def at_office_hours() -> Any:
    """Events written inside office hours unless a test moves the clock itself."""
    with time_machine.travel(local(WEEKDAY_MORNING), tick=True):
        yield


@pytest.fixture
def other_manager(world: Any) -> User:
    """A unit manager of another municipality's unit (unit_c)."""
    return UserFactory(username="manager_c", role=Role.UNIT_MANAGER, units=[world.unit_c])


@pytest.fixture
def numbered_client(world: Any) -> Any:
    """A client of unit_a with a fixed, valid personal identity number (the one looked up)."""
    client = ClientFactory(municipality=world.municipality_a, personal_number="198505051238")
    CaseFactory(client=client, unit=world.unit_a, responsible=world.caseworker)
    return client


@pytest.fixture
def log_event() -> Callable[..., AuditEvent]:
    """Write an event as a user, with the flags asked for."""

    def _log(
        actor: User,
        *,
        client_id: int | None,
        action: str = "client.viewed",
        break_glass: bool = False,
        unit: Any = None,
        evening: bool = False,
    ) -> AuditEvent:
        acting = ActingFor(
            unit=unit if unit is not None else actor.units.order_by("pk").first(),
            break_glass=break_glass,
            outside_units=break_glass,
        )
        if evening:
            with time_machine.travel(local(WEEKDAY_EVENING)):
                return audit_log(actor=actor, action=action, client_id=client_id, acting_for=acting)
        return audit_log(actor=actor, action=action, client_id=client_id, acting_for=acting)

    return _log
