"""Every client page for every actor of the world: allowed, or 404 (never 403)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import CaseFactory

ALL_ACTORS = [
    "caseworker",
    "caseworker_other_unit",
    "nurse",
    "manager",
    "analyst",
    "partner_officer",
    "aggregate_viewer",
    "admin",
]
UNIT_STAFF = {"caseworker", "caseworker_other_unit", "nurse", "manager"}
CREATORS = {"caseworker", "caseworker_other_unit", "manager"}
SEE_CLIENT_A = {"caseworker", "nurse", "manager"}
EDIT_CLIENT_A = {"caseworker", "manager"}


def _get(world, login_as, actor, name, **kwargs):
    return login_as(world.actors()[actor]).get(reverse(name, kwargs=kwargs))


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_client_list(world, login_as, actor):
    response = _get(world, login_as, actor, "clients:list")
    assert response.status_code == (200 if actor in UNIT_STAFF else 404)


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_search(world, login_as, actor):
    response = login_as(world.actors()[actor]).post(reverse("clients:search"), {"q": world.client_a.last_name})
    assert response.status_code == (200 if actor in UNIT_STAFF else 404)


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_create_page(world, login_as, actor):
    response = _get(world, login_as, actor, "clients:create")
    assert response.status_code == (200 if actor in CREATORS else 404)


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_number_check(world, login_as, actor):
    response = login_as(world.actors()[actor]).post(
        reverse("clients:validate_number"), {"personal_number": world.client_a.personal_number}
    )
    assert response.status_code == (200 if actor in CREATORS else 404)


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_detail(world, login_as, actor):
    response = _get(world, login_as, actor, "clients:detail", client_id=world.client_a.pk)
    assert response.status_code == (200 if actor in SEE_CLIENT_A else 404)


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_edit(world, login_as, actor):
    response = _get(world, login_as, actor, "clients:edit", client_id=world.client_a.pk)
    assert response.status_code == (200 if actor in EDIT_CLIENT_A else 404)


@pytest.mark.parametrize("actor", [a for a in ALL_ACTORS if a not in EDIT_CLIENT_A])
def test_edit_post_is_refused_too(world, login_as, actor):
    response = login_as(world.actors()[actor]).post(
        reverse("clients:edit", kwargs={"client_id": world.client_a.pk}),
        {"first_name": "X", "last_name": "Y", "version": "1"},
    )
    assert response.status_code == 404
    world.client_a.refresh_from_db()
    assert world.client_a.first_name != "X"


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_close_case(world, login_as, actor):
    response = _get(world, login_as, actor, "clients:close_case", client_id=world.client_a.pk, case_id=world.case_a.pk)
    assert response.status_code == (200 if actor in EDIT_CLIENT_A else 404)


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_temporary_access(world, login_as, actor):
    response = login_as(world.actors()[actor]).post(
        reverse("clients:temporary_access"), {"personal_number": world.client_a.personal_number}
    )
    if actor in SEE_CLIENT_A:
        assert response.status_code == 302  # already visible: straight to the client
        assert response["Location"] == reverse("clients:detail", args=[world.client_a.pk])
    elif actor == "caseworker_other_unit":
        assert response.status_code == 200  # the form asking for a reason
    else:
        assert response.status_code == 404


def test_case_of_another_client_is_404(world, login_as):
    http = login_as(world.caseworker)
    url = reverse("clients:close_case", kwargs={"client_id": world.client_a.pk, "case_id": world.case_b.pk})
    assert http.get(url).status_code == 404


def test_caseworker_of_other_unit_cannot_close_case_a_through_own_client(world, login_as):
    # client_a also has a case in unit_b: the other caseworker sees client_a but may not close unit_a's case.
    case_b_of_a = CaseFactory(client=world.client_a, unit=world.unit_b, responsible=world.caseworker_other_unit)
    http = login_as(world.caseworker_other_unit)
    assert http.get(reverse("clients:detail", args=[world.client_a.pk])).status_code == 200
    close_a = reverse("clients:close_case", kwargs={"client_id": world.client_a.pk, "case_id": world.case_a.pk})
    assert http.get(close_a).status_code == 404
    close_b = reverse("clients:close_case", kwargs={"client_id": world.client_a.pk, "case_id": case_b_of_a.pk})
    assert http.get(close_b).status_code == 200


@pytest.mark.parametrize(
    "url",
    ["clients:list", "clients:create"],
)
def test_anonymous_goes_to_login(client, db, url):
    response = client.get(reverse(url))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_detail_goes_to_login(client, world):
    response = client.get(reverse("clients:detail", args=[world.client_a.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_unknown_client_is_404(world, login_as):
    assert login_as(world.manager).get(reverse("clients:detail", args=[999999])).status_code == 404
