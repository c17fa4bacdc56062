"""Everything the rules need about many cases, read as plain values in a fixed number of queries.

`load_case_facts(cases)` takes a queryset of cases, reads the cases, then runs one query per kind of fact for
their clients (never one query per case), reading plain values: no model instance is built. The clients are
named by their ids when they are few (a caseworker's caseload, one client's page), else by a subquery on the
cases (a unit's or a region's, in the reports). The rows are grouped per client in one pass; each case gets its
client's facts, and the rules (and the method-fidelity report) work in Python on the result. So the worklist
costs the same number of queries for 3 cases as for 30,000, and the time goes into the rows, not into building
objects.

Which facts belong to a case: certificates, SGI statuses, consents and questions to healthcare are the
client's (a sick-leave spell or a consent is about the person, not the case); open plans and SIPs are the
client's too (at most one open of each per client). Meetings, agreed actions and activities belong to the
case when recorded for it, or recorded without a case (case empty). A client's facts are shared by the facts
of the client's cases, sick-leave spells included (built once per client and unit setting).

`case_facts_from(...)` builds the same facts for one case from model instances read already, without a query: the
client page's process map takes them from the reads its panels share (rattvag.clients.page.ClientPage).
The worklist and the reports read with `load_case_facts`.
"""

from __future__ import annotations

import datetime
import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils import timezone

from rattvag.accounts.models import Unit
from rattvag.certificates.models import Certificate, SgiStatus
from rattvag.certificates.spells import DEFAULT_MAX_GAP, CertificateSpan, Period, Spell, build_spells
from rattvag.clients.models import Case, CaseStatus
from rattvag.clients.models import Outcome as CaseOutcomeChoice
from rattvag.consent.models import (
    Consent,
    ConsentPurpose,
    ConsentStatus,
    HealthcareRequest,
    HealthcareRequestStatus,
    consent_ends_on,
    consent_status,
)
from rattvag.meetings.models import AgreedAction, Meeting, MeetingStatus, SipVersion
from rattvag.plans.models import Activity, Plan, PlanKind, PlanVersion

# --- the facts, as plain values ------------------------------------------------------------------------------


class CaseRow(NamedTuple):
    """The case itself."""

    pk: int
    client_id: int
    unit_id: int
    responsible_id: int | None
    status: str
    opened_on: datetime.date
    closed_on: datetime.date | None
    outcome: str

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED

    def get_outcome_display(self) -> str:
        """As Case.get_outcome_display()."""
        return str(_OUTCOME_LABELS.get(self.outcome, self.outcome))


_OUTCOME_LABELS = dict(CaseOutcomeChoice.choices)


class CertificateFact(NamedTuple):
    pk: int
    case_id: int | None
    issued_on: datetime.date
    received_on: datetime.date
    periods: tuple[Period, ...]

    def as_span(self) -> CertificateSpan:
        return CertificateSpan(self.pk, self.issued_on, self.periods)


class SgiFact(NamedTuple):
    """The client's newest SGI status."""

    status: str
    recorded_on: datetime.date


class ConsentFact(NamedTuple):
    pk: int
    case_id: int | None
    partner_id: int | None
    partner_kind: str
    given_on: datetime.date
    valid_until: datetime.date | None
    until_case_closes: bool
    case_closed_on: datetime.date | None  # the closing day of the consent's case, if it has one
    withdrawn_on: datetime.date | None
    purposes: tuple[str, ...]  # in the order of ConsentPurpose

    def ends_on(self) -> datetime.date | None:
        """The last day the consent is valid (None: while the case is open), decided as for the model."""
        return consent_ends_on(
            valid_until=self.valid_until,
            until_case_closes=self.until_case_closes,
            case_closed_on=self.case_closed_on,
            withdrawn_on=self.withdrawn_on,
        )

    def is_valid_on(self, day: datetime.date) -> bool:
        """Given, not withdrawn, not expired on `day`, decided as for the model."""
        status = consent_status(
            day=day,
            given_on=self.given_on,
            valid_until=self.valid_until,
            until_case_closes=self.until_case_closes,
            case_closed_on=self.case_closed_on,
            withdrawn_on=self.withdrawn_on,
        )
        return status == ConsentStatus.VALID


class HealthcareRequestFact(NamedTuple):
    """A question to healthcare that was sent (drafts are left out)."""

    pk: int
    care_unit_id: int
    care_unit_kind: str
    status: str
    sent_on: datetime.date | None
    remind_on: datetime.date | None
    answered_on: datetime.date | None


class MeetingFact(NamedTuple):
    pk: int
    case_id: int | None
    kind: str
    status: str
    starts_at: datetime.datetime


class AgreedActionFact(NamedTuple):
    pk: int
    meeting_case_id: int | None
    meeting_starts_at: datetime.datetime
    responsible_partner_id: int | None
    done_on: datetime.date | None


class VersionFact(NamedTuple):
    """A version of a plan or a SIP."""

    number: int
    created_at: datetime.datetime
    follow_up_on: datetime.date | None


class PlanFact(NamedTuple):
    """A plan (or a SIP, kind ""), with its versions oldest first; a plan exists from its first version, so
    every one has at least one."""

    pk: int
    kind: str
    ended_on: datetime.date | None
    versions: tuple[VersionFact, ...]

    @property
    def first_version(self) -> VersionFact:
        return self.versions[0]

    @property
    def current_version(self) -> VersionFact:
        return self.versions[-1]


class ActivityFact(NamedTuple):
    pk: int
    case_id: int | None
    type_code: str
    partner_id: int | None
    partner_kind: str | None
    planned_on: datetime.date | None
    started_on: datetime.date | None
    ended_on: datetime.date | None
    created_at: datetime.datetime


# --- one client's facts and one case's ------------------------------------------------------------------------


@dataclass(eq=False)
class ClientFacts:
    """What is recorded about one client; shared by the facts of the client's cases."""

    certificates: list[CertificateFact] = field(default_factory=list)
    sgi: SgiFact | None = None
    consents: list[ConsentFact] = field(default_factory=list)
    healthcare_requests: list[HealthcareRequestFact] = field(default_factory=list)
    meetings: list[MeetingFact] = field(default_factory=list)
    agreed_actions: list[AgreedActionFact] = field(default_factory=list)  # by meeting time, then id
    plans: list[PlanFact] = field(default_factory=list)  # ended ones (if loaded) first, then by id
    sips: list[PlanFact] = field(default_factory=list)
    activities: list[ActivityFact] = field(default_factory=list)
    _spells: dict[int, tuple[Spell, ...]] = field(default_factory=dict, repr=False)

    def spells(self, max_gap: int) -> tuple[Spell, ...]:
        """The client's sick-leave spells with this max_gap, oldest first (built once)."""
        found = self._spells.get(max_gap)
        if found is None:
            found = self._spells[max_gap] = tuple(build_spells([c.as_span() for c in self.certificates], max_gap))
        return found


@dataclass(eq=False)
class CaseFacts:
    """Everything the rules read about one case: its client's facts, and the client's meetings, agreed actions and
    activities that belong to the case (picked out when first asked for)."""

    case: CaseRow
    client: ClientFacts
    max_gap: int = DEFAULT_MAX_GAP

    # The case's own
    @cached_property
    def meetings(self) -> list[MeetingFact]:
        """Recorded for the case, or without a case."""
        return [m for m in self.client.meetings if m.case_id is None or m.case_id == self.case.pk]

    @cached_property
    def agreed_actions(self) -> list[AgreedActionFact]:
        """Agreed at the case's meetings, by meeting time."""
        return [a for a in self.client.agreed_actions if a.meeting_case_id is None or a.meeting_case_id == self.case.pk]

    @cached_property
    def activities(self) -> list[ActivityFact]:
        """Recorded for the case, or without a case."""
        return [a for a in self.client.activities if a.case_id is None or a.case_id == self.case.pk]

    # The client's facts
    @property
    def certificates(self) -> list[CertificateFact]:
        return self.client.certificates

    @property
    def sgi(self) -> SgiFact | None:
        return self.client.sgi

    @property
    def consents(self) -> list[ConsentFact]:
        return self.client.consents

    @property
    def healthcare_requests(self) -> list[HealthcareRequestFact]:
        return self.client.healthcare_requests

    @property
    def plans(self) -> list[PlanFact]:
        return self.client.plans

    @property
    def sips(self) -> list[PlanFact]:
        return self.client.sips

    # Sick leave, counted the way rattvag.certificates.spells counts it (the unit's max_gap)
    @property
    def spells(self) -> tuple[Spell, ...]:
        return self.client.spells(self.max_gap)

    def current_spell(self, today: datetime.date) -> Spell | None:
        """The spell in progress on `today` (a period covers the day), as sick_leave_as_of(...).current."""
        return next(
            (s for s in self.spells if s.start <= today <= s.end and any(p.covers(today) for p in s.periods)), None
        )

    # Plans, meetings and activities
    def first_plan(self, kind: str) -> PlanFact | None:
        """The first plan of this kind loaded: the open one, or (with ended plans) the oldest."""
        return next((p for p in self.plans if p.kind == kind), None)

    @property
    def active_plan(self) -> PlanFact | None:
        return self.first_plan(PlanKind.ACTIVE)

    @property
    def contact_plan(self) -> PlanFact | None:
        return self.first_plan(PlanKind.CONTACT)

    @property
    def sip(self) -> PlanFact | None:
        """The first SIP loaded, as first_plan()."""
        return self.sips[0] if self.sips else None

    def held_meetings(self, kind: str) -> list[MeetingFact]:
        return sorted(
            (m for m in self.meetings if m.kind == kind and m.status == MeetingStatus.HELD), key=lambda m: m.starts_at
        )

    def booked_meetings(self, kind: str) -> list[MeetingFact]:
        return sorted(
            (m for m in self.meetings if m.kind == kind and m.status == MeetingStatus.PLANNED),
            key=lambda m: m.starts_at,
        )

    def activities_of_type(self, code: str) -> list[ActivityFact]:
        return [a for a in self.activities if a.type_code == code]


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


# --- loading ----------------------------------------------------------------------------------------------------


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while many small fact rows are made and evaluated.

    The rows (tuples of numbers, dates and strings, in lists) form no reference cycles, so reference counting frees
    them; but the collector counts allocations, and each full collection it triggers walks the whole heap: at unit
    size that was 40 % of the fidelity report's time. It resumes at the end if it ran before (so nesting, and
    threads doing the same, never leave it off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Up to this many clients the fact queries name them by id (cheaper to plan and run than the cases' subquery).
FEW_CLIENTS = 1000
_PURPOSE_ORDER = {code: index for index, code in enumerate(ConsentPurpose.values)}


def _versioned(rows: Any, *, with_kind: bool) -> dict[int, list[PlanFact]]:
    """Plans (or SIPs) from their version rows (client, plan, [kind,] ended_on, number, created_at, follow_up_on),
    ordered by plan and version number: by client, ended plans first, each group by id."""
    found: dict[int, list[PlanFact]] = {}
    for (client_id, plan_id), group in groupby(rows, key=itemgetter(0, 1)):
        versions = list(group)
        first = versions[0]
        kind, ended_on = (first[2], first[3]) if with_kind else ("", first[2])
        found.setdefault(client_id, []).append(
            PlanFact(plan_id, kind, ended_on, tuple(VersionFact._make(v[-3:]) for v in versions))
        )
    for plans in found.values():
        plans.sort(key=lambda p: (p.ended_on is None, p.pk))
    return found


def load_case_facts(
    cases: QuerySet[Case], *, ended_plans: bool = False, case_rows: list[tuple[CaseRow, int | None]] | None = None
) -> dict[int, CaseFacts]:
    """Facts for every case in the queryset, by case id, in ten queries whatever the number of cases.

    Plans and SIPs: the open ones (what the worklist asks about); with `ended_plans`, also those that have ended,
    before the open ones (the method-fidelity report asks whether a step was ever taken). `case_rows`: the cases'
    rows and their units' maximum gap (`loaded_case_row`) when the caller has read them (one query fewer)."""
    with cycle_collection_paused():
        return _load_case_facts(cases, ended_plans=ended_plans, case_rows=case_rows)


def loaded_case_row(case: Case) -> tuple[CaseRow, int | None] | None:
    """The row `load_case_facts` reads for a case, from a case read with `unit__certificate_settings`
    (None when the unit's settings were not read with it)."""
    if not Case.unit.is_cached(case) or not Unit.certificate_settings.is_cached(case.unit):
        return None
    try:
        max_gap: int | None = case.unit.certificate_settings.max_gap
    except ObjectDoesNotExist:  # the unit has no settings row: the default applies
        max_gap = None
    row = CaseRow(
        case.pk,
        case.client_id,
        case.unit_id,
        case.responsible_id,
        case.status,
        case.opened_on,
        case.closed_on,
        case.outcome,
    )
    return row, max_gap


def _load_case_facts(
    cases: QuerySet[Case], *, ended_plans: bool, case_rows: list[tuple[CaseRow, int | None]] | None
) -> dict[int, CaseFacts]:
    if case_rows is None:
        case_rows = [
            (CaseRow(*row[:-1]), row[-1])
            for row in cases.order_by().values_list(
                "pk",
                "client_id",
                "unit_id",
                "responsible_id",
                "status",
                "opened_on",
                "closed_on",
                "outcome",
                "unit__certificate_settings__max_gap",
            )
        ]
    if not case_rows:
        return {}
    clients: dict[int, ClientFacts] = {row.client_id: ClientFacts() for row, _gap in case_rows}
    client_ids: Any = sorted(clients) if len(clients) <= FEW_CLIENTS else cases.order_by().values("client_id")

    certificate_rows = (
        Certificate.objects.filter(client_id__in=client_ids)
        .order_by("received_on", "pk")
        .values_list(
            "client_id",
            "pk",
            "case_id",
            "issued_on",
            "received_on",
            "periods__start",
            "periods__end",
            "periods__degree",
        )
    )
    for _pk, group in groupby(certificate_rows, key=itemgetter(1)):
        rows = list(group)
        client_id, pk, case_id, issued_on, received_on = rows[0][:5]
        periods = tuple(Period(r[5], r[6], r[7]) for r in rows if r[5] is not None)
        clients[client_id].certificates.append(CertificateFact(pk, case_id, issued_on, received_on, periods))

    for client_id, status, recorded_on in (
        SgiStatus.objects.filter(client_id__in=client_ids)
        .order_by("client_id", "-recorded_on", "-pk")
        .values_list("client_id", "status", "recorded_on")
    ):
        if clients[client_id].sgi is None:
            clients[client_id].sgi = SgiFact(status, recorded_on)

    consent_rows = (
        Consent.objects.filter(client_id__in=client_ids)
        .order_by("given_on", "pk")
        .values_list(
            "client_id",
            "pk",
            "case_id",
            "partner_id",
            "partner_kind",
            "given_on",
            "valid_until",
            "until_case_closes",
            "case__closed_on",
            "withdrawn_on",
            "purpose_grants__purpose",
        )
    )
    for _pk, consent_group in groupby(consent_rows, key=itemgetter(1)):
        grants = list(consent_group)
        purposes = sorted({g[-1] for g in grants if g[-1] is not None}, key=_PURPOSE_ORDER.__getitem__)
        first = grants[0]
        clients[first[0]].consents.append(ConsentFact._make((*first[1:-1], tuple(purposes))))

    for request in (
        HealthcareRequest.objects.filter(client_id__in=client_ids)
        .exclude(status=HealthcareRequestStatus.DRAFT)
        .order_by("sent_on", "pk")
        .values_list(
            "client_id", "pk", "care_unit_id", "care_unit__kind", "status", "sent_on", "remind_on", "answered_on"
        )
    ):
        clients[request[0]].healthcare_requests.append(HealthcareRequestFact._make(request[1:]))

    for meeting in (
        Meeting.objects.filter(client_id__in=client_ids)
        .order_by("starts_at", "pk")
        .values_list("client_id", "pk", "case_id", "kind", "status", "starts_at")
    ):
        clients[meeting[0]].meetings.append(MeetingFact._make(meeting[1:]))

    for action in (
        AgreedAction.objects.filter(meeting__client_id__in=client_ids)
        .order_by("meeting__starts_at", "pk")
        .values_list(
            "meeting__client_id", "pk", "meeting__case_id", "meeting__starts_at", "responsible_partner_id", "done_on"
        )
    ):
        clients[action[0]].agreed_actions.append(AgreedActionFact._make(action[1:]))

    plan_versions = PlanVersion.objects.filter(plan__client_id__in=client_ids)
    sip_versions = SipVersion.objects.filter(sip__client_id__in=client_ids)
    if not ended_plans:
        plan_versions = plan_versions.filter(plan__ended_on__isnull=True)
        sip_versions = sip_versions.filter(sip__ended_on__isnull=True)
    plans = _versioned(
        plan_versions.order_by("plan_id", "number").values_list(
            "plan__client_id", "plan_id", "plan__kind", "plan__ended_on", "number", "created_at", "follow_up_on"
        ),
        with_kind=True,
    )
    sips = _versioned(
        sip_versions.order_by("sip_id", "number").values_list(
            "sip__client_id", "sip_id", "sip__ended_on", "number", "created_at", "follow_up_on"
        ),
        with_kind=False,
    )
    for client_id, client_plans in plans.items():
        clients[client_id].plans = client_plans
    for client_id, client_sips in sips.items():
        clients[client_id].sips = client_sips

    for activity in (
        Activity.objects.filter(client_id__in=client_ids)
        .order_by("pk")
        .values_list(
            "client_id",
            "pk",
            "case_id",
            "type__code",
            "partner_id",
            "partner__kind",
            "planned_on",
            "started_on",
            "ended_on",
            "created_at",
        )
    ):
        clients[activity[0]].activities.append(ActivityFact._make(activity[1:]))

    return {
        row.pk: CaseFacts(row, clients[row.client_id], DEFAULT_MAX_GAP if max_gap is None else max_gap)
        for row, max_gap in case_rows
    }


# --- from model instances read already (the client page) --------------------------------------------------------


def case_facts_from(
    row: tuple[CaseRow, int | None],
    *,
    certificates: Iterable[Certificate],
    sgi_statuses: Sequence[SgiStatus],
    consents: Iterable[Consent],
    healthcare_requests: Iterable[HealthcareRequest],
    meetings: Iterable[Meeting],
    plans: Iterable[Plan],
    sip_versions: Iterable[SipVersion],
    activities: Iterable[Activity],
) -> CaseFacts:
    """One case's facts from its client's records read already as model instances (the client page's reads), equal
    to what `load_case_facts` reads for the case, without a query. Every record of the client must be given (a
    partner's consent-filtered reads are not enough), with what the facts need read with them:

    - `certificates` with their periods prefetched; `sgi_statuses` newest first;
    - `consents` with their purpose grants prefetched and their case (for its closing day);
    - `healthcare_requests` with their care unit (drafts are left out here);
    - `meetings` with every agreed action prefetched (done ones too);
    - `plans`: the open plans with their versions prefetched; `sip_versions`: every version of the open SIPs;
    - `activities` with their type and partner.
    `row`: the case's row and its unit's maximum gap (`loaded_case_row`). Each kind is ordered as the query of
    `load_case_facts` orders it.
    """
    case_row, max_gap = row
    meetings = sorted(meetings, key=lambda m: (m.starts_at, m.pk))
    client = ClientFacts(
        certificates=_certificate_facts(certificates),
        sgi=SgiFact(sgi_statuses[0].status, sgi_statuses[0].recorded_on) if sgi_statuses else None,
        consents=_consent_facts(consents),
        healthcare_requests=_healthcare_request_facts(healthcare_requests),
        meetings=[MeetingFact(m.pk, m.case_id, m.kind, m.status, m.starts_at) for m in meetings],
        agreed_actions=_agreed_action_facts(meetings),
        plans=sorted(
            (PlanFact(p.pk, p.kind, p.ended_on, _version_facts(p.versions.all())) for p in plans if p.versions.all()),
            key=lambda p: p.pk,
        ),
        sips=_sip_facts(sip_versions),
        activities=_activity_facts(activities),
    )
    return CaseFacts(case_row, client, DEFAULT_MAX_GAP if max_gap is None else max_gap)


def _certificate_facts(certificates: Iterable[Certificate]) -> list[CertificateFact]:
    facts = (
        CertificateFact(
            c.pk,
            c.case_id,
            c.issued_on,
            c.received_on,
            tuple(Period(p.start, p.end, p.degree) for p in c.periods.all()),
        )
        for c in certificates
    )
    return sorted(facts, key=lambda c: (c.received_on, c.pk))


def _consent_facts(consents: Iterable[Consent]) -> list[ConsentFact]:
    facts = (
        ConsentFact(
            c.pk,
            c.case_id,
            c.partner_id,
            c.partner_kind,
            c.given_on,
            c.valid_until,
            c.until_case_closes,
            c.case.closed_on if c.case is not None else None,
            c.withdrawn_on,
            tuple(c.purposes),
        )
        for c in consents
    )
    return sorted(facts, key=lambda c: (c.given_on, c.pk))


def _healthcare_request_facts(requests: Iterable[HealthcareRequest]) -> list[HealthcareRequestFact]:
    facts = (
        HealthcareRequestFact(r.pk, r.care_unit_id, r.care_unit.kind, r.status, r.sent_on, r.remind_on, r.answered_on)
        for r in requests
        if r.status != HealthcareRequestStatus.DRAFT
    )
    # Every question sent has its day (constraint healthcare_request_status_dates): no NULL to place.
    return sorted(facts, key=lambda r: (r.sent_on, r.pk))


def _agreed_action_facts(meetings: Iterable[Meeting]) -> list[AgreedActionFact]:
    facts = (
        AgreedActionFact(a.pk, m.case_id, m.starts_at, a.responsible_partner_id, a.done_on)
        for m in meetings
        for a in m.agreed_actions.all()
    )
    return sorted(facts, key=lambda a: (a.meeting_starts_at, a.pk))


def _sip_facts(versions: Iterable[SipVersion]) -> list[PlanFact]:
    """The open SIPs from their versions (all of open SIPs, as `load_case_facts` reads them without ended plans)."""
    by_sip: dict[int, list[SipVersion]] = {}
    for version in versions:
        by_sip.setdefault(version.sip_id, []).append(version)
    return [PlanFact(sip_id, "", None, _version_facts(by_sip[sip_id])) for sip_id in sorted(by_sip)]


def _activity_facts(activities: Iterable[Activity]) -> list[ActivityFact]:
    facts = (
        ActivityFact(
            a.pk,
            a.case_id,
            a.type.code,
            a.partner_id,
            a.partner.kind if a.partner is not None else None,
            a.planned_on,
            a.started_on,
            a.ended_on,
            a.created_at,
        )
        for a in activities
    )
    return sorted(facts, key=lambda a: a.pk)


def _version_facts(versions: Iterable[PlanVersion | SipVersion]) -> tuple[VersionFact, ...]:
    """A plan's (or SIP's) versions, oldest first."""
    return tuple(VersionFact(v.number, v.created_at, v.follow_up_on) for v in sorted(versions, key=lambda v: v.number))
