"""Reads of client data. Every read of an identified client goes through here and is audited."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from rattvag.accounts.models import Role, Unit
from rattvag.audit.services import audit_log, audit_log_many

from .access import (
    ClientAccess,
    _regular_case_filter,
    client_access,
    may_take_temporary_access,
    visible_clients,
)
from .models import Case, CaseStatus, Client
from .personal_numbers import looks_like_personal_number_fragment, parse_personal_number

if TYPE_CHECKING:
    from rattvag.accounts.models import User


def client_with_access(*, user: User, client_id: int) -> tuple[Client, ClientAccess]:
    """The client and how the user reaches it, or Http404. Not audited: callers log what they read
    (client_get_for) or the service logs what they write."""
    client = Client.objects.select_related("municipality").filter(pk=client_id).first()
    access = client_access(user, client) if client is not None else None
    if client is None or access is None:
        raise Http404
    return client, access


def client_get_for(*, user: User, client_id: int, purpose: str = "", via: str = "web") -> tuple[Client, ClientAccess]:
    """The client if the user may see it (else Http404); the read is audited."""
    client, access = client_with_access(user=user, client_id=client_id)
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
    audit_client_ids_listed(user=user, client_ids=[c.pk for c in clients], via=via)


def audit_client_ids_listed(*, user: User, client_ids: Sequence[int], via: str = "web") -> None:
    """`audit_clients_listed` for a list that holds the clients' ids rather than their records."""
    client_type = Client._meta.label_lower
    audit_log_many(
        actor=user,
        action="client.listed",
        client_ids=list(client_ids),
        object_refs=[(client_type, str(pk)) for pk in client_ids],
        data={"via": via},
    )


def cases_of_client(*, client: Client) -> QuerySet[Case]:
    return client.cases.select_related("unit", "responsible").prefetch_related("nurses")


# --- For the web pages: listings, protected identity per page, duplicates, temporary access ---

# Roles that change a client's details and close cases (nurses read; partners come with consent).
EDITOR_ROLES = frozenset({Role.CASEWORKER, Role.UNIT_MANAGER})


def clients_for_listing(*, user: User, query: str = "") -> QuerySet[Client]:
    """`client_search_for` with each client's cases (newest first, unit and responsible joined) in one
    more query, as `cases_newest_first`. Not audited: call `audit_clients_listed` for what is shown."""
    newest_first = Case.objects.select_related("unit", "responsible").order_by("-opened_on", "-pk")
    return client_search_for(user=user, query=query).prefetch_related(
        Prefetch("cases", queryset=newest_first, to_attr="cases_newest_first")
    )


def client_ids_with_visible_protected_identity(*, user: User, client_ids: Iterable[int]) -> set[int]:
    """Of these clients, the ones whose protected name and address the user sees, in one query.

    The same rule as `access.may_see_protected_identity`, for a whole page at once: the user's
    newest case of the client (through their own work) has them as responsible, or they are the
    unit manager. Temporary access never shows protected identity.
    """
    ids = set(client_ids)
    case_filter = _regular_case_filter(user)
    if not ids or case_filter is None or not user.is_active:
        return set()
    rows = (
        Case.objects.filter(case_filter, client_id__in=ids)
        .order_by("client_id", "-opened_on", "-pk")
        .values_list("client_id", "responsible_id")
    )
    newest_responsible: dict[int, int | None] = {}
    for client_id, responsible_id in rows:
        newest_responsible.setdefault(client_id, responsible_id)
    if user.role == Role.UNIT_MANAGER:
        return set(newest_responsible)
    return {client_id for client_id, responsible_id in newest_responsible.items() if responsible_id == user.pk}


def _municipality_ids(user: User) -> QuerySet[Unit, int]:
    return Unit.objects.filter(users=user).values_list("municipality_id", flat=True)


def _normalised_or_none(personal_number: str) -> str | None:
    try:
        return parse_personal_number(personal_number).normalised
    except ValidationError:
        return None


def client_number_exists(*, user: User, personal_number: str) -> bool:
    """Whether a client with this number exists in a municipality the user works in."""
    number = _normalised_or_none(personal_number)
    return number is not None and (
        Client.objects.filter(municipality_id__in=_municipality_ids(user), personal_number=number).exists()
    )


def visible_client_with_number(*, user: User, personal_number: str) -> Client | None:
    """The client with exactly this number, if the user may see it (for "already exists" links)."""
    number = _normalised_or_none(personal_number)
    if number is None:
        return None
    return visible_clients(user).filter(personal_number=number).order_by("pk").first()


def client_for_temporary_access(*, user: User, personal_number: str) -> Client | None:
    """The client with exactly this number in the user's municipalities that the user does not see
    through their own work, if the user's role may take temporary access (break-the-glass)."""
    number = _normalised_or_none(personal_number)
    if number is None or not may_take_temporary_access(user):
        return None
    return (
        Client.objects.filter(municipality_id__in=_municipality_ids(user), personal_number=number)
        .exclude(pk__in=visible_clients(user).values("pk"))
        .order_by("pk")
        .first()
    )


def may_create_clients(*, user: User) -> bool:
    return user.is_active and user.role in EDITOR_ROLES and user.units.exists()


def may_edit_client(*, user: User, client: Client, access: ClientAccess) -> bool:
    """Caseworkers and managers reaching the client through their own work; a protected identity
    only by those who see it (the form shows the name and address)."""
    if user.role not in EDITOR_ROLES or access.acting_for.break_glass:
        return False
    return access.sees_protected_identity or not client.protected_identity


def closable_case_ids(*, user: User, cases: Iterable[Case], access: ClientAccess) -> set[int]:
    """The open cases, among these, that the user may close: cases of their own units."""
    if user.role not in EDITOR_ROLES or access.acting_for.break_glass:
        return set()
    open_cases = [case for case in cases if case.status == CaseStatus.OPEN]
    # Without temporary access, the acting unit is one of the user's units (`access` found the client through
    # the user's case there): the user's units are read only for an open case in another unit.
    acting_unit = access.acting_for.unit
    if acting_unit is not None and all(case.unit_id == acting_unit.pk for case in open_cases):
        return {case.pk for case in open_cases}
    unit_ids = set(user.units.values_list("pk", flat=True))
    return {case.pk for case in open_cases if case.unit_id in unit_ids}


def case_of_client(*, client: Client, case_id: int) -> Case:
    """One case of a client the caller already reached through `client_get_for`; else Http404."""
    case = cases_of_client(client=client).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case
