"""Fixtures for the followup tests: the seeded rules, a fixed today, and builders for recorded facts.

The builders write rows straight into the database (the owning modules test their services);
the rules only read what is recorded.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from rattvag.accounts.models import Partner, User
from rattvag.certificates.models import Certificate, CertificatePeriod, SgiStatus
from rattvag.certificates.tests.factories import CareUnitFactory
from rattvag.clients.models import Case, Client
from rattvag.consent.models import Consent, ConsentPurposeGrant, HealthcareRequest
from rattvag.meetings.models import AgreedAction, Meeting, Sip, SipVersion
from rattvag.plans.models import Activity, ActivityType, Plan, PlanVersion
from tests.factories import PartnerFactory

from .helpers import seed_rules

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TODAY = datetime.date(2025, 3, 10)  # a Monday


@pytest.fixture(autouse=True)
def _seeded(db: None) -> None:
    seed_rules()


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


@pytest.fixture
def travel() -> Iterator[Callable[[datetime.date], None]]:
    """`travel(day)`: from now on the test runs at noon on that day (Stockholm time)."""
    traveller = time_machine.travel(at(TODAY), tick=False)
    traveller.start()

    def _to(day: datetime.date) -> None:
        nonlocal traveller
        traveller.stop()
        traveller = time_machine.travel(at(day), tick=False)
        traveller.start()

    yield _to
    traveller.stop()


class Facts:
    """Builders for what a caseworker records."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.care_unit_partner = PartnerFactory(code="VC-TEST", name="Vårdcentralen Test", kind="care_unit")

    @property
    def user(self) -> User:
        return self.world.caseworker

    def certificate(
        self,
        client: Client,
        *periods: tuple[datetime.date, datetime.date, int],
        received_on: datetime.date | None = None,
        case: Case | None = None,
    ) -> Certificate:
        start = min(p[0] for p in periods)
        certificate = Certificate.objects.create(
            client=client,
            case=case,
            issued_on=start,
            received_on=received_on or start,
            care_unit=CareUnitFactory(),
            registered_by=self.user,
        )
        for begin, end, degree in periods:
            CertificatePeriod.objects.create(certificate=certificate, start=begin, end=end, degree=degree)
        return certificate

    def sgi(self, client: Client, status: str, recorded_on: datetime.date) -> SgiStatus:
        return SgiStatus.objects.create(
            client=client, status=status, recorded_on=recorded_on, source="fk", recorded_by=self.user
        )

    def consent(
        self,
        client: Client,
        *,
        purposes: tuple[str, ...] = ("contact_healthcare",),
        partner: Partner | None = None,
        partner_kind: str = "",
        given_on: datetime.date,
        valid_until: datetime.date,
        withdrawn_on: datetime.date | None = None,
    ) -> Consent:
        if partner is None and not partner_kind:
            partner = self.care_unit_partner
        consent = Consent.objects.create(
            client=client,
            partner=partner,
            partner_kind=partner_kind,
            form="written",
            given_on=given_on,
            valid_until=valid_until,
            recorded_by=self.user,
            withdrawn_on=withdrawn_on,
            withdrawn_how="written" if withdrawn_on else "",
        )
        ConsentPurposeGrant.objects.bulk_create(ConsentPurposeGrant(consent=consent, purpose=p) for p in purposes)
        return consent

    def healthcare_request(
        self,
        client: Client,
        consent: Consent,
        *,
        sent_on: datetime.date,
        remind_after: int = 21,
        answered_on: datetime.date | None = None,
    ) -> HealthcareRequest:
        return HealthcareRequest.objects.create(
            client=client,
            care_unit=self.care_unit_partner,
            consent=consent,
            status="answered" if answered_on else "sent",
            created_by=self.user,
            sent_on=sent_on,
            reminder_after_days=remind_after,
            remind_on=sent_on + datetime.timedelta(days=remind_after),
            answered_on=answered_on,
            answer_summary="Svar" if answered_on else "",
        )

    def meeting(self, client: Client, kind: str, day: datetime.date, *, status: str = "held", case: Case | None = None):
        return Meeting.objects.create(
            client=client,
            case=case,
            kind=kind,
            status=status,
            starts_at=at(day, 10),
            location="Kontoret",
            organiser=self.user,
        )

    def agreed_action(self, meeting: Meeting, partner: Partner, *, done_on: datetime.date | None = None):
        return AgreedAction.objects.create(
            meeting=meeting,
            description="Gör något",
            responsible_kind="partner",
            responsible_partner=partner,
            done_on=done_on,
        )

    def plan(
        self,
        client: Client,
        kind: str,
        saved_on: datetime.date,
        *,
        follow_up_on: datetime.date | None = None,
        case: Case | None = None,
    ) -> Plan:
        plan = Plan.objects.create(client=client, case=case, kind=kind, created_by=self.user)
        self.plan_version(plan, saved_on, follow_up_on=follow_up_on)
        return plan

    def plan_version(self, plan: Plan, saved_on: datetime.date, *, follow_up_on: datetime.date | None = None):
        number = plan.versions.count() + 1
        return PlanVersion.objects.create(
            plan=plan,
            number=number,
            created_at=at(saved_on),
            created_by=self.user,
            goals="Mål",
            follow_up_on=follow_up_on,
            contact_frequency="every_second_week" if plan.kind == "contact" else "",
        )

    def sip(self, client: Client, saved_on: datetime.date) -> Sip:
        sip = Sip.objects.create(client=client, created_by=self.user)
        SipVersion.objects.create(
            sip=sip,
            number=1,
            created_at=at(saved_on),
            created_by=self.user,
            interventions_needed="Insatser",
            overall_responsibility="Kommunen",
            follow_up_on=saved_on + datetime.timedelta(days=90),
            follow_up_how="Möte",
            client_goal="Att arbeta",
        )
        return sip

    def activity(
        self,
        client: Client,
        code: str,
        *,
        planned_on: datetime.date | None = None,
        started_on: datetime.date | None = None,
        ended_on: datetime.date | None = None,
        partner: Partner | None = None,
        case: Case | None = None,
    ) -> Activity:
        return Activity.objects.create(
            client=client,
            case=case,
            type=ActivityType.objects.get(code=code),
            partner=partner,
            planned_on=planned_on,
            started_on=started_on,
            ended_on=ended_on,
            result="completed" if ended_on else "",
            created_by=self.user,
        )


@pytest.fixture
def facts(world: Any) -> Facts:
    return Facts(world)


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


def outcome_of(case: Case, code: str, day: datetime.date | None = None) -> Any:
    """One rule's outcome for one case, as the worklist evaluates it (None: not applicable)."""
    from rattvag.followup.evaluation import RuleBook
    from rattvag.followup.rules import load_case_facts

    day = day or timezone.localdate()
    facts = load_case_facts(Case.objects.filter(pk=case.pk))[case.pk]
    config = RuleBook([case.unit_id]).by_code(code, case.unit_id)
    assert config is not None
    return config.definition.evaluate(facts, config.params, day)


def state_of(case: Case, code: str, day: datetime.date | None = None) -> tuple[str, datetime.date | None] | None:
    outcome = outcome_of(case, code, day)
    return None if outcome is None else (str(outcome.state), outcome.on)


@pytest.fixture
def http_as(login_as: Callable[[User], HttpClient]) -> Callable[[User], HttpClient]:
    return login_as
