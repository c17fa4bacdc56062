"""A caseworker registers a certificate with two periods (100 % then 50 %) and reads the timeline."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PANEL = "rattvag.certificates.panels.client_panel"


@pytest.fixture
def certificates_panel(monkeypatch):
    """The client page shows our panel (registered in rattvag.clients.panels; added here if not yet)."""
    from rattvag.clients import panels

    if PANEL not in panels.CLIENT_PANELS:
        monkeypatch.setattr(panels, "CLIENT_PANELS", [*panels.CLIENT_PANELS, PANEL])


def test_caseworker_registers_a_certificate_and_sees_the_timeline(
    page, world, browser_login, assert_accessible, certificates_panel
):
    today = timezone.localdate()
    issued = today - datetime.timedelta(days=10)
    step_down = issued + datetime.timedelta(days=20)
    last_day = issued + datetime.timedelta(days=49)
    browser_login(world.caseworker)

    page.goto(f"/clients/{world.client_a.pk}/certificates/new/")
    assert page.get_by_role("heading", level=1).inner_text() == "Registrera läkarintyg"
    assert_accessible(page)

    # First attempt: too short a code and overlapping periods; the form keeps what was typed.
    page.get_by_label("Utfärdat den").fill(issued.isoformat())
    page.get_by_label("Vårdenhet", exact=True).fill("Vårdcentralen Andersberg")
    page.locator("#id_diagnoses-0-code").fill("F32")
    page.locator("#id_periods-0-degree").select_option("100")
    page.locator("#id_periods-0-start").fill(issued.isoformat())
    page.locator("#id_periods-0-end").fill(step_down.isoformat())
    page.locator("#id_periods-1-degree").select_option("50")
    page.locator("#id_periods-1-start").fill(step_down.isoformat())
    page.locator("#id_periods-1-end").fill(last_day.isoformat())
    page.get_by_role("button", name="Registrera intyget").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "fjärde tecken" in summary.inner_text()
    assert "överlappar" in summary.inner_text()
    assert page.locator("#id_diagnoses-0-code").input_value() == "F32"
    assert page.locator("#id_periods-1-end").input_value() == last_day.isoformat()
    assert_accessible(page)

    # The code lookup suggests codes as the caseworker types.
    page.locator("#id_diagnoses-0-code").fill("F32.1")
    page.wait_for_selector("#diagnoses-0-codes option[value='F32.1']", state="attached")
    assert "Psykiska sjukdomar" in page.locator("#diagnoses-0-lookup").inner_text()

    page.locator("#id_diagnoses-0-text").fill("Medelsvår depressiv episod")
    page.locator("#id_periods-1-start").fill((step_down + datetime.timedelta(days=1)).isoformat())
    page.get_by_label("Läkarens egen undersökning").check()
    page.get_by_label("Funktionsnedsättning").fill(
        "Nedstämdhet, uttalad trötthet och koncentrationssvårigheter sedan flera månader."
    )
    # The quality panel re-checks as the form changes: the prognosis is still missing.
    page.wait_for_selector("#quality-panel [data-code='prognosis_missing']")
    assert page.locator("#quality-panel [data-code='activity_limitation_missing']").count() == 1
    page.get_by_role("button", name="Registrera intyget").click()
    page.wait_for_load_state()

    assert "Läkarintyg utfärdat" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_text("Intyget är registrerat.").is_visible()
    assert page.locator("[data-code='prognosis_missing']").count() == 1
    assert_accessible(page)

    page.goto(f"/clients/{world.client_a.pk}/")
    panel = page.get_by_test_id("certificates-panel")
    assert panel.get_by_test_id("sick-leave-timeline").is_visible()
    assert panel.get_by_test_id("sick-leave-timeline").locator("rect title").count() == 2
    numbers = panel.get_by_test_id("sick-leave-numbers").inner_text()
    assert "Aktuell grad\t100 %" in numbers
    assert "11 dagar hittills, 50 till sista intygade dag" in numbers
    sixtieth = issued + datetime.timedelta(days=60)  # 50 certified days, then nothing: never reaches 60
    assert sixtieth.isoformat() not in numbers
    assert "Inte inom de intygade perioderna" in numbers
    assert panel.get_by_text("Ansök om sjukpenning / kontrollera SGI", exact=False).is_visible()
    assert_accessible(page)


def test_manager_reads_completeness_and_merges_duplicate_care_units(page, world, browser_login, assert_accessible):
    from rattvag.certificates.models import CareUnit
    from rattvag.certificates.services import CareUnitData, certificate_register
    from rattvag.certificates.tests.factories import certificate_data

    certificate_register(
        actor=world.caseworker,
        client=world.client_a,
        data=certificate_data(care_unit=CareUnitData(name="VC Andersberg"), prognosis=""),
    )
    CareUnit.objects.create(name="Vårdcentralen Andersberg", hsa_id="SE-ANDERSBERG")
    browser_login(world.manager)

    page.goto("/clients/certificates/care-units/")
    assert "VC Andersberg" in page.get_by_test_id("completeness").inner_text()
    page.get_by_label("Sök på namn, HSA-id eller kommun").fill("andersberg")
    page.get_by_role("button", name="Sök", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("SE-ANDERSBERG").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Slå ihop dubbletter av vårdenheter").click()
    page.get_by_label("Vårdenhet att behålla").select_option(label="Vårdcentralen Andersberg")
    page.get_by_label("Dubblett att slå ihop med den").select_option(label="VC Andersberg")
    assert_accessible(page)
    page.get_by_role("button", name="Slå ihop vårdenheterna").click()
    page.wait_for_load_state()
    assert "Vårdcentralen Andersberg" in page.get_by_test_id("completeness").inner_text()
    assert "VC Andersberg" not in page.get_by_test_id("completeness").inner_text()
