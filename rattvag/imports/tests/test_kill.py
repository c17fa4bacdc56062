"""An import killed half-way (SIGKILL while writing) leaves no client, case or certificate behind.

`manage.py import_caseload` runs as a subprocess against the test database: on SQLite a file
copy of it (a subprocess cannot open the in-memory database), on PostgreSQL the test database
itself. The test hook RATTVAG_IMPORT_TEST_PAUSE_FILE (services.TEST_PAUSE_ENV) makes the writer
create a marker file after its first batch, inside its open transaction, and wait there; the test
waits for that marker and for the job row to say "writing" (bounded), then kills the process.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from rattvag.imports import services, writing

from .files import csv_bytes, not_sick, row

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(settings.BASE_DIR)
TIMEOUT = 90  # seconds, for a loaded two-core machine; the test normally takes a few
APPLICATION_NAME = "rattvag-import-kill-test"


def database_for_subprocess(tmp_path: Path) -> tuple[str, Path | None]:
    """A DATABASE_URL the subprocess can use, holding what the test has committed so far."""
    if connection.vendor == "sqlite":
        path = tmp_path / "import-kill.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}", path
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}", None


def query(sqlite_path: Path | None, sql: str, params: list) -> list[tuple]:
    if sqlite_path is not None:
        with sqlite3.connect(sqlite_path) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_killed_import_leaves_no_partial_rows(world, tmp_path):
    rows = [row() if n % 3 else not_sick() for n in range(writing.WRITE_CHUNK + 500)]
    numbers = [r["personal_number"].replace("-", "") for r in rows]
    caseload = tmp_path / "caseload.csv"
    caseload.write_bytes(csv_bytes(rows))
    database_url, sqlite_path = database_for_subprocess(tmp_path)
    marker = tmp_path / "writer-paused"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "RATTVAG_ENV": "test",
        "DATABASE_URL": database_url,
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        services.TEST_PAUSE_ENV: str(marker),
        "PGAPPNAME": APPLICATION_NAME,
    }
    log = tmp_path / "import.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
            [
                sys.executable,
                "manage.py",
                "import_caseload",
                str(caseload),
                "--unit",
                "HAL-EB",
                "--actor",
                "caseworker",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: marker.exists() or process.poll() is not None, "the writer to pause after its first batch")
        assert process.poll() is None, log.read_text()
        [(status,)] = query(sqlite_path, "SELECT status FROM imports_importjob", [])
        assert status == "writing"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL

    if sqlite_path is None:
        # The server ends the dead client's transaction when it sees the connection close.
        wait_for(
            lambda: not query(None, "SELECT 1 FROM pg_stat_activity WHERE application_name = %s", [APPLICATION_NAME]),
            "PostgreSQL to end the killed connection",
        )

    placeholders = ", ".join(["%s"] * len(numbers))
    clients_from_file = f"SELECT COUNT(*) FROM clients_client WHERE personal_number IN ({placeholders})"  # noqa: S608
    assert query(sqlite_path, clients_from_file, numbers) == [(0,)]
    assert query(sqlite_path, "SELECT COUNT(*) FROM clients_case", []) == [(2,)]  # the world's two cases
    for table in (
        "certificates_certificate",
        "certificates_certificateperiod",
        "certificates_diagnosis",
        "certificates_sgistatus",
    ):
        assert query(sqlite_path, f"SELECT COUNT(*) FROM {table}", []) == [(0,)], table  # noqa: S608
    assert query(sqlite_path, "SELECT COUNT(*) FROM certificates_careunit", []) == [(0,)]
    assert query(
        sqlite_path,
        "SELECT COUNT(*) FROM audit_auditevent WHERE action IN (%s, %s)",
        ["client.imported", "import.completed"],
    ) == [(0,)]
    # The job stays "writing"; the job page shows it as stopped once it has not moved for a while.
    assert query(sqlite_path, "SELECT status, created_count FROM imports_importjob", []) == [("writing", 0)]
