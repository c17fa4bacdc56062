"""Helpers shared by the outcomes views."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest

if TYPE_CHECKING:
    from rattvag.accounts.models import User


def current_user(request: HttpRequest) -> User:
    return cast("User", request.user)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            if field != NON_FIELD_ERRORS and target is None and f"q_{field}" in form.fields:
                target = f"q_{field}"
            for message in messages:
                form.add_error(None if field == NON_FIELD_ERRORS else target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
