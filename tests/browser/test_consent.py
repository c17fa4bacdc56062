"""Consent end to end: the caseworker records a consent for FK, the FK officer sees the client,
the caseworker withdraws it, and the FK officer's next request is answered with 404. axe checks
every page on the way."""

from __future__ import annotations

import pytest

from rattvag.audit.models import AuditChainHead
from tests.fixtures.browser import axe_violations, current_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONSENT_PANEL = "rattvag.consent.panels.client_panel"


@pytest.fixture(autouse=True)
def audit_chain_head(transactional_db):
    AuditChainHead.objects.get_or_create(pk=1)


@pytest.fixture(autouse=True)
def consent_panel_on_client_page(monkeypatch):
    from rattvag.clients import panels

    if CONSENT_PANEL not in panels.CLIENT_PANELS:
        monkeypatch.setattr(panels, "CLIENT_PANELS", [*panels.CLIENT_PANELS, CONSENT_PANEL])


@pytest.fixture
def unique_client(world):
    world.client_a.first_name, world.client_a.last_name = "Qvintilia", "Unikdottir"
    world.client_a.save()
    return world.client_a


def log_in(page, user):
    from tests.fixtures.actors import verified_device

    verified_device(user)
    page.goto("/account/login/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill("correct-horse-battery")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_label("Engångskod").fill(current_totp(user))
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_load_state()


def test_record_share_withdraw(page, browser, live_server, world, unique_client, browser_login, assert_accessible):
    client = unique_client
    # 1. The caseworker records a consent for FK on the client page: partner, purpose, one click.
    browser_login(world.caseworker)
    page.goto(f"/clients/{client.pk}/")
    panel = page.get_by_test_id("consent-panel")
    assert "Inget giltigt samtycke" in panel.inner_text()
    assert_accessible(page)
    panel.get_by_label("Samverkanspart").select_option(label="Försäkringskassan Halland")
    panel.get_by_label("Dela med Försäkringskassan").check()
    panel.get_by_role("button", name="Registrera samtycke").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/clients/{client.pk}/")
    assert "Samtycket är registrerat" in page.content()
    valid = page.get_by_test_id("consent-panel").get_by_role("table")
    assert "Försäkringskassan Halland" in valid.first.inner_text()
    assert_accessible(page)
    page.goto(f"/consent/clients/{client.pk}/")
    assert_accessible(page)

    # 2. The FK officer, in another browser, sees the client on their start page and opens it.
    other = browser.new_context(base_url=live_server.url, locale="sv-SE")
    other.set_default_timeout(15_000)
    officer = other.new_page()
    try:
        log_in(officer, world.partner_officer)
        officer.goto("/consent/partner/")
        assert axe_violations(officer) == []
        officer.get_by_role("link", name="Qvintilia Unikdottir").click()
        officer.wait_for_load_state()
        assert officer.url.endswith(f"/clients/{client.pk}/")
        assert "Unikdottir" in officer.content()
        assert axe_violations(officer) == []

        # 3. The caseworker withdraws the consent: a link, then confirm (the date defaults to today).
        page.goto(f"/clients/{client.pk}/")
        page.get_by_test_id("consent-panel").get_by_role("link", name="Återkalla").click()
        page.wait_for_load_state()
        assert "/withdraw/" in page.url
        assert_accessible(page)
        page.get_by_role("button", name="Bekräfta återkallelsen").click()
        page.wait_for_load_state()
        assert "Återkallelsen är registrerad" in page.content()
        assert_accessible(page)

        # 4. The FK officer's next request: 404, and the client is gone from the start page.
        response = officer.reload()
        assert response is not None
        assert response.status == 404
        assert "Unikdottir" not in officer.content()
        assert axe_violations(officer) == []
        officer.goto("/consent/partner/")
        assert "Unikdottir" not in officer.content()
        assert axe_violations(officer) == []
    finally:
        other.close()
