"""Who may read and write meetings, SIPs, plans and activities (shared by the meetings and plans apps).

Whether a user sees a client at all is decided by rattvag.clients.access (404 otherwise). On top:
- writes: the municipality's staff (caseworker, nurse, unit manager) who reach the client;
  partner officers read only;
- partner officers see meetings their organisation is invited to, plans and activities, while a
  consent opens that part of the record to them (`ClientAccess.shows`); the SIP while a valid SIP
  consent covers their organisation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Model, Q
from django.http import Http404
from django.utils.translation import gettext as _

from rattvag.accounts.models import Role
from rattvag.audit.services import audit_log
from rattvag.clients.access import ClientAccess, client_access
from rattvag.clients.models import Case, CaseStatus, Client
from rattvag.clients.selectors import client_with_access
from rattvag.core.errors import PermissionRefused

if TYPE_CHECKING:
    from rattvag.accounts.models import User

WRITER_ROLES = frozenset({Role.CASEWORKER, Role.NURSE, Role.UNIT_MANAGER})


def may_write(user: User, access: ClientAccess) -> bool:
    """Staff of the municipality reaching the client (their own work or temporary access)."""
    return not access.is_partner and user.role in WRITER_ROLES


def shows_sip(access: ClientAccess) -> bool:
    return not access.is_partner or "sip" in access.partner_purposes


def _access_or_404(user: User, client_id: int) -> tuple[Client, ClientAccess]:
    return client_with_access(user=user, client_id=client_id)


def client_visible(*, user: User, client_id: int, section: str) -> tuple[Client, ClientAccess]:
    """The client if the user sees it and the part of the record `section` (else Http404). Not audited."""
    client, access = _access_or_404(user, client_id)
    visible = shows_sip(access) if section == "sip" else access.shows(section)
    if not visible:
        raise Http404
    return client, access


def audit_read(
    *,
    user: User,
    client: Client,
    access: ClientAccess,
    action: str,
    obj: Model | None = None,
    via: str = "web",
    document: str = "",
) -> None:
    """One audit event for a read; `document` names what was printed (for `client.printed`)."""
    data = {"via": via, "document": document} if document else {"via": via}
    audit_log(
        actor=user,
        action=action,
        client_id=client.pk,
        acting_for=access.acting_for,
        obj=obj if obj is not None else client,
        data=data,
    )


def client_for_read(
    *, user: User, client_id: int, action: str, section: str, obj: Model | None = None, via: str = "web"
) -> tuple[Client, ClientAccess]:
    """The client if the user sees it and the part of the record `section` (else Http404); the read is audited."""
    client, access = client_visible(user=user, client_id=client_id, section=section)
    audit_read(user=user, client=client, access=access, action=action, obj=obj, via=via)
    return client, access


def client_for_write(*, user: User, client_id: int) -> tuple[Client, ClientAccess]:
    """For a page that writes: Http404 unless the user sees the client and may write.

    A form page shows the client's record (and an edit form its current content), so opening it is
    an audited read; what is saved is audited again by the service that writes it.
    """
    client, access = _access_or_404(user, client_id)
    if not may_write(user, access):
        raise Http404
    audit_log(
        actor=user,
        action="client.viewed",
        client_id=client.pk,
        acting_for=access.acting_for,
        obj=client,
        purpose="form",
        data={"via": "web"},
    )
    return client, access


def staff_access(actor: User, client: Client) -> ClientAccess:
    """In a service: the actor's access as writing staff; Http404 if the client is invisible,
    PermissionRefused if they see it but may not write (a partner officer)."""
    access = client_access(actor, client)
    if access is None:
        raise Http404
    if not may_write(actor, access):
        raise PermissionRefused(_("Only the municipality's staff can do this."))
    return access


def open_case_for(client: Client, access: ClientAccess) -> Case | None:
    """The client's newest open case in the acting unit, else their newest open case of the actor."""
    cases = client.cases.filter(status=CaseStatus.OPEN).order_by("-opened_on", "-pk")
    unit = access.acting_for.unit
    if unit is not None:
        in_unit = cases.filter(unit=unit).first()
        if in_unit is not None:
            return in_unit
    return cases.first()


def staff_of_client(client: Client) -> Q:
    """Users who may be invited as staff: unit staff of the client's case units, or its assigned nurses."""
    unit_ids = client.cases.values("unit_id")
    nurse_ids = Case.nurses.through.objects.filter(case__client=client).values("user_id")
    return Q(is_active=True, role__in=WRITER_ROLES) & (Q(units__in=unit_ids) | Q(pk__in=nurse_ids))


def client_for_write_api(*, user: User, client_id: int) -> tuple[Client, ClientAccess]:
    """For an API write: Http404 if the client is invisible, PermissionRefused (403) if the user sees it
    but may not write. Not audited here: the service audits the write."""
    client, access = _access_or_404(user, client_id)
    if not may_write(user, access):
        raise PermissionRefused(_("Only the municipality's staff can do this."))
    return client, access
