"""The OpenAPI document, and routers contributed by other apps."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import override_settings
from django.utils.module_loading import module_has_submodule
from ninja import NinjaAPI
from ninja.responses import NinjaJSONEncoder
from ninja.testing import TestClient
from openapi_spec_validator import validate

from rattvag.accounts.tokens import api_token_issue
from rattvag.api.setup import build_api
from tests.fixtures.actors import World

from .helpers import API

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def document(client) -> dict[str, Any]:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if method in METHODS
    ]


def test_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["info"]["title"] == "Rätt väg API"
    assert document["info"]["version"] == "1"


def test_document_is_public_and_so_are_the_docs(client) -> None:
    assert client.get(f"{API}/docs").status_code == 200


def test_docs_load_nothing_from_other_hosts(client) -> None:
    html = client.get(f"{API}/docs").content.decode()
    assert "https://" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html


def test_clients_endpoints_are_documented(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert set(paths[f"{API}/clients"]) == {"get", "post"}
    assert set(paths[f"{API}/clients/{{client_id}}"]) == {"get", "patch"}
    assert set(paths[f"{API}/clients/search"]) == {"post"}
    create = paths[f"{API}/clients"]["post"]
    assert set(create["responses"]) == {"201", "400", "401", "403", "409", "422"}
    assert create["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ClientIn"}
    assert set(paths[f"{API}/clients/{{client_id}}"]["get"]["responses"]) == {"200", "401", "404", "422"}
    schemas = document["components"]["schemas"]
    assert {"ClientIn", "ClientOut", "CaseOut", "ClientListOut", "ErrorOut", "FieldError"} <= set(schemas)
    assert set(document["components"]["securitySchemes"]) == {"ApiTokenAuth", "VerifiedSessionAuth"}


def test_every_operation_documents_its_errors(document: dict[str, Any]) -> None:
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    operations = _operations(document)
    assert operations
    for path, method, operation in operations:
        responses = operation["responses"]
        expected = {"422"}
        if operation.get("security"):
            expected.add("401")
            if method != "get":
                expected.add("403")
        if "requestBody" in operation:
            expected.add("400")
        if "{" in path:
            expected.add("404")
        assert expected <= set(responses), f"{method.upper()} {path} lacks {expected - set(responses)}"
        for status in expected:
            assert responses[status]["content"]["application/json"]["schema"] == error_ref, (method, path, status)
        assert any(status.startswith("2") for status in responses), f"{method.upper()} {path} has no success"


def test_every_operation_needs_authentication(document: dict[str, Any]) -> None:
    for path, method, operation in _operations(document):
        assert operation.get("security") == [{"ApiTokenAuth": []}, {"VerifiedSessionAuth": []}], (method, path)


def test_routers_of_installed_apps_are_mounted(document: dict[str, Any]) -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("rattvag.") or config.name == "rattvag.api":
            continue
        if module_has_submodule(config.module, "api"):
            router = __import__(f"{config.name}.api", fromlist=["router"]).router
            for path in router.path_operations:
                assert f"{API}{path}" in document["paths"], f"{config.name}: {path} not mounted"


# --- a router contributed by an app, as rattvag.<app>.api ---------------------------------------

CONTRIBUTING_APP = "rattvag.api.tests.contributing_app"


@pytest.fixture
def contributed_api(world: World) -> tuple[NinjaAPI, str]:
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, CONTRIBUTING_APP]):
        api = build_api()
    _token, raw = api_token_issue(user=world.caseworker, actor=world.caseworker)
    return api, raw


def test_contributed_router_is_mounted_with_auth_and_errors(contributed_api: tuple[NinjaAPI, str]) -> None:
    api, raw = contributed_api
    http = TestClient(api)
    token = {"Authorization": f"Bearer {raw}"}
    ok = http.post("/clients/7/echo", json={"number": 3}, headers=token)
    assert (ok.status_code, ok.json()) == (200, {"number": 3, "username": "caseworker"})
    assert http.post("/clients/7/echo", json={"number": 3}).status_code == 401
    invalid = http.post("/clients/7/echo", json={"number": "x"}, headers=token)
    assert invalid.status_code == 422
    assert invalid.json()["errors"] == [{"field": "number", "message": "Ogiltigt värde."}]
    refused = http.post("/clients/7/echo", json={"number": -1}, headers=token)
    assert (refused.status_code, refused.json()) == (403, {"message": "Negative numbers need consent.", "errors": []})


def test_contributed_router_is_documented_completely(contributed_api: tuple[NinjaAPI, str]) -> None:
    api, _raw = contributed_api
    document = json.loads(json.dumps(api.get_openapi_schema(path_prefix=""), cls=NinjaJSONEncoder))
    validate(document)
    operation = document["paths"]["/clients/{client_id}/echo"]["post"]
    assert {"200", "400", "401", "403", "404", "422"} <= set(operation["responses"])
    assert operation["security"] == [{"ApiTokenAuth": []}, {"VerifiedSessionAuth": []}]
