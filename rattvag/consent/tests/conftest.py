"""Fixtures for the consent tests: partners of every kind, consents in every state, private files in tmp."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from rattvag.accounts.models import Partner, PartnerKind, Role, User
from rattvag.clients.models import Client
from rattvag.consent.models import Consent, ConsentPurposeGrant
from tests.factories import PartnerFactory, UserFactory


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _rows_made_by_migrations(db: None) -> None:
    """Transactional tests elsewhere flush the rows migrations create; put back the ones needed here."""
    from importlib import import_module

    from rattvag.audit.models import AuditChainHead
    from rattvag.consent.models import HealthcareQuestion

    AuditChainHead.objects.get_or_create(pk=1)
    seed = import_module("rattvag.consent.migrations.0002_seed_healthcare_questions")
    for position, (code, text_sv, text_en) in enumerate(seed.QUESTIONS, start=1):
        HealthcareQuestion.objects.get_or_create(
            code=code, defaults={"text_sv": text_sv, "text_en": text_en, "position": position * 10}
        )


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def partners(world: Any) -> dict[str, Partner]:
    """One partner organisation of each kind; FK is the world's FK office."""
    return {
        PartnerKind.FK: world.fk,
        PartnerKind.CARE_UNIT: PartnerFactory(code="VC-ANDERSBERG", name="Vårdcentralen Andersberg", kind="care_unit"),
        PartnerKind.AF: PartnerFactory(code="AF-HALMSTAD", name="Arbetsförmedlingen Halmstad", kind="af"),
        PartnerKind.AME: PartnerFactory(code="AME-HALMSTAD", name="AME Halmstad", kind="ame"),
        PartnerKind.OTHER: PartnerFactory(code="OTHER-1", name="Samordningsförbundet Halland", kind="other"),
    }


@pytest.fixture
def officers(partners: dict[str, Partner]) -> dict[str, User]:
    """A partner officer of each kind (the FK one is the world's partner_officer's colleague)."""
    return {
        kind: UserFactory(username=f"officer_{kind}", role=Role.PARTNER_OFFICER, partner=partner)
        for kind, partner in partners.items()
    }


@pytest.fixture
def make_consent(world: Any) -> Callable[..., Consent]:
    """Write a consent straight into the database in any state (the services are tested on their own)."""

    def _make(
        client: Client,
        *,
        partner: Partner | None = None,
        partner_kind: str = "",
        purposes: tuple[str, ...] = ("share_fk",),
        given_on: datetime.date | None = None,
        valid_until: datetime.date | None = None,
        withdrawn_on: datetime.date | None = None,
        until_case_closes: bool = False,
        case: Any = None,
    ) -> Consent:
        day = timezone.localdate()
        given_on = given_on or day - datetime.timedelta(days=10)
        consent = Consent.objects.create(
            client=client,
            partner=partner,
            partner_kind=partner_kind,
            form="written",
            given_on=given_on,
            valid_until=None if until_case_closes else (valid_until or day + datetime.timedelta(days=300)),
            until_case_closes=until_case_closes,
            case=case,
            recorded_by=world.caseworker,
            withdrawn_on=withdrawn_on,
            withdrawn_how="oral" if withdrawn_on else "",
        )
        ConsentPurposeGrant.objects.bulk_create(ConsentPurposeGrant(consent=consent, purpose=p) for p in purposes)
        return consent

    return _make


CONSENT_PANEL = "rattvag.consent.panels.client_panel"


@pytest.fixture
def consent_panel_wired(monkeypatch: Any) -> None:
    """The consent panel on the client page, whether or not the registry lists it yet."""
    from rattvag.clients import panels

    if CONSENT_PANEL not in panels.CLIENT_PANELS:
        monkeypatch.setattr(panels, "CLIENT_PANELS", [*panels.CLIENT_PANELS, CONSENT_PANEL])
