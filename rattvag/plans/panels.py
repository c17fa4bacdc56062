"""The plans and activities panel on the client page (registered in rattvag.clients.panels.CLIENT_PANELS).

The client page has audited the read of the client; the panel does not log again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rattvag.clients.page import ClientPage
from rattvag.meetings.permissions import may_write

from .selectors import plans_panel

if TYPE_CHECKING:
    from django.http import HttpRequest

    from rattvag.accounts.models import User
    from rattvag.clients.access import ClientAccess
    from rattvag.clients.models import Client


def client_panel(
    request: HttpRequest, client: Client, access: ClientAccess, page: ClientPage | None = None
) -> dict[str, Any] | None:
    """The open active and contact plans and the planned or ongoing activities (from the page's reads, which the
    process map shares)."""
    if not access.shows("plans"):
        return None
    user = cast("User", request.user)
    page = page or ClientPage(user=user, client=client, access=access)
    panel = plans_panel(plans=page.open_plans, activities=page.activities)
    return {"template": "plans/_panel.html", "context": {"panel": panel, "may_write": may_write(user, access)}}
