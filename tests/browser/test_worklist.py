"""A caseworker's sick-listed client has no active plan: the item is on Att göra, one click from the plan,
and gone once the plan is recorded. The process map on the client page shows the same facts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PANEL = "rattvag.followup.panels.client_panel"


@pytest.fixture
def process_map_panel(monkeypatch):
    """The client page shows the process map (registered in rattvag.clients.panels; added here if not yet)."""
    from rattvag.clients import panels

    if PANEL not in panels.CLIENT_PANELS:
        monkeypatch.setattr(panels, "CLIENT_PANELS", [*panels.CLIENT_PANELS, PANEL])


@pytest.fixture
def sick_listed_without_plan(world):
    from rattvag.certificates.models import Certificate, CertificatePeriod
    from rattvag.certificates.tests.factories import CareUnitFactory
    from rattvag.followup.tests.helpers import seed_rules

    seed_rules()
    today = timezone.localdate()
    start = today - datetime.timedelta(days=70)
    certificate = Certificate.objects.create(
        client=world.client_a,
        case=world.case_a,
        issued_on=start,
        received_on=start,
        care_unit=CareUnitFactory(),
        registered_by=world.caseworker,
    )
    CertificatePeriod.objects.create(
        certificate=certificate, start=start, end=today + datetime.timedelta(days=30), degree=100
    )
    return world


def active_plan_rows(page):
    return page.locator("tr[data-rule='active_plan']")


def test_the_item_leads_to_the_plan_and_disappears_once_the_plan_is_recorded(
    page, sick_listed_without_plan, browser_login, assert_accessible, process_map_panel
):
    from rattvag.plans.services import PlanData, plan_create

    world = sick_listed_without_plan
    today = timezone.localdate()
    browser_login(world.caseworker)

    page.goto("/worklist/")
    assert page.get_by_role("heading", level=1).inner_text() == "Att göra"
    overdue = page.get_by_test_id("overdue-heading-table")
    assert overdue.locator("tr[data-rule='active_plan']").count() == 1
    assert "Skriv den aktiva planen" in active_plan_rows(page).inner_text()
    assert world.client_a.full_name in active_plan_rows(page).inner_text()
    assert_accessible(page)

    # Filtering by rule is a plain GET form: only codes in the address.
    page.get_by_label("Vilka uppgifter").select_option("active_plan")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state()
    assert "rule=active_plan" in page.url
    assert page.locator("tbody tr").count() == 1
    assert_accessible(page)

    active_plan_rows(page).get_by_role("link", name="Skriv den aktiva planen").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/clients/{world.client_a.pk}/plans/new/active/")

    plan_create(
        actor=world.caseworker,
        client=world.client_a,
        kind="active",
        data=PlanData(goals="Arbetsträning tre dagar i veckan", follow_up_on=today + datetime.timedelta(days=60)),
    )

    page.goto("/worklist/")
    assert active_plan_rows(page).count() == 0
    assert page.locator("tr[data-rule='contact_plan']").count() == 1  # still to do
    assert_accessible(page)

    page.goto(f"/clients/{world.client_a.pk}/")
    process_map = page.get_by_test_id("process-map")
    assert process_map.locator("li[data-step='plan'][data-state='done']").count() == 1
    assert "Klart" in process_map.locator("li[data-step='plan']").inner_text()
    assert "Försenat" in process_map.locator("li[data-step='sgi']").inner_text()
    assert_accessible(page)


def test_the_manager_sees_the_units_items_and_the_rule_settings(
    page, sick_listed_without_plan, browser_login, assert_accessible
):
    world = sick_listed_without_plan
    browser_login(world.manager)

    page.goto("/worklist/")
    assert page.get_by_test_id("per-caseworker").is_visible()
    assert world.caseworker.get_full_name() in page.get_by_test_id("per-caseworker").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Enhetens metodregler").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Metodregler"
    assert_accessible(page)
    page.locator("tr[data-rule='active_plan']").get_by_role("link", name="Ändra").click()
    page.wait_for_load_state()
    page.get_by_label("Dagar").fill("0")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.get_by_label("Dagar").input_value() == "0"
    assert_accessible(page)
    page.get_by_label("Dagar").fill("90")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "Dagar: 90" in page.locator("tr[data-rule='active_plan']").inner_text()
    assert_accessible(page)
