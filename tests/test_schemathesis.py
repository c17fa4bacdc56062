"""Schemathesis fuzzes every operation of the served OpenAPI document, as a caseworker and a partner officer.

The document is read from the running WSGI app (`/api/v1/openapi.json`), so endpoints added by any app
are fuzzed without touching this file. Each operation is one pytest item, run as each actor with a
bounded, derandomised number of examples, and every response must:
- not be a server error (`not_a_server_error`);
- have a documented status code, the documented content type and match the documented schema.
Schemathesis' coverage phase also sends methods an endpoint does not have (expects 405 in the error format).

Path parameters are sometimes replaced by ids of real records (the test world below), so that the
fuzz reaches the code behind the 404s as well as the 404s.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client as HttpClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from rattvag.accounts.models import User
from rattvag.accounts.tokens import api_token_issue
from rattvag.audit.models import AuditChainHead
from rattvag.consent.models import ConsentPurpose
from rattvag.consent.services import consent_record
from tests.fixtures.actors import World

# Bounded so that the whole fuzz stays around a minute on two cores; raise it locally for a deeper run.
MAX_EXAMPLES = int(os.environ.get("RATTVAG_FUZZ_EXAMPLES", "15"))


def error_body_format(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """Every error, documented or not (a 405 for a method the path lacks), has the API's one error body
    (an operation may document more, such as the current record with a 409)."""
    if response.status_code < 400:
        return
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/json"), f"{response.status_code} answered with {content_type!r}"
    body = response.json()
    assert isinstance(body, dict), body
    assert {"message", "errors"} <= set(body), body
    assert isinstance(body["message"], str), body
    assert body["message"], body
    assert all(set(error) == {"field", "message"} for error in body["errors"]), body


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    unsupported_method,
    error_body_format,
]

schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    WSGIHandler(),
    config=schemathesis.Config.from_dict(
        {"generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True}}
    ),
)

# Ids of real records per path-parameter name, filled by the `fuzz_world` fixture of the running test.
KNOWN_IDS: dict[str, list[int]] = {}


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Half of the time, point every known parameter at a real record."""
    known = {name: ids for name, ids in KNOWN_IDS.items() if name in (path_parameters or {})}
    if not known:
        return st.just(path_parameters)
    real = st.fixed_dictionaries({name: st.sampled_from(ids) for name, ids in known.items()}).map(
        lambda chosen: {**path_parameters, **chosen}
    )
    return st.one_of(st.just(path_parameters), real)


@pytest.fixture
def _connections_kept_open() -> Iterator[None]:
    """Like Django's test client: requests do not close the database connection, which holds the test's
    transaction (PostgreSQL would otherwise lose it after the first request)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@dataclass
class FuzzWorld:
    world: World
    tokens: dict[str, str]


@pytest.fixture
def fuzz_world(world: World, _connections_kept_open: None) -> Iterator[FuzzWorld]:
    AuditChainHead.objects.get_or_create(pk=1)
    consent = consent_record(
        actor=world.caseworker,
        client=world.client_a,
        purposes=list(ConsentPurpose.values),
        form="written",
        partner=world.fk,
    )
    KNOWN_IDS.clear()
    KNOWN_IDS.update(
        client_id=[world.client_a.pk, world.client_b.pk],
        case_id=[world.case_a.pk, world.case_b.pk],
        consent_id=[consent.pk],
    )

    def token(user: User) -> str:
        _token, raw = api_token_issue(user=user, actor=user)
        return raw

    yield FuzzWorld(world, {"caseworker": token(world.caseworker), "partner_officer": token(world.partner_officer)})
    KNOWN_IDS.clear()


FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize("actor", ["caseworker", "partner_officer"])
@schema.parametrize()
@FUZZ
def test_api_conforms_to_its_schema(case: schemathesis.Case, fuzz_world: FuzzWorld, actor: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_world.tokens[actor]}"}, checks=CHECKS)


def test_a_method_the_path_lacks_answers_405_in_the_error_format(world: World):
    _token, raw = api_token_issue(user=world.caseworker, actor=world.caseworker)
    http = HttpClient(headers={"Authorization": f"Bearer {raw}"})
    response = http.delete(f"/api/v1/clients/{world.client_a.pk}")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response["Allow"] == "GET, PATCH"
    assert response.json() == {"message": "Metoden är inte tillåten här.", "errors": []}


def test_a_nul_character_in_a_query_parameter_is_invalid_input(world: World):
    """Found by the fuzz on PostgreSQL (which cannot store NUL): a 500 from the reports, now 422 everywhere."""
    _token, raw = api_token_issue(user=world.caseworker, actor=world.caseworker)
    http = HttpClient(headers={"Authorization": f"Bearer {raw}"})
    for path in ("/api/v1/reports/movement", "/api/v1/clients"):
        response = http.get(path, {"unit": "HAL\x00EB", "q": "a\x00"})
        assert response.status_code == 422, path
        assert response.json()["errors"][0] == {"field": "unit", "message": "Ogiltigt värde."}


def test_an_id_beyond_the_database_range_in_a_body_is_invalid_input(fuzz_world: FuzzWorld):
    """Found by the fuzz (another seed): `staff` ids above 2**63 reach the database; SQLite raises
    OverflowError (500), PostgreSQL finds no such user (422). Owned by the meetings app: `MeetingIn.staff`
    needs ids bounded like path ids (1..MAX_ID)."""
    world = fuzz_world.world
    http = HttpClient(headers={"Authorization": f"Bearer {fuzz_world.tokens['caseworker']}"})
    response = http.post(
        f"/api/v1/clients/{world.client_a.pk}/meetings",
        {"kind": "mapping", "starts_at": "2030-01-07T10:00:00", "staff": [2**70]},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
