"""Backup and restore round trip on the database the suite runs on (SQLite or PostgreSQL).

The restore runs against a scratch database copied from the test database, registered as the
connection alias "scratch", so that the test database itself is never replaced.
"""

from __future__ import annotations

import copy
import sqlite3
import uuid
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend

from rattvag.audit.models import AuditChainHead, AuditEvent
from rattvag.audit.verification import verify_chain
from rattvag.clients.models import Case, Client
from rattvag.clients.services import client_update
from rattvag.ops.backup import table_fingerprints
from tests.factories import ClientFactory
from tests.fixtures.actors import World

pytestmark = pytest.mark.django_db(transaction=True)

SCRATCH = "scratch"


def _register(settings_dict: dict) -> None:
    """A connection made by hand, not listed in DATABASES: Django's test case lets such connections be."""
    backend = load_backend(settings_dict["ENGINE"])
    connections[SCRATCH] = backend.DatabaseWrapper(settings_dict, SCRATCH)


def _unregister() -> None:
    connections[SCRATCH].close()
    del connections[SCRATCH]


def _postgres_admin():
    import psycopg

    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    return psycopg.connect(**params, autocommit=True)


@pytest.fixture
def scratch(world: World, tmp_path: Path) -> Iterator[str]:
    """A copy of the test database (with the world in it) under the alias "scratch"."""
    AuditChainHead.objects.get_or_create(pk=1)
    client_update(actor=world.caseworker, client=world.client_a, phone="070-1234567")  # audit events too
    settings_dict = copy.deepcopy(connection.settings_dict)
    if connection.vendor == "sqlite":
        path = tmp_path / "scratch.sqlite3"
        copy_to = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(copy_to)
        copy_to.close()
        settings_dict["NAME"] = str(path)
        _register(settings_dict)
        yield SCRATCH
        _unregister()
        return
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    template = connection.settings_dict["NAME"]
    connection.close()  # CREATE DATABASE … TEMPLATE needs the template to itself
    with _postgres_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    settings_dict["NAME"] = name
    _register(settings_dict)
    yield SCRATCH
    _unregister()
    with _postgres_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _change_everything(alias: str, world: World) -> None:
    """Change, add and remove rows in several tables (and write audit events)."""
    Client.objects.using(alias).filter(pk=world.client_a.pk).update(first_name="Ändrad")
    Case.objects.using(alias).filter(pk=world.case_b.pk).delete()
    ClientFactory._meta.model.objects.using(alias).create(
        municipality_id=world.municipality_a.pk, personal_number="199001011239", first_name="Ny", last_name="Klient"
    )
    head = AuditChainHead.objects.using(alias).get(pk=1)
    head.last_event_id += 1
    head.save(using=alias)


def _open_second_connection(alias: str):
    settings_dict = connections[alias].settings_dict
    if connections[alias].vendor == "sqlite":
        other = sqlite3.connect(settings_dict["NAME"])
        other.execute("SELECT count(*) FROM clients_client").fetchone()
        return other
    import psycopg

    params = connections[alias].get_connection_params()
    other = psycopg.connect(**params, autocommit=True)
    other.execute("SELECT count(*) FROM clients_client").fetchone()
    return other


def test_backup_change_restore_gives_back_every_table(scratch: str, world: World, tmp_path: Path):
    backup = tmp_path / "backups" / f"rattvag{'.sqlite3' if connection.vendor == 'sqlite' else '.dump'}"
    out = StringIO()
    call_command("backup", "--database", scratch, "--output", str(backup), stdout=out)
    assert backup.is_file()
    assert backup.stat().st_mode & 0o777 == 0o600
    assert "Backup written" in out.getvalue()
    at_backup = table_fingerprints(scratch)
    assert at_backup["clients_client"][0] == 2
    assert len(at_backup) > 30

    _change_everything(scratch, world)
    changed = table_fingerprints(scratch)
    assert {table for table in at_backup if changed[table] != at_backup[table]} == {
        "clients_client",
        "clients_case",
        "audit_auditchainhead",
    }

    call_command("restore", str(backup), "--database", scratch, stdout=StringIO())
    assert table_fingerprints(scratch) == at_backup
    assert Client.objects.using(scratch).get(pk=world.client_a.pk).first_name == world.client_a.first_name
    # The restored database works: the application writes to it again.
    assert Client.objects.using(scratch).count() == 2
    assert AuditEvent.objects.using(scratch).count() == AuditEvent.objects.count()


def test_restore_refuses_a_database_in_use_unless_forced(scratch: str, world: World, tmp_path: Path):
    backup = tmp_path / "backup"
    call_command("backup", "--database", scratch, "--output", str(backup), stdout=StringIO())
    at_backup = table_fingerprints(scratch)
    _change_everything(scratch, world)
    changed = table_fingerprints(scratch)

    other = _open_second_connection(scratch)
    try:
        with pytest.raises(CommandError, match="--force"):
            call_command("restore", str(backup), "--database", scratch, stdout=StringIO())
        assert table_fingerprints(scratch) == changed
        call_command("restore", str(backup), "--database", scratch, "--force", stdout=StringIO())
    finally:
        other.close()
    assert table_fingerprints(scratch) == at_backup


def test_restore_refuses_what_is_not_a_backup(scratch: str, tmp_path: Path):
    junk = tmp_path / "junk"
    junk.write_bytes(b"this is not a backup")
    before = table_fingerprints(scratch)
    with pytest.raises(CommandError):
        call_command("restore", str(junk), "--database", scratch, stdout=StringIO())
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing"), "--database", scratch, stdout=StringIO())
    assert table_fingerprints(scratch) == before


def test_the_audit_chain_verifies_after_a_restore(scratch: str, world: World, tmp_path: Path):
    backup = tmp_path / "backup"
    assert verify_chain().ok
    call_command("backup", "--database", scratch, "--output", str(backup), stdout=StringIO())
    call_command("restore", str(backup), "--database", scratch, stdout=StringIO())
    events = list(AuditEvent.objects.using(scratch).order_by("pk").values_list("hash", flat=True))
    assert events == list(AuditEvent.objects.order_by("pk").values_list("hash", flat=True))
    assert events
