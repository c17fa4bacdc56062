"""The fast paths the import takes: the COPY text of rattvag.core.bulk and the audit events written in bulk
(the long-form personal number check: rattvag/clients/tests/test_long_form.py). Each must give exactly what
the general way gives."""

import datetime
import decimal

import pytest
from django.db import connection
from django.utils import timezone
from psycopg.types.numeric import Int4

from rattvag.audit.hashing import chain_digests, hashed_fields_of, uniform_chain_digests
from rattvag.audit.models import AuditEvent
from rattvag.audit.services import (
    BULK_THRESHOLD,
    ActingFor,
    EventRow,
    audit_log_many,
)
from rattvag.audit.verification import verify_chain
from rattvag.certificates.models import CareUnit, SgiSource
from rattvag.clients.models import Client
from rattvag.core.bulk import Inserter, copy_text, reserve_ids


def test_copy_text_renders_as_copy_expects():
    moment = datetime.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC)
    assert copy_text(None) == "\\N"
    assert copy_text(True) == "t"
    assert copy_text(False) == "f"
    assert copy_text(12) == "12"
    assert copy_text("a\\b\tc\nd\re") == "a\\\\b\\tc\\nd\\re"
    assert copy_text("Åsa Öberg") == "Åsa Öberg"
    assert copy_text(datetime.date(2026, 3, 1)) == "2026-03-01"
    assert copy_text(moment) == "2026-03-01T09:30:15.123456+00:00"
    assert copy_text(SgiSource.OTHER) == "other"


@pytest.mark.django_db
def test_copy_text_sends_what_psycopg_sends():
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    from psycopg._copy_base import TextFormatter
    from psycopg.adapt import Transformer

    connection.ensure_connection()
    row = [
        None,
        True,
        7,
        Int4(1),
        "tab\there \\ new\nline",
        SgiSource.OTHER,
        datetime.date(2026, 3, 1),
        datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC),
        datetime.datetime(2026, 3, 1, 9, 30),
        decimal.Decimal("1.50"),
        1.25,
        b"by\tes",
    ]
    formatter = TextFormatter(Transformer(connection.connection))
    ours = "\t".join(copy_text(value) for value in row) + "\n"
    psycopgs = (bytes(formatter.write_row(row)) + bytes(formatter.end())).decode()
    # Times may be written differently (ISO "T" or a space) but must mean the same instant.
    ours_cells, theirs_cells = ours.rstrip("\n").split("\t"), psycopgs.rstrip("\n").split("\t")
    assert [cell for n, cell in enumerate(ours_cells) if n != 7] == [
        cell for n, cell in enumerate(theirs_cells) if n != 7
    ]
    assert datetime.datetime.fromisoformat(ours_cells[7]) == datetime.datetime.fromisoformat(theirs_cells[7])


@pytest.mark.django_db
def test_inserted_values_read_back_unchanged():
    names = ["Back\\slash", "Tab\there", "New\nline", "Carriage\rreturn", "\\N", "\\.", "Åsa ÖÄ", "plain"]
    ids = Inserter(CareUnit, ["name", "hsa_id"]).insert([(name, f"SE-{n}") for n, name in enumerate(names)])
    stored = dict(CareUnit.objects.filter(pk__in=ids).values_list("pk", "name"))
    assert [stored[pk] for pk in ids] == names
    unit = CareUnit.objects.get(pk=ids[0])
    assert unit.merged_into_id is None
    assert unit.created_at is not None


@pytest.mark.django_db
def test_bulk_events_hash_like_the_general_way_and_verify(world):
    clients = [
        Client.objects.create(
            municipality=world.unit_a.municipality,
            personal_number=f"19900101{n:04d}",
            first_name="Åsa",
            last_name="Öberg",
        )
        for n in range(3)
    ]
    refs = [(Client._meta.label_lower, str(client.pk)) for client in clients] * (BULK_THRESHOLD // 3 + 1)
    client_ids = [int(object_id) for _type, object_id in refs]
    data = {"job_id": 7, "fields": ["first_name"], "note": 'quote " and \\ and å'}

    count = audit_log_many(
        actor=world.caseworker,
        action="client.imported",
        client_ids=client_ids,
        acting_for=ActingFor(unit=world.unit_a),
        object_refs=refs,
        data=data,
    )

    events = list(AuditEvent.objects.order_by("pk"))[-count:]
    assert count == len(refs)
    assert [(event.object_type, event.object_id, event.client_id) for event in events] == [
        (object_type, object_id, int(object_id)) for object_type, object_id in refs
    ]
    assert all(event.data == data and event.acting_unit_id == world.unit_a.pk for event in events)
    # Each stored hash is the general rendering's, chained.
    assert chain_digests(prev_hash=events[0].prev_hash, rows=[hashed_fields_of(event) for event in events]) == [
        event.hash for event in events
    ]
    assert verify_chain().ok


def test_uniform_digests_are_the_general_ones():
    common = EventRow(occurred_at=timezone.now(), action="client.imported", actor_id=3, data={"b": [1, "x"], "a": None})
    fields = {**common.fields(), "object_type": "clients.client"}
    del fields["client_id"], fields["object_id"]
    # The first pair is an ordinary one (it is checked against the general rendering); the rest are not.
    pairs = [(12, "12"), (None, ""), (7, 'ab"c'), (2**40, "0012"), (5, "å")]
    general = chain_digests(prev_hash="p", rows=[{**fields, "client_id": c, "object_id": o} for c, o in pairs])
    assert uniform_chain_digests(prev_hash="p", fields=fields, pairs=pairs) == general


@pytest.mark.django_db
def test_reserving_no_ids_gives_none():
    assert reserve_ids(CareUnit, 0) == []
    first, second = reserve_ids(CareUnit, 2)
    assert second > first
