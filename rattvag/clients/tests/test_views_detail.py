"""The client page, editing the details and closing a case."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.clients import panels
from rattvag.clients.models import CaseStatus, Outcome
from tests.factories import UserFactory


def _detail(world, http, client=None):
    return http.get(reverse("clients:detail", args=[(client or world.client_a).pk]))


def test_detail_shows_details_and_cases(world, login_as):
    world.client_a.street_address = "Storgatan 1"
    world.client_a.save()
    response = _detail(world, login_as(world.caseworker))
    content = response.content.decode()
    assert world.client_a.full_name in content
    assert world.client_a.personal_number_display in content
    assert "Storgatan 1" in content
    assert world.unit_a.name in content
    assert world.nurse.get_full_name() in content
    assert world.caseworker.get_full_name() in content
    assert "Pågående" in content
    assert reverse("clients:edit", args=[world.client_a.pk]) in content
    assert reverse("clients:close_case", args=[world.client_a.pk, world.case_a.pk]) in content


def test_detail_is_audited(world, login_as):
    _detail(world, login_as(world.nurse))
    event = AuditEvent.objects.get(action="client.viewed", client_id=world.client_a.pk)
    assert event.actor == world.nurse
    assert event.acting_unit == world.unit_a
    assert not event.break_glass
    assert event.data == {"via": "web"}


def test_nurse_reads_but_does_not_edit_or_close(world, login_as):
    content = _detail(world, login_as(world.nurse)).content.decode()
    assert reverse("clients:edit", args=[world.client_a.pk]) not in content
    assert reverse("clients:close_case", args=[world.client_a.pk, world.case_a.pk]) not in content


@pytest.fixture
def protected(world):
    world.client_a.protected_identity = True
    # Names no generated staff member can share, so "not in the page" tests the client's name only.
    world.client_a.first_name = "Hemligfrida"
    world.client_a.last_name = "Skyddadsson"
    world.client_a.street_address = "Hemliga vägen 7"
    world.client_a.phone = "070-999 99 99"
    world.client_a.save()
    return world.client_a


def test_protected_identity_shown_to_responsible_caseworker_and_manager(world, login_as, protected):
    for user in (world.caseworker, world.manager):
        content = _detail(world, login_as(user)).content.decode()
        assert protected.full_name in content, user.username
        assert "Hemliga vägen 7" in content
        assert "070-999 99 99" in content
        assert "Skyddade personuppgifter" in content


def test_protected_identity_hidden_from_nurse_and_other_caseworker(world, login_as, protected):
    colleague = UserFactory(username="colleague", units=[world.unit_a])
    for user in (world.nurse, colleague):
        content = _detail(world, login_as(user)).content.decode()
        assert protected.first_name not in content, user.username
        assert protected.last_name not in content
        assert "Hemliga vägen 7" not in content
        assert "070-999 99 99" not in content
        assert "Skyddad identitet" in content
        assert protected.personal_number_display in content
    # The colleague works in the unit but may not open the edit form (it shows name and address).
    assert login_as(colleague).get(reverse("clients:edit", args=[protected.pk])).status_code == 404
    content = _detail(world, login_as(colleague)).content.decode()
    assert reverse("clients:edit", args=[protected.pk]) not in content
    assert reverse("clients:close_case", args=[protected.pk, world.case_a.pk]) in content


def test_panels_from_the_registry_are_rendered(world, login_as, settings, tmp_path, monkeypatch):
    (tmp_path / "panel.html").write_text('<h2 class="govuk-heading-m">{{ title }}</h2><p>{{ client.pk }}</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    monkeypatch.setattr(
        panels,
        "CLIENT_PANELS",
        [f"{__name__}.example_panel", f"{__name__}.empty_panel"],
    )
    content = _detail(world, login_as(world.caseworker)).content.decode()
    assert '<h2 class="govuk-heading-m">Exempelpanel</h2>' in content
    assert f"<p>{world.client_a.pk}</p>" in content


def example_panel(request, client, access):
    assert access.acting_for.unit is not None
    return {"template": "panel.html", "context": {"title": "Exempelpanel"}}


def empty_panel(request, client, access):
    return None


def test_the_installed_panels_show_on_the_client_page(world, login_as):
    content = _detail(world, login_as(world.caseworker)).content.decode()
    assert 'id="certificates-heading"' in content


# --- Edit ---


def test_edit_saves_and_audits_changed_field_names(world, login_as):
    url = reverse("clients:edit", args=[world.client_a.pk])
    http = login_as(world.caseworker)
    form = http.get(url)
    assert f'value="{world.client_a.first_name}"' in form.content.decode()
    assert 'name="version" value="1"' in form.content.decode()
    data = {"first_name": world.client_a.first_name, "last_name": "Nyström", "city": "Laholm", "version": "1"}
    response = http.post(url, data)
    assert response.status_code == 302
    world.client_a.refresh_from_db()
    assert world.client_a.last_name == "Nyström"
    assert world.client_a.city == "Laholm"
    event = AuditEvent.objects.get(action="client.updated", client_id=world.client_a.pk)
    assert event.data == {"fields": ["city", "last_name"], "version": 2}
    assert world.client_a.version == 2
    assert "Nyström" not in str(event.data)


def test_edit_keeps_typed_values_on_error(world, login_as):
    url = reverse("clients:edit", args=[world.client_a.pk])
    data = {"first_name": "", "last_name": "Nyström", "email": "fel@", "street_address": "Ny gata 2", "version": "1"}
    response = login_as(world.caseworker).post(url, data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in content
    assert "Ange klientens förnamn." in content
    for value in ("Nyström", "fel@", "Ny gata 2"):
        assert f'value="{value}"' in content
    world.client_a.refresh_from_db()
    assert world.client_a.last_name != "Nyström"
    assert not AuditEvent.objects.filter(action="client.updated").exists()


def test_manager_may_set_protected_identity(world, login_as):
    url = reverse("clients:edit", args=[world.client_a.pk])
    data = {"first_name": "A", "last_name": "B", "protected_identity": "on", "version": "1"}
    assert login_as(world.manager).post(url, data).status_code == 302
    world.client_a.refresh_from_db()
    assert world.client_a.protected_identity


# --- Close the case ---


def _close_url(world):
    return reverse("clients:close_case", args=[world.client_a.pk, world.case_a.pk])


def test_close_case_with_outcome(world, login_as):
    today = timezone.localdate()
    response = login_as(world.caseworker).post(
        _close_url(world), {"outcome": Outcome.WORK, "closed_on": today.isoformat()}
    )
    assert response.status_code == 302
    world.case_a.refresh_from_db()
    assert world.case_a.status == CaseStatus.CLOSED
    assert world.case_a.outcome == Outcome.WORK
    assert world.case_a.closed_on == today
    event = AuditEvent.objects.get(action="case.closed", client_id=world.client_a.pk)
    assert event.data == {"outcome": "work"}
    content = _detail(world, login_as(world.caseworker)).content.decode()
    assert "Avslutat" in content
    assert "Arbete" in content
    assert _close_url(world) not in content


def test_close_form_lists_outcomes_in_swedish(world, login_as):
    content = login_as(world.caseworker).get(_close_url(world)).content.decode()
    for label in ("Arbete", "Studier", "Sjukpenning (SGI fanns)", "Sjukersättning", "Aktivitetsersättning", "Flyttat"):
        assert label in content
    assert f'value="{timezone.localdate().isoformat()}"' in content
    assert 'type="date"' in content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"closed_on": "2025-01-01"}, "Välj en avslutsorsak."),
        ({"outcome": "work", "closed_on": "31 februari"}, "Ange ett riktigt datum"),
        ({"outcome": "work", "closed_on": "2999-01-01"}, "Avslutsdatumet kan inte ligga i framtiden."),
        ({"outcome": "work", "closed_on": "1999-01-01"}, "Ärendet kan inte avslutas före det datum det öppnades."),
    ],
)
def test_close_errors_keep_typed_values(world, login_as, data, message):
    response = login_as(world.caseworker).post(_close_url(world), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert "govuk-error-summary" in content
    assert f'value="{data["closed_on"]}"' in content
    if "outcome" in data:
        assert 'value="work" checked' in content
    world.case_a.refresh_from_db()
    assert world.case_a.status == CaseStatus.OPEN


def test_typed_swedish_date_is_accepted(world, login_as):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    login_as(world.caseworker).post(_close_url(world), {"outcome": "moved", "closed_on": yesterday.strftime("%Y%m%d")})
    world.case_a.refresh_from_db()
    assert world.case_a.closed_on == yesterday


def test_closed_case_page_leads_back_to_client(world, login_as):
    http = login_as(world.caseworker)
    http.post(_close_url(world), {"outcome": "studies", "closed_on": timezone.localdate().isoformat()})
    response = http.get(_close_url(world))
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[world.client_a.pk])


def test_closing_on_the_opening_day_at_midnight(world, login_as):
    with time_machine.travel(datetime.datetime(2025, 3, 3, 23, 30, tzinfo=timezone.get_current_timezone()), tick=False):
        world.case_a.opened_on = datetime.date(2025, 3, 3)
        world.case_a.save()
        response = login_as(world.caseworker).post(_close_url(world), {"outcome": "other", "closed_on": "2025-03-03"})
    assert response.status_code == 302


# --- Partner officers (access under consent is decided in `access`; the page follows `access.shows`) ---


def _consent(world, purpose):
    from rattvag.consent.models import Consent, ConsentPurposeGrant

    today = timezone.localdate()
    consent = Consent.objects.create(
        client=world.client_a,
        partner=world.fk,
        form="written",
        given_on=today - datetime.timedelta(days=5),
        valid_until=today + datetime.timedelta(days=100),
        recorded_by=world.caseworker,
    )
    ConsentPurposeGrant.objects.create(consent=consent, purpose=purpose)


@pytest.mark.parametrize(("purpose", "sees_address"), [("fk_consultation", False), ("share_fk", True)])
def test_partner_officer_sees_contact_details_only_under_consent(world, login_as, purpose, sees_address):
    world.client_a.street_address = "Storgatan 1"
    world.client_a.save()
    _consent(world, purpose)
    response = _detail(world, login_as(world.partner_officer))
    content = response.content.decode()
    assert response.status_code == 200
    assert world.client_a.full_name in content
    assert ("Storgatan 1" in content) is sees_address
    assert reverse("clients:edit", args=[world.client_a.pk]) not in content
    assert reverse("clients:close_case", args=[world.client_a.pk, world.case_a.pk]) not in content
    event = AuditEvent.objects.get(action="client.viewed", client_id=world.client_a.pk)
    assert event.acting_partner == world.fk
    # The list and the edit form stay closed to partners.
    assert login_as(world.partner_officer).get(reverse("clients:list")).status_code == 404
    assert login_as(world.partner_officer).get(reverse("clients:edit", args=[world.client_a.pk])).status_code == 404


def test_manager_gets_links_to_the_register_extract_and_the_access_log(world, login_as):
    manager_page = _detail(world, login_as(world.manager)).content.decode()
    assert reverse("dsr:extract", args=[world.client_a.pk]) in manager_page
    assert reverse("audit:client", args=[world.client_a.pk]) in manager_page
    nurse_page = _detail(world, login_as(world.nurse)).content.decode()
    assert reverse("audit:client", args=[world.client_a.pk]) not in nurse_page
