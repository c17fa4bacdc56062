"""A hand-built unit for the statistics tests: every expected figure is written out in ``EXPECTED``.

Today is Monday 16 June 2025; the default period runs from 1 July 2024. Unit A (world.unit_a, Halmstad) has:

| client | born, sex     | case (responsible)          | certificates: care unit, code, periods                  |
|--------|---------------|-----------------------------|---------------------------------------------------------|
| A1     | 1990-03-10, m | open since 2025-05-17 (cw)  | Söder, F32.1, 100 % 05-01..05-31, 50 % 06-01..07-31     |
| A2     | 2000-08-20, f | open since 2025-02-01 (cw2) | Söder, M54.5, 100 % 06-02..06-30, no prognosis          |
| A3     | 1965-01-05, m | open since 2024-12-01 (cw)  | Norr, F43.8A, 100 % 01-01..03-31; again 75 % 04-03..06-30 |
| A4     | 1980-11-30, f | open since 2024-10-01 (cw)  | Norr, J45, 25 % 2024-10-01..2025-05-01 (ended)          |
| A5     | 1970-02-02, f | 2024-06-01..2025-03-01 (cw) | Öster, Z73.0, 100 % 2024-09-01..2024-12-31              |

SGI: A2 none (2025-06-03), A3 unknown (2025-01-10), A4 has (2025-05-02); A1 never recorded.
world.client_b (unit B) has a certificate too and never counts for unit A.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from rattvag.accounts.models import Role, User
from rattvag.certificates.services import (
    CareUnitData,
    CertificateData,
    DiagnosisData,
    PeriodData,
    certificate_register,
    sgi_status_record,
)
from rattvag.certificates.tests.factories import GOOD_IMPAIRMENT, GOOD_LIMITATION
from rattvag.clients.models import Case, CaseStatus, Client, Outcome
from tests.factories import CaseFactory, ClientFactory, UserFactory, make_personal_number

TODAY = datetime.date(2025, 6, 16)
NOW = datetime.datetime(2025, 6, 16, 10, 0, tzinfo=datetime.UTC)
D = datetime.date


def register(
    actor: User,
    client: Client,
    *,
    care_unit: str,
    code: str,
    periods: list[tuple[int, datetime.date, datetime.date]],
    issued_on: datetime.date | None = None,
    prognosis: str = "after_60",
) -> Any:
    issued = issued_on or periods[0][1]
    data = CertificateData(
        issued_on=issued,
        received_on=issued,
        care_unit=CareUnitData(name=care_unit),
        diagnoses=[DiagnosisData(code=code)],
        periods=[PeriodData(degree=degree, start=start, end=end) for degree, start, end in periods],
        basis=["own_examination"],
        functional_impairment=GOOD_IMPAIRMENT,
        activity_limitation=GOOD_LIMITATION,
        prognosis=prognosis,
    )
    return certificate_register(actor=actor, client=client, data=data)


@dataclass
class MappingWorld:
    world: Any
    cw2: User
    clients: dict[str, Client]


def build_unit_a(world: Any) -> MappingWorld:
    cw = world.caseworker
    cw2 = UserFactory(
        username="caseworker2", role=Role.CASEWORKER, units=[world.unit_a], first_name="Cecilia", last_name="Två"
    )
    a1 = world.client_a
    Client.objects.filter(pk=a1.pk).update(personal_number=make_personal_number(D(1990, 3, 10), 123))
    Case.objects.filter(pk=world.case_a.pk).update(opened_on=D(2025, 5, 17))

    def new_client(birth: datetime.date, serial: int, opened: datetime.date, responsible: User, **case: Any) -> Client:
        client = ClientFactory(municipality=world.municipality_a, personal_number=make_personal_number(birth, serial))
        CaseFactory(client=client, unit=world.unit_a, opened_on=opened, responsible=responsible, **case)
        return client

    a2 = new_client(D(2000, 8, 20), 244, D(2025, 2, 1), cw2)
    a3 = new_client(D(1965, 1, 5), 357, D(2024, 12, 1), cw)
    a4 = new_client(D(1980, 11, 30), 468, D(2024, 10, 1), cw)
    a5 = new_client(
        D(1970, 2, 2),
        582,
        D(2024, 6, 1),
        cw,
        status=CaseStatus.CLOSED,
        outcome=Outcome.WORK,
        closed_on=D(2025, 3, 1),
    )
    register(cw, a1, care_unit="Vårdcentralen Söder", code="F32.1",
             periods=[(100, D(2025, 5, 1), D(2025, 5, 31)), (50, D(2025, 6, 1), D(2025, 7, 31))])  # fmt: skip
    register(cw, a2, care_unit="Vårdcentralen Söder", code="M54.5", prognosis="",
             periods=[(100, D(2025, 6, 2), D(2025, 6, 30))])  # fmt: skip
    register(cw, a3, care_unit="Vårdcentralen Norr", code="F43.8A", periods=[(100, D(2025, 1, 1), D(2025, 3, 31))])
    register(cw, a3, care_unit="Vårdcentralen Norr", code="F43.8A", periods=[(75, D(2025, 4, 3), D(2025, 6, 30))])
    register(cw, a4, care_unit="Vårdcentralen Norr", code="J45", periods=[(25, D(2024, 10, 1), D(2025, 5, 1))])
    register(cw, a5, care_unit="Vårdcentralen Öster", code="Z73.0", periods=[(100, D(2024, 9, 1), D(2024, 12, 31))])
    register(world.caseworker_other_unit, world.client_b, care_unit="Vårdcentralen Söder", code="F32.1",
             periods=[(100, D(2025, 6, 1), D(2025, 6, 30))])  # fmt: skip
    sgi_status_record(actor=cw, client=a2, status="none", recorded_on=D(2025, 6, 3), source="fk")
    sgi_status_record(actor=cw, client=a3, status="unknown", recorded_on=D(2025, 1, 10), source="client")
    sgi_status_record(actor=cw, client=a4, status="has", recorded_on=D(2025, 5, 2), source="fk")
    return MappingWorld(world=world, cw2=cw2, clients={"A1": a1, "A2": a2, "A3": a3, "A4": a4, "A5": a5})


# The figures of unit A with no filters, as (table -> column -> count); columns not named are 0.
EXPECTED: dict[str, dict[str, int]] = {
    "headline": {"sick_listed": 3, "not_sick_listed": 1, "total": 4},
    "sgi": {"unknown": 2, "none": 1, "has": 1, "total": 4},
    "chapters": {"V": 2, "XIII": 1, "total": 3},
    "codes": {"F321": 1, "F438A": 1, "M545": 1, "other": 0, "none": 0, "total": 3},
    "degree": {"25": 0, "50": 1, "75": 1, "100": 1, "total": 3},
    "spell_length": {"15-30": 1, "91-180": 2, "total": 3},
    "age": {"21-25": 1, "31-35": 1, "41-45": 1, "56-60": 1, "total": 4},
    "sex": {"female": 2, "male": 2, "total": 4},
    "new_spells": {"2024-09": 1, "2024-10": 1, "2025-01": 1, "2025-05": 1, "2025-06": 1, "total": 5},
}
EXPECTED_MEMBERS: dict[tuple[str, str], set[str]] = {
    ("headline", "sick_listed"): {"A1", "A2", "A3"},
    ("headline", "not_sick_listed"): {"A4"},
    ("sgi", "unknown"): {"A1", "A3"},
    ("chapters", "V"): {"A1", "A3"},
    ("degree", "75"): {"A3"},
    ("spell_length", "91-180"): {"A1", "A3"},
    ("age", "56-60"): {"A3"},
    ("sex", "female"): {"A2", "A4"},
    ("new_spells", "2024-09"): {"A5"},
    ("new_spells", "total"): {"A1", "A2", "A3", "A4", "A5"},
}


@pytest.fixture
def unit_a(world: Any, time_machine: Any) -> MappingWorld:
    time_machine.move_to(NOW, tick=False)
    return build_unit_a(world)


@pytest.fixture
def add_clients(world: Any) -> Callable[[int], None]:
    """More sick-listed clients in unit A (for query counts)."""

    def _add(count: int) -> None:
        for n in range(count):
            client = ClientFactory(municipality=world.municipality_a)
            CaseFactory(client=client, unit=world.unit_a, opened_on=D(2025, 1, 1), responsible=world.caseworker)
            register(
                world.caseworker,
                client,
                care_unit=f"Vårdcentralen {n % 7}",
                code=["F32.1", "M54.5", "F41.1", "J45"][n % 4],
                periods=[([25, 50, 75, 100][n % 4], D(2025, 1 + n % 5, 1), D(2025, 7, 31))],
            )

    return _add


@pytest.fixture
def api_as(db: None) -> Callable[[User], Any]:
    """An API client with a fresh personal token of the user."""
    from rattvag.accounts.tokens import api_token_issue
    from rattvag.api.tests.helpers import TokenClient

    def _as(user: User) -> TokenClient:
        _token, raw = api_token_issue(user=user, actor=user)
        return TokenClient(raw)

    return _as


@pytest.fixture
def anonymous() -> Any:
    from rattvag.api.tests.helpers import TokenClient

    return TokenClient()
