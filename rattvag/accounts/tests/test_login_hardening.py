"""Login hardening through the real views: lockout, two-factor login, idle timeout, Argon2."""

from __future__ import annotations

import base64
import datetime
import os
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rattvag.accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password
LOGIN_URL = "/account/login/"
TWO_FACTOR_URL = "/account/two-factor/"


def password_login(user, password: str = PASSWORD, **extra) -> tuple[HttpClient, object]:
    http = HttpClient(**extra)
    response = http.post(LOGIN_URL, {"username": user.username, "password": password})
    return http, response


def is_logged_in(http: HttpClient) -> bool:
    return SESSION_KEY in http.session


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    right = code_for(device)
    return "000000" if right != "000000" else "111111"


@pytest.fixture
def frozen_now():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


# --- Password hashing ---------------------------------------------------------------------------


def test_argon2_is_the_default_hasher_outside_the_tests():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(RATTVAG_ENV="development", DJANGO_SETTINGS_MODULE="config.settings.base")
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.contrib.auth.hashers import make_password\n"
        "print(settings.PASSWORD_HASHERS[0]); print(make_password('x').split('$')[0])\n"
    )

    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.contrib.auth.hashers.Argon2PasswordHasher", "argon2"]


# --- Lockout (django-axes) ------------------------------------------------------------------------


def test_repeated_failures_lock_the_login_even_for_the_right_password(world, frozen_now):
    limit = settings.AXES_FAILURE_LIMIT
    for _attempt in range(limit - 1):
        http, response = password_login(world.caseworker, "wrong-password")
        assert response.status_code == 200
        assert "Användarnamnet eller lösenordet är fel." in response.content.decode()

    _http, response = password_login(world.caseworker, "wrong-password")
    assert response.status_code == 429

    http, response = password_login(world.caseworker)
    assert response.status_code == 429
    assert "Inloggningen är spärrad" in response.content.decode()
    assert not is_logged_in(http)


def test_the_lock_holds_one_username_from_one_address(world, frozen_now):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        password_login(world.caseworker, "wrong-password")

    other_user, _response = password_login(world.nurse)
    other_address, _response = password_login(world.caseworker, REMOTE_ADDR="10.0.0.7")

    assert is_logged_in(other_user)
    assert is_logged_in(other_address)


def test_the_lock_ends_fifteen_minutes_after_the_last_attempt(world, frozen_now):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        password_login(world.caseworker, "wrong-password")

    frozen_now.shift(datetime.timedelta(minutes=14))
    still_locked, response = password_login(world.caseworker)
    assert response.status_code == 429
    assert not is_logged_in(still_locked)

    # Trying during the lock starts the cool-off again.
    frozen_now.shift(datetime.timedelta(minutes=14))
    _http, response = password_login(world.caseworker)
    assert response.status_code == 429

    frozen_now.shift(datetime.timedelta(minutes=16))
    http, response = password_login(world.caseworker)
    assert response.status_code == 302
    assert is_logged_in(http)


# --- Two-factor login -----------------------------------------------------------------------------


def test_a_caseworker_with_only_a_password_is_sent_to_the_second_step_everywhere(world, frozen_now):
    device = TOTPDevice.objects.create(user=world.caseworker, name="app", confirmed=True)
    http, response = password_login(world.caseworker)
    assert response.status_code == 302

    for path in ["/", reverse("clients:list"), reverse("admin:index"), "/no-such-page/"]:
        response = http.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{TWO_FACTOR_URL}?next={path}"), path

    page = http.get(TWO_FACTOR_URL)
    assert page.status_code == 200
    assert "Ange din engångskod" in page.content.decode()

    response = http.post(TWO_FACTOR_URL, {"code": code_for(device), "next": reverse("clients:list")})
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:list")
    response = http.get(reverse("clients:list"))
    assert response.status_code == 200


def test_a_wrong_code_keeps_the_user_at_the_second_step(world, frozen_now):
    device = TOTPDevice.objects.create(user=world.caseworker, name="app", confirmed=True)
    http, _response = password_login(world.caseworker)

    response = http.post(TWO_FACTOR_URL, {"code": wrong_code_for(device)})

    assert response.status_code == 200
    assert "Koden är fel eller har gått ut." in response.content.decode()
    assert http.get("/")["Location"].startswith(TWO_FACTOR_URL)


def test_a_user_without_a_device_sets_one_up(world, frozen_now):
    http, _response = password_login(world.nurse)
    assert not TOTPDevice.objects.filter(user=world.nurse).exists()

    page = http.get(TWO_FACTOR_URL).content.decode()

    device = TOTPDevice.objects.get(user=world.nurse)
    assert not device.confirmed
    assert "Ställ in tvåstegsinloggning" in page
    assert "<svg" in page
    secret = page.split('data-testid="totp-secret">', 1)[1].split("<", 1)[0]
    assert secret == base64.b32encode(device.bin_key).decode()

    response = http.post(TWO_FACTOR_URL, {"code": wrong_code_for(device)})
    assert response.status_code == 200
    assert "Koden är fel eller har gått ut." in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    # A failed try throttles the device briefly; the next time step brings a fresh code.
    frozen_now.shift(datetime.timedelta(seconds=31))
    response = http.post(TWO_FACTOR_URL, {"code": code_for(device), "next": "/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert http.get(reverse("clients:list")).status_code == 200


def test_the_set_up_page_reuses_the_unconfirmed_device(world):
    http, _response = password_login(world.nurse)

    http.get(TWO_FACTOR_URL)
    http.get(TWO_FACTOR_URL)

    assert TOTPDevice.objects.filter(user=world.nurse).count() == 1


@pytest.mark.parametrize("actor", ["analyst", "aggregate_viewer"])
def test_statistics_roles_are_not_forced_to_two_factor(world, actor):
    user = world.actors()[actor]
    http, _response = password_login(user)

    response = http.get("/")

    assert response.status_code == 200
    assert not http.get(TWO_FACTOR_URL)["Location"].startswith(TWO_FACTOR_URL)


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.NURSE, Role.UNIT_MANAGER, Role.PARTNER_OFFICER, Role.ADMIN])
def test_every_role_with_individual_data_needs_two_factor(world, role):
    extra = {"partner": world.fk} if role == Role.PARTNER_OFFICER else {}
    user = UserFactory(role=role, **extra)
    http, _response = password_login(user)

    assert http.get("/")["Location"].startswith(TWO_FACTOR_URL)


def test_a_demo_user_may_skip_two_factor_when_the_setting_allows(world, settings):
    settings.RATTVAG_DEMO_MAY_SKIP_2FA = True
    demo = UserFactory(role=Role.CASEWORKER, units=[world.unit_a], is_demo=True)
    http, _response = password_login(demo)

    response = http.get(reverse("clients:list"))

    assert response.status_code == 200


def test_only_demo_users_may_skip_two_factor(world, settings):
    settings.RATTVAG_DEMO_MAY_SKIP_2FA = True
    http, _response = password_login(world.caseworker)

    assert http.get(reverse("clients:list"))["Location"].startswith(TWO_FACTOR_URL)


def test_demo_users_need_two_factor_when_the_setting_is_off(world, settings):
    settings.RATTVAG_DEMO_MAY_SKIP_2FA = False
    demo = UserFactory(role=Role.CASEWORKER, units=[world.unit_a], is_demo=True)
    http, _response = password_login(demo)

    assert http.get(reverse("clients:list"))["Location"].startswith(TWO_FACTOR_URL)


# --- Idle timeout ---------------------------------------------------------------------------------


def test_sessions_end_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def _stored_expiry(http):
    return Session.objects.get(session_key=http.cookies[settings.SESSION_COOKIE_NAME].value).expire_date


def test_a_session_in_use_is_renewed_at_most_once_a_minute(world, login_as, frozen_now):
    http = login_as(world.caseworker)
    assert http.get(reverse("clients:list")).status_code == 200
    renewed = _stored_expiry(http)

    frozen_now.shift(datetime.timedelta(seconds=30))
    assert http.get(reverse("clients:list")).status_code == 200
    assert _stored_expiry(http) == renewed  # nothing written within the minute

    frozen_now.shift(datetime.timedelta(seconds=31))
    assert http.get(reverse("clients:list")).status_code == 200
    assert _stored_expiry(http) == renewed + datetime.timedelta(seconds=61)


def test_a_visitor_without_a_session_gets_none(client):
    assert client.get(reverse("accounts:login")).status_code == 200
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    assert not Session.objects.exists()


def test_a_session_touched_within_thirty_minutes_lives_on(world, login_as, frozen_now):
    http = login_as(world.caseworker)
    assert http.get(reverse("clients:list")).status_code == 200

    for _touch in range(3):
        frozen_now.shift(datetime.timedelta(minutes=29))
        assert http.get(reverse("clients:list")).status_code == 200


def test_a_session_untouched_for_thirty_one_minutes_is_logged_out(world, login_as, frozen_now):
    http = login_as(world.caseworker)
    assert http.get(reverse("clients:list")).status_code == 200

    frozen_now.shift(datetime.timedelta(minutes=31))
    response = http.get(reverse("clients:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
