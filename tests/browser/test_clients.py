"""A caseworker's path through the client pages in a real browser, with axe on every page."""

from __future__ import annotations

import datetime
import re

import pytest

from rattvag.clients.models import CaseStatus, Client
from tests.factories import make_personal_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_caseworker_creates_edits_and_closes(page, world, browser_login, assert_accessible):
    number = make_personal_number(datetime.date(1975, 6, 15), 321)
    browser_login(world.caseworker)
    assert page.url.endswith("/worklist/")  # the caseworker's start page
    page.get_by_role("link", name="Klienter").click()
    assert page.url.endswith("/clients/")
    page.get_by_role("heading", name="Klienter", level=1).wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="Ny klient").click()
    page.get_by_role("heading", name="Ny klient").wait_for()
    assert_accessible(page)

    # Submitting nothing: the error summary and inline errors, in Swedish.
    page.get_by_role("button", name="Registrera klienten").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Ange personnumret." in summary.inner_text()
    assert "Ange klientens förnamn." in summary.inner_text()
    assert_accessible(page)

    # The number is checked as soon as it is typed (HTMX), before the form is sent.
    field = page.get_by_label("Personnummer")
    field.fill("19750615-0000")
    field.press("Tab")
    page.locator("#personal_number-error").filter(has_text="Personnumret är inte giltigt").wait_for()
    field = page.get_by_label("Personnummer")
    field.fill(f"{number[2:8]}-{number[8:]}")
    field.press("Tab")
    page.get_by_text(f"Giltigt personnummer: {number[:8]}-{number[8:]}").wait_for()
    assert_accessible(page)

    page.get_by_label("Förnamn").fill("Astrid")
    page.get_by_label("Efternamn").fill("Lindqvist")
    page.get_by_label("Ort (valfritt)").fill("Halmstad")
    page.get_by_role("button", name="Registrera klienten").click()
    page.get_by_role("heading", name="Astrid Lindqvist", level=1).wait_for()
    assert page.get_by_text("Klienten är registrerad och ett ärende är öppnat.").is_visible()
    assert_accessible(page)
    client = Client.objects.get(personal_number=number)
    assert page.url.endswith(f"/clients/{client.pk}/")

    page.get_by_role("link", name="Ändra personuppgifterna").click()
    page.get_by_role("heading", name="Ändra personuppgifterna").wait_for()
    assert_accessible(page)
    page.get_by_label("Ort (valfritt)").fill("Laholm")
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Klientens uppgifter är sparade.").wait_for()
    assert page.get_by_text("Laholm").is_visible()

    page.get_by_role("link", name=re.compile("^Avsluta ärendet")).click()
    page.get_by_role("heading", name="Avsluta ärendet").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Avsluta ärendet").click()  # no outcome chosen
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
    page.get_by_label("Arbete").check()
    page.get_by_role("button", name="Avsluta ärendet").click()
    page.get_by_text("Ärendet är avslutat.").wait_for()
    assert client.cases.get().status == CaseStatus.CLOSED
    assert_accessible(page)


def test_search_and_language(page, world, browser_login, assert_accessible):
    browser_login(world.caseworker)
    page.get_by_role("link", name="Klienter").click()
    page.get_by_label("Namn eller personnummer").fill(world.client_a.last_name)
    page.get_by_role("button", name="Sök", exact=True).click()
    page.get_by_role("heading", name="Sökresultat").wait_for()
    assert "?q=" not in page.url
    assert world.client_a.last_name not in page.url
    assert page.get_by_role("link", name=f"{world.client_a.last_name}, {world.client_a.first_name}").is_visible()
    assert_accessible(page)

    # The number of a client of another unit: break-the-glass is offered, not the client.
    page.get_by_label("Namn eller personnummer").fill(world.client_b.personal_number)
    page.get_by_role("button", name="Sök", exact=True).click()
    page.get_by_role("button", name="Ta tillfällig åtkomst").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Ta tillfällig åtkomst").click()
    page.get_by_role("heading", name="Tillfällig åtkomst").wait_for()
    assert world.client_b.personal_number not in page.url
    assert_accessible(page)
    page.get_by_label("Varför behöver du åtkomst?").fill("Klienten är här och handläggaren är sjuk i dag.")
    page.get_by_role("button", name="Ta tillfällig åtkomst").click()
    page.get_by_text("Tillfällig åtkomst till och med dagens slut – åtkomsten loggas").wait_for()
    assert page.url.endswith(f"/clients/{world.client_b.pk}/")
    assert_accessible(page)

    # English, on the same page, without leaving it.
    url = page.url
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Personal details").wait_for()
    assert page.url == url
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)
    page.get_by_role("button", name="Svenska").click()
    page.get_by_role("heading", name="Personuppgifter").wait_for()


def test_not_found_page(page, world, browser_login, assert_accessible):
    browser_login(world.caseworker)
    response = page.goto(f"/clients/{world.client_b.pk}/")
    assert response.status == 404
    page.get_by_role("heading", name="Sidan hittades inte").wait_for()
    assert_accessible(page)
