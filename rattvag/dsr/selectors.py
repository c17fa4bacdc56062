"""Who may take out a register extract, and the extract itself (the read is audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from rattvag.accounts.models import Role
from rattvag.audit.selectors import user_display_name
from rattvag.audit.services import audit_log
from rattvag.clients.access import ClientAccess, client_access, visible_clients

from .extract import RegisterExtract, build_register_extract

if TYPE_CHECKING:
    from rattvag.accounts.models import User
    from rattvag.clients.models import Client

# The client's own unit hands out the extract: its manager, or a caseworker of the unit.
EXTRACT_ROLES = frozenset({Role.UNIT_MANAGER, Role.CASEWORKER})
FORMATS = frozenset({"pdf", "json"})


def may_take_extract(*, user: User, client: Client, access: ClientAccess | None) -> bool:
    """Unit staff reaching the client through their own unit (not temporary access, not partners), and,
    for a client with protected personal data, only those who see the name and address."""
    if access is None or user.role not in EXTRACT_ROLES or access.is_partner or access.acting_for.break_glass:
        return False
    return access.sees_protected_identity or not client.protected_identity


def client_for_extract(*, user: User, client_id: int) -> tuple[Client, ClientAccess]:
    """The client if the user may take out its register extract; else Http404. Not audited."""
    if user.role not in EXTRACT_ROLES:
        raise Http404
    client = visible_clients(user).select_related("municipality").filter(pk=client_id).first()
    access = client_access(user, client) if client is not None else None
    if client is None or not may_take_extract(user=user, client=client, access=access):
        raise Http404
    assert access is not None
    return client, access


def register_extract_for(*, user: User, client_id: int, output: str) -> RegisterExtract:
    """Everything held about the client, for the client. The export is audited first, so that it is
    the last row of the extract's access log."""
    if output not in FORMATS:
        raise ValueError(f"Unknown extract format {output!r}")
    client, access = client_for_extract(user=user, client_id=client_id)
    audit_log(
        actor=user,
        action="client.exported",
        client_id=client.pk,
        acting_for=access.acting_for,
        obj=client,
        data={"extract": "register", "format": output},
    )
    return build_register_extract(client=client, generated_by=user_display_name(user))
