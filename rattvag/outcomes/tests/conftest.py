"""Fixtures for the outcomes tests: the default ladder and questionnaires, and helpers to record facts."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from rattvag.accounts.models import User
from rattvag.clients.models import Client
from rattvag.outcomes.models import (
    Answer,
    AssessedBy,
    EnteredBy,
    LadderAssessment,
    LadderStep,
    Questionnaire,
    QuestionnaireResponse,
)
from rattvag.outcomes.scope import Group, Period, resolve_group
from rattvag.outcomes.selectors import current_ladder_version


def install_defaults() -> None:
    from importlib import import_module

    from django.apps import apps

    from rattvag.audit.models import AuditChainHead

    AuditChainHead.objects.get_or_create(pk=1)
    import_module("rattvag.outcomes.migrations.0002_default_ladder_and_questionnaires").install_defaults(apps)


@pytest.fixture(autouse=True)
def _rows_made_by_migrations(db: None) -> None:
    """Transactional tests elsewhere flush the rows migrations create; put back the ones needed here."""
    install_defaults()


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def period(today: datetime.date) -> Period:
    """The report period of most report tests: the 200 days up to today."""
    return Period(today - datetime.timedelta(days=200), today)


@pytest.fixture
def unit_a(world: Any) -> Group:
    return resolve_group(world.manager, unit=world.unit_a.code)


@pytest.fixture
def step() -> Callable[[int], LadderStep]:
    def _step(number: int) -> LadderStep:
        version = current_ladder_version(None)
        assert version is not None
        return version.steps.get(number=number)

    return _step


@pytest.fixture
def assess(step: Callable[[int], LadderStep]) -> Callable[..., LadderAssessment]:
    """Record an assessment directly (the services are tested on their own)."""

    def _assess(
        client: Client, number: int, on: datetime.date, by: User, kind: str = AssessedBy.CASEWORKER
    ) -> LadderAssessment:
        return LadderAssessment.objects.create(
            client=client, assessed_on=on, step=step(number), assessed_by=kind, assessor=by
        )

    return _assess


@pytest.fixture
def answer() -> Callable[..., QuestionnaireResponse]:
    """Record a response directly: `values` maps question code to value (None: not answered)."""

    def _answer(
        client: Client, unit: Any, by: User, values: dict[str, int | None], code: str = "end", on: Any = None
    ) -> QuestionnaireResponse:
        questionnaire = Questionnaire.objects.get(code=code)
        response = QuestionnaireResponse.objects.create(
            questionnaire=questionnaire,
            client=client,
            unit=unit,
            answered_on=on or timezone.localdate(),
            entered_by=EnteredBy.WITH_CASEWORKER,
            recorded_by=by,
        )
        for question in questionnaire.questions.all():
            if question.code in values:
                Answer.objects.create(response=response, question=question, value=values[question.code])
        return response

    return _answer


# --- builders for method facts (the owning modules test their services; reports only read) ---------


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    from zoneinfo import ZoneInfo

    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Europe/Stockholm"))


class Facts:
    def __init__(self, user: User) -> None:
        from tests.factories import PartnerFactory

        self.user = user
        self.care_unit_partner = PartnerFactory(code="VC-OUT", name="Vårdcentralen Utfall", kind="care_unit")

    def certificate(self, client: Client, start: datetime.date, end: datetime.date, degree: int = 100) -> Any:
        from rattvag.certificates.models import Certificate, CertificatePeriod
        from rattvag.certificates.tests.factories import CareUnitFactory

        certificate = Certificate.objects.create(
            client=client, issued_on=start, received_on=start, care_unit=CareUnitFactory(), registered_by=self.user
        )
        CertificatePeriod.objects.create(certificate=certificate, start=start, end=end, degree=degree)
        return certificate

    def plan(self, client: Client, kind: str, saved_on: datetime.date, *, case: Any = None) -> Any:
        from rattvag.plans.models import Plan, PlanVersion

        plan = Plan.objects.create(client=client, case=case, kind=kind, created_by=self.user)
        PlanVersion.objects.create(
            plan=plan,
            number=1,
            created_at=at(saved_on),
            created_by=self.user,
            goals="Mål",
            contact_frequency="every_second_week" if kind == "contact" else "",
        )
        return plan

    def sip(self, client: Client, saved_on: datetime.date, *, case: Any = None) -> Any:
        from rattvag.meetings.models import Sip, SipVersion

        sip = Sip.objects.create(client=client, case=case, created_by=self.user)
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

    def consent(self, client: Client, given_on: datetime.date, valid_until: datetime.date) -> Any:
        from rattvag.consent.models import Consent, ConsentPurposeGrant

        consent = Consent.objects.create(
            client=client,
            partner=self.care_unit_partner,
            form="written",
            given_on=given_on,
            valid_until=valid_until,
            recorded_by=self.user,
        )
        ConsentPurposeGrant.objects.create(consent=consent, purpose="contact_healthcare")
        return consent

    def healthcare_request(self, client: Client, consent: Any, sent_on: datetime.date) -> Any:
        from rattvag.consent.models import HealthcareRequest

        return HealthcareRequest.objects.create(
            client=client,
            care_unit=self.care_unit_partner,
            consent=consent,
            status="answered",
            created_by=self.user,
            sent_on=sent_on,
            remind_on=sent_on + datetime.timedelta(days=21),
            answered_on=sent_on + datetime.timedelta(days=5),
            answer_summary="Svar",
        )

    def activity(self, client: Client, code: str, planned_on: datetime.date, *, partner: Any = None) -> Any:
        from rattvag.plans.models import Activity, ActivityType

        return Activity.objects.create(
            client=client,
            type=ActivityType.objects.get(code=code),
            partner=partner,
            planned_on=planned_on,
            created_by=self.user,
        )


@pytest.fixture
def facts(world: Any) -> Facts:
    from rattvag.followup.tests.helpers import seed_rules

    seed_rules()
    return Facts(world.caseworker)


@pytest.fixture
def threshold(settings: Any) -> Callable[[int], None]:
    """Set the suppression threshold for the test (3 lets tiny hand-computed groups show their figures)."""

    def _set(value: int) -> None:
        settings.RATTVAG_SUPPRESSION_THRESHOLD = value

    return _set
