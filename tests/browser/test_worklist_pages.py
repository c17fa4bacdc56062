"""A caseworker with more than 50 items moves through Att göra's pages with the keyboard: plain links (no
JavaScript needed), the filters kept, the current page announced, focus visible, and nothing for axe to find."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOVUK_FOCUS_YELLOW = "rgb(255, 221, 0)"


@pytest.fixture
def busy(world):
    """60 more open cases of the caseworker, opened 1-60 days ago: contact plans and mapping meetings to do,
    overdue and due, about 120 items (three pages)."""
    from rattvag.followup.tests.helpers import seed_rules
    from tests.factories import CaseFactory, ClientFactory

    seed_rules()
    today = timezone.localdate()
    for n in range(60):
        CaseFactory(
            client=ClientFactory(municipality=world.municipality_a),
            unit=world.unit_a,
            responsible=world.caseworker,
            opened_on=today - datetime.timedelta(days=1 + n),
        )
    return world


def focused(page) -> dict[str, str]:
    return page.evaluate(
        r"""() => { const el = document.activeElement;
                   return {text: el.textContent.replace(/\s+/g, ' ').trim(), label: el.getAttribute('aria-label') || '',
                           current: el.getAttribute('aria-current') || '', href: el.getAttribute('href') || '',
                           background: getComputedStyle(el).backgroundColor}; }"""
    )


def test_the_keyboard_moves_through_the_pages_and_the_filter_is_kept(page, busy, browser_login, assert_accessible):
    browser_login(busy.caseworker)
    page.goto("/worklist/?rule=mapping_meeting")
    rows = page.locator("tbody tr[data-rule='mapping_meeting']")
    assert rows.count() == 50
    assert "Sida 1 av 2" in page.get_by_test_id("worklist-page-status").inner_text()
    assert_accessible(page)

    pagination = page.get_by_role("navigation", name="Sidor i att göra-listan")
    pagination.get_by_role("link", name="Sida 1").focus()
    assert focused(page)["current"] == "page"
    page.keyboard.press("Tab")
    assert focused(page)["label"] == "Sida 2"
    page.keyboard.press("Tab")
    now = focused(page)
    assert now["text"] == "Nästa sida"
    assert now["background"] == GOVUK_FOCUS_YELLOW  # the GOV.UK focus style: visible
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "rule=mapping_meeting" in page.url
    assert "page=2" in page.url
    assert page.locator("tbody tr").count() > 0
    assert page.locator("tbody tr:not([data-rule='mapping_meeting'])").count() == 0
    assert "Sida 2 av 2" in page.get_by_test_id("worklist-page-status").inner_text()
    assert page.title().startswith("Att göra – sida 2 av 2")
    assert_accessible(page)

    pagination.get_by_role("link", name="Föregående sida").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "page=1" in page.url
    assert "rule=mapping_meeting" in page.url
    assert page.locator("tbody tr").count() == 50

    # A new filter starts at its first page.
    page.goto("/worklist/?page=3")
    assert "Sida 3 av 3" in page.get_by_test_id("worklist-page-status").inner_text()
    page.get_by_label("Vilka uppgifter").select_option("contact_plan")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state()
    assert "page=" not in page.url
    assert "Sida 1 av 2" in page.get_by_test_id("worklist-page-status").inner_text()
    assert_accessible(page)
