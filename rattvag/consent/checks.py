"""The one consent check, used everywhere something is contacted, requested, shared or exported.

- `valid_consents(on)`: the consents in force on a day. Expired, withdrawn, replaced and
  not-yet-given consents are all simply "not valid": they behave the same.
- `consent_covers(...)` / `require_consent(...)`: does a valid consent cover this partner
  organisation and this purpose on this day? `require_consent` raises `ConsentMissing`
  (a `PermissionRefused`) whose message names the missing consent.
- `partner_access_consents(partner, on)`: the consents that open clients to a partner
  organisation's officers (used by rattvag.clients.access).

Nothing is cached: every call asks the database, so a withdrawal takes effect at once.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rattvag.accounts.models import PartnerKind
from rattvag.core.errors import PermissionRefused

from .models import Consent, ConsentPurpose, ConsentPurposeGrant

if TYPE_CHECKING:
    from rattvag.accounts.models import Partner
    from rattvag.clients.models import Client

P = ConsentPurpose

# The purposes that let a partner organisation's officers see the client, by kind of partner.
# A SIP involves every agency, so it opens the client to any partner the consent names.
PURPOSES_OPENING_ACCESS: dict[str, frozenset[str]] = {
    PartnerKind.FK: frozenset({P.SHARE_FK, P.FK_CONSULTATION, P.SIP}),
    PartnerKind.CARE_UNIT: frozenset({P.CONTACT_HEALTHCARE, P.OBTAIN_JOURNAL, P.SIP}),
    PartnerKind.AF: frozenset({P.SHARE_AF_AME, P.WORK_CAPACITY_ASSESSMENT, P.SIP}),
    PartnerKind.AME: frozenset({P.SHARE_AF_AME, P.WORK_CAPACITY_ASSESSMENT, P.SIP}),
    PartnerKind.OTHER: frozenset({P.SIP}),
}

# The kind of partner each purpose is normally given for (used to suggest consents).
USUAL_PARTNER_KINDS: dict[str, tuple[str, ...]] = {
    P.CONTACT_HEALTHCARE: (PartnerKind.CARE_UNIT,),
    P.OBTAIN_JOURNAL: (PartnerKind.CARE_UNIT,),
    P.SHARE_FK: (PartnerKind.FK,),
    P.FK_CONSULTATION: (PartnerKind.FK,),
    P.SHARE_AF_AME: (PartnerKind.AF, PartnerKind.AME),
    P.WORK_CAPACITY_ASSESSMENT: (PartnerKind.AF, PartnerKind.AME),
    P.SIP: (PartnerKind.FK, PartnerKind.CARE_UNIT, PartnerKind.AF, PartnerKind.AME, PartnerKind.OTHER),
}


class ConsentMissing(PermissionRefused):
    """No valid consent covers the partner and purpose. Carries what is missing, to offer recording it."""

    def __init__(self, message: str, *, client_id: int, partner_id: int | None, purpose: str) -> None:
        super().__init__(message)
        self.client_id = client_id
        self.partner_id = partner_id
        self.purpose = purpose


def valid_consents(on: datetime.date | None = None) -> QuerySet[Consent]:
    """Consents in force on the day `on` (today by default)."""
    day = on or timezone.localdate()
    return Consent.objects.filter(
        Q(given_on__lte=day),
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day),
        Q(until_case_closes=False, valid_until__gte=day)
        | Q(until_case_closes=True) & (Q(case__closed_on__isnull=True) | Q(case__closed_on__gt=day)),
    )


def covering_partner(partner: Partner) -> Q:
    """Consents naming this organisation, or every organisation of its kind."""
    return Q(partner=partner) | Q(partner__isnull=True, partner_kind=partner.kind)


def covering_consents(
    *, client: Client, partner: Partner, purpose: str, on: datetime.date | None = None
) -> QuerySet[Consent]:
    if purpose not in ConsentPurpose.values:
        raise ValueError(f"Unknown consent purpose {purpose!r}")
    return (
        valid_consents(on)
        .filter(covering_partner(partner), client=client, purpose_grants__purpose=purpose)
        .order_by("-given_on", "-pk")
    )


def consent_covers(*, client: Client, partner: Partner, purpose: str, on: datetime.date | None = None) -> bool:
    return covering_consents(client=client, partner=partner, purpose=purpose, on=on).exists()


def missing_consent_message(*, partner: Partner, purpose: str) -> str:
    return _(
        "Consent missing: the client has no valid consent to “%(purpose)s” for %(partner)s. "
        "Record the client's consent first."
    ) % {"purpose": ConsentPurpose(purpose).label, "partner": partner.name}


def require_consent(*, client: Client, partner: Partner, purpose: str, on: datetime.date | None = None) -> Consent:
    """The consent that covers the action (the most recently given), or ConsentMissing."""
    consent = covering_consents(client=client, partner=partner, purpose=purpose, on=on).first()
    if consent is None:
        raise ConsentMissing(
            missing_consent_message(partner=partner, purpose=purpose),
            client_id=client.pk,
            partner_id=partner.pk,
            purpose=purpose,
        )
    return consent


def partner_access_consents(partner: Partner, on: datetime.date | None = None) -> QuerySet[Consent]:
    """Valid consents that open a client to this partner organisation's officers."""
    opening = PURPOSES_OPENING_ACCESS.get(partner.kind, frozenset())
    return valid_consents(on).filter(covering_partner(partner), purpose_grants__purpose__in=opening)


def partner_purposes_for(*, partner: Partner, client: Client, on: datetime.date | None = None) -> frozenset[str]:
    """The purposes that currently cover this partner organisation for this client (opening ones only)."""
    opening = PURPOSES_OPENING_ACCESS.get(partner.kind, frozenset())
    consents = valid_consents(on).filter(covering_partner(partner), client=client)
    return frozenset(
        ConsentPurposeGrant.objects.filter(consent__in=consents.values("pk"), purpose__in=opening).values_list(
            "purpose", flat=True
        )
    )
