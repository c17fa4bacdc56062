"""Navigation by role: what the header shows each kind of user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from rattvag.accounts.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(reverse("core:home"), _("Start"))]
    if user.role in {Role.CASEWORKER, Role.NURSE, Role.UNIT_MANAGER}:
        items.append((reverse("clients:list"), _("Clients")))
    if user.role == Role.UNIT_MANAGER:
        items.append((reverse("audit:review"), _("Log review")))
    if user.role == Role.ADMIN or user.is_staff:
        items.append((reverse("admin:index"), _("Administration")))
    path = request.path
    return {
        "nav_items": [
            {"url": url, "label": label, "active": path == url or (url != "/" and path.startswith(url))}
            for url, label in items
        ]
    }
