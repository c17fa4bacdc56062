"""Who may see which client: decided here, and only here.

- caseworkers and unit managers: clients with a case in one of their units;
- nurses: clients of the cases they are assigned to;
- any unit staff: clients they hold temporary access to (break-the-glass) for today;
- partner officers: the clients whose valid consent covers their organisation (or its kind)
  with a purpose that opens the client to that kind of partner (rattvag.consent.checks), and
  only the parts of the record those purposes cover (`ClientAccess.shows`);
- analysts, aggregate viewers and administrators: no individual clients.
Anything a user may not see is answered with 404 by the callers, never 403.
Nothing here is cached: a withdrawn or expired consent closes the client on the next request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import Combinable
from django.utils import timezone

from rattvag.accounts.models import Role
from rattvag.audit.services import ActingFor

from .models import AccessGrant, Case, Client

if TYPE_CHECKING:
    from rattvag.accounts.models import User
    from rattvag.consent.models import Consent


UNIT_ROLES = frozenset({Role.CASEWORKER, Role.UNIT_MANAGER})


def _active_grants(user: User) -> QuerySet[AccessGrant]:
    return AccessGrant.objects.filter(user=user, expires_at__gt=timezone.now())


def _regular_case_filter(user: User) -> Q | None:
    """The cases a user reaches through their own work (no temporary access)."""
    if user.role in UNIT_ROLES:
        return Q(unit__in=user.units.all())
    if user.role == Role.NURSE:
        return Q(nurses=user)
    return None


def _is_partner_officer(user: User) -> bool:
    return user.role == Role.PARTNER_OFFICER and user.partner_id is not None


def _partner_access_consents(user: User) -> QuerySet[Consent]:
    # Imported here: the consent app builds on the clients app, not the other way round.
    from rattvag.consent.checks import partner_access_consents

    assert user.partner is not None
    return partner_access_consents(user.partner)


def may_take_temporary_access(user: User) -> bool:
    return user.is_active and user.role in {Role.CASEWORKER, Role.UNIT_MANAGER, Role.NURSE}


def visible_clients(user: User) -> QuerySet[Client]:
    """Every client the user may see, as one query."""
    if not user.is_authenticated or not user.is_active:
        return Client.objects.none()
    conditions: Q | Combinable = Q(pk__in=[])
    case_filter = _regular_case_filter(user)
    if case_filter is not None:
        conditions |= Exists(Case.objects.filter(case_filter, client=OuterRef("pk")))
    if may_take_temporary_access(user):
        conditions |= Exists(_active_grants(user).filter(client=OuterRef("pk")))
    if _is_partner_officer(user):
        conditions |= Exists(_partner_access_consents(user).filter(client=OuterRef("pk")))
    return Client.objects.filter(conditions)


# The parts of a client's record a partner officer may see, and the consent purposes that open
# each part. A part not named here (economic-assistance notes, the audit log, …) is never shown
# to partners. Staff see every part their access gives them.
PARTNER_SECTIONS: dict[str, frozenset[str]] = {
    "consents": frozenset(
        {
            "contact_healthcare",
            "obtain_journal",
            "share_fk",
            "share_af_ame",
            "sip",
            "work_capacity_assessment",
            "fk_consultation",
        }
    ),
    "contact_details": frozenset({"share_fk", "share_af_ame", "sip", "work_capacity_assessment"}),
    "certificates": frozenset({"share_fk", "obtain_journal", "work_capacity_assessment"}),
    "plans": frozenset({"share_fk", "share_af_ame", "sip", "work_capacity_assessment"}),
    "meetings": frozenset({"share_fk", "share_af_ame", "sip", "work_capacity_assessment", "fk_consultation"}),
    "healthcare_requests": frozenset({"contact_healthcare", "obtain_journal"}),
    "consultations": frozenset({"fk_consultation"}),
}


@dataclass(frozen=True)
class ClientAccess:
    """How a user reaches one client; feeds the audit event and what the page may show.

    `partner_purposes` is empty for staff; for a partner officer it holds the consent purposes
    that currently cover their organisation for this client.
    """

    acting_for: ActingFor
    sees_protected_identity: bool
    partner_purposes: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_partner(self) -> bool:
        return self.acting_for.partner is not None

    def shows(self, section: str) -> bool:
        """May this part of the record be shown? Always for staff; for partners only under consent."""
        if not self.is_partner:
            return True
        return bool(self.partner_purposes & PARTNER_SECTIONS.get(section, frozenset()))


def client_access(user: User, client: Client) -> ClientAccess | None:
    """None when the user may not see the client at all."""
    if not user.is_authenticated or not user.is_active:
        return None
    case_filter = _regular_case_filter(user)
    if case_filter is not None:
        case = client.cases.filter(case_filter).select_related("unit").order_by("-opened_on", "-pk").first()
        if case is not None:
            sees_protected = user.role == Role.UNIT_MANAGER or case.responsible_id == user.pk
            return ClientAccess(ActingFor(unit=case.unit), sees_protected_identity=sees_protected)
    if may_take_temporary_access(user) and _active_grants(user).filter(client=client).exists():
        return ClientAccess(
            ActingFor(unit=user.units.order_by("pk").first(), break_glass=True, outside_units=True),
            sees_protected_identity=False,
        )
    if _is_partner_officer(user):
        from rattvag.consent.checks import partner_purposes_for

        assert user.partner is not None
        purposes = partner_purposes_for(partner=user.partner, client=client)
        if purposes:
            return ClientAccess(
                ActingFor(partner=user.partner), sees_protected_identity=False, partner_purposes=purposes
            )
    return None


def may_see_protected_identity(user: User, client: Client) -> bool:
    access = client_access(user, client)
    return access is not None and access.sees_protected_identity
