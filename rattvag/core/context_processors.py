"""Navigation by role: what the header shows each kind of user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from rattvag.accounts.models import UNIT_STAFF_ROLES, PartnerKind, Role


def url_if_installed(name: str) -> str | None:
    """The address of a page, or None while the module providing it is not installed."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items: list[tuple[str | None, str]] = []
    if user.role in {Role.CASEWORKER, Role.UNIT_MANAGER}:
        items.append((url_if_installed("followup:worklist"), _("To do")))
    else:
        items.append((reverse("core:home"), _("Start")))
    if user.role in UNIT_STAFF_ROLES:
        items.append((url_if_installed("clients:list"), _("Clients")))
    if user.role in {Role.CASEWORKER, Role.UNIT_MANAGER}:
        items.append((url_if_installed("certificates:care_units"), _("Care units")))
        items.append((url_if_installed("imports:upload"), _("Import")))
    if user.role in {Role.CASEWORKER, Role.UNIT_MANAGER, Role.ANALYST}:
        items.append((url_if_installed("stats:mapping"), pgettext("menu", "Unit mapping")))
    if user.role in {Role.ANALYST, Role.AGGREGATE_VIEWER}:
        items.append((url_if_installed("stats:aggregate"), _("Statistics")))
    if user.role in {Role.CASEWORKER, Role.UNIT_MANAGER, Role.ANALYST, Role.AGGREGATE_VIEWER}:
        items.append((url_if_installed("outcomes:reports"), _("Follow-up")))
    if user.role == Role.PARTNER_OFFICER:
        items.append((url_if_installed("consent:partner_home"), _("Shared clients")))
    if user.role in UNIT_STAFF_ROLES or (
        user.role == Role.PARTNER_OFFICER and user.partner is not None and user.partner.kind == PartnerKind.FK
    ):
        items.append((url_if_installed("consent:consultation_list"), _("Case consultations")))
    if user.role == Role.UNIT_MANAGER:
        items.append((url_if_installed("audit:review"), _("Log review")))
    if user.role == Role.ADMIN or user.is_staff:
        items.append((url_if_installed("admin:index"), _("Administration")))
    present = [(url, label) for url, label in items if url is not None]
    # The longest address that the current path starts with is the one active item.
    matches = [url for url, _label in present if request.path == url or (url != "/" and request.path.startswith(url))]
    active = max(matches, key=len) if matches else None
    return {"nav_items": [{"url": url, "label": label, "active": url == active} for url, label in present]}
