"""The fact loader: plain values in a fixed number of queries, the client's facts shared by the client's cases,
and consents judged exactly as the consent model judges them."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from rattvag.certificates.spells import sick_leave_as_of
from rattvag.clients.models import Case, CaseStatus
from rattvag.consent.models import Consent, WithdrawalForm
from rattvag.followup.rules import facts as facts_module
from rattvag.followup.rules import load_case_facts
from rattvag.followup.rules.facts import CaseRow, ConsentFact, PlanFact
from tests.factories import CaseFactory

from .conftest import TODAY


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _everything(facts, world, client, case) -> None:
    """One of every kind of fact the loader reads."""
    facts.certificate(client, (TODAY - days(40), TODAY + days(20), 100))
    facts.sgi(client, "unknown", TODAY - days(30))
    consent = facts.consent(client, given_on=TODAY - days(30), valid_until=TODAY + days(300))
    facts.healthcare_request(client, consent, sent_on=TODAY - days(20))
    meeting = facts.meeting(client, "mapping", TODAY - days(10), case=case)
    facts.agreed_action(meeting, facts.care_unit_partner)
    facts.plan(client, "active", TODAY - days(5), follow_up_on=TODAY + days(60))
    facts.sip(client, TODAY - days(3))
    facts.activity(client, "work_capacity_assessment", planned_on=TODAY + days(3), partner=facts.care_unit_partner)


def test_ten_queries_whatever_the_number_of_cases(world, facts, django_assert_num_queries):
    _everything(facts, world, world.client_a, world.case_a)
    with django_assert_num_queries(10):
        one = load_case_facts(Case.objects.filter(pk=world.case_a.pk))
    for _ in range(5):
        case = CaseFactory(unit=world.unit_a, responsible=world.caseworker)
        _everything(facts, world, case.client, case)
    with django_assert_num_queries(10):
        many = load_case_facts(Case.objects.filter(status=CaseStatus.OPEN))
    assert len(many) >= 6
    assert load_case_facts(Case.objects.none()) == {}
    loaded = one[world.case_a.pk]
    assert isinstance(loaded.case, CaseRow)
    assert (loaded.case.pk, loaded.case.client_id, loaded.case.unit_id) == (
        world.case_a.pk,
        world.client_a.pk,
        world.unit_a.pk,
    )
    assert [len(x) for x in (loaded.certificates, loaded.consents, loaded.healthcare_requests)] == [1, 1, 1]
    assert [len(x) for x in (loaded.meetings, loaded.agreed_actions, loaded.activities)] == [1, 1, 1]
    assert loaded.consents[0].purposes == ("contact_healthcare",)
    assert loaded.sgi is not None
    assert loaded.sgi.status == "unknown"
    assert isinstance(loaded.active_plan, PlanFact)
    assert loaded.active_plan.current_version.follow_up_on is not None
    assert loaded.sip is not None
    assert loaded.sip.first_version.number == 1


def test_a_clients_cases_share_its_facts_and_spells_but_not_each_others_meetings(world, facts):
    client = world.client_a
    other_case = CaseFactory(
        client=client, unit=world.unit_a, opened_on=TODAY - days(150), status="closed", outcome="work", closed_on=TODAY
    )
    facts.certificate(client, (TODAY - days(100), TODAY - days(61), 100), received_on=TODAY - days(95))
    facts.certificate(client, (TODAY - days(58), TODAY + days(20), 50))
    facts.meeting(client, "mapping", TODAY - days(10), case=world.case_a)
    facts.meeting(client, "mapping", TODAY - days(80), case=other_case)
    facts.meeting(client, "follow_up", TODAY - days(5))  # without a case: both cases'
    loaded = load_case_facts(Case.objects.filter(client=client))
    first, second = loaded[world.case_a.pk], loaded[other_case.pk]
    assert first.client is second.client
    assert first.spells is second.spells  # built once for the client (same max_gap)
    assert [m.kind for m in first.meetings] == ["mapping", "follow_up"]
    assert [m.kind for m in second.meetings] == ["mapping", "follow_up"]
    assert first.meetings[0].pk != second.meetings[0].pk
    assert second.case.is_closed
    assert second.case.get_outcome_display() == other_case.get_outcome_display()
    # The spells and today's spell are the certificates module's.
    spans = [c.as_span() for c in first.certificates]
    for day in (TODAY - days(100), TODAY - days(60), TODAY, TODAY + days(21)):
        expected = sick_leave_as_of(spans, day, first.max_gap)
        assert first.spells == expected.spells
        assert first.current_spell(day) == expected.current


def test_ended_plans_only_when_asked_for_and_before_the_open_ones(world, facts):
    ended = facts.plan(world.client_a, "contact", TODAY - days(200))
    ended.ended_on = TODAY - days(100)
    ended.save()
    facts.plan(world.client_a, "contact", TODAY - days(50))
    cases = Case.objects.filter(pk=world.case_a.pk)
    open_only = load_case_facts(cases)[world.case_a.pk]
    with_ended = load_case_facts(cases, ended_plans=True)[world.case_a.pk]
    assert [p.ended_on for p in open_only.plans] == [None]
    assert [p.ended_on for p in with_ended.plans] == [ended.ended_on, None]
    assert with_ended.contact_plan is not None
    assert with_ended.contact_plan.pk == ended.pk


dates = st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2024, 3, 1))


@given(
    given_on=dates,
    valid_for=st.none() | st.integers(0, 40),
    until_case_closes=st.booleans(),
    closed_on=st.none() | dates,
    withdrawn_after=st.none() | st.integers(0, 40),
    day=dates,
)
def test_a_consent_fact_is_valid_and_ends_exactly_as_the_consent(
    given_on, valid_for, until_case_closes, closed_on, withdrawn_after, day
):
    """Compared with the model's own methods over every combination (no database: unsaved instances)."""
    case = Case(status=CaseStatus.CLOSED if closed_on else CaseStatus.OPEN, closed_on=closed_on)
    valid_until = None if until_case_closes or valid_for is None else given_on + days(valid_for)
    withdrawn_on = None if withdrawn_after is None else given_on + days(withdrawn_after)
    consent = Consent(
        pk=1,
        given_on=given_on,
        valid_until=valid_until,
        until_case_closes=until_case_closes,
        withdrawn_on=withdrawn_on,
        withdrawn_how=WithdrawalForm.choices[0][0] if withdrawn_on else "",
    )
    consent.case = case
    fact = ConsentFact(1, None, None, "fk", given_on, valid_until, until_case_closes, closed_on, withdrawn_on, ())
    assert fact.is_valid_on(day) == consent.is_valid_on(day)
    assert fact.ends_on() == consent.ends_on()


def _as_values(loaded):
    client = loaded.client
    kinds = ("certificates", "sgi", "consents", "healthcare_requests", "plans", "sips")
    own = (loaded.meetings, loaded.agreed_actions, loaded.activities)
    return (loaded.case, loaded.max_gap, *(getattr(client, kind) for kind in kinds), *own)


def test_the_clients_named_by_id_or_by_subquery_give_the_same_facts(
    world, facts, monkeypatch, django_assert_num_queries
):
    _everything(facts, world, world.client_a, world.case_a)
    for _ in range(3):
        case = CaseFactory(unit=world.unit_a, responsible=world.caseworker)
        _everything(facts, world, case.client, case)
    by_ids = load_case_facts(Case.objects.all(), ended_plans=True)
    monkeypatch.setattr(facts_module, "FEW_CLIENTS", 0)
    with django_assert_num_queries(10):
        by_subquery = load_case_facts(Case.objects.all(), ended_plans=True)
    assert by_ids.keys() == by_subquery.keys()
    for pk, loaded in by_ids.items():
        assert _as_values(loaded) == _as_values(by_subquery[pk])
