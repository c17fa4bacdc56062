"""Test fixtures shared by every app: actors for every role, logged-in clients, the browser."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

pytest_plugins = ["tests.fixtures.actors", "tests.fixtures.browser"]
