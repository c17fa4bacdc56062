"""Fixtures for the certificate tests: an API client with a personal token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from rattvag.accounts.models import User


class TokenClient(HttpClient):
    def __init__(self, raw_token: str, **kwargs: Any) -> None:
        super().__init__(headers={"Authorization": f"Bearer {raw_token}"}, **kwargs)

    def post_json(self, path: str, data: Any) -> Any:
        return self.post(path, data=data, content_type="application/json")


@pytest.fixture
def api_as(db: None) -> Callable[[User], TokenClient]:
    from rattvag.accounts.tokens import api_token_issue

    def _as(user: User) -> TokenClient:
        _token, raw = api_token_issue(user=user, actor=user)
        return TokenClient(raw)

    return _as
