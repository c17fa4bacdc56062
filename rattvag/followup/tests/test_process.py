"""The process map on the client page: each step done / due / not yet, derived from what is recorded."""

from __future__ import annotations

import datetime

import pytest

from rattvag.audit.models import AuditEvent
from rattvag.followup.panels import client_panel
from rattvag.followup.process import case_process_map

from .conftest import TODAY

PANEL = "rattvag.followup.panels.client_panel"


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def states(case):
    return {step.code: (str(step.state), step.on) for step in case_process_map(case)}


@pytest.fixture
def panel_wired(monkeypatch):
    from rattvag.clients import panels

    if PANEL not in panels.CLIENT_PANELS:
        monkeypatch.setattr(panels, "CLIENT_PANELS", [*panels.CLIENT_PANELS, PANEL])


def test_a_new_case_has_every_step_ahead(travel, world):
    steps = case_process_map(world.case_a)
    assert [s.code for s in steps] == [
        "certificate",
        "sgi",
        "consent",
        "healthcare",
        "mapping",
        "plan",
        "sip",
        "activities",
        "outcome",
    ]
    assert states(world.case_a) == {
        "certificate": ("not_yet", None),
        "sgi": ("not_yet", None),
        "consent": ("not_yet", None),
        "healthcare": ("not_yet", None),
        "mapping": ("due", TODAY),
        "plan": ("not_yet", None),
        "sip": ("not_needed", None),
        "activities": ("not_yet", None),
        "outcome": ("not_yet", None),
    }


def test_the_journey_fills_the_map(travel, world, facts):
    from tests.factories import PartnerFactory

    case, client = world.case_a, world.client_a
    facts.certificate(client, (TODAY - days(20), TODAY + days(100), 100), received_on=TODAY - days(20))
    assert states(case)["sgi"] == ("overdue", TODAY - days(13))
    assert states(case)["plan"] == ("due", TODAY - days(20) + days(59))
    facts.sgi(client, "none", TODAY - days(18))
    consent = facts.consent(client, given_on=TODAY - days(17), valid_until=TODAY + days(300))
    facts.healthcare_request(client, consent, sent_on=TODAY - days(16))
    facts.meeting(client, "mapping", TODAY - days(10), case=case)
    facts.plan(client, "active", TODAY - days(5))
    fk, ame = PartnerFactory(kind="fk"), PartnerFactory(kind="ame")
    facts.activity(client, "coordinated_rehabilitation_fk", started_on=TODAY - days(4), partner=fk)
    facts.activity(client, "deeper_mapping_ame", planned_on=TODAY + days(2), partner=ame)
    assert states(case)["sip"] == ("due", TODAY + days(32))
    facts.sip(client, TODAY)
    assert states(case) == {
        "certificate": ("done", TODAY - days(20)),
        "sgi": ("done", TODAY - days(18)),
        "consent": ("done", TODAY - days(17)),
        "healthcare": ("done", TODAY - days(16)),
        "mapping": ("done", TODAY - days(10)),
        "plan": ("done", TODAY - days(5)),
        "sip": ("done", TODAY),
        "activities": ("done", TODAY - days(4)),
        "outcome": ("not_yet", None),
    }


def test_overdue_steps_and_the_outcome(travel, world, facts):
    from rattvag.clients.models import Case

    travel(TODAY + days(1))
    assert states(world.case_a)["mapping"] == ("overdue", TODAY)
    Case.objects.filter(pk=world.case_a.pk).update(status="closed", outcome="work", closed_on=TODAY + days(1))
    world.case_a.refresh_from_db()
    outcome = case_process_map(world.case_a)[-1]
    assert (outcome.state, outcome.on) == ("done", TODAY + days(1))
    assert outcome.note


def test_a_rule_the_unit_does_not_use_gives_no_deadline(travel, world):
    from rattvag.followup.models import MethodRule, UnitRuleSetting

    UnitRuleSetting.objects.create(
        unit=world.unit_a, rule=MethodRule.objects.get(code="mapping_meeting"), enabled=False
    )
    assert states(world.case_a)["mapping"] == ("not_yet", None)


def test_the_map_costs_a_fixed_number_of_queries(travel, world, facts, django_assert_num_queries):
    facts.certificate(world.client_a, (TODAY - days(20), TODAY + days(100), 100))
    # The rule book (2), and the ten queries of the fact loader: the case (with the unit's certificate settings),
    # certificates with their periods, SGI, consents with their purposes, healthcare requests, meetings,
    # agreed actions, plans with their versions, SIPs with their versions, activities.
    with django_assert_num_queries(12):
        case_process_map(world.case_a)


def test_the_client_page_shows_the_map_as_an_ordered_list_with_text_states(travel, world, login_as, panel_wired):
    response = login_as(world.caseworker).get(f"/clients/{world.client_a.pk}/")
    body = response.content.decode()
    assert 'data-testid="process-map"' in body
    section = body.split('data-testid="process-map"')[1].split("</section>")[0]
    assert '<ol class="govuk-task-list">' in section
    assert section.count("<li ") == 9
    assert 'data-state="due"' in section
    assert f'href="/clients/{world.client_a.pk}/meetings/new/?kind=mapping"' in section
    events = AuditEvent.objects.filter(actor=world.caseworker, action="followup.process_viewed")
    assert [(e.client_id, e.object_id) for e in events] == [(world.client_a.pk, str(world.case_a.pk))]


@pytest.mark.parametrize("actor", ["caseworker", "nurse", "manager"])
def test_unit_staff_get_the_panel(travel, world, rf, actor):
    from rattvag.clients.access import client_access

    user = world.actors()[actor]
    request = rf.get("/")
    request.user = user
    result = client_panel(request, world.client_a, client_access(user, world.client_a))
    assert result is not None
    assert result["context"]["process_case"] == world.case_a


def test_partner_officers_get_no_map(travel, world, rf, facts):
    from rattvag.clients.access import client_access

    facts.consent(world.client_a, purposes=("share_fk",), partner=world.fk, given_on=TODAY, valid_until=TODAY + days(9))
    access = client_access(world.partner_officer, world.client_a)
    assert access is not None
    request = rf.get("/")
    request.user = world.partner_officer
    assert client_panel(request, world.client_a, access) is None
    assert not AuditEvent.objects.filter(action="followup.process_viewed").exists()


@pytest.mark.parametrize("with_settings", [False, True])
def test_a_case_read_with_its_units_settings_gives_the_same_map(travel, world, with_settings):
    """The client page reads its cases with the unit's certificate settings; the map then takes the case's own row
    instead of reading it again, and is the same."""
    from rattvag.certificates.models import UnitCertificateSettings
    from rattvag.clients.models import Case
    from rattvag.followup.rules.facts import load_case_facts, loaded_case_row

    if with_settings:
        UnitCertificateSettings.objects.create(unit=world.unit_a, max_gap=9)
    plain = Case.objects.get(pk=world.case_a.pk)
    assert loaded_case_row(plain) is None  # the unit's settings were not read with it
    read = Case.objects.select_related("unit__certificate_settings").get(pk=world.case_a.pk)
    row = loaded_case_row(read)
    assert row is not None
    assert row[1] == (9 if with_settings else None)
    from_database = load_case_facts(Case.objects.filter(pk=world.case_a.pk))[world.case_a.pk]
    from_row = load_case_facts(Case.objects.filter(pk=read.pk), case_rows=[row])[read.pk]
    assert (from_row.case, from_row.max_gap) == (from_database.case, from_database.max_gap)
    assert case_process_map(read) == case_process_map(plain)
