"""generate_data: proportions, validity, determinism, the audit chain, and the subjects benchmarks use.

Small datasets (a few hundred clients) on both databases; the timings are for benchmarks, not here.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection, models
from django.test import Client as HttpClient
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from rattvag.accounts.models import Municipality, Partner, Role, Unit, User
from rattvag.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from rattvag.audit.verification import verify_chain
from rattvag.certificates.icd import validate_code
from rattvag.certificates.models import CareUnit, Certificate, CertificatePeriod, Diagnosis
from rattvag.clients.access import visible_clients
from rattvag.clients.models import Case, CaseStatus, Client, Outcome
from rattvag.clients.personal_numbers import parse_personal_number
from rattvag.consent.models import ConsentPurposeGrant, Consultation, ConsultationCase, HealthcareRequest
from rattvag.meetings.models import Meeting, MeetingKind, SipVersion
from rattvag.outcomes.models import Answer, LadderAssessment
from rattvag.plans.models import PlanKind, PlanVersion
from rattvag.synthetic.generate import GenerationRefused, Options, generate
from rattvag.synthetic.organisation import totp_key
from rattvag.synthetic.selectors import benchmark_subjects, load_test_logins
from rattvag.synthetic.writing import TABLES
from tests.factories import ClientFactory
from tests.fixtures.actors import log_in

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)
SEED = 7


def _generate(clients: int = 300, *, scope: str = "unit", seed: int = SEED) -> None:
    generate(Options(clients=clients, scope=scope, seed=seed, today=TODAY), log=lambda _line: None)


@pytest.fixture
def dataset() -> None:
    _generate()


def test_counts_in_the_expected_proportions(dataset: None) -> None:
    assert Client.objects.count() == 300
    assert Case.objects.count() == 300
    open_cases = Case.objects.filter(status=CaseStatus.OPEN).count()
    assert 0.25 * 300 < open_cases < 0.55 * 300
    closed = Case.objects.filter(status=CaseStatus.CLOSED)
    assert set(closed.values_list("outcome", flat=True)) <= set(Outcome.values)
    assert closed.values("outcome").distinct().count() >= 5
    assert 3.7 <= Certificate.objects.count() / 300 <= 5.5  # ~4+ certificates per client
    assert CertificatePeriod.objects.count() >= Certificate.objects.count()
    # One city (Göteborg), its four districts, staffed after the caseload: ~35 open cases per caseworker.
    assert Municipality.objects.get().name == "Göteborg"
    assert Unit.objects.count() == 4
    caseworkers = User.objects.filter(role=Role.CASEWORKER).count()
    assert 20 <= open_cases / caseworkers <= 50
    for unit in Unit.objects.all():
        assert User.objects.filter(units=unit, role=Role.CASEWORKER).exists()
        assert User.objects.filter(units=unit, role=Role.UNIT_MANAGER).exists()
    assert User.objects.filter(role=Role.PARTNER_OFFICER, partner__kind="fk").exists()
    assert User.objects.filter(role=Role.PARTNER_OFFICER, partner__kind="care_unit").exists()
    assert User.objects.filter(role=Role.AGGREGATE_VIEWER).exists()
    assert User.objects.filter(role=Role.ANALYST).exists()
    # Every kind of record of the method is there.
    kinds = set(Meeting.objects.values_list("kind", flat=True))
    assert {MeetingKind.MAPPING, MeetingKind.THREE_PARTY, MeetingKind.SIP, MeetingKind.FOLLOW_UP} <= kinds
    assert set(PlanVersion.objects.values_list("plan__kind", flat=True)) == {PlanKind.ACTIVE, PlanKind.CONTACT}
    assert SipVersion.objects.filter(partners__isnull=False).exists()
    assert HealthcareRequest.objects.filter(items__isnull=False).exists()
    assert Answer.objects.exists()
    assert LadderAssessment.objects.values("client").distinct().count() > 100


def test_case_consultations_identify_only_under_consent(dataset: None) -> None:
    consultations = Consultation.objects.all()
    assert consultations.count() >= 4 * 12  # every unit, at least quarterly over three years
    assert consultations.filter(fk_officer__partner__kind="fk", caseworkers__isnull=False).exists()
    identified = ConsultationCase.objects.filter(client__isnull=False).select_related("consent", "consultation")
    assert identified.exists()
    assert ConsultationCase.objects.filter(client__isnull=True).exclude(age_band="").exists()
    for item in identified:
        assert item.consent is not None
        assert item.consent.client_id == item.client_id
        assert item.consent.partner_id == item.consultation.fk_officer.partner_id
        assert item.consent.is_valid_on(item.consultation.held_on)
        assert ConsentPurposeGrant.objects.filter(consent=item.consent, purpose="fk_consultation").exists()


def test_region_has_its_municipalities_with_skewed_sizes() -> None:
    _generate(600, scope="region")
    sizes = Counter(Client.objects.values_list("municipality__name", flat=True))
    assert Municipality.objects.count() == 49
    largest, count = sizes.most_common(1)[0]
    assert largest == "Göteborg"
    assert 0.25 < count / 600 < 0.45  # a third of the region's population
    assert sum(1 for n in sizes.values() if n < 10) > 30  # most municipalities are small
    assert Unit.objects.filter(municipality__name="Göteborg").count() == 4


def test_personal_numbers_are_valid_and_unique(dataset: None) -> None:
    numbers = list(Client.objects.values_list("personal_number", flat=True))
    assert len(set(numbers)) == len(numbers)
    parsed = [parse_personal_number(number, today=TODAY) for number in numbers]
    assert [p.normalised for p in parsed] == numbers
    ages = [(TODAY - p.birth_date).days // 365 for p in parsed]
    assert min(ages) >= 18
    assert max(ages) <= 66


def test_diagnosis_mix_is_dominated_by_psychiatric_and_musculoskeletal(dataset: None) -> None:
    letters = Counter(code[0] for code in Diagnosis.objects.filter(position=1).values_list("code", flat=True))
    total = sum(letters.values())
    assert letters.most_common(1)[0][0] == "F"
    assert (letters["F"] + letters["M"]) / total > 0.65
    # Mapped as the certificates services map a typed code.
    for code, system, chapter, block in Diagnosis.objects.values_list("code", "system", "chapter", "block").distinct():
        info = validate_code(code, system)
        assert (info.chapter, info.block) == (chapter, block)


def test_spells_step_down(dataset: None) -> None:
    by_client: dict[int, list[tuple[datetime.date, int]]] = {}
    for client_id, start, degree in CertificatePeriod.objects.order_by("start").values_list(
        "certificate__client_id", "start", "degree"
    ):
        by_client.setdefault(client_id, []).append((start, degree))
    downs = sum(1 for periods in by_client.values() if any(a[1] > b[1] for a, b in itertools.pairwise(periods)))
    full_to_quarter = sum(1 for periods in by_client.values() if [d for _s, d in periods][-3:] == [75, 50, 25])
    assert downs > 30
    assert full_to_quarter > 0


def test_care_units_are_skewed(dataset: None) -> None:
    issued = Counter(Certificate.objects.values_list("care_unit_id", flat=True))
    counts = sorted((issued.get(pk, 0) for pk in CareUnit.objects.values_list("pk", flat=True)), reverse=True)
    top_fifth = counts[: max(1, len(counts) // 5)]
    assert sum(top_fifth) / sum(counts) > 0.5


def test_audit_chain_verifies(dataset: None) -> None:
    report = verify_chain()
    assert report.ok, report.problem
    assert report.events_checked >= 300 * 8
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"client.created", "case.opened", "certificate.registered", "client.viewed", "case.closed"} <= actions
    # Acting for the case's unit, as its caseworker.
    event = AuditEvent.objects.filter(action="case.opened").order_by("pk").first()
    assert event is not None
    case = Case.objects.get(pk=int(event.object_id))
    assert (event.actor_id, event.acting_unit_id, event.client_id) == (
        case.responsible_id,
        case.unit_id,
        case.client_id,
    )


# --- determinism ------------------------------------------------------------------------------

GENERATED_MODELS: list[type[models.Model]] = [
    Municipality,
    Unit,
    Partner,
    CareUnit,
    User,
    User.units.through,
    TOTPDevice,
    *(model for _label, model, _fields in TABLES),
    Consultation,
    Consultation.caseworkers.through,
    ConsultationCase,
    AuditEvent,
]


def _digest() -> str:
    digest = hashlib.sha256()
    for model in GENERATED_MODELS:
        names = [field.attname for field in model._meta.concrete_fields]
        for row in model.objects.order_by("pk").values_list(*names):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _start_afresh() -> None:
    """Empty the generated tables and restart their ids and the audit chain, as on a new database."""
    with connection.cursor() as cursor:
        for model in reversed(GENERATED_MODELS):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        tables = [model._meta.db_table for model in GENERATED_MODELS]
        if connection.vendor == "sqlite":
            cursor.execute(
                f"DELETE FROM sqlite_sequence WHERE name IN ({', '.join(['%s'] * len(tables))})",  # noqa: S608
                tables,
            )
        else:
            sequences = [{"table": table, "column": "id"} for table in tables]
            for statement in connection.ops.sequence_reset_by_name_sql(no_style(), sequences):
                cursor.execute(statement)
    AuditChainHead.objects.filter(pk=1).update(last_hash=GENESIS_HASH, last_event_id=0)


def test_same_seed_and_day_give_the_same_rows_and_ids() -> None:
    _start_afresh()
    _generate(120)
    first = _digest()
    assert Client.objects.count() == 120
    _start_afresh()
    assert not Client.objects.exists()
    _generate(120)
    assert _digest() == first
    _start_afresh()
    _generate(120, seed=SEED + 1)
    assert _digest() != first


# --- the subjects of benchmarks and load tests -------------------------------------------------


def test_benchmark_subjects_open_the_measured_pages(dataset: None) -> None:
    subjects = benchmark_subjects()
    open_by_unit = Counter(Case.objects.filter(status=CaseStatus.OPEN).values_list("unit_id", flat=True))
    assert open_by_unit[subjects.unit.pk] == max(open_by_unit.values())
    assert subjects.caseworker.role == Role.CASEWORKER
    assert subjects.caseworker.units.filter(pk=subjects.unit.pk).exists()
    assert Case.objects.filter(
        client_id=subjects.client_id, responsible=subjects.caseworker, status=CaseStatus.OPEN
    ).exists()
    assert Certificate.objects.filter(client_id=subjects.client_id).exists()
    assert subjects.unit_manager.role == Role.UNIT_MANAGER
    assert subjects.analyst.units.filter(pk=subjects.unit.pk).exists()

    caseworker = log_in(HttpClient(), subjects.caseworker)
    for url in ("/worklist/", f"/clients/{subjects.client_id}/", "/stats/mapping/"):
        assert caseworker.get(url).status_code == 200, url
    for user in (subjects.unit_manager, subjects.analyst):
        assert log_in(HttpClient(), user).get("/stats/mapping/").status_code == 200
    viewer = log_in(HttpClient(), subjects.aggregate_viewer)
    response = viewer.get("/api/v1/stats/aggregate")
    assert response.status_code == 200
    assert response.json()


def test_load_test_logins(dataset: None) -> None:
    with_open_cases = (
        User.objects.filter(role=Role.CASEWORKER, responsible_cases__status=CaseStatus.OPEN).distinct().count()
    )
    logins = load_test_logins(3)
    assert len(logins) == 3
    assert len({login.username for login in logins}) == 3
    for login in logins:
        user = User.objects.get(username=login.username)
        assert user.role == Role.CASEWORKER
        assert user.check_password(login.password)
        assert login.totp_key == totp_key(SEED, login.username)
        assert TOTPDevice.objects.get(user=user, confirmed=True).key == login.totp_key
        assert 0 < len(login.client_ids) <= 50
        assert set(login.client_ids) <= set(visible_clients(user).values_list("pk", flat=True))
    assert len(load_test_logins(500)) == with_open_cases


# --- refusals and the command --------------------------------------------------------------------


def test_refuses_when_clients_exist() -> None:
    ClientFactory()
    with pytest.raises(GenerationRefused, match="already holds clients"):
        _generate(10)
    with pytest.raises(CommandError, match="already holds clients"):
        call_command("generate_data", "--clients", "10", stdout=StringIO())


@override_settings(PRODUCTION=True)
def test_refuses_in_production() -> None:
    with pytest.raises(CommandError, match="production"):
        call_command("generate_data", "--clients", "10", stdout=StringIO())
    assert not Municipality.objects.exists()


def test_command_prints_progress_and_a_summary() -> None:
    out = StringIO()
    call_command("generate_data", "--clients", "60", "--seed", "3", "--today", "2026-01-15", stdout=out)
    text = out.getvalue()
    assert "batch 1/1" in text
    assert "rows/s" in text
    assert "peak RSS (MB)" in text
    assert Client.objects.count() == 60
    assert not Case.objects.filter(opened_on__gt=datetime.date(2026, 1, 15)).exists()
    assert Case.objects.filter(opened_on__lt=datetime.date(2023, 6, 1)).exists()  # three years back


def test_bad_today_is_refused() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("generate_data", "--today", "2.3.2026", stdout=StringIO())


def test_the_pages_treat_generated_rows_like_real_ones(dataset: None) -> None:
    """The client's record, its parts and the reports open on generated data as on data typed in."""
    subjects = benchmark_subjects()
    unit_clients = Client.objects.filter(cases__unit=subjects.unit)
    sip_version = SipVersion.objects.filter(sip__client__in=unit_clients).order_by("pk").first()
    request = HealthcareRequest.objects.filter(client__in=unit_clients, status="answered").order_by("pk").first()
    plan_version = PlanVersion.objects.filter(plan__client__in=unit_clients).order_by("pk").first()
    meeting = Meeting.objects.filter(client__in=unit_clients, status="held").order_by("pk").first()
    certificate = Certificate.objects.filter(client__in=unit_clients).order_by("pk").first()
    assert sip_version is not None
    assert request is not None
    assert plan_version is not None
    assert meeting is not None
    assert certificate is not None
    urls = [f"/clients/{subjects.client_id}/", "/worklist/", "/clients/certificates/care-units/"]
    for client_id in {sip_version.sip.client_id, request.client_id, plan_version.plan.client_id, subjects.client_id}:
        urls += [
            f"/clients/{client_id}/",
            f"/clients/{client_id}/certificates/",
            f"/clients/{client_id}/meetings/",
            f"/clients/{client_id}/plans/",
            f"/clients/{client_id}/activities/",
            f"/consent/clients/{client_id}/",
            f"/outcomes/clients/{client_id}/ladder/",
        ]
    urls += [
        f"/clients/{certificate.client_id}/certificates/{certificate.pk}/",
        f"/clients/{meeting.client_id}/meetings/{meeting.pk}/",
        f"/clients/{sip_version.sip.client_id}/sip/",
        f"/clients/{plan_version.plan.client_id}/plans/{plan_version.plan_id}/",
        f"/consent/healthcare/{request.pk}/",
    ]
    manager = log_in(HttpClient(), subjects.unit_manager)
    for url in urls:
        assert manager.get(url).status_code == 200, url
    for url in (
        "/stats/mapping/",
        "/outcomes/movement/",
        "/outcomes/indicators/",
        "/outcomes/time-to-outcome/",
        "/outcomes/fidelity/",
        "/outcomes/summary/",
    ):
        assert manager.get(url).status_code == 200, url
    analyst = log_in(HttpClient(), subjects.analyst)
    assert analyst.get("/stats/aggregate/").status_code == 200
