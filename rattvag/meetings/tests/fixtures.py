"""Fixtures shared by the meetings and plans tests (plans/tests/conftest.py imports them)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from importlib import import_module
from typing import Any

import pytest
from django.utils import timezone

from rattvag.accounts.models import Partner, PartnerKind, Role, User
from rattvag.clients.models import Client
from rattvag.consent.models import Consent, ConsentPurposeGrant
from tests.factories import PartnerFactory, UserFactory

PANELS = ["rattvag.meetings.panels.client_panel", "rattvag.plans.panels.client_panel"]
# Everyone in the world fixture who may not see client_a.
OUTSIDERS = ["caseworker_other_unit", "analyst", "aggregate_viewer", "admin", "partner_officer"]
# Everyone who sees client_a and may write.
WRITERS = ["caseworker", "nurse", "manager"]


@pytest.fixture(autouse=True)
def _rows_made_by_migrations(db: None) -> None:
    """Transactional tests elsewhere flush the rows migrations create; put back the ones needed here."""
    from rattvag.audit.models import AuditChainHead
    from rattvag.plans.models import ActivityType

    AuditChainHead.objects.get_or_create(pk=1)
    seed = import_module("rattvag.plans.migrations.0002_seed_activity_types")
    for code, name_sv, name_en, order in seed.ACTIVITY_TYPES:
        ActivityType.objects.get_or_create(code=code, defaults={"name_sv": name_sv, "name_en": name_en, "order": order})


@pytest.fixture
def panels_wired(monkeypatch: Any) -> None:
    """Our panels on the client page, whether or not the registry lists them yet."""
    from rattvag.clients import panels

    missing = [p for p in PANELS if p not in panels.CLIENT_PANELS]
    if missing:
        monkeypatch.setattr(panels, "CLIENT_PANELS", [*panels.CLIENT_PANELS, *missing])


@pytest.fixture
def care_unit(world: Any) -> Partner:
    return PartnerFactory(code="VC-ANDERSBERG", name="Vårdcentralen Andersberg", kind=PartnerKind.CARE_UNIT)


@pytest.fixture
def af(world: Any) -> Partner:
    return PartnerFactory(code="AF-HALMSTAD", name="Arbetsförmedlingen Halmstad", kind=PartnerKind.AF)


@pytest.fixture
def care_officer(care_unit: Partner) -> User:
    return UserFactory(username="care_officer", role=Role.PARTNER_OFFICER, partner=care_unit)


@pytest.fixture
def make_consent(world: Any) -> Callable[..., Consent]:
    """A valid consent written straight into the database (the consent services are tested elsewhere)."""

    def _make(
        client: Client,
        *,
        partner: Partner | None = None,
        partner_kind: str = "",
        purposes: tuple[str, ...] = ("sip",),
    ) -> Consent:
        day = timezone.localdate()
        consent = Consent.objects.create(
            client=client,
            partner=partner,
            partner_kind=partner_kind,
            form="written",
            given_on=day - datetime.timedelta(days=10),
            valid_until=day + datetime.timedelta(days=300),
            recorded_by=world.caseworker,
        )
        ConsentPurposeGrant.objects.bulk_create(ConsentPurposeGrant(consent=consent, purpose=p) for p in purposes)
        return consent

    return _make


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)
