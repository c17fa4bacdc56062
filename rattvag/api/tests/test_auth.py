"""Authentication: personal API tokens, and sessions that passed two-factor login (with CSRF)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.utils.crypto import get_random_string

from rattvag.accounts.tokens import api_token_issue, api_token_revoke
from tests.fixtures.actors import World, log_in

from .helpers import API, TokenClient, client_payload

UNAUTHORIZED = {"message": "Autentisering krävs: skicka en personlig API-token eller logga in.", "errors": []}


def test_valid_token(world: World) -> None:
    _token, raw = api_token_issue(user=world.caseworker, actor=world.caseworker)
    response = TokenClient(raw).get(f"{API}/clients/{world.client_a.pk}")
    assert response.status_code == 200


def test_token_scheme_is_case_insensitive(world: World) -> None:
    _token, raw = api_token_issue(user=world.caseworker, actor=world.caseworker)
    response = HttpClient().get(f"{API}/clients", headers={"Authorization": f"bearer {raw}"})
    assert response.status_code == 200


def test_revoked_token(world: World) -> None:
    token, raw = api_token_issue(user=world.caseworker, actor=world.caseworker)
    api_token_revoke(token=token, actor=world.caseworker)
    response = TokenClient(raw).get(f"{API}/clients")
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


@pytest.mark.parametrize(
    "header",
    ["Bearer wrong-token", "Bearer ", "Bearer", "Token abc", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000],
)
def test_wrong_token(world: World, header: str) -> None:
    api_token_issue(user=world.caseworker, actor=world.caseworker)
    response = HttpClient().get(f"{API}/clients", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_token_of_deactivated_user(world: World) -> None:
    _token, raw = api_token_issue(user=world.caseworker, actor=world.caseworker)
    world.caseworker.is_active = False
    world.caseworker.save(update_fields=["is_active"])
    assert TokenClient(raw).get(f"{API}/clients").status_code == 401


def test_session_without_second_factor_is_refused(world: World) -> None:
    http = HttpClient()
    http.force_login(world.caseworker)  # password step only
    response = http.get(f"{API}/clients/{world.client_a.pk}")
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_session_with_second_factor(world: World, login_as) -> None:
    response = login_as(world.caseworker).get(f"{API}/clients/{world.client_a.pk}")
    assert response.status_code == 200


def test_session_of_role_without_second_factor_requirement(world: World) -> None:
    # Analysts see no individual data and need no second factor; they get an (empty) list.
    http = HttpClient()
    http.force_login(world.analyst)
    response = http.get(f"{API}/clients")
    assert response.status_code == 200
    assert response.json() == {"count": 0, "items": []}


def _csrf_session(world: World) -> tuple[HttpClient, str]:
    http = log_in(HttpClient(enforce_csrf_checks=True), world.caseworker)
    secret = get_random_string(32)
    http.cookies["csrftoken"] = secret
    return http, secret


def test_session_post_needs_csrf_token(world: World) -> None:
    http, _secret = _csrf_session(world)
    response = http.post(f"{API}/clients", data=client_payload(world.unit_a.code), content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {
        "message": "CSRF-kontrollen misslyckades: skicka huvudet X-CSRFToken med sessionen.",
        "errors": [],
    }


def test_session_post_with_csrf_token(world: World) -> None:
    http, secret = _csrf_session(world)
    response = http.post(
        f"{API}/clients",
        data=client_payload(world.unit_a.code),
        content_type="application/json",
        headers={"X-CSRFToken": secret},
    )
    assert response.status_code == 201


def test_session_get_needs_no_csrf_token(world: World) -> None:
    http, _secret = _csrf_session(world)
    assert http.get(f"{API}/clients").status_code == 200


def test_token_post_needs_no_csrf_token(world: World) -> None:
    _token, raw = api_token_issue(user=world.caseworker, actor=world.caseworker)
    http = TokenClient(raw, enforce_csrf_checks=True)
    response = http.post_json(f"{API}/clients", client_payload(world.unit_a.code))
    assert response.status_code == 201


def test_anonymous_post_gets_401_not_a_csrf_failure(world: World) -> None:
    http = TokenClient(enforce_csrf_checks=True)
    response = http.post_json(f"{API}/clients", client_payload(world.unit_a.code))
    assert response.status_code == 401


def test_token_wins_over_a_session_of_someone_else(world: World) -> None:
    _token, raw = api_token_issue(user=world.caseworker_other_unit, actor=world.caseworker_other_unit)
    http = log_in(TokenClient(raw), world.caseworker)
    assert http.get(f"{API}/clients/{world.client_a.pk}").status_code == 404
    assert http.get(f"{API}/clients/{world.client_b.pk}").status_code == 200
