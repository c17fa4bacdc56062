"""Personal API tokens. Only a SHA-256 digest and a short prefix are stored; the token is shown once."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rattvag.audit.services import audit_log
from rattvag.core.errors import PermissionRefused

from .models import ApiToken, Role, User

PREFIX_LENGTH = 8
# Writing last_used_at on every request would turn each API read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
# token_urlsafe(32) gives 43 characters; anything much longer is not one of ours.
_MAX_TOKEN_LENGTH = 100


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_issue(*, user: User, actor: User | None = None) -> tuple[ApiToken, str]:
    """Create a token for `user`. Returns the stored token and the plaintext, which is never kept."""
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, prefix=raw[:PREFIX_LENGTH], digest=_digest(raw))
        audit_log(actor=actor, action="api_token.issued", obj=token, data={"user_id": user.pk})
    return token, raw


def api_token_authenticate(raw: str) -> User | None:
    """The active user a token belongs to, or None for an unknown, revoked or malformed token.

    The lookup is by digest, so how long the database takes says nothing about the plaintext.
    """
    if not isinstance(raw, str) or not raw or len(raw) > _MAX_TOKEN_LENGTH:
        return None
    digest = _digest(raw)
    token = ApiToken.objects.select_related("user").filter(digest=digest).first()
    if token is None or not hmac.compare_digest(token.digest, digest):
        return None
    if token.revoked_at is not None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token (its owner or an administrator may). Revoking twice changes nothing."""
    if actor.pk != token.user_id and not (actor.role == Role.ADMIN or actor.is_superuser):
        raise PermissionRefused(_("Only the token's owner or an administrator can revoke it."))
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_log(actor=actor, action="api_token.revoked", obj=token, data={"user_id": token.user_id})
    return token
