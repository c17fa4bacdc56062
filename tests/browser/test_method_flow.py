"""The method's flow, first part, in Chromium: a sick-listed client with a certificate and a consent;
the caseworker books a mapping meeting, prints the invitation, writes an active plan and a contact plan,
then a SIP. axe checks every page on the way. (tests/browser/test_worklist.py continues the journey.)"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rattvag.audit.models import AuditChainHead

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PANELS = [
    "rattvag.consent.panels.client_panel",
    "rattvag.meetings.panels.client_panel",
    "rattvag.plans.panels.client_panel",
]


@pytest.fixture(autouse=True)
def audit_chain_head(transactional_db):
    AuditChainHead.objects.get_or_create(pk=1)


@pytest.fixture(autouse=True)
def panels_on_client_page(monkeypatch):
    from rattvag.clients import panels

    missing = [p for p in PANELS if p not in panels.CLIENT_PANELS]
    if missing:
        monkeypatch.setattr(panels, "CLIENT_PANELS", [*panels.CLIENT_PANELS, *missing])


@pytest.fixture
def sick_listed_client(world):
    """client_a with a registered certificate and a consent for FK covering sharing and SIP."""
    from rattvag.certificates.services import certificate_register
    from rattvag.certificates.tests.factories import certificate_data
    from rattvag.consent.services import consent_record

    client = world.client_a
    client.first_name, client.last_name = "Qvintilia", "Unikdottir"
    client.save()
    certificate_register(actor=world.caseworker, client=client, data=certificate_data())
    consent_record(
        actor=world.caseworker, client=client, partner=world.fk, purposes=["share_fk", "sip"], form="written"
    )
    return client


def iso(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_mapping_meeting_plans_and_sip(page, world, sick_listed_client, browser_login, assert_accessible):
    client = sick_listed_client
    browser_login(world.caseworker)
    page.goto(f"/clients/{client.pk}/")
    assert "Inga kommande möten." in page.get_by_test_id("meetings-panel").inner_text()
    assert_accessible(page)

    # 1. Book the mapping meeting with the nurse; the client is invited by default.
    page.get_by_test_id("meetings-panel").get_by_role("link", name="Boka ett möte").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Kartläggningsmöte").check()
    page.get_by_label("Datum", exact=True).fill(iso(5))
    page.get_by_label("Börjar").fill("09:30")
    page.get_by_label("Slutar").fill("10:30")
    page.get_by_label("Plats").fill("Socialkontoret, rum 4")
    page.get_by_label(world.nurse.get_full_name(), exact=False).check()
    page.get_by_role("button", name="Boka mötet").click()
    page.wait_for_load_state()
    assert "Mötet är bokat" in page.content()
    assert page.get_by_role("heading", level=1).inner_text() == "Kartläggningsmöte"
    assert world.nurse.get_full_name() in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Kallelse för utskrift").click()
    page.wait_for_load_state()
    assert "Kallelse: Kartläggningsmöte" in page.content()
    assert "Qvintilia Unikdottir" in page.get_by_test_id("participant-list").inner_text()
    assert_accessible(page)

    # 2. The active plan, agreed orally with the client.
    page.goto(f"/clients/{client.pk}/")
    assert "Socialkontoret, rum 4" in page.get_by_test_id("meetings-panel").inner_text()
    page.get_by_test_id("plans-panel").get_by_role("link", name="Skriv en aktiv plan").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Mål", exact=True).fill("Egen försörjning genom arbete på deltid.")
    page.get_by_label("Insatser och steg").fill("Arbetsträning via AME, sedan arbetsprövning.")
    page.get_by_label("Datum för uppföljning").fill(iso(30))
    page.get_by_label("Klienten godkände den").fill(iso(0))
    page.get_by_label("Hur klienten godkände").select_option("oral")
    page.get_by_role("button", name="Spara planen").click()
    page.wait_for_load_state()
    assert "Planen är sparad som version 1." in page.content()
    assert "Egen försörjning genom arbete på deltid." in page.get_by_test_id("plan-content").inner_text()
    assert_accessible(page)

    # 3. The contact plan: every second week.
    page.goto(f"/clients/{client.pk}/")
    page.get_by_test_id("plans-panel").get_by_role("link", name="Skriv en kontaktplan").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Varannan vecka").check()
    page.get_by_label("Hur träffas ni?").fill("Besök på kontoret, handläggaren bokar nästa tid.")
    page.get_by_role("button", name="Spara planen").click()
    page.wait_for_load_state()
    assert "Varannan vecka" in page.get_by_test_id("plan-content").inner_text()
    assert_accessible(page)

    # 4. The SIP, with FK taking part (covered by the client's SIP consent).
    page.goto(f"/clients/{client.pk}/")
    panel = page.get_by_test_id("plans-panel").inner_text()
    assert "Öppna den aktiva planen" in panel
    assert "Öppna kontaktplanen" in panel
    page.get_by_test_id("meetings-panel").get_by_role("link", name="Skriv en SIP").click()
    page.wait_for_load_state()
    assert "Klienten har ingen gällande SIP." in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Skriv en SIP").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Klientens eget mål, med klientens egna ord").fill("Jag vill kunna jobba halvtid.")
    page.get_by_label("Insatser som behövs").fill("Arbetsträning och fysioterapi.")
    page.get_by_label("Kommunens insatser").fill("Arbetsträning via AME.")
    page.get_by_label("Regionens insatser").fill("Fysioterapi på vårdcentralen.")
    page.get_by_label("Vad andra gör").fill("Försäkringskassan utreder rätten till sjukpenning.")
    page.get_by_label("Vem som har det övergripande ansvaret").fill("Socialtjänsten")
    page.get_by_label("Datum för uppföljning").fill(iso(60))
    page.get_by_label("Hur SIP:en följs upp").fill("Nytt SIP-möte med alla parter.")
    page.get_by_label("Försäkringskassan Halland").check()
    page.get_by_role("button", name="Spara SIP:en").click()
    page.wait_for_load_state()
    assert "SIP:en är sparad som version 1." in page.content()
    assert "Jag vill kunna jobba halvtid." in page.get_by_test_id("sip-content").inner_text()
    assert_accessible(page)

    page.goto(f"/clients/{client.pk}/")
    assert "SIP gäller, version 1." in page.get_by_test_id("sip-status").inner_text()
    assert_accessible(page)
