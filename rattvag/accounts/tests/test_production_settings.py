"""Production mode refuses to start without its three required variables, and is secure with them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

REQUIRED = {
    "SECRET_KEY": "a-long-random-production-secret-for-the-test-only-0123456789",
    "ALLOWED_HOSTS": "rattvag.example.se",
    "DATABASE_URL": "postgres://rattvag@db.example.se:5432/rattvag",
}
_SETTINGS_TO_PRINT = (
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "ALLOWED_HOSTS",
    "RATTVAG_DEMO_MAY_SKIP_2FA",
)


def start_django(variables: dict[str, str], script: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {*REQUIRED, "RATTVAG_ENV", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT", "DATABASE_CONN_MAX_AGE"}
    }
    env.update(variables, RATTVAG_ENV="production", DJANGO_SETTINGS_MODULE="config.settings.base")
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", "import django; django.setup()\n" + script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_production_refuses_to_start_without_a_required_variable(missing):
    variables = {name: value for name, value in REQUIRED.items() if name != missing}

    result = start_django(variables)

    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_an_empty_variable_counts_as_missing(missing):
    result = start_django({**REQUIRED, missing: ""})

    assert result.returncode != 0
    assert missing in result.stderr


def test_production_starts_with_all_three_and_is_secure():
    script = (
        "from django.conf import settings; import json\n"
        f"print(json.dumps({{name: getattr(settings, name) for name in {_SETTINGS_TO_PRINT!r}}}))\n"
    )

    result = start_django(REQUIRED, script)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["ALLOWED_HOSTS"] == ["rattvag.example.se"]
    assert values["RATTVAG_DEMO_MAY_SKIP_2FA"] is False


def test_production_keeps_database_connections_unless_told_otherwise():
    script = (
        "from django.conf import settings; import json\n"
        "db = settings.DATABASES['default']\n"
        "print(json.dumps([db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS']]))\n"
    )

    kept = start_django(REQUIRED, script)
    told = start_django({**REQUIRED, "DATABASE_CONN_MAX_AGE": "0"}, script)

    assert kept.returncode == 0, kept.stderr
    assert json.loads(kept.stdout) == [600, True]
    assert json.loads(told.stdout) == [0, True]
