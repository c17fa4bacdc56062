"""The data and the measuring behind the query-count tests: unit A at a small and a large size.

Holds no tests: tests/test_query_counts.py (pages) and tests/test_query_counts_api.py (the JSON API) use
`assert_counts_do_not_grow` with their tables of endpoints.

At each size unit A holds `clients` clients (client_a among them, caseworker responsible, nurse
assigned), each with an open case and a closed earlier one, and every kind of record the pages show:
certificates (two diagnoses and two periods each), SGI statuses, consents to Försäkringskassan and to a
care unit, letters to healthcare, meetings with participants and agreed actions, SIP versions, an active
and a contact plan with versions, activities, ladder assessments, questionnaire responses with answers,
case consultations and import jobs. client_a holds `mine` records of each kind, the other clients
`theirs`. The other units get a little of the same so that aggregates have more than one group.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

import time_machine
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rattvag.accounts.models import Partner, PartnerKind, Role, User
from rattvag.audit.models import AuditEvent
from rattvag.audit.services import ActingFor, audit_log
from rattvag.certificates.services import (
    CareUnitData,
    CertificateData,
    DiagnosisData,
    PeriodData,
    certificate_register,
    sgi_status_record,
)
from rattvag.clients.models import Case, CaseStatus, Client, Outcome
from rattvag.consent.models import Consultation, ConsultationCase, HealthcareQuestion, HealthcareRequest
from rattvag.consent.services import (
    consent_record,
    consultation_case_raise,
    consultation_create,
    healthcare_request_answer,
    healthcare_request_create,
    healthcare_request_send,
)
from rattvag.imports.models import ImportJob
from rattvag.meetings.models import Meeting, SipVersion
from rattvag.meetings.services import MeetingData, SipData, agreed_action_add, meeting_create, sip_save
from rattvag.outcomes.models import AssessedBy, Questionnaire
from rattvag.outcomes.selectors import current_ladder_version
from rattvag.outcomes.services import ladder_assessment_record, questionnaire_response_record
from rattvag.plans.models import ActivityType, Plan
from rattvag.plans.services import ActivityData, PlanData, activity_register, plan_create, plan_revise
from tests.factories import CaseFactory, ClientFactory, PartnerFactory, UserFactory
from tests.fixtures.actors import World

DAY = datetime.timedelta(days=1)
GOOD_IMPAIRMENT = "Nedstämdhet, uttalad trötthet och koncentrationssvårigheter sedan flera månader."
GOOD_LIMITATION = "Klarar inte att hålla fokus mer än korta stunder; kan inte planera eller slutföra uppgifter."
CODES = [("F32.1", "M54.5"), ("F41.1", "F43.8A"), ("M51.1", "J45")]


@dataclass(frozen=True)
class Size:
    name: str
    clients: int  # clients of unit A, client_a included
    mine: int  # records of each kind for client_a
    theirs: int  # records of each kind for every other client


SMALL = Size("small", clients=2, mine=1, theirs=1)
LARGE = Size("large", clients=12, mine=6, theirs=2)


@dataclass
class Grown:
    """What the URL builders of the tests need: the world and one record of each kind of client_a."""

    world: World
    size: Size | None
    care_unit_partner: Partner
    care_officer: User
    caseworker_c: User
    clients: list[Client]
    ids: dict[str, int] = field(default_factory=dict)

    def enlarge(self) -> None:
        _grow_to(self, LARGE)

    @property
    def client_id(self) -> int:
        return self.world.client_a.pk


def seed_reference_data() -> None:
    """The rows data migrations create (transactional tests elsewhere flush them)."""
    from rattvag.followup.tests.helpers import seed_rules
    from rattvag.outcomes.tests.conftest import install_defaults

    seed_rules()  # method rules, activity types, the audit chain head
    install_defaults()  # ladder and questionnaires
    questions = import_module("rattvag.consent.migrations.0002_seed_healthcare_questions").QUESTIONS
    for position, (code, text_sv, text_en) in enumerate(questions, start=1):
        HealthcareQuestion.objects.get_or_create(
            code=code, defaults={"text_sv": text_sv, "text_en": text_en, "position": position}
        )


def _certificate(actor: User, client: Client, n: int, today: datetime.date) -> None:
    start = today - datetime.timedelta(days=40 * (n + 1))
    codes = CODES[n % len(CODES)]
    certificate_register(
        actor=actor,
        client=client,
        data=CertificateData(
            issued_on=start,
            received_on=start + DAY,
            care_unit=CareUnitData(name=f"Vårdcentralen Mätning {n % 3}", hsa_id=f"SE2321000149-90{n % 3}"),
            diagnoses=[DiagnosisData(code=code) for code in codes],
            periods=[
                PeriodData(degree=100, start=start, end=start + 19 * DAY),
                PeriodData(degree=50, start=start + 20 * DAY, end=start + 49 * DAY),
            ],
            basis=["own_examination"],
            functional_impairment=GOOD_IMPAIRMENT,
            activity_limitation=GOOD_LIMITATION,
            prognosis="after_60",
            treatment="Samtalsbehandling.",
        ),
    )


def questions_of(code: str) -> list[Any]:
    return list(Questionnaire.objects.get(code=code).questions.select_related("scale"))


def _client_records(grown: Grown, client: Client, first: int, stop: int, today: datetime.date) -> None:
    """Records number `first` to `stop - 1` of each kind; the first call (first=0) also records the
    consents and starts the plans, later calls add plan versions."""
    world = grown.world
    cw = world.caseworker
    fk, care = world.fk, grown.care_unit_partner
    numbers = range(first, stop)
    for n in numbers:
        _certificate(cw, client, n, today)
        sgi_status_record(
            actor=cw, client=client, status=["unknown", "none", "has"][n % 3], recorded_on=today - n * DAY, source="fk"
        )
    if first == 0:
        consent_record(
            actor=cw,
            client=client,
            partner=fk,
            purposes=["share_fk", "fk_consultation", "sip", "obtain_journal"],
            form="written",
            given_on=today - 200 * DAY,
        )
        consent_record(
            actor=cw,
            client=client,
            partner=care,
            purposes=["contact_healthcare"],
            form="written",
            given_on=today - 200 * DAY,
        )
    questions = list(HealthcareQuestion.objects.order_by("position")[:3])
    for n in numbers:
        letter = healthcare_request_create(
            actor=cw, client=client, care_unit=care, questions=questions, free_text="Hur går det?"
        )
        if n % 2 == 0:
            healthcare_request_send(actor=cw, request=letter, sent_on=today - 30 * DAY)
            letter = HealthcareRequest.objects.get(pk=letter.pk)
            healthcare_request_answer(actor=cw, request=letter, answered_on=today - 20 * DAY, answer_summary="Svar.")
    for n in numbers:
        starts = timezone.make_aware(datetime.datetime.combine(today + (n - 2) * DAY, datetime.time(10)))
        meeting = meeting_create(
            actor=cw,
            client=client,
            data=MeetingData(kind=["mapping", "three_party", "sip"][n % 3], starts_at=starts, location="Rum 1"),
            staff=[world.nurse],
            partners=[fk],
        )
        agreed_action_add(actor=cw, meeting=meeting, description=f"Åtgärd {n}", responsible_kind="partner",
                          responsible_partner=fk, due_on=today + 10 * DAY)  # fmt: skip
        agreed_action_add(actor=cw, meeting=meeting, description="Ring", responsible_kind="user", responsible_user=cw)
        sip_save(
            actor=cw,
            client=client,
            data=SipData(
                interventions_needed="Insatser",
                overall_responsibility="Kommunen",
                follow_up_on=today + 90 * DAY,
                follow_up_how="Möte",
                client_goal=f"Att arbeta {n}",
                partners=[fk],
                meeting=meeting,
            ),
        )
    for kind in ("active", "contact"):
        for n in numbers:
            data = PlanData(
                goals=f"Mål {n}",
                steps="Steg",
                responsible="Handläggaren",
                follow_up_on=today + 30 * DAY,
                contact_frequency="weekly" if kind == "contact" else "",
                contact_how="Telefon" if kind == "contact" else "",
            )
            plan = Plan.objects.filter(client=client, kind=kind).first()
            if plan is None:
                plan_create(actor=cw, client=client, kind=kind, data=data)
            else:
                plan_revise(actor=cw, plan=plan, data=data)
    types = list(ActivityType.objects.order_by("order", "pk"))
    active_plan = Plan.objects.filter(client=client, kind="active").first()
    steps = list(_ladder_steps())
    for n in numbers:
        activity_register(
            actor=cw,
            client=client,
            data=ActivityData(type=types[n % len(types)], plan=active_plan, partner=fk, planned_on=today - n * DAY),
        )
        for m in (2 * n, 2 * n + 1):  # two assessments per number: every client has movement
            ladder_assessment_record(
                actor=cw,
                client=client,
                step=steps[m % len(steps)],
                assessed_on=today - (100 - m) * DAY,
                assessed_by=AssessedBy.CASEWORKER,
            )
        code = "during" if n % 2 == 0 else "end"
        questionnaire_response_record(
            actor=cw,
            client=client,
            questionnaire=Questionnaire.objects.get(code=code),
            answers={q.code: q.scale.options.order_by("value").values_list("value", flat=True).last()
                     for q in questions_of(code)},
            answered_on=today - n * DAY,
        )  # fmt: skip


def _ladder_steps() -> Any:
    version = current_ladder_version(None)
    assert version is not None
    return version.steps.order_by("number")


def _unit_client(world: World, unit: Any, responsible: User, n: int, today: datetime.date) -> Client:
    """A client with a closed earlier case (an outcome for the reports) and an open case."""
    client = ClientFactory(municipality=unit.municipality)
    CaseFactory(
        client=client,
        unit=unit,
        responsible=responsible,
        opened_on=today - (400 + n) * DAY,
        status=CaseStatus.CLOSED,
        outcome=[Outcome.WORK, Outcome.STUDIES, Outcome.SICKNESS_BENEFIT][n % 3],
        closed_on=today - (150 + n) * DAY,
    )
    case = CaseFactory(client=client, unit=unit, responsible=responsible, opened_on=today - (120 + n) * DAY)
    if unit == world.unit_a:
        case.nurses.add(world.nurse)
    return client


def _grow_to(grown: Grown, size: Size) -> None:
    """From what `grown` holds now (nothing, or the size it has) to `size`."""
    world, before = grown.world, grown.size
    today = timezone.localdate()
    had_clients = before.clients if before else 0
    new_clients = [world.client_a] if had_clients == 0 else []
    new_clients += [
        _unit_client(world, world.unit_a, world.caseworker, n, today) for n in range(max(had_clients, 1), size.clients)
    ]
    for client in grown.clients:  # the clients already there: up to the new size's count
        assert before is not None
        wanted = size.mine if client == world.client_a else size.theirs
        had = before.mine if client == world.client_a else before.theirs
        _client_records(grown, client, had, wanted, today)
    for client in new_clients:
        _client_records(grown, client, 0, size.mine if client == world.client_a else size.theirs, today)
    grown.clients += new_clients
    for client in new_clients:
        # Flagged whatever the hour: the manager's review lists flagged events, and an event written outside office
        # hours is flagged too, so without these its rows (and queries) would depend on when the tests run.
        audit_log(
            actor=world.caseworker,
            action="client.viewed",
            client_id=client.pk,
            acting_for=ActingFor(unit=world.unit_a, break_glass=True),
            purpose="Mätning",
        )
    # A little of everything in the other units: the aggregates have more than one group.
    for unit, responsible in ((world.unit_b, world.caseworker_other_unit), (world.unit_c, grown.caseworker_c)):
        for n in range(had_clients // 2, size.clients // 2):
            other = _unit_client(world, unit, responsible, n, today)
            _certificate(responsible, other, n, today)
    # Case consultations of unit A: each raises an identified case for every client of the unit.
    had_consultations = before.mine if before else 0
    for consultation in Consultation.objects.filter(unit=world.unit_a):
        for client in new_clients:
            consultation_case_raise(actor=world.caseworker, consultation=consultation, question="Fråga", client=client)
    for n in range(had_consultations, size.mine):
        consultation = consultation_create(
            actor=world.caseworker,
            unit=world.unit_a,
            held_on=today - n * DAY,
            fk_officer=world.partner_officer,
            caseworkers=[world.caseworker],
        )
        for client in grown.clients:
            consultation_case_raise(actor=world.caseworker, consultation=consultation, question="Fråga", client=client)
        consultation_case_raise(
            actor=world.caseworker, consultation=consultation, question="Anonym fråga", age_band="30-39"
        )
        ImportJob.objects.create(
            unit=world.unit_a, created_by=world.caseworker, file_format="csv", status="done", dry_run=bool(n % 2)
        )
    grown.size = size


def grow(world: World) -> Grown:
    """Unit A (and a little of units B and C) at the small size; `grown.enlarge()` takes it to the large."""
    seed_reference_data()
    today = timezone.localdate()
    Case.objects.filter(pk=world.case_a.pk).update(opened_on=today - 150 * DAY)
    care_unit_partner = PartnerFactory(code="VC-MATNING", name="Vårdcentralen Mätning", kind=PartnerKind.CARE_UNIT)
    grown = Grown(
        world=world,
        size=None,
        care_unit_partner=care_unit_partner,
        care_officer=UserFactory(username="care_officer", role=Role.PARTNER_OFFICER, partner=care_unit_partner),
        caseworker_c=UserFactory(username="caseworker_c", role=Role.CASEWORKER, units=[world.unit_c]),
        clients=[],
    )
    _grow_to(grown, SMALL)
    client_a = world.client_a
    grown.ids = {
        "certificate": client_a.certificates.order_by("pk").values_list("pk", flat=True)[0],
        "meeting": Meeting.objects.filter(client=client_a).order_by("pk").values_list("pk", flat=True)[0],
        "plan": Plan.objects.filter(client=client_a, kind="active").values_list("pk", flat=True)[0],
        "activity": client_a.activities.order_by("pk").values_list("pk", flat=True)[0],
        "sip_version": SipVersion.objects.filter(sip__client=client_a).order_by("pk").values_list("pk", flat=True)[0],
        "consent": client_a.consents.order_by("pk").values_list("pk", flat=True)[0],
        "consultation": Consultation.objects.order_by("pk").values_list("pk", flat=True)[0],
        "consultation_case": ConsultationCase.objects.filter(client=client_a).order_by("pk")
        .values_list("pk", flat=True)[0],
        "letter": HealthcareRequest.objects.filter(client=client_a).order_by("pk").values_list("pk", flat=True)[0],
        "import_job": ImportJob.objects.order_by("pk").values_list("pk", flat=True)[0],
        "event": AuditEvent.objects.filter(client_id=client_a.pk, actor=world.caseworker).order_by("pk")
        .values_list("pk", flat=True)[0],
    }  # fmt: skip
    return grown


# --- measuring --------------------------------------------------------------------------------------------------


Url = Callable[[Grown], str]


@dataclass(frozen=True)
class Endpoint:
    """One GET request of the tables: who asks, for what, and exactly how many queries it costs."""

    name: str
    actor: str  # an attribute of World (or of Grown: care_officer)
    url: Url
    queries: int


def period(days: int = 500) -> str:
    """A report period that holds every record the builder writes (whatever today's date)."""
    today = timezone.localdate()
    return f"from={(today - days * DAY).isoformat()}&to={today.isoformat()}"


def _user(grown: Grown, actor: str) -> User:
    return getattr(grown, actor, None) or getattr(grown.world, actor)


def _count(http: HttpClient, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), [query["sql"] for query in queries.captured_queries]


def assert_counts_do_not_grow(world: World, login_as: Callable[[User], HttpClient], endpoints: list[Endpoint]) -> None:
    """Every endpoint costs exactly its pinned number of queries at the small and at the large size.

    Each request is made once before counting (the session's first request and per-process caches are not
    what is measured); all endpoints are measured, and every difference is reported with its SQL.
    """
    grown = grow(world)
    sessions: dict[str, HttpClient] = {}
    # The clock stands still: a session in use is written again once a minute (SessionRenewalMiddleware), which
    # a slow run would otherwise count in some request after the first.
    with time_machine.travel(timezone.now(), tick=False):
        for endpoint in endpoints:
            http = sessions.setdefault(endpoint.actor, login_as(_user(grown, endpoint.actor)))
            http.get(endpoint.url(grown))
        small = {e.name: _count(sessions[e.actor], e.url(grown)) for e in endpoints}
        grown.enlarge()
        large = {e.name: _count(sessions[e.actor], e.url(grown)) for e in endpoints}
    wrong = [e for e in endpoints if not small[e.name][0] == large[e.name][0] == e.queries]
    report = []
    for endpoint in wrong:
        report.append(
            f"{endpoint.name}: pinned {endpoint.queries}, {small[endpoint.name][0]} at the small size, "
            f"{large[endpoint.name][0]} at the large"
        )
        report.extend(f"    {sql[:300]}" for sql in large[endpoint.name][1])
    assert not wrong, "\n".join(report)
