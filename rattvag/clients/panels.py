"""Panels that other modules add to the client page (certificates, consent, plans …).

CLIENT_PANELS holds dotted paths to functions `(request, client, access) -> dict | None`.
A function returns None to show nothing, or {"template": "...", "context": {...}}; the template
is rendered with `client`, `access` and that context, in the order of the list, below the
cases. A panel function reads through its own module's selectors, which audit what they read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .access import ClientAccess
    from .models import Client

PanelFunction = Callable[["HttpRequest", "Client", "ClientAccess"], "dict[str, Any] | None"]

CLIENT_PANELS: list[str] = [
    "rattvag.followup.panels.client_panel",
    "rattvag.certificates.panels.client_panel",
    "rattvag.consent.panels.client_panel",
    "rattvag.meetings.panels.client_panel",
    "rattvag.plans.panels.client_panel",
    "rattvag.outcomes.panels.client_panel",
]


def render_client_panels(request: HttpRequest, client: Client, access: ClientAccess) -> list[SafeString]:
    """The HTML of every panel that has something to show."""
    rendered = []
    for dotted_path in CLIENT_PANELS:
        panel: PanelFunction = import_string(dotted_path)
        result = panel(request, client, access)
        if not result:
            continue
        context = {"client": client, "access": access, **result.get("context", {})}
        rendered.append(render_to_string(result["template"], context, request=request))
    return rendered
