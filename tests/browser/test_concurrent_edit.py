"""Two caseworkers of the same unit edit the same client in two browsers: nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from rattvag.clients.models import Client
from tests.fixtures.actors import verified_device
from tests.fixtures.browser import current_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """Another browser context (its own cookies): a second person at another desk."""
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    context.set_default_timeout(15_000)
    other = context.new_page()
    errors: list[str] = []
    other.on("pageerror", lambda exc: errors.append(str(exc)))
    other.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield other
    context.close()
    assert not errors, f"Browser errors: {errors}"


def _log_in(page: Any, user: Any) -> None:
    verified_device(user)
    page.goto("/account/login/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill("correct-horse-battery")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_label("Engångskod").fill(current_totp(user))
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_load_state()


def test_two_people_edit_the_same_client(page, second_page, world, browser_login, assert_accessible):
    client = world.client_a
    edit = f"/clients/{client.pk}/edit/"
    browser_login(world.caseworker)
    _log_in(second_page, world.manager)
    page.goto(edit)
    second_page.goto(edit)
    page.get_by_role("heading", name="Ändra personuppgifterna").wait_for()
    second_page.get_by_role("heading", name="Ändra personuppgifterna").wait_for()

    # The manager saves first.
    second_page.get_by_label("Ort (valfritt)").fill("Laholm")
    second_page.get_by_role("button", name="Spara").click()
    second_page.get_by_text("Klientens uppgifter är sparade.").wait_for()

    # The caseworker, who loaded the page before that, saves her own change.
    page.get_by_label("Gatuadress (valfritt)").fill("Storgatan 7")
    page.get_by_role("button", name="Spara").click()
    banner = page.locator("#conflict")
    banner.wait_for()
    text = banner.inner_text()
    assert "Någon annan har ändrat detta sedan du öppnade det." in text
    assert f"{world.manager.get_full_name()} sparade en ändring" in text
    assert "Ort" in text
    assert "Laholm" in text
    assert page.get_by_label("Gatuadress (valfritt)").input_value() == "Storgatan 7"  # kept
    assert_accessible(page)
    stored = Client.objects.get(pk=client.pk)
    assert (stored.city, stored.street_address, stored.version) == ("Laholm", "", 2)

    # She takes the manager's city into her form and saves again: on purpose, over version 2.
    page.get_by_label("Ort (valfritt)").fill("Laholm")
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Klientens uppgifter är sparade.").wait_for()
    stored = Client.objects.get(pk=client.pk)
    assert (stored.city, stored.street_address, stored.version) == ("Laholm", "Storgatan 7", 3)


def test_the_same_caseworker_in_two_tabs(page, world, browser_login):
    browser_login(world.caseworker)
    edit = f"/clients/{world.client_a.pk}/edit/"
    other_tab = page.context.new_page()
    page.goto(edit)
    other_tab.goto(edit)
    other_tab.get_by_label("Telefon (valfritt)").fill("035-12 34 56")
    other_tab.get_by_role("button", name="Spara").click()
    other_tab.get_by_text("Klientens uppgifter är sparade.").wait_for()
    page.get_by_label("E-post (valfritt)").fill("astrid@example.se")
    page.get_by_role("button", name="Spara").click()
    page.locator("#conflict").get_by_text("Du sparade en ändring i ett annat fönster").wait_for()
    assert "035-12 34 56" in page.locator("#conflict").inner_text()
    assert page.get_by_label("E-post (valfritt)").input_value() == "astrid@example.se"
    other_tab.close()
