"""The consent panel on the client page (registered in rattvag.clients.panels.CLIENT_PANELS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rattvag.audit.services import audit_log
from rattvag.clients.page import ClientPage

from .forms import ConsentRecordForm
from .selectors import consent_panel
from .views.consents import may_record

if TYPE_CHECKING:
    from django.http import HttpRequest

    from rattvag.accounts.models import User
    from rattvag.clients.access import ClientAccess
    from rattvag.clients.models import Client

# How many questions to healthcare the panel lists (newest first).
REQUESTS_SHOWN = 20


def client_panel(
    request: HttpRequest, client: Client, access: ClientAccess, page: ClientPage | None = None
) -> dict[str, Any] | None:
    """Valid, ended and missing consents, the recording form, and the questions to healthcare.

    The consents come from the page (the meetings panel reads them too); the read is audited as
    `consent.viewed`.
    """
    user = cast("User", request.user)
    if not access.shows("consents"):
        return None
    page = page or ClientPage(user=user, client=client, access=access)
    consents = page.consents
    # The newest questions: the page reads them all (the process map asks whether any was sent).
    requests = page.healthcare_requests[:REQUESTS_SHOWN]
    audit_log(
        actor=user,
        action="consent.viewed",
        client_id=client.pk,
        acting_for=access.acting_for,
        obj=client,
        data={"via": "panel"},
    )
    staff = may_record(user.role, access)
    return {
        "template": "consent/_panel.html",
        "context": {
            "panel": consent_panel(consents=consents, today=page.today),
            "requests": requests,
            "show_requests": access.shows("healthcare_requests"),
            "staff": staff,
            "record_form": ConsentRecordForm(prefix="consent") if staff else None,
        },
    }
