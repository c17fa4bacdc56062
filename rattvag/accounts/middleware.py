"""Two-factor login is required for every role that sees individual client data."""

from __future__ import annotations

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
