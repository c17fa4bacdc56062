"""Two-factor login is required for every role that sees individual client data; sessions live on while used."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a half-logged-in user may reach: the second step itself, logout, static files, the
# language switch and the health check. The API authenticates on its own (tokens or verified session).
_OPEN_PREFIXES = ("/account/", "/static/", "/i18n/", "/health", "/api/")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user_needs_second_factor(user) and not request.path.startswith(_OPEN_PREFIXES):
            return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)


def user_needs_second_factor(user: object) -> bool:
    """True while a user whose role requires 2FA has not verified a one-time code this session."""
    if not getattr(user, "needs_two_factor", False):
        return False
    if getattr(user, "is_demo", False) and settings.RATTVAG_DEMO_MAY_SKIP_2FA:
        return False
    return not user.is_verified()  # type: ignore[attr-defined]


# A session in use is written again (its 30 idle minutes start anew) at most this often, not on every request:
# it ends between 29 and 30 minutes after the last request, and most requests write nothing.
SESSION_RENEWAL_SECONDS = 60
_RENEWED_AT = "_renewed_at"


class SessionRenewalMiddleware:
    """Renews a session's idle timeout by marking it changed, so that SessionMiddleware saves it (placed after it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if not session.is_empty():
            now = int(time.time())
            if now - session.get(_RENEWED_AT, 0) >= SESSION_RENEWAL_SECONDS:
                session[_RENEWED_AT] = now
        return response
