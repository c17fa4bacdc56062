"""Who is calling the API: a personal API token, or a browser session that passed two-factor login.

- `Authorization: Bearer <token>`: checked by `rattvag.accounts.tokens.api_token_authenticate`.
  No CSRF check: the token is never sent by a browser on its own.
- The Django session cookie: only once the session has passed two-factor login where the
  user's role requires it, and with Django's CSRF check for unsafe methods (a session is
  ambient authority the browser attaches to any request).
Anything else is answered with 401 and the standard error body (see errors.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from rattvag.accounts.middleware import user_needs_second_factor
from rattvag.accounts.tokens import api_token_authenticate

from .errors import CsrfFailed

if TYPE_CHECKING:
    from rattvag.accounts.models import User


class ApiTokenAuth(HttpBearer):
    """A personal API token in the Authorization header."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token:
            return None
        user = api_token_authenticate(token)
        if user is None or not user.is_active:
            return None
        return user


class VerifiedSessionAuth(APIKeyCookie):
    """The Django session of a user who completed two-factor login (when their role needs it)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF is checked in authenticate(), only once a session user is found, so that a request
        # without any credentials gets 401 rather than a CSRF failure. (`csrf` stays True: the
        # interactive docs read it to send the CSRF token.)
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if user_needs_second_factor(user):
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise CsrfFailed
        return cast("User", user)


def api_auth() -> list[ApiTokenAuth | VerifiedSessionAuth]:
    """The authentication of every API operation; the token is tried first."""
    return [ApiTokenAuth(), VerifiedSessionAuth()]


def request_user(request: HttpRequest) -> User:
    """The authenticated user of an API request (set by ninja from the auth classes above)."""
    return cast("User", request.auth)  # type: ignore[attr-defined]
