"""No lost updates on the client: two people edit the same client, on the web page and through the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from rattvag.accounts.tokens import api_token_issue
from rattvag.audit.models import AuditEvent
from rattvag.clients.models import Client

API = "/api/v1/clients"


def _edit_url(client: Client) -> str:
    return reverse("clients:edit", args=[client.pk])


def _form(client: Client, **changes: str) -> dict[str, str]:
    """The edit form as it was loaded for `client`, with `changes` typed into it."""
    data = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "phone": client.phone,
        "email": client.email,
        "street_address": client.street_address,
        "postal_code": client.postal_code,
        "city": client.city,
        "version": str(client.version),
    }
    if client.protected_identity:
        data["protected_identity"] = "on"
    data.update(changes)
    return data


def test_the_second_save_shows_the_first_persons_changes_and_keeps_what_she_typed(world, login_as):
    """The caseworker and her unit manager open the same client; the manager saves first."""
    client = world.client_a
    caseworker, manager = login_as(world.caseworker), login_as(world.manager)
    assert 'name="version" value="1"' in caseworker.get(_edit_url(client)).content.decode()
    assert 'name="version" value="1"' in manager.get(_edit_url(client)).content.decode()
    loaded = _form(client)

    saved = manager.post(_edit_url(client), {**loaded, "city": "Laholm", "phone": "035-12 34 56"})
    assert saved.status_code == 302

    response = caseworker.post(_edit_url(client), {**loaded, "street_address": "Storgatan 7", "postal_code": "30245"})
    assert response.status_code == 200  # re-shown like every form in the app
    page = response.content.decode()
    assert 'id="conflict"' in page
    assert "Någon annan har ändrat detta sedan du öppnade det. Dina ändringar har inte sparats." in page
    manager_name = world.manager.get_full_name()
    assert f"{manager_name} sparade en ändring" in page
    # The manager's changes with their saved values, and nothing else.
    table = page[page.index('id="conflict"') : page.index("</table>")]
    assert "Ort" in table
    assert "Laholm" in table
    assert "Telefon" in table
    assert "035-12 34 56" in table
    assert "Gatuadress" not in table
    # What the caseworker typed is still in the form, and the hidden version has moved on.
    assert 'value="Storgatan 7"' in page
    assert 'value="30245"' in page
    assert 'name="version" value="2"' in page
    stored = Client.objects.get(pk=client.pk)
    assert (stored.city, stored.street_address, stored.version) == ("Laholm", "", 2)
    assert AuditEvent.objects.filter(action="client.updated", client_id=client.pk).count() == 1


def test_saving_again_after_the_conflict_overwrites_on_purpose(world, login_as):
    client = world.client_a
    caseworker, manager = login_as(world.caseworker), login_as(world.manager)
    loaded = _form(client)
    manager.post(_edit_url(client), {**loaded, "city": "Laholm"})
    conflict = caseworker.post(_edit_url(client), {**loaded, "city": "Falkenberg"})
    assert 'name="version" value="2"' in conflict.content.decode()
    again = caseworker.post(_edit_url(client), {**loaded, "city": "Falkenberg", "version": "2"})
    assert again.status_code == 302
    stored = Client.objects.get(pk=client.pk)
    assert (stored.city, stored.version) == ("Falkenberg", 3)


def test_the_same_person_in_two_tabs(world, login_as):
    http = login_as(world.caseworker)
    loaded = _form(world.client_a)
    http.post(_edit_url(world.client_a), {**loaded, "city": "Laholm"})
    page = http.post(_edit_url(world.client_a), {**loaded, "phone": "035-99"}).content.decode()
    assert "Du sparade en ändring i ett annat fönster" in page


@pytest.mark.parametrize("version", [None, "", "0", "x"])
def test_the_version_cannot_be_left_out(world, login_as, version):
    data = _form(world.client_a, city="Laholm")
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    response = login_as(world.caseworker).post(_edit_url(world.client_a), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Formuläret saknar sin version. Ladda om sidan och gör dina ändringar igen." in page
    assert Client.objects.get(pk=world.client_a.pk).city != "Laholm"


def test_an_unchanged_form_saves_nothing(world, login_as):
    response = login_as(world.caseworker).post(_edit_url(world.client_a), _form(world.client_a))
    assert response.status_code == 302
    assert Client.objects.get(pk=world.client_a.pk).version == 1
    assert not AuditEvent.objects.filter(action="client.updated").exists()


# --- the API ------------------------------------------------------------------------------------


def _api(user: Any) -> HttpClient:
    _token, raw = api_token_issue(user=user, actor=user)
    return HttpClient(headers={"Authorization": f"Bearer {raw}"})


def _patch(http: HttpClient, client: Client, body: Any) -> Any:
    return http.patch(f"{API}/{client.pk}", data=json.dumps(body), content_type="application/json")


def test_api_read_gives_the_version_and_patch_saves(world):
    http = _api(world.caseworker)
    read = http.get(f"{API}/{world.client_a.pk}").json()
    assert read["version"] == 1
    response = _patch(http, world.client_a, {"version": 1, "city": " Laholm ", "phone": "035-1"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["city"], body["phone"], body["version"]) == ("Laholm", "035-1", 2)
    event = AuditEvent.objects.get(action="client.updated", client_id=world.client_a.pk)
    assert event.data == {"fields": ["city", "phone"], "version": 2}


def test_api_stale_version_is_409_with_the_current_client(world):
    caseworker, manager = _api(world.caseworker), _api(world.manager)
    assert _patch(manager, world.client_a, {"version": 1, "city": "Laholm"}).status_code == 200
    response = _patch(caseworker, world.client_a, {"version": 1, "city": "Falkenberg"})
    assert response.status_code == 409
    body = response.json()
    assert set(body) == {"message", "errors", "current"}
    assert body["message"] == "Någon annan har ändrat detta sedan du öppnade det. Dina ändringar har inte sparats."
    assert body["errors"] == []
    assert body["current"]["city"] == "Laholm"
    assert body["current"]["version"] == 2
    assert body["current"]["id"] == world.client_a.pk
    assert Client.objects.get(pk=world.client_a.pk).city == "Laholm"
    # With the version from the answer, the change goes through.
    assert _patch(caseworker, world.client_a, {"version": 2, "city": "Falkenberg"}).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"city": "Laholm"}, "version"),
        ({"version": None, "city": "Laholm"}, "version"),
        ({"version": 0, "city": "Laholm"}, "version"),
        ({"version": 2**40, "city": "Laholm"}, "version"),
        ({"version": 1, "personal_number": "191212121212"}, "personal_number"),
        ({"version": 1, "city": "x" * 101}, "city"),
        ({"version": 1, "first_name": ""}, "first_name"),
    ],
)
def test_api_patch_input_is_checked(world, body, field):
    response = _patch(_api(world.caseworker), world.client_a, body)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    assert Client.objects.get(pk=world.client_a.pk).version == 1


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("caseworker_other_unit", 404),
        ("analyst", 404),
        ("aggregate_viewer", 404),
        ("admin", 404),
        ("partner_officer", 404),  # no consent: the client does not exist for them
        ("nurse", 403),  # sees the client, does not edit
    ],
)
def test_api_patch_access(world, actor, status):
    response = _patch(_api(world.actors()[actor]), world.client_a, {"version": 1, "city": "Laholm"})
    assert response.status_code == status
    assert Client.objects.get(pk=world.client_a.pk).city != "Laholm"


def test_api_patch_is_documented_with_409(world):
    document = HttpClient().get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/clients/{client_id}"]["patch"]
    assert {"200", "409", "404", "422"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    schema = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    assert "version" in schema["required"]
