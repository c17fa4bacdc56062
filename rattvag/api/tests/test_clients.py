"""The clients endpoints: what they answer, what they log, and what they keep hidden."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from rattvag.clients.models import Client
from tests.factories import CaseFactory, ClientFactory, UserFactory, make_personal_number
from tests.fixtures.actors import World

from .helpers import API, client_payload, events

EN = {"Accept-Language": "en"}


def test_create_returns_the_client(world: World, api_as) -> None:
    number = make_personal_number(datetime.date(1985, 3, 9), 123)
    payload = client_payload(
        world.unit_a.code,
        personal_number=f"{number[2:8]}-{number[8:]}",
        first_name=" Alva ",
        last_name="Berg",
        phone="035-12 34 56",
        city="Halmstad",
    )
    response = api_as(world.caseworker).post_json(f"{API}/clients", payload)
    assert response.status_code == 201
    body = response.json()
    client = Client.objects.get(pk=body["id"])
    assert body == {
        "id": client.pk,
        "personal_number": number,
        "first_name": "Alva",
        "last_name": "Berg",
        "municipality": "1380",
        "protected_identity": False,
        "phone": "035-12 34 56",
        "email": "",
        "street_address": "",
        "postal_code": "",
        "city": "Halmstad",
        "cases": [
            {
                "id": client.cases.get().pk,
                "unit": world.unit_a.code,
                "opened_on": timezone.localdate().isoformat(),
                "status": "open",
                "outcome": None,
                "closed_on": None,
            }
        ],
    }
    assert client.cases.get().responsible == world.caseworker


def test_create_is_audited(world: World, api_as) -> None:
    response = api_as(world.caseworker).post_json(f"{API}/clients", client_payload(world.unit_a.code))
    client_id = response.json()["id"]
    assert len(events("client.created", client_id=client_id, actor=world.caseworker)) == 1
    assert len(events("case.opened", client_id=client_id, actor=world.caseworker)) == 1


def test_duplicate_in_the_municipality_is_409(world: World, api_as) -> None:
    payload = client_payload(world.unit_a.code, personal_number=world.client_b.personal_number)
    response = api_as(world.caseworker).post_json(f"{API}/clients", payload, headers=EN)
    assert response.status_code == 409
    assert response.json() == {
        "message": "A client with this personal identity number already exists in the municipality.",
        "errors": [],
    }


def test_same_number_in_another_municipality_is_a_new_client(world: World, api_as) -> None:
    laholm = UserFactory(role="caseworker", units=[world.unit_c])
    payload = client_payload(world.unit_c.code, personal_number=world.client_a.personal_number)
    assert api_as(laholm).post_json(f"{API}/clients", payload).status_code == 201


@pytest.mark.parametrize("short_form", ["{yy}{mmdd}-{last4}", "{yy}{mmdd}{last4}", "{yyyy}{mmdd}-{last4}"])
def test_short_and_long_forms_are_the_same_client(world: World, api_as, short_form: str) -> None:
    number = make_personal_number(datetime.date(1990, 11, 30), 42)
    parts = {"yyyy": number[:4], "yy": number[2:4], "mmdd": number[4:8], "last4": number[8:]}
    http = api_as(world.caseworker)
    first = http.post_json(f"{API}/clients", client_payload(world.unit_a.code, personal_number=number))
    assert first.status_code == 201
    second = http.post_json(
        f"{API}/clients", client_payload(world.unit_a.code, personal_number=short_form.format(**parts))
    )
    assert second.status_code == 409


@time_machine.travel(datetime.datetime(2025, 5, 20, 10, tzinfo=datetime.UTC), tick=False)
def test_plus_form_of_a_centenarian_is_the_same_client(world: World, api_as) -> None:
    number = make_personal_number(datetime.date(1921, 4, 2), 317)  # 104 years old on the travel date
    http = api_as(world.caseworker)
    plus_form = f"{number[2:8]}+{number[8:]}"
    first = http.post_json(f"{API}/clients", client_payload(world.unit_a.code, personal_number=plus_form))
    assert first.status_code == 201
    assert first.json()["personal_number"] == number
    second = http.post_json(f"{API}/clients", client_payload(world.unit_a.code, personal_number=number))
    assert second.status_code == 409
    # Without the plus sign, the short form is someone born in 2021: a different person.
    minus_form = f"{number[2:8]}-{number[8:]}"
    third = http.post_json(f"{API}/clients", client_payload(world.unit_a.code, personal_number=minus_form))
    assert third.status_code == 201
    assert third.json()["personal_number"] == "20" + number[2:]


def test_manager_creates_without_becoming_responsible(world: World, api_as) -> None:
    response = api_as(world.manager).post_json(f"{API}/clients", client_payload(world.unit_a.code))
    assert response.status_code == 201
    assert Client.objects.get(pk=response.json()["id"]).cases.get().responsible is None


def test_detail_is_audited(world: World, api_as) -> None:
    response = api_as(world.nurse).get(f"{API}/clients/{world.client_a.pk}")
    assert response.status_code == 200
    [event] = events("client.viewed", client_id=world.client_a.pk)
    assert event.actor == world.nurse
    assert event.data == {"via": "api"}
    assert event.acting_unit == world.unit_a


def test_refused_detail_is_not_logged_as_a_view(world: World, api_as) -> None:
    api_as(world.caseworker_other_unit).get(f"{API}/clients/{world.client_a.pk}")
    assert events("client.viewed", client_id=world.client_a.pk) == []


def test_list_audits_each_returned_client(world: World, api_as) -> None:
    others = [CaseFactory(unit=world.unit_a).client for _ in range(3)]
    http = api_as(world.manager)
    response = http.get(f"{API}/clients", {"limit": 2, "offset": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    returned = [item["id"] for item in body["items"]]
    assert len(returned) == 2
    listed = events("client.listed", actor=world.manager)
    assert sorted(e.client_id for e in listed) == sorted(returned)
    assert all(e.data == {"via": "api"} for e in listed)
    assert set(returned) <= {world.client_a.pk, *(c.pk for c in others)}


def test_list_pages_do_not_overlap(world: World, api_as) -> None:
    for _ in range(4):
        CaseFactory(unit=world.unit_a)
    http = api_as(world.manager)
    pages = [http.get(f"{API}/clients", {"limit": 2, "offset": offset}).json()["items"] for offset in (0, 2, 4)]
    ids = [item["id"] for page in pages for item in page]
    assert len(ids) == len(set(ids)) == 5


def test_list_default_and_maximum_limit(world: World, api_as) -> None:
    http = api_as(world.manager)
    assert http.get(f"{API}/clients", {"limit": 200}).status_code == 200
    assert http.get(f"{API}/clients", {"limit": 201}).status_code == 422


def test_list_query_count_does_not_grow_with_clients(world: World, api_as, django_assert_max_num_queries) -> None:
    for n in range(10):
        case = CaseFactory(unit=world.unit_a, client__protected_identity=n % 2 == 0)
        CaseFactory(client=case.client, unit=world.unit_b)
    http = api_as(world.manager)
    # Token, count, page, cases, protected identity, then the audit events (lock, insert, update).
    with django_assert_max_num_queries(12):
        response = http.get(f"{API}/clients")
    assert response.json()["count"] == 11
    assert all(item["first_name"] is not None for item in response.json()["items"])


def test_search_by_number_and_name(world: World, api_as) -> None:
    http = api_as(world.caseworker)
    number = world.client_a.personal_number
    by_number = http.post_json(f"{API}/clients/search", {"q": f"{number[2:8]}-{number[8:]}"}).json()
    assert [item["id"] for item in by_number["items"]] == [world.client_a.pk]
    by_name = http.get(f"{API}/clients", {"q": world.client_a.last_name}).json()
    assert [item["id"] for item in by_name["items"]] == [world.client_a.pk]
    nothing = http.post_json(f"{API}/clients/search", {"q": "Zzyzx"}).json()
    assert nothing == {"count": 0, "items": []}


def test_search_is_audited_like_the_list(world: World, api_as) -> None:
    api_as(world.caseworker).post_json(f"{API}/clients/search", {"q": world.client_a.last_name})
    [event] = events("client.listed", client_id=world.client_a.pk)
    assert event.data == {"via": "api"}


def test_cases_of_the_client_are_shown(world: World, api_as) -> None:
    closed = CaseFactory(
        client=world.client_a,
        unit=world.unit_a,
        opened_on=datetime.date(2020, 1, 1),
        status="closed",
        outcome="work",
        closed_on=datetime.date(2021, 2, 3),
    )
    body = api_as(world.caseworker).get(f"{API}/clients/{world.client_a.pk}").json()
    assert body["cases"][-1] == {
        "id": closed.pk,
        "unit": world.unit_a.code,
        "opened_on": "2020-01-01",
        "status": "closed",
        "outcome": "work",
        "closed_on": "2021-02-03",
    }


# --- protected identity (skyddade personuppgifter) ----------------------------------------------


@pytest.fixture
def protected(world: World) -> Client:
    client = ClientFactory(
        municipality=world.municipality_a,
        protected_identity=True,
        first_name="Hemlig",
        last_name="Person",
        street_address="Okänd väg 1",
        city="Halmstad",
    )
    case = CaseFactory(client=client, unit=world.unit_a, responsible=world.caseworker)
    case.nurses.add(world.nurse)
    return client


HIDDEN = ("first_name", "last_name", "phone", "email", "street_address", "postal_code", "city")


def test_protected_identity_hidden_from_nurse(world: World, api_as, protected: Client) -> None:
    http = api_as(world.nurse)
    detail = http.get(f"{API}/clients/{protected.pk}").json()
    assert detail["protected_identity"] is True
    assert all(detail[name] is None for name in HIDDEN)
    assert detail["personal_number"] == protected.personal_number
    [item] = [i for i in http.get(f"{API}/clients").json()["items"] if i["id"] == protected.pk]
    assert all(item[name] is None for name in HIDDEN)
    assert "Hemlig" not in http.get(f"{API}/clients").content.decode()


def test_protected_identity_hidden_from_other_caseworker_of_the_unit(world: World, api_as, protected: Client) -> None:
    colleague = UserFactory(role="caseworker", units=[world.unit_a])
    detail = api_as(colleague).get(f"{API}/clients/{protected.pk}").json()
    assert detail["first_name"] is None
    assert detail["street_address"] is None


@pytest.mark.parametrize("actor", ["caseworker", "manager"])
def test_protected_identity_shown_to_owner_and_manager(world: World, api_as, protected: Client, actor: str) -> None:
    http = api_as(getattr(world, actor))
    detail = http.get(f"{API}/clients/{protected.pk}").json()
    assert (detail["first_name"], detail["last_name"], detail["street_address"]) == ("Hemlig", "Person", "Okänd väg 1")
    [item] = [i for i in http.get(f"{API}/clients").json()["items"] if i["id"] == protected.pk]
    assert item["first_name"] == "Hemlig"


def test_unprotected_client_shown_to_nurse(world: World, api_as) -> None:
    detail = api_as(world.nurse).get(f"{API}/clients/{world.client_a.pk}").json()
    assert detail["first_name"] == world.client_a.first_name


def test_created_protected_client_is_shown_to_its_creator(world: World, api_as) -> None:
    payload = client_payload(world.unit_a.code, protected_identity=True, first_name="Skyddad")
    body = api_as(world.caseworker).post_json(f"{API}/clients", payload).json()
    assert (body["protected_identity"], body["first_name"]) == (True, "Skyddad")
