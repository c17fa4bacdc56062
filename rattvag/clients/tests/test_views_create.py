"""Registering a client: the inline number check, validation that keeps what was typed, duplicates."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from rattvag.audit.models import AuditEvent
from rattvag.clients.models import Case, Client
from tests.factories import UnitFactory, make_personal_number


def _form(world, number, **overrides):
    data = {
        "personal_number": number,
        "first_name": "Astrid",
        "last_name": "Lindqvist",
        "unit": world.unit_a.pk,
        "phone": "070-123 45 67",
        "email": "astrid@example.se",
        "street_address": "Storgatan 1",
        "postal_code": "302 45",
        "city": "Halmstad",
    }
    data.update(overrides)
    return data


def test_caseworker_registers_a_client(world, login_as, fresh_number):
    number = fresh_number()
    response = login_as(world.caseworker).post(reverse("clients:create"), _form(world, number))
    client = Client.objects.get(personal_number=number)
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[client.pk])
    assert client.first_name == "Astrid"
    assert client.city == "Halmstad"
    assert not client.protected_identity
    case = Case.objects.get(client=client)
    assert case.unit == world.unit_a
    assert case.responsible == world.caseworker
    created = AuditEvent.objects.get(action="client.created", client_id=client.pk)
    assert created.actor == world.caseworker
    assert AuditEvent.objects.filter(action="case.opened", client_id=client.pk).exists()


def test_ten_digit_number_is_stored_as_twelve(world, login_as, fresh_number):
    number = fresh_number()
    login_as(world.caseworker).post(
        reverse("clients:create"), _form(world, f"{number[2:8]}-{number[8:]}", protected_identity="on")
    )
    client = Client.objects.get(personal_number=number)
    assert client.protected_identity


def test_only_unit_is_preselected(world, login_as):
    content = login_as(world.caseworker).get(reverse("clients:create")).content.decode()
    assert f'<option value="{world.unit_a.pk}" selected>' in content


def test_several_units_none_preselected(world, login_as):
    world.manager.units.add(world.unit_b)
    response = login_as(world.manager).get(reverse("clients:create"))
    content = response.content.decode()
    assert f'<option value="{world.unit_a.pk}">' in content
    assert f'<option value="{world.unit_b.pk}">' in content
    assert world.unit_c.name not in content


def test_errors_keep_what_was_typed(world, login_as):
    data = _form(world, "19800101-1235", first_name="", email="not-an-email")
    response = login_as(world.caseworker).post(reverse("clients:create"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert "Det finns ett problem" in content
    # Swedish messages, inline and in the summary, each linking to its field.
    assert "Personnumret är inte giltigt" in content
    assert "Ange klientens förnamn." in content
    assert "Ange en e-postadress som namn@exempel.se." in content
    assert 'href="#id_first_name"' in content
    assert 'href="#id_personal_number"' in content
    assert 'id="first_name-error"' in content
    # What was typed is still there.
    for value in ("19800101-1235", "Lindqvist", "not-an-email", "Storgatan 1", "302 45", "070-123 45 67"):
        assert f'value="{value}"' in content
    assert f'<option value="{world.unit_a.pk}" selected>' in content
    assert Client.objects.count() == 2


def test_unit_must_be_ones_own(world, login_as, fresh_number):
    response = login_as(world.caseworker).post(
        reverse("clients:create"), _form(world, fresh_number(), unit=world.unit_b.pk)
    )
    assert response.status_code == 200
    assert "Välj en av dina enheter." in response.content.decode()
    assert not Client.objects.filter(personal_number=fresh_number()).exists()


@pytest.mark.parametrize("form", ["long", "short"])
def test_duplicate_number_links_to_the_visible_client(world, login_as, form):
    number = world.client_a.personal_number
    typed = f"{number[:8]}-{number[8:]}" if form == "long" else f"{number[2:8]}-{number[8:]}"
    response = login_as(world.caseworker).post(reverse("clients:create"), _form(world, typed))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Det finns redan en klient med det här personnumret i kommunen." in content
    assert f'href="{reverse("clients:detail", args=[world.client_a.pk])}"' in content
    assert f'value="{typed}"' in content
    assert Client.objects.filter(personal_number=number).count() == 1


def test_duplicate_number_of_a_client_not_visible_gives_no_link(world, login_as):
    response = login_as(world.caseworker).post(reverse("clients:create"), _form(world, world.client_b.personal_number))
    content = response.content.decode()
    assert "Det finns redan en klient med det här personnumret i kommunen." in content
    assert reverse("clients:detail", args=[world.client_b.pk]) not in content


def test_same_number_in_another_municipality_is_a_new_client(world, login_as):
    other = UnitFactory(municipality=world.municipality_b)
    world.caseworker.units.add(other)
    response = login_as(world.caseworker).post(
        reverse("clients:create"), _form(world, world.client_a.personal_number, unit=other.pk)
    )
    assert response.status_code == 302
    assert Client.objects.filter(personal_number=world.client_a.personal_number).count() == 2


class TestInlineNumberCheck:
    def _check(self, http, number):
        return http.post(
            reverse("clients:validate_number"), {"personal_number": number}, headers={"HX-Request": "true"}
        )

    def test_valid_number(self, world, login_as, fresh_number):
        number = fresh_number()
        response = self._check(login_as(world.caseworker), number[2:])
        content = response.content.decode()
        assert "<html" not in content
        assert f"Giltigt personnummer: {number[:8]}-{number[8:]}" in content
        assert "govuk-form-group--error" not in content
        assert 'hx-swap-oob="innerHTML"' in content

    def test_coordination_number(self, world, login_as):
        number = make_personal_number(datetime.date(1990, 5, 3), 42, coordination=True)
        content = self._check(login_as(world.caseworker), number).content.decode()
        assert "Giltigt samordningsnummer" in content

    def test_wrong_check_digit(self, world, login_as):
        content = self._check(login_as(world.caseworker), "19800101-1235").content.decode()
        assert "govuk-form-group--error" in content
        assert "Personnumret är inte giltigt" in content
        assert 'value="19800101-1235"' in content

    def test_wrong_format(self, world, login_as):
        content = self._check(login_as(world.caseworker), "1980").content.decode()
        assert "Ange personnumret som ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN." in content

    def test_duplicate_with_link(self, world, login_as):
        content = self._check(login_as(world.caseworker), world.client_a.personal_number).content.decode()
        assert "Det finns redan en klient" in content
        assert reverse("clients:detail", args=[world.client_a.pk]) in content

    def test_duplicate_without_link(self, world, login_as):
        content = self._check(login_as(world.caseworker), world.client_b.personal_number).content.decode()
        assert "Det finns redan en klient" in content
        assert reverse("clients:detail", args=[world.client_b.pk]) not in content

    def test_get_is_not_allowed(self, world, login_as):
        assert login_as(world.caseworker).get(reverse("clients:validate_number")).status_code == 405

    def test_page_wires_the_check(self, world, login_as):
        content = login_as(world.caseworker).get(reverse("clients:create")).content.decode()
        assert f'hx-post="{reverse("clients:validate_number")}"' in content
        assert 'id="personal-number-status"' in content
