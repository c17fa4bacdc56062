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


@pytest.fixture
def keeping_figures(settings):
    """Statistics kept for five minutes, as in production (the test settings compute them for every request)."""
    from django.core.cache import caches

    from rattvag.core import kept_figures

    settings.RATTVAG_FIGURE_CACHE_SECONDS = 300
    caches[kept_figures.CACHE_ALIAS].clear()
    yield
    caches[kept_figures.CACHE_ALIAS].clear()
