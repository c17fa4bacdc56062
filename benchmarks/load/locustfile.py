"""Locust load test: caseworkers log in through the real forms and browse with think time.

Run by benchmarks/load/run_load_test.sh (which starts the server and writes the logins file); by hand:

    LOAD_LOGINS=logins.json .venv-bench/bin/locust -f benchmarks/load/locustfile.py \
        --host http://127.0.0.1:8001 --headless -u 50 -r 5 --run-time 2m

The server runs in production mode behind (what it takes for) a TLS-terminating proxy: every request
carries ``X-Forwarded-Proto: https`` (the proxy header the settings trust, SECURE_PROXY_SSL_HEADER), so
Django sees https and keeps its secure cookies, HSTS and SSL redirect; the cookie jar here sends
the secure cookies over the loopback connection, as the proxy does. POSTs carry the Origin a browser
would send, for Django's CSRF origin check on secure requests.

Requests are named by route (ids replaced by [id]) so that the statistics aggregate per page.
Static files (hashed names, cached for a year) are fetched once per simulated user, as by a cold browser
cache; the charts a page shows as <img> are fetched with the page, as a browser does.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ASSET_RE = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"')
TOTP_STEP = 30
TOTP_DIGITS = 6


def totp(key_hex: str, step_number: int) -> str:
    """RFC 6238 (HOTP of the time step, RFC 4226): SHA1, 6 digits."""
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", step_number), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**TOTP_DIGITS
    return str(code).zfill(TOTP_DIGITS)


def route_name(url: str) -> str:
    """The route of a URL: no host, no query, ids and chart slugs replaced."""
    path = urlsplit(url).path
    path = re.sub(r"/\d+(?=/|$|\.)", "/[id]", path)
    path = re.sub(r"/chart/[\w-]+\.svg$", "/chart/[table].svg", path)
    path = re.sub(r"^/outcomes/time-to-outcome/[\w-]+\.svg$", "/outcomes/time-to-outcome/[endpoint].svg", path)
    if path.startswith("/static/"):
        return "/static/[asset]"
    return path


class _Logins:
    """The logins file, handed out round robin; a login shared by several users waits for a fresh TOTP step."""

    def __init__(self) -> None:
        path = os.environ.get("LOAD_LOGINS", "")
        if not path:
            raise RuntimeError("LOAD_LOGINS must name the logins JSON file (benchmarks/load/dump_logins.py)")
        with open(path, encoding="utf-8") as handle:
            self.entries: list[dict[str, Any]] = json.load(handle)
        self._cycle = itertools.cycle(self.entries)
        self._last_step: dict[str, int] = {}
        self._lock = threading.Lock()

    def next(self) -> dict[str, Any]:
        with self._lock:
            return next(self._cycle)

    def code_for(self, login: dict[str, Any]) -> str:
        """A code for a time step not used yet by this username (django-otp refuses a step twice)."""
        while True:
            step = int(time.time()) // TOTP_STEP
            with self._lock:
                if self._last_step.get(login["username"], -1) < step:
                    self._last_step[login["username"]] = step
                    return totp(login["totp_key"], step)
            gevent.sleep(TOTP_STEP - time.time() % TOTP_STEP + 0.2)


LOGINS: _Logins | None = None
# Every request as (name, response time in ms, error or "", start time): report.py computes exact percentiles.
SAMPLES: list[tuple[str, float, str, float]] = []
# Requests sent; those without a sample when the run stops were still waiting for the server (cut off).
SENT: list[int] = [0]


@events.init.add_listener
def _load_logins(environment: Any, **_kwargs: Any) -> None:
    global LOGINS
    LOGINS = _Logins()


@events.request.add_listener
def _record(name: str, response_time: float, exception: BaseException | None, **kwargs: Any) -> None:
    error = "" if exception is None else str(exception)[:200]
    SAMPLES.append((name, response_time, error, kwargs.get("start_time") or time.time()))


SPAWNED_AT: list[float] = []  # when every user had been started (the end of the ramp-up)


@events.spawning_complete.add_listener
def _spawned(user_count: int, **_kwargs: Any) -> None:
    SPAWNED_AT.append(time.time())


@events.quitting.add_listener
def _write_samples(environment: Any, **_kwargs: Any) -> None:
    path = os.environ.get("LOAD_SAMPLES")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            unfinished = SENT[0] - len(SAMPLES)
            spawned_at = SPAWNED_AT[0] if SPAWNED_AT else None
            json.dump({"spawned_at": spawned_at, "unfinished": unfinished, "samples": SAMPLES}, handle)


class Caseworker(HttpUser):
    wait_time = between(float(os.environ.get("LOAD_THINK_MIN", "3")), float(os.environ.get("LOAD_THINK_MAX", "10")))

    def on_start(self) -> None:
        assert LOGINS is not None
        self.login = LOGINS.next()
        self.client_ids: list[int] = self.login["client_ids"]
        origin = (self.host or "").replace("http://", "https://", 1).rstrip("/")
        self.origin = origin
        # As behind the TLS-terminating proxy: Django sees https (and so sets Secure cookies).
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.static_seen: set[str] = set()
        self._log_in()

    # --- helpers -------------------------------------------------------------------------------------

    def _send_secure_cookies(self) -> None:
        """The jar holds Django's Secure cookies but sends them only over https; the proxy's side is https."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def _get(self, url: str, *, name: str | None = None, assets: bool = True, follow: bool = False) -> str:
        """GET a page (and what the browser loads with it); ``follow``: a redirect to a local page is followed."""
        self._send_secure_cookies()
        SENT[0] += 1
        with self.client.get(url, name=name or route_name(url), allow_redirects=False, catch_response=True) as r:
            location = r.headers.get("Location", "")
            if follow and r.status_code == 302 and location.startswith("/"):
                r.success()
                return self._get(location, assets=assets)
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code} (Location: {location})")
                return ""
            body = r.text
        if assets:
            self._assets(body)
        return body

    def _post(self, url: str, data: dict[str, str], *, name: str, expect: str) -> None:
        """A form POST that must redirect to ``expect`` (a path prefix)."""
        headers = {"Origin": self.origin, "Referer": f"{self.origin}{url}"}
        self._send_secure_cookies()
        SENT[0] += 1
        with self.client.post(
            url, data=data, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as r:
            location = r.headers.get("Location", "")
            if r.status_code != 302 or not location.startswith(expect):
                r.failure(f"HTTP {r.status_code}, Location {location!r}, expected a redirect to {expect}")
                raise _LoginFailed

    def _assets(self, html: str) -> None:
        """What a browser loads with the page: static files once (cached), dynamic images every time."""
        for url in ASSET_RE.findall(html):
            url = url.replace("&amp;", "&")
            if not url.startswith("/"):
                continue
            if url.startswith("/static/"):
                if url in self.static_seen:
                    continue
                self.static_seen.add(url)
            self._get(url, assets=False)

    def _log_in(self) -> None:
        assert LOGINS is not None
        try:
            page = self._get("/account/login/", assets=True)
            token = CSRF_RE.search(page)
            if not token:
                raise StopUser
            self._post(
                "/account/login/",
                {
                    "csrfmiddlewaretoken": token.group(1),
                    "username": self.login["username"],
                    "password": self.login["password"],
                    "next": "/",
                },
                name="/account/login/ [POST]",
                expect="/",
            )
            page = self._get("/account/two-factor/?next=/")
            token = CSRF_RE.search(page)
            if not token:
                raise StopUser
            code = LOGINS.code_for(self.login)
            self._post(
                "/account/two-factor/",
                {"csrfmiddlewaretoken": token.group(1), "code": code, "next": "/"},
                name="/account/two-factor/ [POST]",
                expect="/",
            )
            self._get("/", follow=True)
        except _LoginFailed:
            raise StopUser from None  # counted as a failure above; this user does not browse

    def _client_id(self) -> int:
        return random.choice(self.client_ids)  # noqa: S311 - a browsing pattern, not a secret

    # --- browsing --------------------------------------------------------------------------------------

    @task(6)
    def worklist(self) -> None:
        self._get("/worklist/")

    @task(8)
    def client_page(self) -> None:
        self._get(f"/clients/{self._client_id()}/")

    @task(6)
    def certificates(self) -> None:
        self._get(f"/clients/{self._client_id()}/certificates/")

    @task(2)
    def meetings(self) -> None:
        self._get(f"/clients/{self._client_id()}/meetings/")

    @task(2)
    def plans(self) -> None:
        self._get(f"/clients/{self._client_id()}/plans/")

    @task(2)
    def home(self) -> None:
        self._get("/", follow=True)  # a caseworker's home is the worklist

    @task(2)
    def mapping_dashboard(self) -> None:
        self._get("/stats/mapping/")

    @task(1)
    def report(self) -> None:
        reports = ["/outcomes/movement/", "/outcomes/time-to-outcome/", "/outcomes/fidelity/"]
        self._get(random.choice(reports))  # noqa: S311 - a browsing pattern, not a secret


class _LoginFailed(Exception):
    pass
