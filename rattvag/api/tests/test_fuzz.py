"""Bad input never causes a server error: POST /clients with random bodies and random field values."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.actors import World

from .helpers import API, client_payload

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FIELDS = [
    "personal_number",
    "first_name",
    "last_name",
    "unit",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "city",
    "protected_identity",
]
ANSWERS = {201, 409, 422}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


def _assert_answer(response: Any, allowed: set[int]) -> None:
    assert response.status_code in allowed, (response.status_code, response.content)
    body = response.json()
    if response.status_code >= 400:
        assert set(body) == {"message", "errors"}
        assert isinstance(body["message"], str)
        assert body["message"]
        assert all(set(e) == {"field", "message"} for e in body["errors"])


def _post(http: Any, body: Any) -> None:
    _assert_answer(http.post(f"{API}/clients", data=json.dumps(body), content_type="application/json"), ANSWERS)


@FUZZ
@given(body=json_values)
def test_any_json_body(world: World, api_as, body: Any) -> None:
    _post(api_as(world.caseworker), body)


@FUZZ
@given(body=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, json_values) | {"extra": json_values}))
def test_any_values_for_the_known_fields(world: World, api_as, body: dict[str, Any]) -> None:
    _post(api_as(world.caseworker), body)


@FUZZ
@given(field=st.sampled_from(FIELDS), value=st.text())
def test_random_string_in_one_field(world: World, api_as, field: str, value: str) -> None:
    _post(api_as(world.caseworker), client_payload(world.unit_a.code, **{field: value}))


@FUZZ
@given(raw=st.binary(max_size=200))
def test_any_bytes(world: World, api_as, raw: bytes) -> None:
    response = api_as(world.caseworker).post(f"{API}/clients", data=raw, content_type="application/json")
    _assert_answer(response, ANSWERS | {400})


@FUZZ
@given(q=st.text(), limit=st.text(max_size=30), offset=st.text(max_size=30))
def test_list_with_any_query(world: World, api_as, q: str, limit: str, offset: str) -> None:
    response = api_as(world.caseworker).get(f"{API}/clients", {"q": q, "limit": limit, "offset": offset})
    _assert_answer(response, {200, 422})
