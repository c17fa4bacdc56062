"""GET /api/v1/worklist: shape, access and audit."""

from __future__ import annotations

import datetime

import pytest

from rattvag.audit.models import AuditEvent
from tests.factories import CaseFactory, ClientFactory

from .conftest import TODAY

URL = "/api/v1/worklist"


@pytest.fixture
def api_as(db):
    from django.test import Client as HttpClient

    from rattvag.accounts.tokens import api_token_issue

    def _as(user):
        _token, raw = api_token_issue(user=user, actor=user)
        return HttpClient(headers={"Authorization": f"Bearer {raw}"})

    return _as


def test_the_caseworker_gets_her_items(travel, world, api_as):
    response = api_as(world.caseworker).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert [(row["rule"], row["client_id"], row["due_on"], row["overdue"]) for row in body] == [
        ("contact_plan", world.client_a.pk, (world.case_a.opened_on + datetime.timedelta(days=14)).isoformat(), True),
        ("mapping_meeting", world.client_a.pk, TODAY.isoformat(), False),
    ]
    first = body[0]
    assert set(first) == {"rule", "rule_name", "client_id", "case_id", "due_on", "overdue", "title", "url"}
    assert first["case_id"] == world.case_a.pk
    assert first["url"] == f"http://testserver/clients/{world.client_a.pk}/plans/new/contact/"
    assert first["title"]


def test_the_language_of_the_request_is_used(travel, world, api_as):
    body = api_as(world.caseworker).get(URL, headers={"Accept-Language": "en"}).json()
    assert body[0]["rule_name"] == "Written contact plan for every case"
    body = api_as(world.caseworker).get(URL, headers={"Accept-Language": "sv"}).json()
    assert body[0]["rule_name"] == "Skriftlig kontaktplan i varje ärende"


def test_filter_by_rule(travel, world, api_as):
    body = api_as(world.caseworker).get(URL, {"rule": "mapping_meeting"}).json()
    assert [row["rule"] for row in body] == ["mapping_meeting"]


def test_the_manager_gets_her_units_items(travel, world, api_as):
    other = CaseFactory(client=ClientFactory(municipality=world.municipality_a), unit=world.unit_a, responsible=None)
    body = api_as(world.manager).get(URL).json()
    assert {row["client_id"] for row in body} == {world.client_a.pk, other.client_id}


def test_a_caseworker_of_another_unit_gets_only_hers(travel, world, api_as):
    body = api_as(world.caseworker_other_unit).get(URL).json()
    assert {row["client_id"] for row in body} == {world.client_b.pk}


@pytest.mark.parametrize("actor", ["nurse", "analyst", "partner_officer", "aggregate_viewer", "admin"])
def test_other_roles_get_404(travel, world, api_as, actor):
    response = api_as(world.actors()[actor]).get(URL)
    assert response.status_code == 404
    assert response.json()["message"]


def test_without_credentials_401(travel, world, client):
    response = client.get(URL)
    assert response.status_code == 401


def test_every_client_in_the_answer_is_audited(travel, world, api_as):
    api_as(world.caseworker).get(URL)
    events = list(AuditEvent.objects.filter(actor=world.caseworker, action="client.listed"))
    assert [(e.client_id, e.data) for e in events] == [(world.client_a.pk, {"via": "api"})]


def test_documented_in_openapi(travel, world, client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/worklist"]["get"]
    assert {"200", "401", "404", "422"} <= set(operation["responses"])


def _many_items(world, count):
    """`count` more clients of the caseworker, each with a due mapping meeting."""
    for _ in range(count):
        CaseFactory(
            client=ClientFactory(municipality=world.municipality_a),
            unit=world.unit_a,
            responsible=world.caseworker,
            opened_on=world.case_a.opened_on,
        )


def test_pages_are_slices_of_the_whole_list_with_the_total_in_a_header(travel, world, api_as):
    _many_items(world, 4)
    http = api_as(world.caseworker)
    everything = http.get(URL).json()
    assert len(everything) > 5

    pages, number = [], 1
    while True:
        response = http.get(URL, {"page": number, "page_size": 2})
        assert response.status_code == 200
        assert response["X-Total-Count"] == str(len(everything))
        if not response.json():
            break
        pages.append(response.json())
        number += 1

    assert [row for page in pages for row in page] == everything
    assert all(len(page) == 2 for page in pages[:-1])


def test_a_page_audits_only_its_own_clients(travel, world, api_as):
    _many_items(world, 4)
    http = api_as(world.caseworker)
    first_page = http.get(URL, {"page": 1, "page_size": 2}).json()
    events = AuditEvent.objects.filter(actor=world.caseworker, action="client.listed")
    assert [e.client_id for e in events.order_by("pk")] == list(dict.fromkeys(row["client_id"] for row in first_page))

    before = events.count()
    assert http.get(URL, {"page": 99, "page_size": 2}).json() == []
    assert events.count() == before


@pytest.mark.parametrize(
    "query", [{"page": 0}, {"page": "x"}, {"page": 1, "page_size": 0}, {"page": 1, "page_size": 5000}]
)
def test_invalid_pages_are_refused(travel, world, api_as, query):
    response = api_as(world.caseworker).get(URL, query)
    assert response.status_code == 422


def test_without_page_there_is_no_total_header(travel, world, api_as):
    response = api_as(world.caseworker).get(URL)
    assert "X-Total-Count" not in response
