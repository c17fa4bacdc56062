"""The consent panel on the client page (registered in rattvag.clients.panels.CLIENT_PANELS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from .forms import ConsentRecordForm
from .selectors import consent_panel_for
from .views.consents import may_record

if TYPE_CHECKING:
    from django.http import HttpRequest

    from rattvag.accounts.models import User
    from rattvag.clients.access import ClientAccess
    from rattvag.clients.models import Client


def client_panel(request: HttpRequest, client: Client, access: ClientAccess) -> dict[str, Any] | None:
    """Valid, ended and missing consents, the recording form, and the questions to healthcare."""
    user = cast("User", request.user)
    result = consent_panel_for(user=user, client=client, access=access)
    if result is None:
        return None
    panel, requests = result
    staff = may_record(user.role, access)
    return {
        "template": "consent/_panel.html",
        "context": {
            "panel": panel,
            "requests": requests,
            "show_requests": access.shows("healthcare_requests"),
            "staff": staff,
            "record_form": ConsentRecordForm(prefix="consent") if staff else None,
        },
    }
