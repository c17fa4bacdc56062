"""The meetings and SIP panel on the client page (registered in rattvag.clients.panels.CLIENT_PANELS).

The client page has audited the read of the client; the panel does not log again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from .permissions import may_write, shows_sip
from .selectors import meetings_panel, sip_follow_up_overdue, sip_panel
from .services import has_sip_consent

if TYPE_CHECKING:
    from django.http import HttpRequest

    from rattvag.accounts.models import User
    from rattvag.clients.access import ClientAccess
    from rattvag.clients.models import Client


def client_panel(request: HttpRequest, client: Client, access: ClientAccess) -> dict[str, Any] | None:
    """Upcoming and earlier meetings, open agreed actions and the SIP's status."""
    user = cast("User", request.user)
    if not access.shows("meetings") and not shows_sip(access):
        return None
    writer = may_write(user, access)
    sip_version = sip_panel(client=client, access=access)
    return {
        "template": "meetings/_panel.html",
        "context": {
            "panel": meetings_panel(user=user, client=client, access=access) if access.shows("meetings") else None,
            "show_sip": shows_sip(access),
            "sip_version": sip_version,
            "sip_overdue": sip_follow_up_overdue(sip_version),
            "sip_consent": has_sip_consent(client=client) if writer else True,
            "may_write": writer,
        },
    }
