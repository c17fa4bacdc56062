"""Selectors the web pages use: they must agree with `access`, the one place that decides."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rattvag.clients.access import client_access, may_see_protected_identity
from rattvag.clients.selectors import (
    client_for_temporary_access,
    client_ids_with_visible_protected_identity,
    client_number_exists,
    closable_case_ids,
    may_create_clients,
    may_edit_client,
    visible_client_with_number,
)
from rattvag.clients.services import access_grant_create
from tests.factories import CaseFactory, ClientFactory

# (unit, days ago, responsible) per case; "me" is the caseworker, "other" the other unit's caseworker.
SCENARIOS = {
    "responsible in own unit": [("a", 10, "me")],
    "colleague responsible": [("a", 10, None)],
    "newer case of a colleague wins": [("a", 100, "me"), ("a", 5, None)],
    "newer case is mine": [("a", 100, None), ("a", 5, "me")],
    "only other unit": [("b", 10, "other")],
    "both units": [("a", 50, "me"), ("b", 5, "other")],
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_protected_identity_per_page_agrees_with_access(world, scenario):
    client = ClientFactory(municipality=world.municipality_a, protected_identity=True)
    people = {"me": world.caseworker, "other": world.caseworker_other_unit, None: None}
    units = {"a": world.unit_a, "b": world.unit_b}
    for unit, days, responsible in SCENARIOS[scenario]:
        case = CaseFactory(
            client=client,
            unit=units[unit],
            responsible=people[responsible],
            opened_on=timezone.localdate() - datetime.timedelta(days=days),
        )
        case.nurses.add(world.nurse)
    access_grant_create(actor=world.manager, client=world.client_b, reason="Behöver läsa ärendet i dag.")
    for name, user in world.actors().items():
        for each in (client, world.client_a, world.client_b):
            expected = may_see_protected_identity(user, each)
            got = each.pk in client_ids_with_visible_protected_identity(user=user, client_ids=[each.pk])
            assert got is expected, (scenario, name, each.pk)


def test_protected_identity_query_is_one_query(world, django_assert_num_queries):
    ids = [ClientFactory(municipality=world.municipality_a).pk for _ in range(5)]
    for pk in ids:
        CaseFactory(client_id=pk, unit=world.unit_a, responsible=world.caseworker)
    with django_assert_num_queries(1):
        assert client_ids_with_visible_protected_identity(user=world.caseworker, client_ids=ids) == set(ids)
    with django_assert_num_queries(0):
        assert client_ids_with_visible_protected_identity(user=world.analyst, client_ids=ids) == set()


def test_number_lookups_accept_10_and_12_digits(world):
    number = world.client_a.personal_number
    short = f"{number[2:8]}-{number[8:]}"
    assert visible_client_with_number(user=world.caseworker, personal_number=short) == world.client_a
    assert visible_client_with_number(user=world.caseworker_other_unit, personal_number=short) is None
    assert client_number_exists(user=world.caseworker_other_unit, personal_number=short)
    assert not client_number_exists(user=world.aggregate_viewer, personal_number=short)
    assert client_for_temporary_access(user=world.caseworker_other_unit, personal_number=short) == world.client_a
    assert client_for_temporary_access(user=world.caseworker, personal_number=short) is None
    assert client_for_temporary_access(user=world.analyst, personal_number=short) is None
    assert client_for_temporary_access(user=world.caseworker, personal_number="nonsense") is None


def test_editing_and_closing_rules(world):
    for name, user in world.actors().items():
        access = client_access(user, world.client_a)
        if access is None:
            continue
        editable = may_edit_client(user=user, client=world.client_a, access=access)
        closable = closable_case_ids(user=user, cases=[world.case_a], access=access)
        assert editable is (name in {"caseworker", "manager"}), name
        assert closable == ({world.case_a.pk} if name in {"caseworker", "manager"} else set()), name


def test_who_creates_clients(world):
    allowed = {name for name, user in world.actors().items() if may_create_clients(user=user)}
    assert allowed == {"caseworker", "caseworker_other_unit", "manager"}
