"""Reads of client data. Every read of an identified client goes through here and is audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from rattvag.accounts.models import Role
from rattvag.audit.services import audit_log, audit_log_many

from .access import ClientAccess, client_access, visible_clients
from .models import Case, Client
from .personal_numbers import looks_like_personal_number_fragment

if TYPE_CHECKING:
    from rattvag.accounts.models import User


def client_get_for(*, user: User, client_id: int, purpose: str = "", via: str = "web") -> tuple[Client, ClientAccess]:
    """The client if the user may see it (else Http404); the read is audited."""
    client = Client.objects.select_related("municipality").filter(pk=client_id).first()
    access = client_access(user, client) if client is not None else None
    if client is None or access is None:
        raise Http404
    audit_log(
        actor=user,
        action="client.viewed",
        client_id=client.pk,
        acting_for=access.acting_for,
        obj=client,
        purpose=purpose,
        data={"via": via},
    )
    return client, access


def client_search_for(*, user: User, query: str = "") -> QuerySet[Client]:
    """Visible clients matching a name or (part of) a personal number.

    Names of clients with protected identity are only searchable by users who may see them
    (the unit manager and the responsible caseworker); others find them by number only.
    """
    clients = visible_clients(user)
    query = (query or "").strip()
    if query:
        digits = looks_like_personal_number_fragment(query)
        if digits is not None:
            clients = clients.filter(personal_number__contains=digits)
        else:
            name_match = Q()
            for term in query.split():
                name_match &= Q(first_name__icontains=term) | Q(last_name__icontains=term)
            if user.role != Role.UNIT_MANAGER:
                name_match &= Q(protected_identity=False) | Q(cases__responsible=user)
            clients = clients.filter(name_match)
    return clients.distinct().order_by("last_name", "first_name", "pk")


def audit_clients_listed(*, user: User, clients: Sequence[Client], via: str = "web") -> None:
    """One event per client shown in a list or search result."""
    audit_log_many(
        actor=user, action="client.listed", client_ids=[c.pk for c in clients], objects=list(clients), data={"via": via}
    )


def cases_of_client(*, client: Client) -> QuerySet[Case]:
    return client.cases.select_related("unit", "responsible").prefetch_related("nurses")
