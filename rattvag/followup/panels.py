"""The process map on the client page (registered in rattvag.clients.panels.CLIENT_PANELS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from .selectors import process_map_for

if TYPE_CHECKING:
    from django.http import HttpRequest

    from rattvag.accounts.models import User
    from rattvag.clients.access import ClientAccess
    from rattvag.clients.models import Client
    from rattvag.clients.page import ClientPage


def client_panel(
    request: HttpRequest, client: Client, access: ClientAccess, page: ClientPage | None = None
) -> dict[str, Any] | None:
    """Where the client's case is in the method: each step done, due or not yet (the read is audited).
    The case and its facts come from the page's reads (the cases, and the records the other panels show)."""
    user = cast("User", request.user)
    if page is None:
        result = process_map_for(user=user, client=client, access=access)
    else:
        result = process_map_for(user=user, client=client, access=access, today=page.today, page=page)
    if result is None:
        return None
    case, steps = result
    return {"template": "followup/_process_map.html", "context": {"process_case": case, "steps": steps}}
