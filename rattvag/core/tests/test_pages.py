"""The start page by role, navigation by role, error pages and the language switch."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from rattvag.core.views import server_error

UNIT_STAFF = {"caseworker", "caseworker_other_unit", "nurse", "manager"}


@pytest.mark.parametrize(
    "actor",
    [
        "caseworker",
        "caseworker_other_unit",
        "nurse",
        "manager",
        "analyst",
        "partner_officer",
        "aggregate_viewer",
        "admin",
    ],
)
def test_home_by_role(world, login_as, actor):
    response = login_as(world.actors()[actor]).get(reverse("core:home"))
    if actor in {"caseworker", "caseworker_other_unit", "manager"}:
        assert response.status_code == 302
        assert response["Location"] == reverse("followup:worklist")
    elif actor == "nurse":
        assert response.status_code == 302
        assert response["Location"] == reverse("clients:list")
    elif actor == "partner_officer":
        assert response.status_code == 302
        assert response["Location"] == reverse("consent:partner_home")
    else:
        assert response.status_code == 200
        assert "Det här kan du göra" in response.content.decode()


def test_start_page_texts(world, login_as):
    world.partner_officer.partner = None
    world.partner_officer.save()
    partner = login_as(world.partner_officer).get("/").content.decode()
    assert "inte kopplat till någon samverkanspart" in partner
    viewer = login_as(world.aggregate_viewer).get("/").content.decode()
    assert "Statistiksidorna kommer i en senare version." in viewer
    admin = login_as(world.admin).get("/").content.decode()
    assert reverse("admin:index") in admin


def test_home_needs_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("actor", "clients_link"),
    [("caseworker", True), ("nurse", True), ("manager", True), ("partner_officer", False), ("aggregate_viewer", False)],
)
def test_navigation_by_role(world, login_as, actor, clients_link):
    response = login_as(world.actors()[actor]).get(reverse("core:home"), follow=True)
    labels = [item["label"] for item in response.context["nav_items"]]
    assert ("Klienter" in labels) is clients_link
    assert ("Delade klienter" in labels) is (actor == "partner_officer")
    assert "Administration" not in labels


def test_navigation_marks_current_page(world, login_as):
    response = login_as(world.caseworker).get(reverse("clients:list"))
    content = response.content.decode()
    assert f'href="{reverse("clients:list")}" aria-current="page"' in content


def test_admin_navigation(world, login_as):
    response = login_as(world.admin).get(reverse("core:home"))
    assert "Administration" in [item["label"] for item in response.context["nav_items"]]


def test_404_page(world, login_as):
    response = login_as(world.caseworker).get("/does-not-exist/")
    content = response.content.decode()
    assert response.status_code == 404
    assert "Sidan hittades inte" in content
    assert '<main class="govuk-main-wrapper" id="main-content">' in content


def test_404_for_anonymous(client, db):
    response = client.get("/does-not-exist/")
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.content.decode()


def test_500_page_renders_without_the_database(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()


def test_language_switch_without_javascript_keeps_the_page(world, login_as):
    http = login_as(world.caseworker)
    page = reverse("clients:detail", args=[world.client_a.pk])
    before = http.get(page).content.decode()
    assert '<html lang="sv"' in before
    assert f'name="next" type="hidden" value="{page}"' in before
    response = http.post(reverse("set_language"), {"language": "en", "next": page})
    assert response.status_code == 302
    assert response["Location"] == page
    english = http.get(page).content.decode()
    assert '<html lang="en"' in english
    assert "Personal details" in english
    assert "Back to the clients" in english
    assert ">Svenska</button>" in english
    http.post(reverse("set_language"), {"language": "sv", "next": page})
    assert "Personuppgifter" in http.get(page).content.decode()


def test_english_client_list(world, login_as):
    http = login_as(world.caseworker)
    http.post(reverse("set_language"), {"language": "en", "next": "/clients/"})
    content = http.get(reverse("clients:list")).content.decode()
    assert "Name or personal identity number" in content
    assert "Responsible caseworker" in content
    assert "Open" in content
    assert "Klienter" not in content


def test_base_has_landmarks_and_skip_link(world, login_as):
    content = login_as(world.caseworker).get(reverse("clients:list")).content.decode()
    assert 'class="govuk-skip-link"' in content
    assert content.index('href="#main-content"') < content.index("<header")
    assert '<nav class="rv-header__nav" aria-label="Huvudmeny">' in content
    assert "<footer" in content
    assert 'style="' not in content
    assert "<script>" not in content
