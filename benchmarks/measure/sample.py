"""A small, deliberately awkward dataset: the baselines must agree with the app on it.

Not a realistic volume (that is ``manage.py generate_data``): a few hundred fictional clients whose
records hit the edges of the definitions — overlapping and gapped certificates, several certificates
covering one day, certificates without a diagnosis code, coordination numbers, clients with cases in two
units of one municipality, closed cases with every outcome, plans and SIPs recorded before and after a
case opened, ladder assessments on several steps, consents that run out, questions to healthcare waiting
for an answer, activities run by partners of several kinds.

Rows are written with ``bulk_create`` (benchmark data, not a user's action: no audit events).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

ICD_CODES = [
    ("F321", 14),
    ("F438A", 12),
    ("F411", 9),
    ("F331", 7),
    ("F431", 6),
    ("M545", 10),
    ("M797", 6),
    ("M751", 4),
    ("G439", 2),
    ("F900", 3),
    ("I10", 2),
    ("J459", 2),
    ("R539", 2),
    ("Z730", 2),
    ("S835", 1),
]
LONG_TEXT = "Nedsatt koncentration och uthållighet, orkar inte vistas bland andra människor en hel dag."


@dataclass(frozen=True)
class SampleWorld:
    """What the sample made: the same fields as ``rattvag.synthetic.selectors.BenchmarkSubjects``."""

    unit: Any
    caseworker: Any
    unit_manager: Any
    aggregate_viewer: Any
    analyst: Any
    client_id: int


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


@transaction.atomic
def build_sample(*, clients: int = 300, seed: int = 1, today: datetime.date | None = None) -> SampleWorld:
    from rattvag.accounts.models import Municipality, Partner, PartnerKind, Role, Unit, User
    from rattvag.certificates.icd import chapter_for
    from rattvag.certificates.models import (
        CareUnit,
        Certificate,
        CertificatePeriod,
        Diagnosis,
        SgiStatus,
        UnitCertificateSettings,
    )
    from rattvag.clients.models import Case, CaseStatus, Client, Outcome
    from rattvag.consent.models import Consent, ConsentPurpose, ConsentPurposeGrant, HealthcareRequest
    from rattvag.core.demo import fictional_personal_number
    from rattvag.meetings.models import AgreedAction, Meeting, Sip, SipVersion
    from rattvag.outcomes.models import LadderAssessment, LadderStep
    from rattvag.plans.models import Activity, ActivityType, Plan, PlanVersion

    rng = random.Random(seed)  # noqa: S311 - fictional data
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    tag = f"S{seed}"

    def moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60)), tzinfo=tz)

    def before(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    m1 = Municipality.objects.create(code=f"{tag}M1", name=f"Provkommun {tag} A")
    m2 = Municipality.objects.create(code=f"{tag}M2", name=f"Provkommun {tag} B")
    units = [
        Unit.objects.create(code=f"{tag}-EB1", name="Ekonomiskt bistånd A1", municipality=m1),
        Unit.objects.create(code=f"{tag}-EB2", name="Ekonomiskt bistånd A2", municipality=m1),
        Unit.objects.create(code=f"{tag}-EB3", name="Ekonomiskt bistånd B1", municipality=m2),
    ]
    UnitCertificateSettings.objects.create(unit=units[1], max_gap=10)
    unit_weights = [6, 2, 3]
    caseworkers: dict[int, list[User]] = {}
    for unit in units:
        staff = []
        for n in range(3):
            user = User.objects.create(username=f"{tag}-{unit.code}-cw{n}", role=Role.CASEWORKER)
            user.units.add(unit)
            staff.append(user)
        caseworkers[unit.pk] = staff
    manager = User.objects.create(username=f"{tag}-manager", role=Role.UNIT_MANAGER)
    manager.units.add(units[0])
    analyst = User.objects.create(username=f"{tag}-analyst", role=Role.ANALYST)
    analyst.units.add(units[0])
    viewer = User.objects.create(username=f"{tag}-viewer", role=Role.AGGREGATE_VIEWER)

    care_units = CareUnit.objects.bulk_create(
        [CareUnit(name=f"Vårdcentralen {tag} {n:02d}", hsa_id=f"{tag}-HSA-{n}") for n in range(14)]
    )
    partners = {
        kind: Partner.objects.create(code=f"{tag}-{kind}", name=f"Partner {kind}", kind=kind)
        for kind in (PartnerKind.FK, PartnerKind.CARE_UNIT, PartnerKind.AF, PartnerKind.AME)
    }
    steps = list(LadderStep.objects.filter(version__published=True).order_by("version_id", "number"))
    activity_types = {t.code: t for t in ActivityType.objects.all()}

    # -- clients and cases --
    client_rows: list[tuple[Client, Unit]] = []
    seen: set[str] = set()
    while len(client_rows) < clients:
        birth = datetime.date(1958, 1, 1) + datetime.timedelta(days=rng.randrange(0, 47 * 365))
        number = fictional_personal_number(birth, rng.randrange(1, 1000), coordination=rng.random() < 0.05)
        if number in seen:
            continue
        seen.add(number)
        unit = rng.choices(units, unit_weights)[0]
        client_rows.append(
            (
                Client(
                    municipality_id=unit.municipality_id,
                    personal_number=number,
                    first_name="Prov",
                    last_name=f"Person {len(client_rows)}",
                    protected_identity=rng.random() < 0.02,
                ),
                unit,
            )
        )
    created = Client.objects.bulk_create([c for c, _u in client_rows])
    cases: list[Case] = []
    for client, (_c, unit) in zip(created, client_rows, strict=True):
        opened = before(rng.randrange(0, 800))
        closed = rng.random() < 0.3
        closed_on = min(today, opened + datetime.timedelta(days=rng.randrange(0, 400))) if closed else None
        cases.append(
            Case(
                client=client,
                unit=unit,
                opened_on=opened,
                responsible=rng.choice(caseworkers[unit.pk]) if rng.random() < 0.95 else None,
                status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                outcome=rng.choice(Outcome.values) if closed else "",
                closed_on=closed_on,
            )
        )
        siblings = [u for u in units if u.municipality_id == unit.municipality_id and u.pk != unit.pk]
        if siblings and rng.random() < 0.12:  # a second case in another unit of the same municipality
            other = siblings[0]
            opened2 = before(rng.randrange(0, 500))
            cases.append(
                Case(
                    client=client,
                    unit=other,
                    opened_on=opened2,
                    responsible=rng.choice(caseworkers[other.pk]),
                    status=CaseStatus.OPEN,
                )
            )
    cases = Case.objects.bulk_create(cases)
    first_case: dict[int, Case] = {}
    for case in cases:
        first_case.setdefault(case.client_id, case)

    # -- certificates, periods, diagnoses --
    certificates: list[tuple[Certificate, list[tuple[datetime.date, datetime.date, int]], list[str]]] = []
    for client in created:
        if rng.random() > 0.78:
            continue
        case = first_case[client.pk]
        start = case.opened_on - datetime.timedelta(days=rng.randrange(-60, 120))
        for _n in range(rng.choice([1, 1, 2, 2, 3, 4])):
            length = rng.choice([7, 14, 14, 30, 30, 60, 90, 180])
            periods = []
            first_end = start + datetime.timedelta(days=length - 1)
            periods.append((start, first_end, rng.choice([25, 50, 75, 100, 100])))
            if rng.random() < 0.3:  # a second period, adjoining or after a gap
                second_start = first_end + datetime.timedelta(days=rng.choice([1, 1, 4]))
                periods.append(
                    (second_start, second_start + datetime.timedelta(days=rng.choice([14, 30])), rng.choice([25, 50]))
                )
            issued = start - datetime.timedelta(days=rng.choice([0, 0, 1, 3, 10]))
            if issued > today:
                issued = today
            received = min(today, issued + datetime.timedelta(days=rng.randrange(0, 6)))
            if received < issued:
                received = issued
            codes = [_pick(rng, ICD_CODES) for _i in range(rng.choice([1, 1, 2]))]
            if rng.random() < 0.06:
                codes = ["", *codes[:1]]  # a diagnosis written without a code first
            certificates.append(
                (
                    Certificate(
                        client=client,
                        case=case if rng.random() < 0.8 else None,
                        received_on=received,
                        issued_on=issued,
                        care_unit=care_units[min(int(rng.paretovariate(1.1)) - 1, len(care_units) - 1)],
                        basis=rng.choice([["own_examination"], ["own_examination", "journal_records"], []]),
                        functional_impairment=rng.choice([LONG_TEXT, LONG_TEXT, "Trött", ""]),
                        activity_limitation=rng.choice([LONG_TEXT, LONG_TEXT, "Kort"]),
                        prognosis=rng.choice(["returns_fully", "after_60", "unclear", ""]),
                        registered_by=rng.choice(caseworkers[case.unit_id]),
                    ),
                    periods,
                    codes,
                )
            )
            last_end = max(p[1] for p in periods)
            start = last_end + datetime.timedelta(days=rng.choice([-10, 1, 1, 3, 6, 8, 20, 90]))
    made = Certificate.objects.bulk_create([c for c, _p, _d in certificates])
    period_rows, diagnosis_rows = [], []
    for certificate, (_certificate, periods, codes) in zip(made, certificates, strict=True):
        period_rows += [CertificatePeriod(certificate=certificate, start=s, end=e, degree=d) for s, e, d in periods]
        for position, code in enumerate(codes, start=1):
            diagnosis_rows.append(
                Diagnosis(
                    certificate=certificate,
                    position=position,
                    code=code,
                    system="icd10se",
                    text="" if code else "Utmattning",
                    chapter=chapter_for(code) if code else "",
                )
            )
    CertificatePeriod.objects.bulk_create(period_rows)
    Diagnosis.objects.bulk_create(diagnosis_rows)

    # -- SGI statuses --
    sgi_rows = []
    for client in created:
        for _n in range(rng.choice([0, 0, 1, 1, 2])):
            sgi_rows.append(
                SgiStatus(
                    client=client,
                    status=rng.choice(["unknown", "none", "none", "has"]),
                    recorded_on=before(rng.randrange(-10, 500)),
                    source="client",
                    recorded_by=rng.choice(caseworkers[first_case[client.pk].unit_id]),
                )
            )
    SgiStatus.objects.bulk_create(sgi_rows)

    # -- ladder assessments --
    ladder_rows = []
    for client in created:
        if not steps or rng.random() < 0.4:
            continue
        case = first_case[client.pk]
        for _n in range(rng.choice([1, 2, 2, 3, 4])):
            ladder_rows.append(
                LadderAssessment(
                    client=client,
                    case=case,
                    assessed_on=before(rng.randrange(0, 400)),
                    step=rng.choice(steps),
                    assessed_by=rng.choice(["caseworker", "caseworker", "partner", "client"]),
                    assessor=rng.choice(caseworkers[case.unit_id]),
                )
            )
    LadderAssessment.objects.bulk_create(ladder_rows)

    # -- plans, SIPs, meetings, agreed actions --
    plans, plan_versions, sips, sip_versions, meetings, actions = [], [], [], [], [], []
    for client in created:
        case = first_case[client.pk]
        author = rng.choice(caseworkers[case.unit_id])
        for kind, share in (("active", 0.65), ("contact", 0.5)):
            if rng.random() < share:
                plan = Plan(client=client, case=case if rng.random() < 0.85 else None, kind=kind, created_by=author)
                if rng.random() < 0.1:
                    plan.ended_on = today
                first = case.opened_on + datetime.timedelta(days=rng.randrange(-20, 120))
                plans.append(plan)
                for version_no in range(1, rng.choice([2, 2, 3])):
                    saved = min(today, first + datetime.timedelta(days=30 * (version_no - 1)))
                    plan_versions.append(
                        (
                            plan,
                            PlanVersion(
                                number=version_no,
                                created_at=moment(saved),
                                created_by=author,
                                follow_up_on=before(rng.randrange(-40, 40)) if kind == "active" else None,
                            ),
                        )
                    )
        if rng.random() < 0.15:
            sip = Sip(client=client, case=case if rng.random() < 0.9 else None, created_by=author)
            sips.append(sip)
            saved = min(today, case.opened_on + datetime.timedelta(days=rng.randrange(-10, 200)))
            sip_versions.append(
                (
                    sip,
                    SipVersion(
                        number=1,
                        created_at=moment(saved),
                        created_by=author,
                        interventions_needed="Samordning",
                        overall_responsibility="Kommunen",
                        follow_up_on=saved + datetime.timedelta(days=60),
                        follow_up_how="Möte",
                        client_goal="Arbete",
                    ),
                )
            )
        for kind, share in (("mapping", 0.55), ("follow_up", 0.25), ("three_party", 0.15)):
            if rng.random() < share:
                day = case.opened_on + datetime.timedelta(days=rng.randrange(0, 90))
                meetings.append(
                    Meeting(
                        client=client,
                        case=case if rng.random() < 0.9 else None,
                        kind=kind,
                        status="held" if day <= today and rng.random() < 0.8 else "planned",
                        starts_at=moment(day),
                        location="Socialkontoret",
                        organiser=author,
                    )
                )
    Plan.objects.bulk_create(plans)
    for plan, version in plan_versions:
        version.plan = plan
    PlanVersion.objects.bulk_create([v for _p, v in plan_versions])
    Sip.objects.bulk_create(sips)
    for sip, sip_version in sip_versions:
        sip_version.sip = sip
    SipVersion.objects.bulk_create([v for _s, v in sip_versions])
    meetings = Meeting.objects.bulk_create(meetings)
    partner_list = list(partners.values())
    for meeting in meetings:
        if rng.random() < 0.3:
            for partner in rng.sample(partner_list, 2):
                actions.append(
                    AgreedAction(
                        meeting=meeting,
                        description="Åtgärd",
                        responsible_kind="partner",
                        responsible_partner=partner,
                        due_on=meeting.starts_at.date() + datetime.timedelta(days=30),
                        done_on=None if rng.random() < 0.7 else today,
                    )
                )
    AgreedAction.objects.bulk_create(actions)

    # -- consents, questions to healthcare, activities --
    consents, grants, requests, activities = [], [], [], []
    for client in created:
        case = first_case[client.pk]
        author = rng.choice(caseworkers[case.unit_id])
        if rng.random() < 0.55:
            given = case.opened_on + datetime.timedelta(days=rng.randrange(0, 60))
            given = min(given, today)
            until_closes = rng.random() < 0.3
            consent = Consent(
                client=client,
                partner=partners[PartnerKind.CARE_UNIT] if rng.random() < 0.5 else None,
                form="written",
                given_on=given,
                valid_until=None if until_closes else given + datetime.timedelta(days=rng.choice([30, 180, 365])),
                until_case_closes=until_closes,
                case=case if until_closes else None,
                recorded_by=author,
            )
            if consent.partner is None:
                consent.partner_kind = PartnerKind.CARE_UNIT
            if rng.random() < 0.1:
                consent.withdrawn_on = min(today, given + datetime.timedelta(days=10))
                consent.withdrawn_how = "written"
            consents.append(consent)
            if rng.random() < 0.5:
                sent = min(today, given + datetime.timedelta(days=rng.randrange(-5, 30)))
                answered = rng.random() < 0.5
                requests.append(
                    (
                        consent,
                        HealthcareRequest(
                            client=client,
                            care_unit=partners[PartnerKind.CARE_UNIT],
                            unit=case.unit,
                            status="answered" if answered else "sent",
                            created_by=author,
                            sent_on=sent,
                            remind_on=sent + datetime.timedelta(days=21),
                            answered_on=min(today, sent + datetime.timedelta(days=14)) if answered else None,
                        ),
                    )
                )
        for _n in range(rng.choice([0, 0, 1, 2, 3])):
            code = rng.choice(list(activity_types))
            planned = case.opened_on + datetime.timedelta(days=rng.randrange(0, 200))
            started = planned if rng.random() < 0.6 and planned <= today else None
            ended = started + datetime.timedelta(days=30) if started and rng.random() < 0.3 else None
            activities.append(
                Activity(
                    client=client,
                    case=case if rng.random() < 0.9 else None,
                    type=activity_types[code],
                    partner=rng.choice([None, *partner_list]),
                    planned_on=planned,
                    started_on=started,
                    ended_on=ended,
                    result="completed" if ended else "",
                    created_by=author,
                )
            )
    consents = Consent.objects.bulk_create(consents)
    for consent in consents:
        for purpose in rng.sample(ConsentPurpose.values, rng.choice([1, 2, 3])):
            grants.append(ConsentPurposeGrant(consent=consent, purpose=purpose))
        if rng.random() < 0.7:
            grants.append(ConsentPurposeGrant(consent=consent, purpose=ConsentPurpose.CONTACT_HEALTHCARE))
    unique_grants = {(g.consent.pk, g.purpose): g for g in grants}
    ConsentPurposeGrant.objects.bulk_create(list(unique_grants.values()))
    for consent, request in requests:
        request.consent = consent
    HealthcareRequest.objects.bulk_create([r for _c, r in requests])
    Activity.objects.bulk_create(activities)

    # The client for the client page: the caseworker's open case with the most certificates.
    caseworker = caseworkers[units[0].pk][0]
    counts: dict[int, int] = {}
    for certificate in made:
        counts[certificate.client_id] = counts.get(certificate.client_id, 0) + 1
    own = [c for c in cases if c.responsible_id == caseworker.pk and c.status == CaseStatus.OPEN]
    client_id = max(own, key=lambda c: (counts.get(c.client_id, 0), -c.client_id)).client_id
    return SampleWorld(
        unit=units[0],
        caseworker=caseworker,
        unit_manager=manager,
        aggregate_viewer=viewer,
        analyst=analyst,
        client_id=client_id,
    )


def sample_subjects(seed: int = 1) -> SampleWorld:
    """The subjects of a sample built earlier with this seed (for ``--skip-generate``)."""
    from rattvag.accounts.models import Unit, User
    from rattvag.clients.models import Case, CaseStatus

    tag = f"S{seed}"
    unit = Unit.objects.get(code=f"{tag}-EB1")
    caseworker = User.objects.get(username=f"{tag}-{unit.code}-cw0")
    own = Case.objects.filter(responsible=caseworker, status=CaseStatus.OPEN)
    client_id = max(own, key=lambda c: (c.client.certificates.count(), -c.client_id)).client_id
    return SampleWorld(
        unit=unit,
        caseworker=caseworker,
        unit_manager=User.objects.get(username=f"{tag}-manager"),
        aggregate_viewer=User.objects.get(username=f"{tag}-viewer"),
        analyst=User.objects.get(username=f"{tag}-analyst"),
        client_id=client_id,
    )
