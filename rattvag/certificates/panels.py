"""The certificates panel on the client page: certificates, the sick-leave timeline, SGI status and tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from rattvag.clients.access import ClientAccess
    from rattvag.clients.models import Client


def client_panel(request: HttpRequest, client: Client, access: ClientAccess) -> dict[str, Any] | None:
    """For rattvag.clients.panels: the template and its context (the reads are audited)."""
    from .views import sick_leave_context

    if not access.shows("certificates"):
        return None

    context = sick_leave_context(user=request.user, client=client, access=access)  # type: ignore[arg-type]
    return {"template": "certificates/_client_panel.html", "context": context}
