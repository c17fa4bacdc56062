"""Every endpoint for every actor of the `world`: allowed, or an answer that reveals nothing (404)."""

from __future__ import annotations

import pytest

from tests.fixtures.actors import World

from .helpers import API, client_payload

ACTORS = [
    "caseworker",
    "caseworker_other_unit",
    "nurse",
    "manager",
    "analyst",
    "partner_officer",
    "aggregate_viewer",
    "admin",
]

# Who sees which client of the world (rattvag.clients.access decides; this is its contract).
SEES_CLIENT_A = {"caseworker", "nurse", "manager"}
SEES_CLIENT_B = {"caseworker_other_unit"}
# Who may register clients in unit_a: caseworkers and managers of that unit.
CREATES_IN_UNIT_A = {"caseworker", "manager"}


@pytest.mark.parametrize("actor", ACTORS)
def test_detail_of_client_a(world: World, api_as, actor: str) -> None:
    response = api_as(getattr(world, actor)).get(f"{API}/clients/{world.client_a.pk}")
    if actor in SEES_CLIENT_A:
        assert response.status_code == 200
        assert response.json()["id"] == world.client_a.pk
    else:
        assert response.status_code == 404
        assert response.json() == {"message": "Hittades inte.", "errors": []}


@pytest.mark.parametrize("actor", ACTORS)
def test_detail_of_client_b(world: World, api_as, actor: str) -> None:
    response = api_as(getattr(world, actor)).get(f"{API}/clients/{world.client_b.pk}")
    assert response.status_code == (200 if actor in SEES_CLIENT_B else 404)


@pytest.mark.parametrize("actor", ACTORS)
def test_detail_of_missing_client_is_the_same_404(world: World, api_as, actor: str) -> None:
    response = api_as(getattr(world, actor)).get(f"{API}/clients/987654")
    assert response.status_code == 404
    assert response.json() == {"message": "Hittades inte.", "errors": []}


@pytest.mark.parametrize("actor", ACTORS)
def test_list_shows_only_visible_clients(world: World, api_as, actor: str) -> None:
    response = api_as(getattr(world, actor)).get(f"{API}/clients")
    assert response.status_code == 200
    expected = set()
    if actor in SEES_CLIENT_A:
        expected.add(world.client_a.pk)
    if actor in SEES_CLIENT_B:
        expected.add(world.client_b.pk)
    body = response.json()
    assert {item["id"] for item in body["items"]} == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("actor", ACTORS)
def test_search_shows_only_visible_clients(world: World, api_as, actor: str) -> None:
    number = world.client_b.personal_number
    response = api_as(getattr(world, actor)).post_json(f"{API}/clients/search", {"q": number})
    assert response.status_code == 200
    expected = {world.client_b.pk} if actor in SEES_CLIENT_B else set()
    assert {item["id"] for item in response.json()["items"]} == expected


@pytest.mark.parametrize("actor", ACTORS)
def test_create_only_in_own_unit(world: World, api_as, actor: str) -> None:
    response = api_as(getattr(world, actor)).post_json(f"{API}/clients", client_payload(world.unit_a.code))
    if actor in CREATES_IN_UNIT_A:
        assert response.status_code == 201
    else:
        # Nothing exists yet that could leak: the refusal is a validation error on the unit.
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["unit"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/clients"), ("get", "/clients/1"), ("post", "/clients"), ("post", "/clients/search")],
)
def test_every_endpoint_needs_authentication(world: World, anonymous, method: str, path: str) -> None:
    response = getattr(anonymous, method)(f"{API}{path}")
    assert response.status_code == 401
    assert response.json()["errors"] == []
    assert response["WWW-Authenticate"].startswith("Bearer")
