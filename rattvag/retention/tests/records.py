"""A client's file with a record of most kinds, written through the services (shared with the dsr tests)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from rattvag.accounts.models import Partner, PartnerKind, User
from rattvag.certificates.models import Certificate
from rattvag.certificates.tests.factories import register
from rattvag.clients.models import Case, Client
from rattvag.clients.services import case_close, client_create
from rattvag.consent.models import Consent, HealthcareRequest
from rattvag.consent.services import consent_record, healthcare_request_create
from rattvag.meetings.models import Meeting
from rattvag.meetings.services import MeetingData, meeting_create
from rattvag.plans.models import PlanVersion
from rattvag.plans.services import PlanData, plan_create
from tests.factories import PartnerFactory, make_personal_number
from tests.fixtures.actors import World


@dataclass
class ClientFile:
    client: Client
    case: Case
    certificate: Certificate
    consent: Consent
    care_consent: Consent
    healthcare_request: HealthcareRequest
    meeting: Meeting
    plan: PlanVersion


_serials = iter(range(100, 999))


def number_born(day: datetime.date, *, coordination: bool = False) -> str:
    return make_personal_number(day, next(_serials), coordination=coordination)


def care_unit_partner() -> Partner:
    return Partner.objects.filter(kind=PartnerKind.CARE_UNIT).first() or PartnerFactory(kind=PartnerKind.CARE_UNIT)


def client_file(world: World, *, born: datetime.date, coordination: bool = False, close: bool = True) -> ClientFile:
    """A client of unit A (caseworker responsible) with a certificate, consents, a letter to healthcare,
    a meeting and a contact plan; the case is closed today unless `close` is False."""
    actor: User = world.caseworker
    today = timezone.localdate()
    client = client_create(
        actor=actor,
        unit=world.unit_a,
        personal_number=number_born(born, coordination=coordination),
        first_name="Gallringsförnamn",
        last_name="Gallringsefternamn",
        opened_on=today - datetime.timedelta(days=60),
    )
    case = client.cases.get()
    certificate = register(client, actor)
    consent = consent_record(actor=actor, client=client, purposes=["share_fk"], form="written", partner=world.fk)
    care_unit = care_unit_partner()
    care_consent = consent_record(
        actor=actor, client=client, purposes=["contact_healthcare"], form="written", partner=care_unit
    )
    healthcare_request = healthcare_request_create(
        actor=actor, client=client, care_unit=care_unit, questions=[], free_text="Hur länge väntas nedsättningen vara?"
    )
    meeting = meeting_create(
        actor=actor,
        client=client,
        data=MeetingData(kind="mapping", starts_at=timezone.now() + datetime.timedelta(days=1), location="Rum 1"),
    )
    plan = plan_create(
        actor=actor,
        client=client,
        kind="contact",
        data=PlanData(contact_frequency="weekly", contact_how="Telefon varje måndag."),
    )
    if close:
        case_close(actor=actor, case=case, outcome="work", closed_on=today)
    return ClientFile(client, case, certificate, consent, care_consent, healthcare_request, meeting, plan)
