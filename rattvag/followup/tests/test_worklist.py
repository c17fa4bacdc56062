"""The worklist page: who sees which items, order, filter, audit, and a query count that does not grow."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from rattvag.audit.models import AuditEvent
from rattvag.followup.selectors import worklist_for
from tests.factories import CaseFactory, ClientFactory, UserFactory

from .conftest import TODAY

URL = "/worklist/"


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def setup(travel, world):
    """client_a (case opened TODAY-30): contact plan overdue since TODAY-16, mapping meeting due TODAY."""
    return world


def rows(response):
    return [(row["rule"], row["client_id"]) for row in response.json()] if hasattr(response, "json") else []


def test_url_name():
    assert reverse("followup:worklist") == URL


def test_caseworker_sees_every_item_of_her_cases_by_date(setup, login_as, facts):
    world = setup
    facts.certificate(world.client_a, (TODAY - days(5), TODAY + days(100), 100))
    response = login_as(world.caseworker).get(URL)
    assert response.status_code == 200
    items = response.context["worklist"].items
    assert [(i.rule.code, i.due_on) for i in items] == [
        ("contact_plan", world.case_a.opened_on + days(14)),
        ("sgi_checked", TODAY - days(5) + days(7)),
        ("mapping_meeting", TODAY - days(5) + days(30)),
        ("active_plan", TODAY - days(5) + days(59)),
    ]
    assert [i.overdue for i in items] == [True, False, False, False]
    body = response.content.decode()
    assert world.client_a.full_name in body
    assert f'href="/clients/{world.client_a.pk}/plans/new/contact/"' in body
    assert 'data-testid="overdue-heading-table"' in body
    assert 'data-testid="due-heading-table"' in body


def test_an_item_disappears_as_soon_as_the_step_is_recorded(setup, login_as, facts):
    world = setup
    http = login_as(world.caseworker)
    codes = [i.rule.code for i in http.get(URL).context["worklist"].items]
    assert "contact_plan" in codes
    facts.plan(world.client_a, "contact", TODAY)
    codes = [i.rule.code for i in http.get(URL).context["worklist"].items]
    assert "contact_plan" not in codes


def test_a_caseworker_sees_only_the_cases_she_is_responsible_for(setup, login_as):
    world = setup
    colleague = UserFactory(username="colleague", role="caseworker", units=[world.unit_a])
    CaseFactory(client=ClientFactory(municipality=world.municipality_a), unit=world.unit_a, responsible=colleague)
    CaseFactory(client=ClientFactory(municipality=world.municipality_a), unit=world.unit_a, responsible=None)
    for user, expected in [
        (world.caseworker, {world.client_a.pk}),
        (world.caseworker_other_unit, {world.client_b.pk}),
    ]:
        items = login_as(user).get(URL).context["worklist"].items
        assert {i.client_id for i in items} == expected


def test_closed_cases_have_no_items(setup, login_as, world):
    from rattvag.clients.models import Case

    Case.objects.filter(pk=world.case_a.pk).update(status="closed", outcome="work", closed_on=TODAY)
    response = login_as(world.caseworker).get(URL)
    assert response.context["worklist"].items == []
    assert 'data-testid="worklist-empty"' in response.content.decode()


def test_the_manager_sees_her_units_items_per_caseworker_and_overdue_counts(setup, login_as):
    world = setup
    unassigned = CaseFactory(
        client=ClientFactory(municipality=world.municipality_a), unit=world.unit_a, responsible=None
    )
    response = login_as(world.manager).get(URL)
    worklist = response.context["worklist"]
    assert {i.client_id for i in worklist.items} == {world.client_a.pk, unassigned.client_id}
    assert world.client_b.pk not in {i.client_id for i in worklist.items}  # unit_b is not hers
    per_caseworker = {row.user_id: (row.overdue, row.due) for row in worklist.per_caseworker}
    assert per_caseworker == {world.caseworker.pk: (1, 1), None: (1, 1)}
    assert [(unit.pk, count) for unit, count in worklist.overdue_per_unit] == [(world.unit_a.pk, 2)]
    body = response.content.decode()
    assert 'data-testid="per-caseworker"' in body
    assert 'data-testid="overdue-per-unit"' in body

    only_hers = login_as(world.manager).get(URL, {"caseworker": world.caseworker.pk}).context["worklist"]
    assert {i.client_id for i in only_hers.items} == {world.client_a.pk}
    nobodys = login_as(world.manager).get(URL, {"caseworker": "0"}).context["worklist"]
    assert {i.client_id for i in nobodys.items} == {unassigned.client_id}


def test_filter_by_rule(setup, login_as):
    world = setup
    http = login_as(world.caseworker)
    items = http.get(URL, {"rule": "contact_plan"}).context["worklist"].items
    assert [i.rule.code for i in items] == ["contact_plan"]
    response = http.get(URL, {"rule": "no-such-rule"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert len(response.context["worklist"].items) == 2  # an unknown filter shows everything, with the error


@pytest.mark.parametrize("actor", ["nurse", "analyst", "partner_officer", "aggregate_viewer", "admin"])
def test_other_roles_get_404(setup, login_as, actor):
    response = login_as(setup.actors()[actor]).get(URL)
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(setup, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_viewing_the_worklist_writes_one_listed_event_per_client_shown(setup, login_as):
    world = setup
    second = CaseFactory(
        client=ClientFactory(municipality=world.municipality_a), unit=world.unit_a, responsible=world.caseworker
    )
    login_as(world.caseworker).get(URL)
    events = AuditEvent.objects.filter(actor=world.caseworker, action="client.listed")
    assert sorted(e.client_id for e in events) == sorted([world.client_a.pk, second.client_id])
    assert all(e.data == {"via": "web"} for e in events)
    login_as(world.caseworker).get(URL, {"rule": "no_item_rule"})
    assert AuditEvent.objects.filter(actor=world.caseworker, action="client.listed").count() == 2 + 2


def test_a_protected_name_is_shown_only_to_whom_it_belongs_and_the_events_name_the_clients(setup, login_as):
    """The caseworker's older case of a protected client is hers, the newest is a colleague's: her items of the
    client show the protected label, not the name; the unit manager sees the name. One event per client, the
    client as the object, in the order shown."""
    world = setup
    colleague = UserFactory(username="colleague", role="caseworker", units=[world.unit_a])
    hidden = ClientFactory(municipality=world.municipality_a, protected_identity=True, first_name="Hemliga")
    CaseFactory(client=hidden, unit=world.unit_a, responsible=world.caseworker, opened_on=TODAY - days(40))
    CaseFactory(client=hidden, unit=world.unit_a, responsible=colleague, opened_on=TODAY - days(10))

    response = login_as(world.caseworker).get(URL)
    body = response.content.decode()
    assert hidden.pk in {i.client_id for i in response.context["worklist"].items}
    assert f'data-client="{hidden.pk}"' in body
    assert "Hemliga" not in body
    assert "Protected identity" in body or "Skyddad identitet" in body
    assert world.client_a.full_name in body
    shown = list(dict.fromkeys(i.client_id for i in response.context["worklist"].items))
    events = AuditEvent.objects.filter(actor=world.caseworker, action="client.listed").order_by("pk")
    assert [(e.client_id, e.object_type, e.object_id) for e in events] == [
        (pk, "clients.client", str(pk)) for pk in shown
    ]
    assert "Hemliga" in login_as(world.manager).get(URL).content.decode()


def test_a_filter_that_shows_nothing_lists_no_client(setup, login_as):
    world = setup
    login_as(world.caseworker).get(URL, {"rule": "work_capacity_before_application"})
    assert not AuditEvent.objects.filter(actor=world.caseworker, action="client.listed").exists()


def test_a_disabled_rule_gives_no_items(setup, login_as):
    from rattvag.followup.models import MethodRule, UnitRuleSetting

    world = setup
    UnitRuleSetting.objects.create(unit=world.unit_a, rule=MethodRule.objects.get(code="contact_plan"), enabled=False)
    items = login_as(world.caseworker).get(URL).context["worklist"].items
    assert "contact_plan" not in [i.rule.code for i in items]


def _caseload(world, facts, count):
    """`count` open cases of the caseworker, each with facts for every rule."""
    from tests.factories import PartnerFactory

    fk, ame = PartnerFactory(kind="fk"), PartnerFactory(kind="ame")
    for n in range(count):
        client = ClientFactory(municipality=world.municipality_a)
        case = CaseFactory(client=client, unit=world.unit_a, responsible=world.caseworker, opened_on=TODAY - days(40))
        facts.certificate(client, (TODAY - days(30), TODAY + days(10 + n), 100), case=case)
        consent = facts.consent(client, given_on=TODAY - days(40), valid_until=TODAY + days(10))
        facts.healthcare_request(client, consent, sent_on=TODAY - days(25))
        facts.meeting(client, "mapping", TODAY + days(3), status="planned", case=case)
        meeting = facts.meeting(client, "three_party", TODAY - days(2), case=case)
        facts.agreed_action(meeting, fk)
        facts.agreed_action(meeting, ame)
        facts.plan(client, "active", TODAY - days(20), follow_up_on=TODAY + days(5), case=case)
        facts.activity(client, "disability_benefit_application", planned_on=TODAY + days(20), partner=fk, case=case)
        facts.sgi(client, "unknown", TODAY - days(1))


@pytest.mark.parametrize("count", [3, 30])
def test_the_worklist_costs_the_same_number_of_queries_for_3_and_30_cases(
    travel, world, facts, django_assert_num_queries, count
):
    _caseload(world, facts, count)
    with django_assert_num_queries(QUERIES):
        worklist = worklist_for(user=world.caseworker)
    assert len({i.client_id for i in worklist.items}) == count + 1  # and client_a
    assert len(worklist.items) >= 8 * count


# The facts, as plain values: cases with the unit's certificate settings, certificates with their periods, SGI,
# consents with their purposes, healthcare requests, meetings, agreed actions, plans with their versions, SIPs
# with their versions, activities = 10; the rule book (2); the cases with items, with client and caseworker (1);
# the audit events of the clients listed: the unit acted for, chain head lock, insert, chain head update
# (+ savepoints) = 6.
QUERIES = 19
