"""Consents in the API: record, list and withdraw.

A client the caller cannot see answers 404; staff who see the client but are refused (for
example a partner officer trying to record) get 403 with the reason. Partner officers list only
the consents that cover their organisation. Every read and write is audited by the selectors
and services.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status

from rattvag.accounts.models import Partner, PartnerKind
from rattvag.api.auth import request_user
from rattvag.api.errors import error_responses
from rattvag.api.schemas import MAX_ID, Text
from rattvag.core.concurrency import MAX_VERSION

from . import selectors, services
from .models import Consent, ConsentForm, ConsentPurpose, ConsentStatus, WithdrawalForm

router = Router(tags=["consents"])

ClientId = Path(..., ge=1, le=MAX_ID)


class ConsentIn(Schema):
    partner: Text | None = Field(None, description="Code of the partner organisation.")
    partner_kind: PartnerKind | None = Field(
        None, description="Instead of `partner`: every partner organisation of this kind."
    )
    purposes: list[ConsentPurpose] = Field(..., min_length=1, max_length=len(ConsentPurpose.values))
    form: ConsentForm = Field(description="How the consent was given.")
    witnessed_by: Text = Field("", max_length=200, description="Required for an oral consent.")
    given_on: datetime.date | None = Field(None, description="Today when left out.")
    valid_until: datetime.date | None = Field(None, description="One year when left out.")
    until_case_closes: bool = Field(False, description="Valid while the client's open case stays open.")


class WithdrawIn(Schema):
    withdrawn_on: datetime.date | None = Field(None, description="Today when left out.")
    how: Literal["written", "oral"] = WithdrawalForm.ORAL  # type: ignore[assignment]
    version: int | None = Field(
        None,
        ge=1,
        le=MAX_VERSION,
        description="The consent's `version` as you read it: 409 when it changed since. Recommended.",
    )


class ConsentOut(Schema):
    id: int
    client_id: int
    partner: str | None = Field(description="Code of the partner organisation, or null for a kind.")
    partner_kind: PartnerKind | None
    purposes: list[ConsentPurpose]
    form: ConsentForm
    witnessed_by: str
    given_on: datetime.date
    valid_until: datetime.date | None
    until_case_closes: bool
    status: ConsentStatus = Field(description="Today: valid, not yet valid, expired, withdrawn or replaced.")
    withdrawn_on: datetime.date | None
    withdrawn_how: WithdrawalForm | None
    replaced_by: int | None
    has_document: bool
    version: int = Field(description="Changes when the consent is withdrawn or replaced.")


def consent_out(consent: Consent) -> dict[str, object]:
    return {
        "id": consent.pk,
        "client_id": consent.client_id,
        "partner": consent.partner.code if consent.partner is not None else None,
        "partner_kind": consent.partner_kind or None,
        "purposes": consent.purposes,
        "form": consent.form,
        "witnessed_by": consent.witnessed_by,
        "given_on": consent.given_on,
        "valid_until": consent.valid_until,
        "until_case_closes": consent.until_case_closes,
        "status": consent.status,
        "withdrawn_on": consent.withdrawn_on,
        "withdrawn_how": consent.withdrawn_how or None,
        "replaced_by": consent.replaced_by_id,
        "has_document": bool(consent.document),
        "version": consent.version,
    }


@router.get(
    "/clients/{client_id}/consents",
    response={200: list[ConsentOut], **error_responses(401, 404, 422)},
)
def list_consents(request: HttpRequest, client_id: int = ClientId) -> list[dict[str, object]]:
    """The client's consents, newest first, history included (a partner officer: those covering them)."""
    user = request_user(request)
    _client, _access, consents = selectors.client_consents_get_for(user=user, client_id=client_id, via="api")
    return [consent_out(c) for c in consents]


@router.post(
    "/clients/{client_id}/consents",
    response={201: ConsentOut, **error_responses(400, 401, 403, 404, 422)},
)
def record_consent(request: HttpRequest, payload: ConsentIn, client_id: int = ClientId) -> Status[dict[str, object]]:
    """Record a consent for a partner organisation (`partner`) or every partner of a kind (`partner_kind`)."""
    user = request_user(request)
    client, _access = selectors.client_for_action(user=user, client_id=client_id)
    partner = None
    if payload.partner:
        partner = Partner.objects.filter(code=payload.partner.strip()).first()
        if partner is None:
            raise ValidationError({"partner": _("There is no partner organisation with this code.")})
    consent = services.consent_record(
        actor=user,
        client=client,
        partner=partner,
        partner_kind=payload.partner_kind or "",
        purposes=[str(p) for p in payload.purposes],
        form=payload.form,
        witnessed_by=payload.witnessed_by,
        given_on=payload.given_on,
        valid_until=payload.valid_until,
        until_case_closes=payload.until_case_closes,
    )
    consent = selectors.consents_queryset().get(pk=consent.pk)
    return Status(201, consent_out(consent))


@router.post(
    "/consents/{consent_id}/withdraw",
    response={200: ConsentOut, **error_responses(400, 401, 403, 404, 409, 422)},
)
def withdraw_consent(
    request: HttpRequest, payload: WithdrawIn, consent_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, object]:
    """Record that the client withdrew the consent; it covers nothing from `withdrawn_on` (today by default)."""
    user = request_user(request)
    consent, _access = selectors.consent_for_action(user=user, consent_id=consent_id)
    services.consent_withdraw(
        actor=user,
        consent=consent,
        withdrawn_on=payload.withdrawn_on,
        how=payload.how,
        expected_version=payload.version,
    )
    return consent_out(selectors.consents_queryset().get(pk=consent.pk))
