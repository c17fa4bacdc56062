"""Fixtures for the API tests: clients authenticated with a personal token, or none."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rattvag.accounts.models import User
from rattvag.accounts.tokens import api_token_issue

from .helpers import TokenClient


@pytest.fixture
def api_as(db: None) -> Callable[[User], TokenClient]:
    """A client authenticated with a fresh personal API token of `user`."""

    def _as(user: User) -> TokenClient:
        _token, raw = api_token_issue(user=user, actor=user)
        return TokenClient(raw)

    return _as


@pytest.fixture
def anonymous() -> TokenClient:
    return TokenClient()
