"""Helpers shared by the views of the meetings and plans apps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from rattvag.consent.checks import ConsentMissing
from rattvag.consent.views.common import record_url
from rattvag.core.errors import PermissionRefused

if TYPE_CHECKING:
    from rattvag.accounts.models import User
    from rattvag.clients.access import ClientAccess
    from rattvag.clients.models import Client


def current_user(request: HttpRequest) -> User:
    return cast("User", request.user)


def client_page_url(client_id: int) -> str:
    return reverse("clients:detail", args=[client_id])


def shows_identity(client: Client, access: ClientAccess) -> bool:
    return access.sees_protected_identity or not client.protected_identity


def add_service_errors(form: forms.Form, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: on the field it names (after `field_map`), else the form."""
    field_map = field_map or {}
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = field_map.get(name, name)
            for message in messages:
                form.add_error(target if target in form.fields and name != NON_FIELD_ERRORS else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def add_refusal(form: forms.Form, error: PermissionRefused, field: str | None = None) -> str:
    """Show a refusal (usually a missing consent) on the form; returns the link to record the consent, if any."""
    form.add_error(field if field in form.fields else None, error.message)
    if isinstance(error, ConsentMissing):
        return record_url(error.client_id, partner_id=error.partner_id, purpose=error.purpose)
    return ""


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def base_context(client: Client, access: ClientAccess, **extra: Any) -> dict[str, Any]:
    return {
        "client": client,
        "access": access,
        "shows_identity": shows_identity(client, access),
        "client_url": client_page_url(client.pk),
        **extra,
    }
