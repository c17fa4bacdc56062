"""Everything the rules need about many cases, loaded in a fixed number of queries.

`load_case_facts(cases)` takes a queryset of cases and runs one query per kind of fact, each
filtered by a subquery on those cases — never one query per case — so the worklist costs the
same number of queries for 3 cases as for 3,000. The rules then work in Python on the result.

Which facts belong to a case: certificates, SGI statuses, consents and questions to healthcare
are the client's (a sick-leave spell or a consent is about the person, not the case); open plans
and SIPs are the client's too (at most one open of each per client). Meetings and activities
belong to the case when recorded for it, or recorded without a case (case empty).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar

from django.db.models import ManyToOneRel, Model, QuerySet
from django.utils import timezone

from rattvag.certificates.models import Certificate, CertificatePeriod, SgiStatus, UnitCertificateSettings
from rattvag.certificates.spells import DEFAULT_MAX_GAP, SickLeave, sick_leave_as_of
from rattvag.consent.models import Consent, ConsentPurposeGrant, HealthcareRequest, HealthcareRequestStatus
from rattvag.meetings.models import AgreedAction, Meeting, MeetingStatus, Sip, SipVersion
from rattvag.plans.models import Activity, Plan, PlanKind, PlanVersion

if TYPE_CHECKING:
    from rattvag.clients.models import Case


@dataclass
class CaseFacts:
    case: Case
    max_gap: int = DEFAULT_MAX_GAP
    certificates: list[Certificate] = field(default_factory=list)
    sgi: SgiStatus | None = None  # the newest SGI status
    consents: list[Consent] = field(default_factory=list)
    healthcare_requests: list[HealthcareRequest] = field(default_factory=list)  # sent or answered, never drafts
    meetings: list[Meeting] = field(default_factory=list)
    agreed_actions: list[AgreedAction] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)  # open plans, with their versions (oldest first)
    sips: list[Sip] = field(default_factory=list)  # open SIPs, with their versions (oldest first)
    activities: list[Activity] = field(default_factory=list)
    _sick_leave: dict[datetime.date, SickLeave] = field(default_factory=dict, repr=False)

    def sick_leave(self, today: datetime.date) -> SickLeave:
        if today not in self._sick_leave:
            spans = [c.as_span() for c in self.certificates]
            self._sick_leave[today] = sick_leave_as_of(spans, today, self.max_gap)
        return self._sick_leave[today]

    def open_plan(self, kind: str) -> Plan | None:
        """The open plan of this kind that has at least one version (a plan exists from its first version)."""
        return next((p for p in self.plans if p.kind == kind and p.versions.all()), None)

    @property
    def active_plan(self) -> Plan | None:
        return self.open_plan(PlanKind.ACTIVE)

    @property
    def contact_plan(self) -> Plan | None:
        return self.open_plan(PlanKind.CONTACT)

    @property
    def sip(self) -> Sip | None:
        return next((s for s in self.sips if s.versions.all()), None)

    def held_meetings(self, kind: str) -> list[Meeting]:
        return sorted(
            (m for m in self.meetings if m.kind == kind and m.status == MeetingStatus.HELD), key=lambda m: m.starts_at
        )

    def booked_meetings(self, kind: str) -> list[Meeting]:
        return sorted(
            (m for m in self.meetings if m.kind == kind and m.status == MeetingStatus.PLANNED),
            key=lambda m: m.starts_at,
        )

    def activities_of_type(self, code: str) -> list[Activity]:
        return [a for a in self.activities if a.type.code == code]


def _versions(obj: Plan | Sip) -> list[PlanVersion] | list[SipVersion]:
    """The versions, oldest first (prefetched in that order by load_case_facts)."""
    if isinstance(obj, Plan):
        return list(obj.versions.all())
    return list(obj.versions.all())


def first_version(obj: Plan | Sip) -> PlanVersion | SipVersion | None:
    versions = _versions(obj)
    return versions[0] if versions else None


def current_version(obj: Plan | Sip) -> PlanVersion | SipVersion | None:
    versions = _versions(obj)
    return versions[-1] if versions else None


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


class _OfClient(Protocol):
    client_id: int


Row = TypeVar("Row", bound=_OfClient)


def by_client(rows: Iterable[Row]) -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row.client_id, []).append(row)
    return grouped


def _belongs_to_case(case: Case, fact_case_id: int | None) -> bool:
    return fact_case_id is None or fact_case_id == case.pk


def attach(parents: Iterable[Model], relation: str, children: Iterable[Model]) -> None:
    """Give each parent its children, read in one query, where `parent.<relation>.all()` finds them.

    What `prefetch_related` does, without building a queryset for every parent (that costs more than reading
    the rows when the worklist of a whole unit loads tens of thousands of them). The children are kept as a
    list in Django's prefetch cache: `.all()` and iterating work; anything else on the relation would query
    (the rules only iterate)."""
    parents = list(parents)
    if not parents:
        return
    relation_field = parents[0]._meta.get_field(relation)
    if not isinstance(relation_field, ManyToOneRel):
        raise TypeError(f"{relation!r} is not the reverse side of a foreign key")
    field = relation_field.field  # the foreign key on the child
    cache_name = field.remote_field.cache_name
    grouped: dict[object, list[Model]] = {}
    for child in children:
        grouped.setdefault(getattr(child, field.attname), []).append(child)
    for parent in parents:
        rows = grouped.get(parent.pk, [])
        for child in rows:
            field.set_cached_value(child, parent)
        if not hasattr(parent, "_prefetched_objects_cache"):
            parent._prefetched_objects_cache = {}  # type: ignore[attr-defined]
        parent._prefetched_objects_cache[cache_name] = rows  # type: ignore[attr-defined]


def load_case_facts(cases: QuerySet[Case]) -> dict[int, CaseFacts]:
    """Facts for every case in the queryset, by case id: one query per kind of fact (at most fifteen), whatever
    the number of cases."""
    case_list = list(cases.select_related("client", "unit", "responsible"))
    if not case_list:
        return {}
    client_ids = cases.values("client_id")
    unit_ids = cases.values("unit_id")

    max_gaps = dict(UnitCertificateSettings.objects.filter(unit_id__in=unit_ids).values_list("unit_id", "max_gap"))
    certificates = list(
        Certificate.objects.filter(client_id__in=client_ids)
        .only("pk", "client_id", "case_id", "issued_on", "received_on")
        .order_by("received_on", "pk")
    )
    attach(
        certificates,
        "periods",
        CertificatePeriod.objects.filter(certificate__client_id__in=client_ids).order_by("start", "pk"),
    )
    sgi_rows = SgiStatus.objects.filter(client_id__in=client_ids).order_by("client_id", "-recorded_on", "-pk")
    consents = list(Consent.objects.filter(client_id__in=client_ids).select_related("case").order_by("given_on", "pk"))
    attach(consents, "purpose_grants", ConsentPurposeGrant.objects.filter(consent__client_id__in=client_ids))
    requests = list(
        HealthcareRequest.objects.filter(client_id__in=client_ids)
        .exclude(status=HealthcareRequestStatus.DRAFT)
        .select_related("care_unit")
        .only(
            "pk",
            "client_id",
            "care_unit__id",
            "care_unit__kind",
            "consent_id",
            "status",
            "sent_on",
            "remind_on",
            "answered_on",
        )
        .order_by("sent_on", "pk")
    )
    meetings = list(
        Meeting.objects.filter(client_id__in=client_ids)
        .only("pk", "client_id", "case_id", "kind", "status", "starts_at")
        .order_by("starts_at", "pk")
    )
    actions = list(
        AgreedAction.objects.filter(meeting__client_id__in=client_ids)
        .select_related("meeting")
        .only(
            "pk",
            "responsible_kind",
            "responsible_partner_id",
            "due_on",
            "done_on",
            "meeting__id",
            "meeting__client_id",
            "meeting__case_id",
            "meeting__status",
            "meeting__starts_at",
        )
        .order_by("meeting__starts_at", "pk")
    )
    plans = list(Plan.objects.filter(client_id__in=client_ids, ended_on__isnull=True).order_by("pk"))
    attach(
        plans,
        "versions",
        PlanVersion.objects.filter(plan__client_id__in=client_ids, plan__ended_on__isnull=True).order_by("number"),
    )
    sips = list(Sip.objects.filter(client_id__in=client_ids, ended_on__isnull=True).order_by("pk"))
    attach(
        sips,
        "versions",
        SipVersion.objects.filter(sip__client_id__in=client_ids, sip__ended_on__isnull=True)
        .only("id", "sip_id", "number", "created_at", "follow_up_on")
        .order_by("number"),
    )
    activities = list(
        Activity.objects.filter(client_id__in=client_ids).select_related("type", "partner").order_by("pk")
    )

    certificates_of = by_client(certificates)
    consents_of = by_client(consents)
    requests_of = by_client(requests)
    meetings_of = by_client(meetings)
    plans_of = by_client(plans)
    sips_of = by_client(sips)
    activities_of = by_client(activities)
    actions_of: dict[int, list[AgreedAction]] = {}
    for action in actions:
        actions_of.setdefault(action.meeting.client_id, []).append(action)
    sgi_of: dict[int, SgiStatus] = {}
    for row in sgi_rows:
        sgi_of.setdefault(row.client_id, row)

    facts = {}
    for case in case_list:
        cid = case.client_id
        facts[case.pk] = CaseFacts(
            case=case,
            max_gap=max_gaps.get(case.unit_id, DEFAULT_MAX_GAP),
            certificates=certificates_of.get(cid, []),
            sgi=sgi_of.get(cid),
            consents=consents_of.get(cid, []),
            healthcare_requests=requests_of.get(cid, []),
            meetings=[m for m in meetings_of.get(cid, []) if _belongs_to_case(case, m.case_id)],
            agreed_actions=[a for a in actions_of.get(cid, []) if _belongs_to_case(case, a.meeting.case_id)],
            plans=plans_of.get(cid, []),
            sips=sips_of.get(cid, []),
            activities=[a for a in activities_of.get(cid, []) if _belongs_to_case(case, a.case_id)],
        )
    return facts
