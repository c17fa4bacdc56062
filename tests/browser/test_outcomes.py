"""Outcomes end to end: the caseworker records a ladder step and creates a tablet code on the client page; the
client answers on the shared tablet view (no navigation, no client data) and sees "Tack"; the analyst opens a
report page with its chart and table. axe checks every page on the way."""

from __future__ import annotations

import datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from rattvag.audit.models import AuditChainHead
from rattvag.outcomes.models import LadderAssessment, QuestionnaireResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTCOMES_PANEL = "rattvag.outcomes.panels.client_panel"


@pytest.fixture(autouse=True)
def rows_made_by_migrations(transactional_db):
    AuditChainHead.objects.get_or_create(pk=1)
    import_module("rattvag.outcomes.migrations.0002_default_ladder_and_questionnaires").install_defaults(apps)


@pytest.fixture(autouse=True)
def outcomes_panel_on_client_page(monkeypatch):
    from rattvag.clients import panels

    if OUTCOMES_PANEL not in panels.CLIENT_PANELS:
        monkeypatch.setattr(panels, "CLIENT_PANELS", [*panels.CLIENT_PANELS, OUTCOMES_PANEL])


@pytest.fixture
def unique_client(world):
    world.client_a.first_name, world.client_a.last_name = "Qvintilia", "Unikdottir"
    world.client_a.save()
    return world.client_a


def test_ladder_and_questionnaire_on_the_tablet(
    page, browser, live_server, world, unique_client, browser_login, assert_accessible
):
    client = unique_client
    browser_login(world.caseworker)
    page.goto(f"/clients/{client.pk}/")
    panel = page.get_by_test_id("outcomes-panel")
    assert "Ingen skattning på trappan ännu." in panel.inner_text()
    assert_accessible(page)

    # Record a step: open the details, choose the step and whose assessment it is.
    panel.get_by_text("Registrera en skattning").click()
    panel.get_by_label("3. Kartläggning och planering").check()
    panel.get_by_role("button", name="Spara skattningen").click()
    page.wait_for_load_state()
    assert LadderAssessment.objects.get().step.number == 3
    panel = page.get_by_test_id("outcomes-panel")
    assert "Kartläggning och planering" in panel.inner_text()
    assert panel.locator("img.rv-chart").count() == 1
    assert_accessible(page)

    # A one-time code for the tablet.
    panel.get_by_label("Enkät").select_option(label="Enkät vid avslut")
    panel.get_by_role("button", name="Skapa en kod för surfplattan").click()
    page.wait_for_load_state()
    code = page.get_by_test_id("tablet-code").inner_text().strip()
    assert len(code.replace("-", "")) == 10
    assert_accessible(page)

    # The shared tablet: a fresh browser context, nobody logged in.
    tablet_context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    tablet = tablet_context.new_page()
    errors = []
    tablet.on("pageerror", lambda exc: errors.append(str(exc)))
    tablet.goto("/outcomes/q/")
    assert_accessible(tablet)
    tablet.get_by_label("Kod").fill(code.lower())
    tablet.get_by_role("button", name="Börja svara").click()
    tablet.wait_for_load_state()
    html = tablet.content()
    assert tablet.locator("nav").count() == 0
    assert tablet.locator("header").count() == 0
    for secret in ("Qvintilia", "Unikdottir", client.personal_number, world.caseworker.username):
        assert secret not in html
    assert_accessible(tablet)
    # Submitting nothing shows the error summary and keeps the page.
    tablet.get_by_role("button", name="Skicka mina svar").click()
    tablet.wait_for_load_state()
    assert tablet.locator(".govuk-error-summary").count() == 1
    assert_accessible(tablet)
    first = tablet.get_by_role(
        "group", name="Känner du dig mer redo att arbeta eller studera nu än innan du fick stödet?"
    )
    first.get_by_label("I ganska hög grad").check()
    tablet.get_by_role("group", name="Hur användbart har stödet varit för dig?").get_by_label(
        "Mycket användbart"
    ).check()
    tablet.get_by_role("button", name="Skicka mina svar").click()
    tablet.wait_for_load_state()
    assert tablet.get_by_test_id("tablet-thanks").inner_text().strip() == "Tack"
    assert tablet.locator("main").inner_text().strip() == "Tack"
    assert_accessible(tablet)
    response = QuestionnaireResponse.objects.get()
    assert response.entered_by == "tablet"
    assert {a.question.code: a.value for a in response.answers.all()} == {"ready": 3, "useful": 4, "plan": None}
    # The code is used up.
    tablet.goto(f"/outcomes/q/{code.replace('-', '')}/")
    assert "Koden gäller inte" in tablet.content()
    assert_accessible(tablet)
    tablet_context.close()
    assert not errors


def test_a_report_page(page, world, assert_accessible):
    today = timezone.localdate()
    for index in range(6):
        from tests.factories import CaseFactory, ClientFactory

        CaseFactory(
            client=ClientFactory(municipality=world.municipality_a),
            unit=world.unit_a,
            opened_on=today - datetime.timedelta(days=20 + index),
        )
    # Analysts see no individual data, so their login has no second step.
    page.goto("/account/login/")
    page.get_by_label("Användarnamn").fill(world.analyst.username)
    page.get_by_label("Lösenord").fill("correct-horse-battery")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    page.goto("/outcomes/time-to-outcome/")
    assert page.get_by_role("heading", name="Avslut och tid till avslut").count() == 1
    assert page.get_by_test_id("report-scope").inner_text().startswith("Halmstad")
    assert_accessible(page)
    page.get_by_label("Klienter i").select_option(label="Ekonomiskt bistånd Halmstad")
    page.get_by_label("Jämför").select_option(label="Föregående period av samma längd")
    page.get_by_role("button", name="Visa rapporten").click()
    page.wait_for_load_state()
    assert "Ekonomiskt bistånd Halmstad" in page.get_by_test_id("report-scope").inner_text()
    table = page.get_by_test_id("endpoint-plan")
    assert "7" in table.inner_text()  # six new cases and the world's case_a
    chart = page.locator("img.rv-chart").first
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    assert_accessible(page)
