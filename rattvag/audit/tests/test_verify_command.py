"""`manage.py audit_verify`: exit 0 with a count when whole, exit 1 naming the first broken event."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from rattvag.audit.services import audit_log

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def events(world):
    return [audit_log(actor=world.caseworker, action="client.viewed", client_id=world.client_a.pk) for _ in range(4)]


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_a_whole_chain_exits_0_with_the_count(events):
    code, out, err = run()
    assert code == 0
    assert out.strip() == "Audit chain OK: 4 events"
    assert err == ""


@pytest.mark.django_db
def test_an_empty_chain_is_whole():
    code, out, _ = run()
    assert (code, out.strip()) == (0, "Audit chain OK: 0 events")


def test_an_edited_action_is_named(events):
    edited = events[1]
    sql("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["client.updated", edited.pk])
    code, out, err = run()
    assert code == 1
    assert out == ""
    when = timezone.localtime(edited.occurred_at).isoformat(timespec="seconds")
    assert f"event {edited.pk} ({when})" in err
    assert "edited" in err


def test_a_removed_middle_event_is_named_by_the_next_one(events):
    sql("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    code, _, err = run("--chunk-size", "2")
    assert code == 1
    assert f"event {events[2].pk} " in err
    assert "removed" in err


def test_a_removed_newest_event_is_detected(events):
    sql("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    code, _, err = run()
    assert code == 1
    assert f"event {events[-1].pk} (time unknown, the event is missing)" in err
    assert "newest events are missing" in err


def test_a_changed_flag_is_detected(events):
    sql("UPDATE audit_auditevent SET break_glass = %s WHERE id = %s", [True, events[0].pk])
    code, _, err = run()
    assert code == 1
    assert f"event {events[0].pk} " in err


def test_the_command_on_a_sqlite_file_in_a_subprocess(tmp_path):
    """The real command line: migrate a file database, write events, verify, tamper, verify again."""
    database = tmp_path / "audit.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "RATTVAG_ENV": "test",
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONWARNINGS": "ignore",
    }

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    assert manage("migrate", "--no-input", "-v", "0").returncode == 0
    write = manage(
        "shell",
        "-c",
        "from rattvag.audit.services import audit_log\n"
        "for n in range(3): audit_log(actor=None, action='audit.viewed', data={'n': n})",
    )
    assert write.returncode == 0, write.stderr

    whole = manage("audit_verify")
    assert (whole.returncode, whole.stdout.strip()) == (0, "Audit chain OK: 3 events")

    with sqlite3.connect(database) as db:
        (middle,) = db.execute("SELECT id FROM audit_auditevent ORDER BY id LIMIT 1 OFFSET 1").fetchone()
        db.execute("UPDATE audit_auditevent SET action = 'client.viewed' WHERE id = ?", [middle])
    broken = manage("audit_verify")
    assert broken.returncode == 1
    assert broken.stdout == ""
    assert f"Audit chain BROKEN at event {middle} (" in broken.stderr


def test_a_removed_chain_head_is_reported(events):
    sql("DELETE FROM audit_auditchainhead", [])
    code, _, err = run()
    assert code == 1
    assert err.startswith("Audit chain BROKEN: the chain head is missing")
