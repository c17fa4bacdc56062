"""Clients: register a client (opening a case), list the clients one may see, read and change one client.

Every read is audited through the selectors (`client.viewed`, `client.listed` with via="api"),
every write through the service. What a user may see is decided by rattvag.clients.access.
A change names the version it was based on; an outdated one is refused with 409 (core.concurrency).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import pgettext
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import ConfigDict, StrictBool

from rattvag.accounts.models import Role, Unit
from rattvag.clients.access import ClientAccess, client_access
from rattvag.clients.models import Case, CaseStatus, Client, Outcome
from rattvag.clients.personal_numbers import parse_personal_number
from rattvag.clients.selectors import (
    audit_clients_listed,
    cases_of_client,
    client_get_for,
    client_ids_with_visible_protected_identity,
    clients_for_listing,
)
from rattvag.clients.services import client_create, client_update
from rattvag.core.concurrency import MAX_VERSION
from rattvag.core.errors import StaleVersion

from .auth import request_user
from .errors import ErrorOut, error_responses
from .schemas import MAX_ID, Text

router = Router(tags=["clients"])

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000_000


# --- schemas --------------------------------------------------------------------------------


class ClientIn(Schema):
    personal_number: Text = Field(
        description="Personnummer or samordningsnummer: YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN or YYMMDD+NNNN."
    )
    first_name: Text
    last_name: Text
    unit: Text = Field(description="Code of one of your units; the client's case is opened there.")
    phone: Text | None = None
    email: Text | None = None
    street_address: Text | None = None
    postal_code: Text | None = None
    city: Text | None = None
    protected_identity: StrictBool = Field(False, description="Skyddade personuppgifter.")


class CaseOut(Schema):
    id: int
    unit: str = Field(description="Code of the unit that owns the case.")
    opened_on: datetime.date
    status: CaseStatus
    outcome: Outcome | None
    closed_on: datetime.date | None


class ClientOut(Schema):
    id: int
    personal_number: str = Field(description="12 digits: YYYYMMDDNNNN.")
    first_name: str | None = Field(description="null when the client's identity is protected from you.")
    last_name: str | None
    municipality: str = Field(description="Code of the municipality.")
    protected_identity: bool
    phone: str | None
    email: str | None
    street_address: str | None
    postal_code: str | None
    city: str | None
    cases: list[CaseOut]


class ClientDetailOut(ClientOut):
    version: int = Field(description="Send it back with PATCH: a change based on an older version is refused (409).")


class ClientPatchIn(Schema):
    """The fields to change; leave out (or send null for) what stays as it is. Send "" to empty a contact field."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(
        ge=1, le=MAX_VERSION, description="The version you read (GET /clients/{id}); 409 when someone saved since."
    )
    first_name: Text | None = Field(None, min_length=1, max_length=100)
    last_name: Text | None = Field(None, min_length=1, max_length=100)
    protected_identity: StrictBool | None = Field(None, description="Skyddade personuppgifter.")
    phone: Text | None = Field(None, max_length=40)
    email: Text | None = Field(None, max_length=254)
    street_address: Text | None = Field(None, max_length=200)
    postal_code: Text | None = Field(None, max_length=10)
    city: Text | None = Field(None, max_length=100)


class ClientConflictOut(ErrorOut):
    """409: someone saved the client after the version you sent. `current` is the client as it is now."""

    current: ClientDetailOut


class ClientListOut(Schema):
    count: int = Field(description="How many clients match, over all pages.")
    items: list[ClientOut]


class ClientListQuery(Schema):
    q: Text = Field("", description="Part of a name or personal number. Prefer POST /clients/search.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ClientSearchIn(Schema):
    q: Text = Field("", description="Part of a name or personal number.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


# --- output ---------------------------------------------------------------------------------

_CONTACT_FIELDS = ("phone", "email", "street_address", "postal_code", "city")
_HIDDEN_WHEN_PROTECTED = ("first_name", "last_name", *_CONTACT_FIELDS)


def case_out(case: Case) -> dict[str, object]:
    return {
        "id": case.pk,
        "unit": case.unit.code,
        "opened_on": case.opened_on,
        "status": case.status,
        "outcome": case.outcome or None,
        "closed_on": case.closed_on,
    }


def client_out(
    client: Client, *, sees_protected_identity: bool, cases: Iterable[Case], shows_contact_details: bool = True
) -> dict[str, object]:
    """The client as the API shows it: name and contact details withheld (null) where protected.

    Contact details are also withheld from partner officers whose consent does not cover them.
    """
    hidden = client.protected_identity and not sees_protected_identity
    out: dict[str, object] = {
        "id": client.pk,
        "personal_number": client.personal_number,
        "municipality": client.municipality.code,
        "protected_identity": client.protected_identity,
        "cases": [case_out(case) for case in cases],
    }
    for name in _HIDDEN_WHEN_PROTECTED:
        withheld = hidden or (name in _CONTACT_FIELDS and not shows_contact_details)
        out[name] = None if withheld else getattr(client, name)
    return out


def _text(value: str | None) -> str:
    return (value or "").strip()


def _sees_protected(access: ClientAccess | None) -> bool:
    return access is not None and access.sees_protected_identity


# --- endpoints ------------------------------------------------------------------------------


@router.post("", response={201: ClientOut, **error_responses(400, 401, 403, 409, 422)})
def create_client(request: HttpRequest, payload: ClientIn) -> Status[dict[str, object]]:
    """Register a client and open a case for them in one of your units.

    409 when the personal identity number already exists in the unit's municipality.
    """
    user = request_user(request)
    try:
        parse_personal_number(payload.personal_number)
    except ValidationError as exc:
        raise ValidationError({"personal_number": exc.error_list}) from None
    unit = Unit.objects.select_related("municipality").filter(code=payload.unit.strip()).first()
    if unit is None:
        raise ValidationError({"unit": pgettext("api", "There is no unit with this code.")})
    client = client_create(
        actor=user,
        unit=unit,
        personal_number=payload.personal_number,
        first_name=payload.first_name,
        last_name=payload.last_name,
        protected_identity=payload.protected_identity,
        phone=_text(payload.phone),
        email=_text(payload.email),
        street_address=_text(payload.street_address),
        postal_code=_text(payload.postal_code),
        city=_text(payload.city),
    )
    access = client_access(user, client)
    return Status(
        201, client_out(client, sees_protected_identity=_sees_protected(access), cases=cases_of_client(client=client))
    )


def _client_page(request: HttpRequest, *, query: str, limit: int, offset: int) -> dict[str, object]:
    user = request_user(request)
    clients = clients_for_listing(user=user, query=query)
    count = clients.count()
    page = list(clients.select_related("municipality")[offset : offset + limit])
    audit_clients_listed(user=user, clients=page, via="api")
    shown = client_ids_with_visible_protected_identity(
        user=user, client_ids=[client.pk for client in page if client.protected_identity]
    )
    items = [
        client_out(
            client,
            sees_protected_identity=not client.protected_identity or client.pk in shown,
            cases=client.cases_newest_first,  # type: ignore[attr-defined]
            # A list is a summary: partners get contact details, where consent allows, one client at a time.
            shows_contact_details=user.role != Role.PARTNER_OFFICER,
        )
        for client in page
    ]
    return {"count": count, "items": items}


@router.get("", response={200: ClientListOut, **error_responses(401, 422)})
def list_clients(request: HttpRequest, filters: Query[ClientListQuery]) -> dict[str, object]:
    """The clients you may see, by last name. Each client returned is logged as seen in a list."""
    return _client_page(request, query=filters.q, limit=filters.limit, offset=filters.offset)


@router.post("/search", response={200: ClientListOut, **error_responses(400, 401, 403, 422)})
def search_clients(request: HttpRequest, payload: ClientSearchIn) -> dict[str, object]:
    """As GET /clients, with the search text in the body so that no name or number ends up in a URL."""
    return _client_page(request, query=payload.q, limit=payload.limit, offset=payload.offset)


def client_detail_out(client: Client, access: ClientAccess) -> dict[str, object]:
    out = client_out(
        client,
        sees_protected_identity=access.sees_protected_identity,
        cases=cases_of_client(client=client),
        shows_contact_details=access.shows("contact_details"),
    )
    return {**out, "version": client.version}


@router.get("/{client_id}", response={200: ClientDetailOut, **error_responses(401, 404, 422)})
def get_client(request: HttpRequest, client_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, object]:
    """One client with their cases; 404 when it does not exist or you may not see it. The read is logged."""
    client, access = client_get_for(user=request_user(request), client_id=client_id, via="api")
    return client_detail_out(client, access)


@router.patch(
    "/{client_id}",
    response={200: ClientDetailOut, 409: ClientConflictOut, **error_responses(400, 401, 403, 404, 422)},
)
def update_client(
    request: HttpRequest, payload: ClientPatchIn, client_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, object] | Status[dict[str, object]]:
    """Change a client's details. `version` is required: the one you read with GET /clients/{id}.

    409 when someone saved the client after that version: nothing is changed, and the answer carries the
    client as it is now (`current`, with its new `version`). 403 for roles that read but do not edit (the
    service decides, as for the web page).
    """
    user = request_user(request)
    client, access = client_get_for(user=user, client_id=client_id, via="api")
    changes = {
        name: value.strip() if isinstance(value, str) else value
        for name, value in payload.model_dump(exclude_unset=True, exclude_none=True).items()
        if name != "version"
    }
    try:
        client_update(actor=user, client=client, expected_version=payload.version, **changes)
    except StaleVersion as error:
        body: dict[str, object] = {
            "message": error.message,
            "errors": [],
            "current": client_detail_out(error.current, access),
        }
        return Status(409, body)
    return client_detail_out(client, access)
