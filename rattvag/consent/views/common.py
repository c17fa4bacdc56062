"""Helpers shared by the consent app's views."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from rattvag.core.errors import PermissionRefused

from ..checks import ConsentMissing

if TYPE_CHECKING:
    from rattvag.accounts.models import User


def current_user(request: HttpRequest) -> User:
    return cast("User", request.user)


def client_page_url(client_id: int) -> str:
    """The client page (rattvag.clients), or this app's consent page while that is not installed."""
    try:
        return reverse("clients:detail", args=[client_id])
    except NoReverseMatch:
        return reverse("consent:client", args=[client_id])


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(None if field == NON_FIELD_ERRORS else target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def record_url(client_id: int, *, partner_id: int | None = None, purpose: str = "") -> str:
    """The consent page with the recording form, the missing partner and purpose preselected (codes only)."""
    query = {}
    if partner_id is not None:
        query["partner"] = f"p:{partner_id}"
    if purpose:
        query["purpose"] = purpose
    url = reverse("consent:client", args=[client_id])
    return f"{url}?{urlencode(query)}#record-consent" if query else f"{url}#record-consent"


def refused(request: HttpRequest, error: PermissionRefused) -> HttpResponse:
    """403 with the reason; for a missing consent, a link to record it."""
    context: dict[str, object] = {"message": error.message}
    if isinstance(error, ConsentMissing):
        context["record_url"] = record_url(error.client_id, partner_id=error.partner_id, purpose=error.purpose)
        context["client_url"] = client_page_url(error.client_id)
    return render(request, "consent/refused.html", context, status=403)
