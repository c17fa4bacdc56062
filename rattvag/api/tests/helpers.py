"""Helpers shared by the API tests."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.test import Client as HttpClient

from rattvag.audit.models import AuditEvent
from tests.factories import make_personal_number

API = "/api/v1"

_serials = itertools.count(500)


class TokenClient(HttpClient):
    """A Django test client that sends `Authorization: Bearer <token>` and JSON bodies."""

    def __init__(self, raw_token: str | None = None, **kwargs: Any) -> None:
        headers = {"Authorization": f"Bearer {raw_token}"} if raw_token is not None else {}
        super().__init__(headers=headers, **kwargs)

    def post_json(self, path: str, data: Any, **kwargs: Any) -> Any:
        return self.post(path, data=data, content_type="application/json", **kwargs)


def new_personal_number() -> str:
    """A valid 12-digit number that no factory hands out (they start in 1980)."""
    n = next(_serials)
    return make_personal_number(datetime.date(1950, 1, 1) + datetime.timedelta(days=n // 1000), n)


def client_payload(unit_code: str, **overrides: Any) -> dict[str, Any]:
    payload = {
        "personal_number": new_personal_number(),
        "first_name": "Test",
        "last_name": "Testsson",
        "unit": unit_code,
    }
    payload.update(overrides)
    return payload


def events(action: str, **filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("pk"))
