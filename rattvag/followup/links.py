"""Where each step of the method is recorded: the page an item or a step of the process map links to.

Pages of other modules are looked up by name; should a module not provide the page, the link
falls back to the client page, where every panel of the client is. Links carry ids and codes only.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=4096)
def _reversed(urlconf: str, script_prefix: str, name: str, args: tuple[int | str, ...]) -> str | None:
    """`reverse(name, args)` (None if there is no such page), remembered: the worklist asks for the same few
    pages of its clients again and again. Keyed by the URL configuration and the script prefix as well, which
    are all that reverse() reads besides the name and the arguments."""
    try:
        return reverse(name, args=[*args], urlconf=urlconf)
    except NoReverseMatch:
        return None


def _reverse(name: str, *args: int | str) -> str | None:
    return _reversed(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name, args)


def client_page(client_id: int) -> str:
    url = _reverse("clients:detail", client_id)
    if url is None:
        raise NoReverseMatch("clients:detail")
    return url


def page(name: str, client_id: int, *args: int | str, query: str = "", anchor: str = "") -> str:
    """The page `name` (reversed with `args`), or the client page if it does not exist."""
    url = _reverse(name, *args)
    if url is None:
        return client_page(client_id)
    if query:
        url = f"{url}?{query}"
    return f"{url}#{anchor}" if anchor else url


def certificate_register(client_id: int) -> str:
    return page("certificates:register", client_id, client_id)


def sgi_record(client_id: int) -> str:
    return page("certificates:overview", client_id, client_id, anchor="sgi")


def consents(client_id: int) -> str:
    return page("consent:client", client_id, client_id)


def consent_replace(client_id: int, consent_id: int) -> str:
    return page("consent:replace", client_id, consent_id)


def healthcare_new(client_id: int) -> str:
    return page("consent:healthcare_new", client_id, client_id)


def healthcare_request(client_id: int, request_id: int) -> str:
    return page("consent:healthcare_detail", client_id, request_id)


def meeting_new(client_id: int, kind: str) -> str:
    return page("meetings:new", client_id, client_id, query=f"kind={kind}")


def plan_new(client_id: int, kind: str) -> str:
    """Writing a plan of a kind (the plans module opens a new version when one exists)."""
    return page("plans:new", client_id, client_id, kind)


def plan_revise(client_id: int, plan_id: int) -> str:
    return page("plans:revise", client_id, client_id, plan_id)


def sip(client_id: int) -> str:
    return page("meetings:sip", client_id, client_id)


def activity_new(client_id: int) -> str:
    return page("plans:activity_new", client_id, client_id)


def activities(client_id: int) -> str:
    return page("plans:activities", client_id, client_id)
