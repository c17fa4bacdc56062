"""Writers in parallel threads: the chain head lock keeps the chain whole.

PostgreSQL serialises writers on the head row (SELECT ... FOR UPDATE); SQLite on the IMMEDIATE
transaction the settings ask for, with WAL and a busy timeout. The same test runs on both.

SQLite's in-memory test database is shared between threads through a shared cache, where a
second writer fails at once ("database table is locked") instead of waiting: a situation no
deployment has. On that database the test writes to a SQLite file instead, as production would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from rattvag.audit.models import AuditChainHead, AuditEvent
from rattvag.audit.services import audit_log
from rattvag.audit.verification import verify_chain

THREADS = 4
EVENTS_PER_THREAD = 25


@pytest.fixture
def database_for_threads(tmp_path: Path) -> Iterator[None]:
    connection = connections["default"]
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        yield
        return
    # Django never closes an in-memory connection (that would drop the database): set it aside.
    memory_name, memory_connection = connection.settings_dict["NAME"], connection.connection
    connection.connection = None
    connection.settings_dict["NAME"] = str(tmp_path / "threads.sqlite3")
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = memory_name
        connection.connection = memory_connection


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("database_for_threads")
def test_parallel_writers_keep_the_chain_whole():
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def write(thread_number: int) -> None:
        try:
            start.wait(timeout=30)
            for n in range(EVENTS_PER_THREAD):
                audit_log(actor=None, action="audit.viewed", client_id=thread_number * 1000 + n)
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert AuditEvent.objects.count() == THREADS * EVENTS_PER_THREAD
    report = verify_chain()
    assert report.ok, report
    assert report.events_checked == THREADS * EVENTS_PER_THREAD
    newest = AuditEvent.objects.order_by("-id").first()
    assert newest is not None
    assert AuditChainHead.objects.get(pk=1).last_event_id == newest.pk
    # Each thread's events are all there, and the time (taken under the lock) never goes back.
    for number in range(THREADS):
        assert AuditEvent.objects.filter(client_id__gte=number * 1000, client_id__lt=number * 1000 + 1000).count() == 25
    times = list(AuditEvent.objects.order_by("id").values_list("occurred_at", flat=True))
    assert times == sorted(times)
