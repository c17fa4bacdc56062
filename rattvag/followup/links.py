"""Where each step of the method is recorded: the page an item links to.

Pages of other modules are looked up by name; while a module does not (yet) provide the page,
the link falls back to the client page, where every panel of the client is.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def client_page(client_id: int) -> str:
    return reverse("clients:detail", args=[client_id])


def page(name: str, client_id: int, *args: int, anchor: str = "", fallback_anchor: str = "") -> str:
    """The page `name` with the given ids, or the client page (with `fallback_anchor`) if it does not exist."""
    try:
        url = reverse(name, args=[*args])
    except NoReverseMatch:
        url = client_page(client_id)
        return f"{url}#{fallback_anchor}" if fallback_anchor else url
    return f"{url}#{anchor}" if anchor else url


def first_page(names: tuple[str, ...], client_id: int, *, fallback_anchor: str = "") -> str:
    """The first of these per-client pages (each taking the client id) that exists."""
    for name in names:
        try:
            return reverse(name, args=[client_id])
        except NoReverseMatch:
            continue
    url = client_page(client_id)
    return f"{url}#{fallback_anchor}" if fallback_anchor else url


# Per-client pages of the plans and meetings modules, by the step they record (first existing wins).
ACTIVE_PLAN_PAGES = ("plans:plan_new_active", "plans:active_new", "plans:new", "plans:list")
CONTACT_PLAN_PAGES = ("plans:plan_new_contact", "plans:contact_new", "plans:new", "plans:list")
PLAN_PAGES = ("plans:list", "plans:overview")
ACTIVITY_PAGES = ("plans:activity_new", "plans:activities", "plans:list")
MEETING_PAGES = ("meetings:new", "meetings:list")
SIP_PAGES = ("meetings:sip_new", "meetings:sip", "meetings:list")
