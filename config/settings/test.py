"""Test settings: the production-like mode, a fast hasher, the database from DATABASE_URL."""

import os

os.environ.setdefault("RATTVAG_ENV", "test")

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; argon2 is tested explicitly
RATTVAG_DEMO_MAY_SKIP_2FA = False
# Serve static files straight from the apps (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Statistics computed for every request, so a test sees the records it has just written; the tests of keeping
# switch it on themselves.
RATTVAG_FIGURE_CACHE_SECONDS = 0
# Tests that keep figures keep them in their own process (parallel test workers must not share them).
CACHES["figures"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "figures"}  # noqa: F405

# Tasks run at once in the test process; tests of the database backend override this themselves.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A statement that runs for minutes (a planner gone wrong on near-empty test tables) fails its test
    # instead of hanging the suite until CI's time limit.
    DATABASES["default"]["OPTIONS"]["options"] += " -c statement_timeout=120000"  # noqa: F405
