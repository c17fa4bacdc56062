"""Panels that other modules add to the client page (certificates, consent, plans …).

CLIENT_PANELS holds dotted paths to functions `(request, client, access) -> dict | None`, which may take a
fourth argument `page` (a `rattvag.clients.page.ClientPage`: what the panels share, read once per request).
A function returns None to show nothing, or {"template": "...", "context": {...}}; the template
is rendered with `client`, `access` and that context, in the order of the list, below the
cases. A panel function reads through its own module's selectors, which audit what they read.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from django.template import engines
from django.template.loader import get_template
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString

from .page import ClientPage

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .access import ClientAccess
    from .models import Client

PanelFunction = Callable[..., "dict[str, Any] | None"]

CLIENT_PANELS: list[str] = [
    "rattvag.followup.panels.client_panel",
    "rattvag.certificates.panels.client_panel",
    "rattvag.consent.panels.client_panel",
    "rattvag.meetings.panels.client_panel",
    "rattvag.plans.panels.client_panel",
    "rattvag.outcomes.panels.client_panel",
]


@cache
def _takes_page(function: PanelFunction) -> bool:
    return "page" in inspect.signature(function).parameters


def context_processor_values(request: HttpRequest) -> dict[str, Any]:
    """What the template context processors add for this request (csrf_token, user, messages, the
    navigation …), computed once for all the panels instead of once per rendered panel."""
    values: dict[str, Any] = {}
    for processor in engines["django"].engine.template_context_processors:  # type: ignore[attr-defined]
        values.update(processor(request))
    return values


def render_client_panels(
    request: HttpRequest, client: Client, access: ClientAccess, page: ClientPage | None = None
) -> list[SafeString]:
    """The HTML of every panel that has something to show."""
    user = request.user
    page = page or ClientPage(user=user, client=client, access=access)  # type: ignore[arg-type]
    shared: dict[str, Any] | None = None
    rendered = []
    for dotted_path in CLIENT_PANELS:
        panel: PanelFunction = import_string(dotted_path)
        result = panel(request, client, access, page=page) if _takes_page(panel) else panel(request, client, access)
        if not result:
            continue
        if shared is None:
            shared = context_processor_values(request)
        context = {**shared, "client": client, "access": access, **result.get("context", {})}
        # A rendered template is a SafeString already.
        rendered.append(cast(SafeString, get_template(result["template"]).render(context)))
    return rendered
