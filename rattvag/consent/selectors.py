"""Reads of consents, consultations and questions to healthcare, scoped by rattvag.clients.access.

Reads of one client's data go through `read_client` (rattvag.clients.access decides), which
answers 404 for a client the user may not see and writes the audit event; lists write one
`client.listed` event per client shown.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from rattvag.accounts.models import Partner, PartnerKind, Role
from rattvag.audit.services import audit_log
from rattvag.clients.access import ClientAccess, client_access, visible_clients
from rattvag.clients.models import Client
from rattvag.clients.selectors import (
    audit_clients_listed,
    client_ids_with_visible_protected_identity,
    client_with_access,
)

from .checks import USUAL_PARTNER_KINDS, covering_partner, valid_consents
from .models import (
    Consent,
    ConsentPurpose,
    ConsentStatus,
    Consultation,
    ConsultationCase,
    HealthcareQuestion,
    HealthcareRequest,
    HealthcareRequestStatus,
)
from .services import may_work_on_consultation

if TYPE_CHECKING:
    from rattvag.accounts.models import Unit, User

# The purposes the method needs early: the panel says when no valid consent covers them.
NEXT_STEP_PURPOSES: tuple[str, ...] = (
    ConsentPurpose.CONTACT_HEALTHCARE,
    ConsentPurpose.SHARE_FK,
    ConsentPurpose.FK_CONSULTATION,
    ConsentPurpose.SIP,
)


def read_client(
    *, user: User, client_id: int, action: str, obj: Model | None = None, via: str = "web"
) -> tuple[Client, ClientAccess]:
    """The client if the user may see it (else Http404), with the read audited under `action`.

    Like rattvag.clients.selectors.client_get_for, but with the action that says what was read.
    """
    client, access = client_with_access(user=user, client_id=client_id)
    audit_log(
        actor=user,
        action=action,
        client_id=client.pk,
        acting_for=access.acting_for,
        obj=obj if obj is not None else client,
        data={"via": via},
    )
    return client, access


def client_for_action(*, user: User, client_id: int) -> tuple[Client, ClientAccess]:
    """The client for a write, if the user sees it (else Http404). Not audited: the service audits the write."""
    client, access = client_with_access(user=user, client_id=client_id)
    return client, access


def consents_queryset() -> QuerySet[Consent]:
    return Consent.objects.select_related(
        "partner", "case", "recorded_by", "withdrawn_by", "replaced_by"
    ).prefetch_related("purpose_grants")


def consents_visible_in(*, user: User, client: Client, access: ClientAccess) -> QuerySet[Consent]:
    """The client's consents (history included); a partner officer sees those covering their organisation."""
    consents = consents_queryset().filter(client=client)
    if access.is_partner:
        assert user.partner is not None
        consents = consents.filter(covering_partner(user.partner))
    return consents.order_by("-given_on", "-pk")


def client_consents_get_for(
    *, user: User, client_id: int, via: str = "web"
) -> tuple[Client, ClientAccess, list[Consent]]:
    """The client and their consents (audited as a read of the client's consents)."""
    client, access = read_client(user=user, client_id=client_id, action="consent.viewed", via=via)
    if not access.shows("consents"):
        raise Http404
    return client, access, list(consents_visible_in(user=user, client=client, access=access))


def consent_get_for(
    *, user: User, consent_id: int, via: str = "web", action: str = "consent.viewed"
) -> tuple[Consent, ClientAccess]:
    """One consent, if the user sees its client (and, for a partner officer, the consent covers them)."""
    consent = consents_queryset().select_related("client").filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    client, access = read_client(user=user, client_id=consent.client_id, action=action, obj=consent, via=via)
    if (
        access.is_partner
        and not consents_visible_in(user=user, client=client, access=access).filter(pk=consent.pk).exists()
    ):
        raise Http404
    return consent, access


def consent_for_action(*, user: User, consent_id: int) -> tuple[Consent, ClientAccess]:
    """A consent for a write (not audited here: the service audits the write); Http404 if not visible."""
    consent = consents_queryset().select_related("client").filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    client, access = client_for_action(user=user, client_id=consent.client_id)
    if (
        access.is_partner
        and not consents_visible_in(user=user, client=client, access=access).filter(pk=consent.pk).exists()
    ):
        raise Http404
    return consent, access


@dataclass
class ConsentPanel:
    valid: list[Consent] = field(default_factory=list)
    upcoming: list[Consent] = field(default_factory=list)
    ended: list[Consent] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (purpose code, label)
    expiring_soon: list[Consent] = field(default_factory=list)

    @property
    def history(self) -> list[Consent]:
        return [*self.upcoming, *self.ended]


def consent_panel(*, consents: list[Consent], today: datetime.date | None = None) -> ConsentPanel:
    """Sort consents (already read and audited by the caller) into what the panel shows."""
    today = today or timezone.localdate()
    panel = ConsentPanel()
    covered: set[str] = set()
    for consent in consents:
        status = consent.status_on(today)
        if status == ConsentStatus.VALID:
            panel.valid.append(consent)
            covered.update(consent.purposes)
            ends = consent.ends_on()
            if ends is not None and ends <= today + datetime.timedelta(days=30):
                panel.expiring_soon.append(consent)
        elif status == ConsentStatus.NOT_YET_VALID:
            panel.upcoming.append(consent)
        else:
            panel.ended.append(consent)
    panel.missing = [(p, str(ConsentPurpose(p).label)) for p in NEXT_STEP_PURPOSES if p not in covered]
    return panel


def partners_for_choice() -> QuerySet[Partner]:
    return Partner.objects.order_by("kind", "name")


def suggested_partner_kinds(purpose: str) -> tuple[str, ...]:
    return USUAL_PARTNER_KINDS.get(purpose, ())


# --- questions to healthcare ------------------------------------------------------------------


def active_healthcare_questions() -> QuerySet[HealthcareQuestion]:
    return HealthcareQuestion.objects.filter(active=True).order_by("position", "pk")


def care_units() -> QuerySet[Partner]:
    return Partner.objects.filter(kind=PartnerKind.CARE_UNIT).order_by("name")


def _requests_queryset() -> QuerySet[HealthcareRequest]:
    return HealthcareRequest.objects.select_related(
        "care_unit", "consent", "consent__partner", "unit", "created_by"
    ).prefetch_related(Prefetch("consent__purpose_grants"), "items")


def healthcare_requests_of(*, client: Client, access: ClientAccess, user: User) -> QuerySet[HealthcareRequest]:
    """A client's questions to healthcare (read together with the client, so not audited again)."""
    requests = _requests_queryset().filter(client=client)
    if access.is_partner:
        if not access.shows("healthcare_requests"):
            return requests.none()
        requests = requests.filter(care_unit=user.partner).exclude(status=HealthcareRequestStatus.DRAFT)
    return requests.order_by("-created_at", "-pk")


def healthcare_requests_with_care_unit(*, client: Client, access: ClientAccess, user: User) -> list[HealthcareRequest]:
    """`healthcare_requests_of` (newest first, drafts included for staff) read with the care unit only: what the
    client page shows of a question and asks of it. Not audited: the client page logs what it shows."""
    requests = healthcare_requests_of(client=client, access=access, user=user)
    return list(requests.select_related(None).select_related("care_unit").prefetch_related(None))


def healthcare_request_get_for(
    *, user: User, request_id: int, via: str = "web", action: str = "healthcare_request.viewed"
) -> tuple[HealthcareRequest, ClientAccess]:
    """One request to healthcare; `action` "client.printed" for the PDF."""
    request = _requests_queryset().select_related("client").filter(pk=request_id).first()
    if request is None:
        raise Http404
    client, access = read_client(user=user, client_id=request.client_id, action=action, obj=request, via=via)
    if (
        access.is_partner
        and not healthcare_requests_of(client=client, access=access, user=user).filter(pk=request.pk).exists()
    ):
        raise Http404
    return request, access


def healthcare_requests_unanswered(user: User, today: datetime.date | None = None) -> QuerySet[HealthcareRequest]:
    """Sent questions past their reminder date, for clients the user sees (the worklist reads this)."""
    today = today or timezone.localdate()
    if user.role == Role.PARTNER_OFFICER:
        return HealthcareRequest.objects.none()
    return (
        _requests_queryset()
        .select_related("client")
        .filter(
            status=HealthcareRequestStatus.SENT,
            remind_on__lte=today,
            client__in=visible_clients(user).values("pk"),
        )
        .order_by("remind_on", "pk")
    )


def consents_expiring(user: User, today: datetime.date | None = None, within_days: int = 14) -> QuerySet[Consent]:
    """Valid consents of the clients a staff member sees that end within `within_days` (for the worklist)."""
    today = today or timezone.localdate()
    if user.role == Role.PARTNER_OFFICER:
        return Consent.objects.none()
    return (
        valid_consents(today)
        .filter(
            client__in=visible_clients(user).values("pk"),
            until_case_closes=False,
            valid_until__lte=today + datetime.timedelta(days=within_days),
        )
        .select_related("partner", "client")
        .prefetch_related("purpose_grants")
        .order_by("valid_until", "pk")
    )


# --- the partner officer's start page ----------------------------------------------------------


@dataclass
class SharedClient:
    client: Client
    purposes: list[str]
    until: datetime.date | None

    @property
    def purpose_labels(self) -> list[str]:
        return [str(ConsentPurpose(code).label) for code in self.purposes]


def partner_shared_clients(*, user: User) -> list[SharedClient]:
    """The clients currently shared with the officer's organisation, with what covers them (audited)."""
    if user.role != Role.PARTNER_OFFICER or user.partner is None:
        return []
    partner = user.partner
    clients = list(visible_clients(user).order_by("last_name", "first_name", "pk"))
    consents = (
        valid_consents()
        .filter(covering_partner(partner), client__in=[c.pk for c in clients])
        .select_related("case")
        .prefetch_related("purpose_grants")
    )
    by_client: dict[int, list[Consent]] = {}
    for consent in consents:
        by_client.setdefault(consent.client_id, []).append(consent)
    shared = []
    for client in clients:
        own = by_client.get(client.pk, [])
        purposes = sorted({p for c in own for p in c.purposes}, key=ConsentPurpose.values.index)
        ends = [c.ends_on() for c in own]
        until = None if any(e is None for e in ends) or not ends else max(e for e in ends if e is not None)
        shared.append(SharedClient(client=client, purposes=purposes, until=until))
    audit_clients_listed(user=user, clients=clients)
    return shared


def partner_open_questions(*, user: User) -> list[HealthcareRequest]:
    """For a care unit's officer: questions sent to their unit, not yet answered, for clients they see."""
    if user.role != Role.PARTNER_OFFICER or user.partner is None or user.partner.kind != PartnerKind.CARE_UNIT:
        return []
    requests = list(
        _requests_queryset()
        .select_related("client")
        .filter(
            care_unit=user.partner,
            status=HealthcareRequestStatus.SENT,
            client__in=visible_clients(user).values("pk"),
        )
        .order_by("sent_on", "pk")
    )
    audit_clients_listed(user=user, clients=[r.client for r in requests])
    return requests


# --- case consultations -------------------------------------------------------------------------


def consultations_for(user: User) -> QuerySet[Consultation]:
    """Consultations of the user's units, or (an FK officer) those they hold."""
    if not user.is_authenticated or not user.is_active:
        return Consultation.objects.none()
    base = Consultation.objects.select_related("unit", "fk_officer")
    if user.role == Role.PARTNER_OFFICER:
        return base.filter(fk_officer=user)
    if user.role in {Role.CASEWORKER, Role.UNIT_MANAGER, Role.NURSE}:
        return base.filter(unit__in=user.units.all())
    return Consultation.objects.none()


def upcoming_consultations(*, user: User, today: datetime.date | None = None) -> list[Consultation]:
    today = today or timezone.localdate()
    return list(consultations_for(user).filter(held_on__gte=today).order_by("held_on", "pk")[:10])


@dataclass
class ConsultationItemView:
    item: ConsultationCase
    client: Client | None  # shown only while the user still sees the client
    shows_identity: bool = False  # the name of a client with protected identity, for those who may see it


def consultation_get_for(*, user: User, consultation_id: int) -> tuple[Consultation, list[ConsultationItemView]]:
    """A consultation with its cases; identified clients are shown only to users who see them (audited).

    Who sees which client is asked once for all the cases (the same rules as `client_access`)."""
    consultation = consultations_for(user).filter(pk=consultation_id).first()
    if consultation is None or not may_work_on_consultation(user, consultation):
        raise Http404
    items = list(consultation.cases.select_related("client", "consent", "consent__partner").order_by("pk"))
    client_ids = {item.client_id for item in items if item.client_id is not None}
    visible = set(visible_clients(user).filter(pk__in=client_ids).values_list("pk", flat=True)) if client_ids else set()
    protected = {item.client.pk for item in items if item.client is not None and item.client.protected_identity}
    sees = client_ids_with_visible_protected_identity(user=user, client_ids=protected & visible)
    views = []
    shown: dict[int, Client] = {}
    for item in items:
        client = item.client if item.client_id in visible else None
        if client is not None:
            shown[client.pk] = client
        views.append(
            ConsultationItemView(
                item=item,
                client=client,
                shows_identity=client is not None and (not client.protected_identity or client.pk in sees),
            )
        )
    audit_log(actor=user, action="consultation.viewed", obj=consultation, data={"cases": len(items)})
    if shown:
        audit_clients_listed(user=user, clients=list(shown.values()))
    return consultation, views


def consultation_item_get_for(*, user: User, consultation_id: int, item_id: int) -> ConsultationCase:
    consultation = consultations_for(user).filter(pk=consultation_id).first()
    item = None
    if consultation is not None:
        item = consultation.cases.select_related("client", "consultation").filter(pk=item_id).first()
    if item is None or not may_work_on_consultation(user, item.consultation):
        raise Http404
    access = client_access(user, item.client) if item.client is not None else None
    if item.client is not None and access is None:
        raise Http404
    audit_log(
        actor=user,
        action="consultation.viewed",
        client_id=item.client_id,
        acting_for=access.acting_for if access is not None else None,
        obj=item,
        data={"consultation_id": item.consultation_id},
    )
    return item


def audit_consultation_choices(*, user: User, clients: list[Client]) -> None:
    """The clients offered by name when raising a case are shown: one `client.listed` event each."""
    if clients:
        audit_clients_listed(user=user, clients=clients)


@dataclass
class ConsultationCounts:
    start: datetime.date
    end: datetime.date
    consultations: int
    discussions: int
    unique_cases: int
    identified_cases: int
    pseudonymous_cases: int
    outcomes: list[tuple[str, int]]  # (outcome label, number of identified clients), closed cases only
    open_identified: int


def consultation_counts(*, user: User, start: datetime.date, end: datetime.date) -> ConsultationCounts:
    """Figures for a period: discussions, unique cases and the later outcomes of identified cases.

    Unique cases: each identified client once; pseudonymous cases once per pseudonym key, and
    each pseudonymous case without a key once.
    """
    from rattvag.clients.models import Case, Outcome

    consultations = consultations_for(user).filter(held_on__gte=start, held_on__lte=end)
    items = list(
        ConsultationCase.objects.filter(consultation__in=consultations.values("pk")).values_list(
            "client_id", "pseudonym_key", "consultation__unit_id"
        )
    )
    client_ids = {client_id for client_id, _key, _unit in items if client_id is not None}
    keys = {(unit_id, key) for client_id, key, unit_id in items if client_id is None and key}
    unkeyed = sum(1 for client_id, key, _unit in items if client_id is None and not key)
    unit_ids = {unit_id for _c, _k, unit_id in items}
    outcome_counter: Counter[str] = Counter()
    open_identified = 0
    latest: dict[int, tuple[datetime.date, str]] = {}
    for client_id, status, closed_on, outcome in Case.objects.filter(
        client_id__in=client_ids, unit_id__in=unit_ids
    ).values_list("client_id", "status", "closed_on", "outcome"):
        if status == "open" or closed_on is None:
            latest[client_id] = (datetime.date.max, "")
        elif latest.get(client_id, (datetime.date.min, ""))[0] < closed_on:
            latest[client_id] = (closed_on, outcome)
    for _day, outcome in latest.values():
        if outcome:
            outcome_counter[outcome] += 1
        else:
            open_identified += 1
    return ConsultationCounts(
        start=start,
        end=end,
        consultations=consultations.count(),
        discussions=len(items),
        unique_cases=len(client_ids) + len(keys) + unkeyed,
        identified_cases=len(client_ids),
        pseudonymous_cases=len(keys) + unkeyed,
        outcomes=[(str(Outcome(code).label), n) for code, n in sorted(outcome_counter.items())],
        open_identified=open_identified,
    )


def fk_officers() -> QuerySet[User]:
    from rattvag.accounts.models import User

    return (
        User.objects.filter(role=Role.PARTNER_OFFICER, partner__kind=PartnerKind.FK, is_active=True)
        .select_related("partner")
        .order_by("last_name", "first_name", "username")
    )


def unit_staff(units: QuerySet[Unit]) -> QuerySet[User]:
    from rattvag.accounts.models import User

    return (
        User.objects.filter(units__in=units, role__in=[Role.CASEWORKER, Role.UNIT_MANAGER, Role.NURSE], is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def clients_with_consultation_consent(*, user: User, partner: Partner | None, on: datetime.date) -> QuerySet[Client]:
    """Clients the user sees whose consent covers case consultation with this FK office on the day."""
    if partner is None:
        return Client.objects.none()
    return (
        visible_clients(user)
        .filter(
            pk__in=valid_consents(on)
            .filter(covering_partner(partner), purpose_grants__purpose=ConsentPurpose.FK_CONSULTATION)
            .values("client_id")
        )
        .order_by("last_name", "first_name", "pk")
    )
