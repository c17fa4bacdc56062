"""The client list and the search: what is shown, what is audited, and how many queries it takes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rattvag.audit.models import AuditEvent
from rattvag.clients.models import Client


def _listed(client_ids, actor):
    return set(
        AuditEvent.objects.filter(action="client.listed", actor=actor, client_id__in=client_ids).values_list(
            "client_id", flat=True
        )
    )


def test_caseworker_sees_own_unit_clients_only(world, login_as):
    response = login_as(world.caseworker).get(reverse("clients:list"))
    content = response.content.decode()
    assert world.client_a.personal_number_display in content
    assert world.client_b.personal_number_display not in content
    assert world.case_a.unit.name in content


def test_every_listed_client_is_audited(world, login_as):
    login_as(world.caseworker).get(reverse("clients:list"))
    assert _listed([world.client_a.pk, world.client_b.pk], world.caseworker) == {world.client_a.pk}


def test_nurse_sees_assigned_cases_only(world, login_as, client_in):
    not_assigned, _ = client_in(world.unit_a, responsible=world.caseworker)
    content = login_as(world.nurse).get(reverse("clients:list")).content.decode()
    assert world.client_a.personal_number_display in content
    assert not_assigned.personal_number_display not in content


def test_list_is_paginated_by_50(world, login_as, client_in):
    for _ in range(55):
        client_in(world.unit_a, responsible=world.caseworker)
    http = login_as(world.caseworker)
    first = http.get(reverse("clients:list"))
    assert len(first.context["rows"]) == 50
    second = http.get(reverse("clients:list") + "?page=2")
    assert len(second.context["rows"]) == 6
    assert 'aria-current="page"' in second.content.decode()


def test_protected_identity_hidden_in_list_from_nurse_and_other_caseworker(world, login_as, client_in):
    colleague = type(world.caseworker).objects.create_user(username="colleague", role="caseworker")
    colleague.units.set([world.unit_a])
    protected, _ = client_in(
        world.unit_a,
        responsible=world.caseworker,
        nurses=[world.nurse],
        protected_identity=True,
        last_name="Hemligsson",
    )
    for user, sees in [(world.caseworker, True), (world.manager, True), (world.nurse, False), (colleague, False)]:
        content = login_as(user).get(reverse("clients:list")).content.decode()
        assert ("Hemligsson" in content) is sees, user.username
        assert protected.personal_number_display in content
        if not sees:
            assert "Skyddad identitet" in content


@pytest.mark.parametrize("count", [5, 30])
def test_list_query_count_is_constant(world, login_as, client_in, django_assert_num_queries, count):
    for index in range(count):
        client_in(world.unit_a, responsible=world.caseworker, nurses=[world.nurse], protected_identity=index == 0)
    http = login_as(world.caseworker)
    http.get(reverse("clients:list"))  # warm up the session
    with django_assert_num_queries(LIST_QUERIES):
        response = http.get(reverse("clients:list"))
    assert len(response.context["rows"]) == count + 1


# Session, user, OTP device; count, page, cases, protected identity; the audit write in a savepoint
# (acting unit, chain head lock, one insert, head update); "may create". (The warm-up renewed the session.)
LIST_QUERIES = 14


def test_search_is_a_post_and_the_query_stays_out_of_urls(world, login_as):
    http = login_as(world.caseworker)
    number = world.client_a.personal_number_display
    assert http.get(reverse("clients:search")).status_code == 302  # GET only leads back to the list
    response = http.post(reverse("clients:search"), {"q": number})
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("clients:search")
    assert response.request.get("QUERY_STRING", "") == ""
    content = response.content.decode()
    assert 'method="post" action="/clients/search/"' in content
    assert "?q=" not in content
    assert number in content  # shown in the results, never in an address
    assert f'href="{reverse("clients:detail", args=[world.client_a.pk])}"' in content


def test_search_by_name(world, login_as, client_in):
    other, _ = client_in(world.unit_a, responsible=world.caseworker, first_name="Zlatan", last_name="Zäta")
    response = login_as(world.caseworker).post(reverse("clients:search"), {"q": "zäta"})
    ids = [row["client"].pk for row in response.context["rows"]]
    assert ids == [other.pk]
    assert _listed([other.pk, world.client_a.pk], world.caseworker) == {other.pk}


@pytest.mark.parametrize("form", ["long", "short", "digits"])
def test_search_by_10_or_12_digit_number_finds_same_client(world, login_as, form):
    number = world.client_a.personal_number
    query = {"long": f"{number[:8]}-{number[8:]}", "short": f"{number[2:8]}-{number[8:]}", "digits": number[2:]}[form]
    response = login_as(world.caseworker).post(reverse("clients:search"), {"q": query})
    assert [row["client"].pk for row in response.context["rows"]] == [world.client_a.pk]


def test_search_by_part_of_number(world, login_as):
    response = login_as(world.caseworker).post(reverse("clients:search"), {"q": world.client_a.personal_number[-4:]})
    assert world.client_a.pk in [row["client"].pk for row in response.context["rows"]]


def test_search_by_name_does_not_reveal_protected_clients(world, login_as, client_in):
    protected, _ = client_in(
        world.unit_a,
        responsible=world.caseworker,
        nurses=[world.nurse],
        protected_identity=True,
        first_name="Hemliga",
        last_name="Döljsson",
    )
    for user in (world.nurse, world.caseworker_other_unit):
        response = login_as(user).post(reverse("clients:search"), {"q": "Döljsson"})
        assert response.context["rows"] == []
        assert "Hemliga" not in response.content.decode()
    owner = login_as(world.caseworker).post(reverse("clients:search"), {"q": "Döljsson"})
    assert [row["client"].pk for row in owner.context["rows"]] == [protected.pk]
    # By number the nurse finds the client, but not the name.
    response = login_as(world.nurse).post(reverse("clients:search"), {"q": protected.personal_number})
    assert [row["client"].pk for row in response.context["rows"]] == [protected.pk]
    assert "Döljsson" not in response.content.decode()
    assert "Skyddad identitet" in response.content.decode()


def test_search_result_is_capped(world, login_as, client_in):
    for _ in range(52):
        client_in(world.unit_a, responsible=world.caseworker, last_name="Svensson")
    response = login_as(world.caseworker).post(reverse("clients:search"), {"q": "svensson"})
    assert len(response.context["rows"]) == 50
    assert response.context["more_than_limit"]


def test_htmx_search_returns_only_the_results(world, login_as):
    response = login_as(world.caseworker).post(
        reverse("clients:search"), {"q": world.client_a.last_name}, headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert "<html" not in content
    assert 'hx-swap-oob="innerHTML"' in content
    assert world.client_a.personal_number_display in content


def test_empty_search_shows_the_list_again(world, login_as):
    http = login_as(world.caseworker)
    response = http.post(reverse("clients:search"), {"q": "  "})
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:list")
    partial = http.post(reverse("clients:search"), {"q": ""}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert world.client_a.personal_number_display in partial.content.decode()


def test_search_offers_temporary_access_for_a_hidden_number(world, login_as):
    response = login_as(world.caseworker).post(reverse("clients:search"), {"q": world.client_b.personal_number})
    content = response.content.decode()
    assert response.context["rows"] == []
    assert f'action="{reverse("clients:temporary_access")}"' in content
    assert f'name="personal_number" value="{world.client_b.personal_number}"' in content


def test_no_temporary_access_offer_for_partial_number_or_other_municipality(world, login_as, client_in):
    elsewhere, _ = client_in(world.unit_c)
    http = login_as(world.caseworker)
    for query in (world.client_b.personal_number[:8], elsewhere.personal_number):
        response = http.post(reverse("clients:search"), {"q": query})
        assert response.context["temporary_access_number"] == ""


def test_listing_never_shows_clients_of_other_municipalities(world, login_as, client_in):
    elsewhere, _ = client_in(world.unit_c)
    content = login_as(world.manager).get(reverse("clients:list")).content.decode()
    assert elsewhere.personal_number_display not in content
    assert Client.objects.count() == 3
