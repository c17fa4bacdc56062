"""One error body everywhere, in Swedish by default and in English on request."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.testing import TestClient

from rattvag.api.errors import install_exception_handlers
from rattvag.core.errors import Conflict, PermissionRefused
from tests.fixtures.actors import World

from .helpers import API, client_payload

EN = {"Accept-Language": "en"}


def test_missing_fields_in_swedish(world: World, api_as) -> None:
    response = api_as(world.caseworker).post_json(f"{API}/clients", {"unit": world.unit_a.code})
    assert response.status_code == 422
    assert response["Content-Language"] == "sv"
    assert response.json() == {
        "message": "Begäran innehåller ogiltiga uppgifter.",
        "errors": [
            {"field": "personal_number", "message": "Fältet måste fyllas i."},
            {"field": "first_name", "message": "Fältet måste fyllas i."},
            {"field": "last_name", "message": "Fältet måste fyllas i."},
        ],
    }


def test_missing_fields_in_english(world: World, api_as) -> None:
    response = api_as(world.caseworker).post_json(f"{API}/clients", {"unit": world.unit_a.code}, headers=EN)
    assert response.status_code == 422
    assert response.json() == {
        "message": "The request contains invalid data.",
        "errors": [
            {"field": "personal_number", "message": "This field is required."},
            {"field": "first_name", "message": "This field is required."},
            {"field": "last_name", "message": "This field is required."},
        ],
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"first_name": 42}, "first_name"),
        ({"protected_identity": "maybe"}, "protected_identity"),
        ({"city": ["Halmstad"]}, "city"),
        ({"last_name": "Nul\x00l"}, "last_name"),
        ({"last_name": "Half \ud800 surrogate"}, "last_name"),
    ],
)
def test_wrong_type_is_an_invalid_value(world: World, api_as, overrides: dict, field: str) -> None:
    response = api_as(world.caseworker).post_json(f"{API}/clients", client_payload(world.unit_a.code, **overrides))
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": field, "message": "Ogiltigt värde."}]


@pytest.mark.parametrize("body", ["[]", '"text"', "42", "null", "{}"])
def test_body_that_is_not_an_object(world: World, api_as, body: str) -> None:
    response = api_as(world.caseworker).post_json(f"{API}/clients", body)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"personal_number", "unit"}


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe\x00", b'{"a": 1'])
def test_malformed_json(world: World, api_as, body: bytes) -> None:
    http = api_as(world.caseworker)
    response = http.post(f"{API}/clients", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"message": "Begärans innehåll är inte giltig JSON.", "errors": []}
    response = http.post(f"{API}/clients", data=body, content_type="application/json", headers=EN)
    assert response.json() == {"message": "The request body is not valid JSON.", "errors": []}


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("abc", "Enter the personal identity number as YYYYMMDD-NNNN or YYMMDD-NNNN."),
        ("19800101-0000", "The personal identity number is not valid (check the date and the last digit)."),
        ("19801301-0005", "The personal identity number is not valid (check the date and the last digit)."),
    ],
)
def test_bad_personal_number_is_a_field_error(world: World, api_as, number: str, message: str) -> None:
    payload = client_payload(world.unit_a.code, personal_number=number)
    response = api_as(world.caseworker).post_json(f"{API}/clients", payload, headers=EN)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "personal_number", "message": message}]


def test_unknown_unit(world: World, api_as) -> None:
    response = api_as(world.caseworker).post_json(f"{API}/clients", client_payload("NO-SUCH-UNIT"), headers=EN)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "unit", "message": "There is no unit with this code."}]


def test_unit_of_someone_else(world: World, api_as) -> None:
    response = api_as(world.caseworker).post_json(f"{API}/clients", client_payload(world.unit_b.code), headers=EN)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "unit", "message": "You can only create clients in your own units."}]


def test_model_validation_from_the_service(world: World, api_as) -> None:
    payload = client_payload(world.unit_a.code, first_name="   ", email="not-an-address", last_name="x" * 101)
    response = api_as(world.caseworker).post_json(f"{API}/clients", payload, headers=EN)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"first_name", "last_name", "email"}


def test_query_parameters_are_validated(world: World, api_as) -> None:
    http = api_as(world.caseworker)
    response = http.get(f"{API}/clients", {"limit": "201", "offset": "-1"}, headers=EN)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "limit", "message": "The value must be at most 200."},
        {"field": "offset", "message": "The value must be at least 0."},
    ]
    assert http.get(f"{API}/clients", {"limit": "many"}).json()["errors"] == [
        {"field": "limit", "message": "Ogiltigt värde."}
    ]


@pytest.mark.parametrize("client_id", ["abc", "0", "-5", str(2**70)])
def test_path_parameters_are_validated(world: World, api_as, client_id: str) -> None:
    response = api_as(world.caseworker).get(f"{API}/clients/{client_id}")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["client_id"]


def test_unknown_api_path(world: World, api_as, anonymous) -> None:
    for http in (api_as(world.caseworker), anonymous):
        response = http.get(f"{API}/no/such/thing")
        assert response.status_code == 404
        assert response.json() == {"message": "Hittades inte.", "errors": []}


# --- the handlers themselves, on a small API of their own --------------------------------------


def _raising_api() -> TestClient:
    api = NinjaAPI(urls_namespace="errors-test")
    install_exception_handlers(api)

    @api.get("/conflict")
    def conflict(request):
        raise Conflict("Finns redan.")

    @api.get("/refused")
    def refused(request):
        raise PermissionRefused("Samtycke saknas.")

    @api.get("/missing")
    def missing(request):
        raise Http404

    @api.get("/invalid-dict")
    def invalid_dict(request):
        raise ValidationError({"closed_on": ["Fel datum."], "__all__": ["Fel helt och hållet."]})

    @api.get("/invalid-plain")
    def invalid_plain(request):
        raise ValidationError("Din roll kan inte göra detta.")

    @api.get("/teapot")
    def teapot(request):
        raise HttpError(418, "Jag är en tekanna.")

    @api.get("/broken")
    def broken(request):
        raise RuntimeError("a bug")

    return TestClient(api)


def test_conflict_is_409() -> None:
    response = _raising_api().get("/conflict")
    assert (response.status_code, response.json()) == (409, {"message": "Finns redan.", "errors": []})


def test_permission_refused_is_403() -> None:
    response = _raising_api().get("/refused")
    assert (response.status_code, response.json()) == (403, {"message": "Samtycke saknas.", "errors": []})


def test_http404_is_404() -> None:
    response = _raising_api().get("/missing")
    assert (response.status_code, response.json()) == (404, {"message": "Hittades inte.", "errors": []})


def test_django_validation_error_with_fields() -> None:
    response = _raising_api().get("/invalid-dict")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "closed_on", "message": "Fel datum."},
        {"field": None, "message": "Fel helt och hållet."},
    ]


def test_django_validation_error_without_fields() -> None:
    response = _raising_api().get("/invalid-plain")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": None, "message": "Din roll kan inte göra detta."}]


def test_http_error_keeps_its_status_and_message() -> None:
    response = _raising_api().get("/teapot")
    assert (response.status_code, response.json()) == (418, {"message": "Jag är en tekanna.", "errors": []})


def test_unexpected_error_is_500_in_the_same_format(caplog: pytest.LogCaptureFixture) -> None:
    response = _raising_api().get("/broken")
    assert (response.status_code, response.json()) == (500, {"message": "Ett oväntat fel inträffade.", "errors": []})
    assert "Unhandled error in API" in caplog.text


@pytest.mark.django_db
def test_a_refused_host_gets_the_api_error_body(client) -> None:
    """Django refuses a Host header it does not serve before any view; the API still answers in its format."""
    response = client.get(f"{API}/clients", headers={"host": "A+T", "accept-language": "en"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"message": "The request could not be handled.", "errors": []}


@pytest.mark.django_db
def test_a_refused_host_gets_a_page_outside_the_api(client) -> None:
    response = client.get("/", headers={"host": "A+T"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
