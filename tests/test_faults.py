"""Fault behaviour: a write that fails half-way leaves nothing behind; without a database the app still starts,
answers pages with a plain error page and reports itself unhealthy on /health (database, migrations, tasks)."""

from __future__ import annotations

import datetime
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client as HttpClient
from django.test import override_settings
from django.utils import timezone

from rattvag.accounts.models import PartnerKind, Role, User
from rattvag.audit.models import AuditEvent
from rattvag.clients import services as client_services
from rattvag.clients.models import Case, Client
from rattvag.consent import services as consent_services
from rattvag.core.errors import Conflict
from rattvag.meetings import services as meeting_services
from rattvag.meetings.models import Meeting, MeetingParticipant
from tests.factories import PartnerFactory, UserFactory, make_personal_number

BASE_DIR = Path(settings.BASE_DIR)


# --- no half-written records ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_failed_second_write_takes_the_first_with_it(world):
    """Booking a meeting writes the meeting, then its participants. The partner organisation invited is
    removed at that very moment (by an administrator, say): the participant row cannot be written, and
    the meeting written before it must not remain either."""
    af = PartnerFactory(code="AF-X", name="Arbetsförmedlingen X", kind=PartnerKind.AF)
    consent_services.consent_record(  # a consent for every AF office, so the consent does not hold the row
        actor=world.caseworker,
        client=world.client_a,
        partner_kind=PartnerKind.AF,
        purposes=["share_af_ame"],
        form="oral",
        witnessed_by="Kollega K",
    )
    type(af).objects.filter(pk=af.pk).delete()  # the python object lives on, the row is gone
    starts = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=2), datetime.time(9))
    )
    data = meeting_services.MeetingData(kind="three_party", starts_at=starts, location="Rum 2")
    events_before = AuditEvent.objects.count()
    with pytest.raises(IntegrityError):
        meeting_services.meeting_create(actor=world.caseworker, client=world.client_a, data=data, partners=[af])
    assert not Meeting.objects.exists()
    assert not MeetingParticipant.objects.exists()
    assert AuditEvent.objects.count() == events_before
    assert not AuditEvent.objects.filter(action="meeting.created").exists()


@pytest.mark.django_db(transaction=True)
def test_a_client_is_not_left_without_its_case(world):
    """Registering a client writes the client, then the case. The responsible caseworker's account is
    deleted at that moment: the case cannot be written, and the client must not remain without one."""
    gone = UserFactory(username="leaving", role=Role.CASEWORKER, units=[world.unit_a])
    User.objects.filter(pk=gone.pk).delete()
    number = make_personal_number(datetime.date(1981, 4, 4), 404)
    with pytest.raises((IntegrityError, Conflict)):
        client_services.client_create(
            actor=world.caseworker,
            unit=world.unit_a,
            personal_number=number,
            first_name="Halv",
            last_name="Skriven",
            responsible=gone,
        )
    assert not Client.objects.filter(personal_number=number).exists()
    assert Case.objects.count() == 2  # the world's two cases only
    assert not AuditEvent.objects.filter(action__in=["client.created", "case.opened"]).exists()


# --- /health in the running test database -------------------------------------------------------


def test_health_reports_each_part(db):
    response = HttpClient().get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migrations"] == "ok"
    assert body["tasks"] in {"ok", "not configured"}
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"


def test_health_needs_no_login_and_sets_no_cookie(db):
    response = HttpClient().get("/health")
    assert response.status_code == 200
    assert not response.cookies


@pytest.mark.django_db(transaction=True)
def test_health_is_503_while_a_migration_is_not_applied():
    """Migrate one app a step back (a real unapplied migration), look at /health, migrate forward again."""
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    leaf = next(node for node in graph.leaf_nodes() if node[0] == "meetings")
    parent = next(p for p in graph.node_map[leaf].parents if p[0] == "meetings")
    call_command("migrate", "meetings", parent[1], verbosity=0)
    try:
        response = HttpClient().get("/health")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unhealthy"
        assert body["database"] == "ok"
        assert body["migrations"] == "pending"
        assert body["pending_migrations"] >= 1
    finally:
        call_command("migrate", verbosity=0)
    assert HttpClient().get("/health").status_code == 200


_IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
_DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@override_settings(TASKS=_IMMEDIATE_TASKS)
def test_health_without_a_task_queue_says_so(db):
    assert HttpClient().get("/health").json()["tasks"] == "not configured"


@override_settings(TASKS=_DATABASE_TASKS)
def test_health_is_503_when_queued_tasks_wait_too_long(db, time_machine):
    from django_tasks_db.models import DBTaskResult, get_date_max

    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="rattvag.imports.tasks.run_import_job",
        backend_name="default",
        run_after=get_date_max(),
    )
    assert HttpClient().get("/health").json()["tasks"] == "ok"
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=2))
    response = HttpClient().get("/health")
    assert response.status_code == 503
    assert response.json()["tasks"] == "delayed"
    assert response.json()["oldest_task_age_seconds"] >= 7200


# --- without a database: a separate process ------------------------------------------------------

_SCRIPT = r"""
import json, sys
{setup}
from django.core.management import call_command
from django.test import Client
call_command("check", verbosity=0)  # the system checks run without the database
http = Client(raise_request_exception=False)
health = http.get("/health")
out = {{"health": [health.status_code, health.content.decode()]}}
if {page}:
    http.cookies["sessionid"] = "0" * 32  # a returning user: the session is looked up in the database
    page = http.get("/clients/")
    out["page"] = [page.status_code, page.content.decode(), page["Content-Type"]]
print("RESULT " + json.dumps(out))
"""


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run_without_database(database_url: str, *, production: bool, tmp_path: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_", "RATTVAG_"))}
    env["DATABASE_URL"] = database_url
    env["PRIVATE_MEDIA_ROOT"] = str(tmp_path)
    env["ALLOWED_HOSTS"] = "testserver"  # the test client's host name
    if production:
        setup = "import config.wsgi"  # exactly what the application server imports
        env.update(
            RATTVAG_ENV="production",
            SECRET_KEY="fault-test-" + "k" * 40,
            SECURE_SSL_REDIRECT="0",
        )
    else:
        setup = "import django; django.setup()"
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    script = _SCRIPT.format(setup=setup, page=not production)
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0, done.stderr[-3000:]
    assert lines, done.stderr[-3000:]
    return json.loads(lines[-1].removeprefix("RESULT "))


def _assert_unhealthy(health: list[Any]) -> None:
    status, content = health
    assert status == 503
    body = json.loads(content)
    assert body == {"status": "unhealthy", "database": "unavailable", "migrations": "unknown", "tasks": "unknown"}


def test_postgresql_unreachable_the_app_starts_and_reports_unhealthy(tmp_path):
    port = _closed_port()
    out = _run_without_database(f"postgres://rattvag@127.0.0.1:{port}/rattvag", production=True, tmp_path=tmp_path)
    _assert_unhealthy(out["health"])


def test_postgresql_unreachable_pages_get_a_plain_error_page(tmp_path):
    port = _closed_port()
    out = _run_without_database(f"postgres://rattvag@127.0.0.1:{port}/rattvag", production=False, tmp_path=tmp_path)
    _assert_unhealthy(out["health"])
    status, content, content_type = out["page"]
    assert status == 500
    assert content_type.startswith("text/html")
    assert "Något gick fel" in content
    assert '<html lang="sv"' in content
    for leak in ("Traceback", "OperationalError", "psycopg", "rattvag@", str(port), "sessionid", "/clients/"):
        assert leak not in content, leak


def test_sqlite_file_unreadable_the_app_starts_and_reports_unhealthy(tmp_path):
    missing = tmp_path / "no-such-directory" / "db.sqlite3"
    out = _run_without_database(f"sqlite:///{missing}", production=False, tmp_path=tmp_path)
    _assert_unhealthy(out["health"])
    status, content, _content_type = out["page"]
    assert status == 500
    assert "Något gick fel" in content
    assert str(missing) not in content
