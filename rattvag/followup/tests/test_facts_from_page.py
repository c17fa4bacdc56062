"""The process map's facts built from the client page's reads (`case_facts_from`) equal what `load_case_facts`
reads for the same case, for clients with every kind of record, and the process map reads none of them again.

Each seed builds one client at random (certificates with several and overlapping periods, SGI statuses, consents
with and without purposes, withdrawn, expired and tied to a case, questions to healthcare incl. drafts, meetings
with done and open agreed actions, open and ended plans and SIPs with several versions, activities) with cases in
two units, and compares the facts of each of its cases.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rattvag.accounts.models import PartnerKind
from rattvag.certificates.models import UnitCertificateSettings
from rattvag.clients.access import client_access
from rattvag.clients.models import Case, Client
from rattvag.clients.page import ClientPage
from rattvag.clients.selectors import cases_of_client
from rattvag.consent.models import ConsentPurpose, HealthcareRequest
from rattvag.followup.process import case_process_map
from rattvag.followup.rules import CaseFacts, load_case_facts
from rattvag.followup.selectors import case_facts_on_page, process_map_for
from rattvag.meetings.models import MeetingKind, MeetingStatus
from rattvag.plans.models import ActivityType, PlanKind
from tests.factories import CaseFactory, PartnerFactory

from .conftest import TODAY, at


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _some_day(rng: random.Random, before: int = 400, after: int = 60) -> datetime.date:
    """A day around TODAY; often one of a few, so that records share a day and their order falls to their ids."""
    if rng.random() < 0.4:
        return TODAY + days(rng.choice([-90, -30, -1]))
    return TODAY + days(rng.randint(-before, after))


def _build_client(rng: random.Random, facts: Any, world: Any, client: Client, cases: list[Case]) -> None:
    """Records of every kind for `client`, at random; some belong to one of `cases`, some to none."""
    partners = [facts.care_unit_partner, world.fk, PartnerFactory(kind=PartnerKind.AF)]

    def a_case() -> Case | None:
        return rng.choice([None, *cases])

    for _ in range(rng.randint(0, 4)):
        start = _some_day(rng)
        periods = []
        for _ in range(rng.randint(1, 3)):  # consecutive, overlapping or with a gap
            end = start + days(rng.randint(0, 40))
            periods.append((start, end, rng.choice([25, 50, 75, 100])))
            start = end + days(rng.randint(-10, 20))
        facts.certificate(client, *periods, received_on=periods[0][0] + days(rng.randint(0, 5)), case=a_case())
    for _ in range(rng.randint(0, 3)):
        facts.sgi(client, rng.choice(["unknown", "has", "lacks"]), _some_day(rng))
    consents = []
    for _ in range(rng.randint(0, 4)):
        given_on = _some_day(rng)
        withdrawn = rng.random() < 0.3
        partner = rng.choice([None, *partners])  # None: a kind of partner (or else the builder's care unit)
        consent = facts.consent(
            client,
            purposes=tuple(rng.sample(list(ConsentPurpose.values), rng.randint(0, 3))),
            partner=partner,
            partner_kind="" if partner is not None else rng.choice(["", PartnerKind.FK]),
            given_on=given_on,
            valid_until=given_on + days(rng.randint(0, 500)),  # expired or still valid
            withdrawn_on=given_on + days(rng.randint(0, 30)) if withdrawn else None,
        )
        case = a_case()
        if case is not None:
            consent.case = case
            if rng.random() < 0.5:  # valid while the case is open
                consent.until_case_closes, consent.valid_until = True, None
            consent.save()
        consents.append(consent)
    for consent in consents:
        for _ in range(rng.randint(0, 2)):
            if rng.random() < 0.3:  # a draft: left out of the facts
                HealthcareRequest.objects.create(
                    client=client, care_unit=facts.care_unit_partner, consent=consent, created_by=facts.user
                )
                continue
            sent_on = _some_day(rng)
            answered = sent_on + days(rng.randint(1, 40)) if rng.random() < 0.5 else None
            facts.healthcare_request(client, consent, sent_on=sent_on, answered_on=answered)
    for _ in range(rng.randint(0, 4)):
        meeting = facts.meeting(
            client,
            rng.choice(list(MeetingKind.values)),
            _some_day(rng),
            status=rng.choice(list(MeetingStatus.values)),
            case=a_case(),
        )
        for _ in range(rng.randint(0, 3)):
            done_on = _some_day(rng) if rng.random() < 0.5 else None
            facts.agreed_action(meeting, rng.choice(partners), done_on=done_on)
    for kind in rng.sample(list(PlanKind.values), rng.randint(0, 2)):
        for ended in ([True] if rng.random() < 0.5 else []) + [rng.random() < 0.3]:
            plan = facts.plan(client, kind, _some_day(rng), follow_up_on=_some_day(rng), case=a_case())
            for _ in range(rng.randint(0, 2)):
                facts.plan_version(plan, _some_day(rng), follow_up_on=rng.choice([None, _some_day(rng)]))
            if ended:
                plan.ended_on = _some_day(rng)
                plan.save()
    for ended in ([True] if rng.random() < 0.5 else []) + ([rng.random() < 0.3] if rng.random() < 0.7 else []):
        sip = facts.sip(client, _some_day(rng))
        first = sip.versions.get()
        for number in range(2, rng.randint(1, 3) + 1):
            first.pk, first.number, first.created_at = None, number, at(_some_day(rng))
            first.save()
        if ended:
            sip.ended_on = _some_day(rng)
            sip.save()
    codes = list(ActivityType.objects.values_list("code", flat=True))
    for _ in range(rng.randint(0, 5)):
        started = _some_day(rng) if rng.random() < 0.6 else None
        facts.activity(
            client,
            rng.choice(codes),
            planned_on=rng.choice([None, _some_day(rng)]),
            started_on=started,
            ended_on=started + days(rng.randint(0, 90)) if started and rng.random() < 0.5 else None,
            partner=rng.choice([None, *partners]),
            case=a_case(),
        )


def _comparable(facts: CaseFacts) -> dict[str, Any]:
    """Everything a CaseFacts holds. The periods of a certificate are compared as a set: load_case_facts reads them
    in no order (the spells sort them)."""
    client = facts.client
    return {
        "case": facts.case,
        "max_gap": facts.max_gap,
        "certificates": [c._replace(periods=sorted(c.periods, key=repr)) for c in client.certificates],
        "sgi": client.sgi,
        "consents": client.consents,
        "healthcare_requests": client.healthcare_requests,
        "meetings": client.meetings,
        "agreed_actions": client.agreed_actions,
        "plans": client.plans,
        "sips": client.sips,
        "activities": client.activities,
        "case_meetings": facts.meetings,
        "case_agreed_actions": facts.agreed_actions,
        "case_activities": facts.activities,
    }


def _page(user: Any, client: Client) -> ClientPage:
    """The page as the client page builds it: the cases read with their units' certificate settings."""
    access = client_access(user, client)
    assert access is not None
    cases = list(cases_of_client(client=client).select_related("unit__certificate_settings").order_by("-opened_on"))
    return ClientPage(user=user, client=client, access=access, loaded_cases=cases)


def _client_with_records(seed: int, world: Any, facts: Any) -> ClientPage:
    """A new client with an open case of the caseworker's, a closed one in the same unit and an open one in another
    unit, and records built from `seed`; its page as the caseworker sees it."""
    rng = random.Random(seed)
    case = CaseFactory(unit=world.unit_a, responsible=world.caseworker, opened_on=TODAY - days(rng.randint(0, 300)))
    client = case.client
    closed = CaseFactory(
        client=client,
        unit=world.unit_a,
        opened_on=TODAY - days(500),
        status="closed",
        outcome="work",
        closed_on=TODAY - days(rng.randint(1, 300)),
    )
    other_unit = CaseFactory(client=client, unit=world.unit_b, opened_on=TODAY - days(100))
    if seed % 3 == 0:
        UnitCertificateSettings.objects.update_or_create(unit=world.unit_a, defaults={"max_gap": rng.randint(0, 30)})
    _build_client(rng, facts, world, client, [case, closed, other_unit])
    return _page(world.caseworker, client)


SEEDS = range(12)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_facts_from_the_page_equal_the_loaded_facts(seed, world, facts, travel):
    page = _client_with_records(seed, world, facts)
    assert len(page.cases) == 3
    for case in page.cases:
        from_page = case_facts_on_page(page, case)
        assert from_page is not None
        loaded = load_case_facts(Case.objects.filter(pk=case.pk))[case.pk]
        assert _comparable(from_page) == _comparable(loaded)
        assert case_process_map(case, TODAY, facts=from_page) == case_process_map(case, TODAY)


def test_the_seeds_give_every_kind_of_record(world, facts, travel):
    """The seeds above leave nothing out: each kind of record (and drafts, ended SIPs, several periods on one
    certificate, ended and open plans) is there for at least one of them."""
    missing = []
    for seed in SEEDS:
        page = _client_with_records(seed, world, facts)
        built = case_facts_on_page(page, page.cases[0])
        assert built is not None
        sizes = {key: len(value) for key, value in _comparable(built).items() if isinstance(value, list)}
        client = page.client
        sizes["drafts"] = HealthcareRequest.objects.filter(client=client, status="draft").count()
        sizes["ended_plans"] = client.plans.filter(ended_on__isnull=False).count()
        sizes["ended_sips"] = client.sips.filter(ended_on__isnull=False).count()
        sizes["several_sip_versions"] = max((len(s.versions) for s in built.sips), default=0) - 1
        sizes["several_plan_versions"] = max((len(p.versions) for p in built.plans), default=0) - 1
        sizes["several_periods"] = max((len(c.periods) for c in built.certificates), default=0) - 1
        sizes["withdrawn"] = sum(c.withdrawn_on is not None for c in built.consents)
        sizes["no_purpose"] = sum(not c.purposes for c in built.consents)
        sizes["done_actions"] = sum(a.done_on is not None for a in built.agreed_actions)
        sizes["open_actions"] = sum(a.done_on is None for a in built.agreed_actions)
        missing.append({key for key, size in sizes.items() if size <= 0})
    assert set.intersection(*missing) == set()


def test_the_process_map_reads_no_fact_again_after_the_panels(world, facts, travel):
    """The page's process map asks the database for the unit's rules only: the records come from the page."""
    _build_client(random.Random(1), facts, world, world.client_a, [world.case_a])
    page = _page(world.caseworker, world.client_a)
    for read in ("certificates", "sgi_statuses", "consents", "healthcare_requests", "meetings"):
        getattr(page, read)
    page.sip_versions, page.open_plans, page.activities  # noqa: B018
    with CaptureQueriesContext(connection) as queries:
        result = process_map_for(user=world.caseworker, client=world.client_a, access=page.access, page=page)
    assert result is not None
    tables = {"certificates_", "consent_", "meetings_", "plans_"}
    assert [q["sql"] for q in queries.captured_queries if any(f'"{t}' in q["sql"] for t in tables)] == []
    case, steps = result
    assert steps == case_process_map(case, page.today)


def test_a_partner_officers_page_gives_no_facts(world, facts, travel):
    """A partner officer's reads are consent-filtered: the page never gives them to the facts (nor a map)."""
    facts.consent(
        world.client_a, partner=world.fk, purposes=("share_fk",), given_on=TODAY - days(5), valid_until=TODAY + days(90)
    )
    page = _page(world.partner_officer, world.client_a)
    assert page.access.is_partner
    assert case_facts_on_page(page, page.cases[0]) is None
    assert process_map_for(user=world.partner_officer, client=world.client_a, access=page.access, page=page) is None
