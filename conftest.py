"""Test fixtures shared by every app: actors for every role, logged-in clients, the browser."""

from __future__ import annotations

import os

import pytest
from django.utils import translation

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

pytest_plugins = ["tests.fixtures.actors", "tests.fixtures.browser"]


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in Swedish, whatever language an earlier test left active in this worker."""
    with translation.override("sv"):
        yield
