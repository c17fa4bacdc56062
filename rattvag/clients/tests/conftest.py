from __future__ import annotations

import datetime

import pytest

from rattvag.clients.models import Case, Client
from tests.factories import CaseFactory, ClientFactory, make_personal_number


@pytest.fixture
def client_in():
    """A client with an open case: client_in(world.unit_a, responsible=..., protected_identity=True)."""

    def _make(unit, *, responsible=None, nurses=(), **client_fields) -> tuple[Client, Case]:
        client = ClientFactory(municipality=unit.municipality, **client_fields)
        case = CaseFactory(client=client, unit=unit, responsible=responsible)
        if nurses:
            case.nurses.set(nurses)
        return client, case

    return _make


@pytest.fixture
def fresh_number():
    """A valid personal number no factory has used (born 1975, serial chosen by the test)."""

    def _make(serial: int = 123) -> str:
        return make_personal_number(datetime.date(1975, 6, 15), serial)

    return _make
