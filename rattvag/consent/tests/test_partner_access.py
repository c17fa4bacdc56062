"""Partner leakage: every client-related page and endpoint answers 404 to a partner officer
without a valid consent (none, expired, withdrawn, another organisation's, another client's,
a purpose that does not open the client to their kind), and withdrawal bites on the next request."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.consent import services
from tests.factories import PartnerFactory, UserFactory

DAY = datetime.timedelta(days=1)
API = "/api/v1"

# Every page and endpoint about one client that exists now (more are added as apps arrive).
CLIENT_URLS = [
    "/clients/{id}/",
    "/clients/{id}/edit/",
    "/clients/{id}/certificates/",
    "/clients/{id}/certificates/new/",
    "/consent/clients/{id}/",
    "/consent/clients/{id}/healthcare/new/",
    API + "/clients/{id}",
    API + "/clients/{id}/consents",
    API + "/clients/{id}/certificates",
    API + "/clients/{id}/sick_leave",
]


def scenario(name, world, make_consent):
    today = timezone.localdate()
    if name == "no_consent":
        return
    if name == "expired":
        make_consent(world.client_a, partner=world.fk, given_on=today - 400 * DAY, valid_until=today - DAY)
    elif name == "withdrawn":
        make_consent(world.client_a, partner=world.fk, withdrawn_on=today)
    elif name == "other_partner":
        other = PartnerFactory(code="FK-VAST", name="Försäkringskassan Väst", kind="fk")
        make_consent(world.client_a, partner=other)
    elif name == "other_client":
        make_consent(world.client_b, partner=world.fk)
    elif name == "other_kind":
        make_consent(world.client_a, partner_kind="care_unit", purposes=("contact_healthcare", "obtain_journal"))
    elif name == "purpose_not_opening":
        make_consent(world.client_a, partner=world.fk, purposes=("contact_healthcare", "obtain_journal"))
    else:
        raise AssertionError(name)


@pytest.fixture(autouse=True)
def _unique_names(world):
    """Names no factory user can have, so that "not in the page" means something."""
    world.client_a.first_name, world.client_a.last_name = "Qvintilia", "Unikdottir"
    world.client_a.save()
    world.client_b.first_name, world.client_b.last_name = "Xerxes", "Annanson"
    world.client_b.save()


SCENARIOS = ["no_consent", "expired", "withdrawn", "other_partner", "other_client", "other_kind", "purpose_not_opening"]


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("url", CLIENT_URLS)
def test_partner_without_valid_consent_gets_404(world, login_as, make_consent, name, url):
    scenario(name, world, make_consent)
    http = login_as(world.partner_officer)
    response = http.get(url.format(id=world.client_a.pk))
    assert response.status_code == 404
    content = response.content.decode()
    assert world.client_a.last_name not in content
    assert world.client_a.personal_number[:8] not in content


POST_URLS = [
    "/clients/{id}/sgi/",
    "/consent/clients/{id}/record/",
    "/consent/clients/{id}/healthcare/new/",
]


@pytest.mark.parametrize("name", ["no_consent", "withdrawn", "other_partner"])
@pytest.mark.parametrize("url", POST_URLS)
def test_partner_posts_without_valid_consent_get_404(world, login_as, make_consent, name, url):
    scenario(name, world, make_consent)
    response = login_as(world.partner_officer).post(url.format(id=world.client_a.pk), {})
    assert response.status_code == 404


@pytest.mark.parametrize("name", SCENARIOS)
def test_partner_lists_do_not_leak(world, login_as, make_consent, name):
    scenario(name, world, make_consent)
    http = login_as(world.partner_officer)
    listing = http.get(API + "/clients").json()
    assert world.client_a.pk not in [c["id"] for c in listing["items"]]
    assert listing["count"] == (1 if name == "other_client" else 0)
    search = http.post(API + "/clients/search", {"q": world.client_a.last_name}, content_type="application/json")
    assert search.status_code == 200
    assert search.json()["items"] == []
    home = http.get("/consent/partner/")
    assert home.status_code == 200
    assert world.client_a.last_name not in home.content.decode()
    assert not AuditEvent.objects.filter(client_id=world.client_a.pk, actor=world.partner_officer).exists()


@pytest.mark.parametrize("name", SCENARIOS)
def test_partner_cannot_write_without_consent(world, login_as, make_consent, name):
    scenario(name, world, make_consent)
    http = login_as(world.partner_officer)
    body = {"partner": "FK-HALLAND", "purposes": ["share_fk"], "form": "written"}
    response = http.post(f"{API}/clients/{world.client_a.pk}/consents", body, content_type="application/json")
    assert response.status_code == 404
    response = http.post(f"/consent/clients/{world.client_a.pk}/record/", {"consent-partner": f"p:{world.fk.pk}"})
    assert response.status_code == 404


def test_partner_with_consent_sees_the_client_audited_as_partner(world, login_as, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    http = login_as(world.partner_officer)
    assert http.get(f"/clients/{world.client_a.pk}/").status_code == 200
    response = http.get(f"{API}/clients/{world.client_a.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == world.client_a.pk
    assert [c["id"] for c in http.get(API + "/clients").json()["items"]] == [world.client_a.pk]
    events = AuditEvent.objects.filter(client_id=world.client_a.pk, actor=world.partner_officer)
    assert events.filter(action="client.viewed").count() == 2
    assert events.filter(action="client.listed").count() == 1
    assert all(e.acting_partner_id == world.fk.pk and e.acting_unit_id is None for e in events)
    # The partner start page lists the client (and logs that it was shown).
    home = http.get("/consent/partner/").content.decode()
    assert world.client_a.last_name in home
    # Never the other client.
    assert http.get(f"/clients/{world.client_b.pk}/").status_code == 404


def test_withdrawal_takes_effect_on_the_next_request(world, login_as, make_consent):
    consent = make_consent(world.client_a, partner=world.fk, purposes=("share_fk", "fk_consultation"))
    officer = login_as(world.partner_officer)
    assert officer.get(f"/clients/{world.client_a.pk}/").status_code == 200
    assert officer.get(f"{API}/clients/{world.client_a.pk}/consents").status_code == 200
    services.consent_withdraw(actor=world.caseworker, consent=consent)
    assert officer.get(f"/clients/{world.client_a.pk}/").status_code == 404
    assert officer.get(f"{API}/clients/{world.client_a.pk}").status_code == 404
    assert officer.get(f"{API}/clients/{world.client_a.pk}/consents").status_code == 404


def test_expiry_takes_effect_at_midnight(world, login_as, make_consent, time_machine):
    today = timezone.localdate()
    make_consent(world.client_a, partner=world.fk, valid_until=today)
    officer = login_as(world.partner_officer)
    assert officer.get(f"/clients/{world.client_a.pk}/").status_code == 200
    time_machine.move_to(
        datetime.datetime.combine(today + DAY, datetime.time(0, 1), tzinfo=timezone.get_current_timezone())
    )
    officer = login_as(world.partner_officer)
    assert officer.get(f"/clients/{world.client_a.pk}/").status_code == 404


def test_partner_sees_only_consents_covering_them(world, login_as, make_consent, partners):
    own = make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    make_consent(world.client_a, partner=partners["care_unit"], purposes=("contact_healthcare",))
    by_kind = make_consent(world.client_a, partner_kind="fk", purposes=("fk_consultation",))
    officer = login_as(world.partner_officer)
    ids = {c["id"] for c in officer.get(f"{API}/clients/{world.client_a.pk}/consents").json()}
    assert ids == {own.pk, by_kind.pk}
    page = officer.get(f"/consent/clients/{world.client_a.pk}/").content.decode()
    assert "Vårdcentralen Andersberg" not in page
    assert "Registrera samtycke" not in page  # no recording form for partners


def test_inactive_or_unaffiliated_partner_officer_sees_nothing(world, login_as, make_consent):
    make_consent(world.client_a, partner=world.fk)
    loose = UserFactory(username="loose", role="partner_officer", partner=None)
    assert login_as(loose).get(f"/clients/{world.client_a.pk}/").status_code == 404
    world.partner_officer.is_active = False
    world.partner_officer.save()
    from rattvag.clients.access import client_access, visible_clients

    assert client_access(world.partner_officer, world.client_a) is None
    assert not visible_clients(world.partner_officer).exists()
