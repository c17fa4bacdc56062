"""Large batches of audit events take the fast path; the chain they make verifies like any other."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from rattvag.audit.models import AuditChainHead, AuditEvent
from rattvag.audit.services import BULK_THRESHOLD, EventRow, audit_append_events, audit_log, audit_log_many
from rattvag.audit.verification import verify_chain

pytestmark = pytest.mark.django_db


def test_a_large_batch_is_chained_and_verifies(world):
    audit_log(actor=world.caseworker, action="client.viewed", client_id=1)
    count = audit_log_many(
        actor=world.caseworker, action="client.listed", client_ids=list(range(1, BULK_THRESHOLD + 51))
    )
    audit_log(actor=world.caseworker, action="client.viewed", client_id=2)

    assert count == BULK_THRESHOLD + 50
    events = list(AuditEvent.objects.order_by("pk"))
    assert [event.client_id for event in events[-count - 1 : -1]] == list(range(1, BULK_THRESHOLD + 51))
    assert {event.actor_id for event in events[-count - 1 : -1]} == {world.caseworker.pk}
    assert verify_chain().ok
    assert AuditChainHead.objects.get(pk=1).last_event_id == events[-1].pk


def test_appended_history_keeps_its_times_and_verifies(world):
    start = timezone.make_aware(datetime.datetime(2024, 3, 1, 9, 0))
    rows = (
        EventRow(
            occurred_at=start + datetime.timedelta(hours=index),
            action="client.viewed",
            actor_id=world.caseworker.pk,
            actor_role=world.caseworker.role,
            client_id=index,
            data={"n": index},
        )
        for index in range(1, 1201)
    )

    assert audit_append_events(rows, batch_size=500) == 1200

    times = list(AuditEvent.objects.order_by("pk").values_list("occurred_at", flat=True))
    assert times[0] == start + datetime.timedelta(hours=1)
    assert times[-1] == start + datetime.timedelta(hours=1200)
    assert verify_chain().ok
    audit_log(actor=world.caseworker, action="client.viewed", client_id=7)
    assert verify_chain().ok


def test_an_edited_bulk_event_breaks_the_chain(world):
    audit_log_many(actor=world.caseworker, action="client.listed", client_ids=list(range(1, BULK_THRESHOLD + 1)))
    victim = AuditEvent.objects.order_by("pk")[50]
    with connection.cursor() as cursor:  # behind the append-only guard, as someone with database access
        cursor.execute("UPDATE audit_auditevent SET client_id = %s WHERE id = %s", [999_999, victim.pk])

    report = verify_chain()
    assert not report.ok
    assert report.first_broken_event_id == victim.pk


def test_unregistered_actions_are_refused_before_anything_is_written(world):
    rows = [EventRow(occurred_at=timezone.now(), action="no.such.action")] * 3
    with pytest.raises(ValueError, match="Unregistered"):
        audit_append_events(rows)
    assert not AuditEvent.objects.filter(action="no.such.action").exists()


@pytest.mark.parametrize("count", [1, 3, 70])  # 70: more than SQLite takes in one statement (62 rows)
def test_a_small_batch_is_written_as_values_and_hashes_like_the_general_way(world, count):
    from rattvag.audit.hashing import chain_digests, hashed_fields_of

    audit_log(actor=world.caseworker, action="client.viewed", client_id=1)
    client_ids = list(range(100, 100 + count))
    refs = [("clients.client", str(pk)) for pk in client_ids]

    written = audit_log_many(
        actor=world.caseworker, action="client.listed", client_ids=client_ids, object_refs=refs, data={"via": "web"}
    )

    assert written == count
    events = list(AuditEvent.objects.order_by("pk"))[-count:]
    assert [(e.client_id, e.object_type, e.object_id) for e in events] == [
        (c, "clients.client", str(c)) for c in client_ids
    ]
    assert all(e.data == {"via": "web"} and e.actor_id == world.caseworker.pk for e in events)
    assert chain_digests(prev_hash=events[0].prev_hash, rows=[hashed_fields_of(e) for e in events]) == [
        e.hash for e in events
    ]
    assert AuditChainHead.objects.get(pk=1).last_event_id == events[-1].pk
    assert verify_chain().ok


def test_a_small_batch_of_several_object_types_is_chained_and_verifies(world):
    written = audit_log_many(
        actor=world.caseworker,
        action="client.listed",
        client_ids=[1, 2, None],
        object_refs=[("clients.client", "1"), ("clients.case", "9"), ("", "")],
    )

    assert written == 3
    events = list(AuditEvent.objects.order_by("pk"))[-3:]
    assert [(e.client_id, e.object_type, e.object_id) for e in events] == [
        (1, "clients.client", "1"),
        (2, "clients.case", "9"),
        (None, "", ""),
    ]
    assert verify_chain().ok


def test_a_small_batch_keeps_every_value_as_given(world):
    """No client at all (NULLs only), and text that needs quoting, through the few-events insert."""
    from rattvag.audit.hashing import chain_digests, hashed_fields_of

    data = {"fields": ["first_name"], "note": 'quote " and \\ and å', "n": 2**40}
    refs = [("clients.note", 'a"b'), ("clients.note", "\\x"), ("clients.note", "å'")]

    assert audit_log_many(
        actor=world.caseworker, action="client.listed", client_ids=[None] * 3, object_refs=refs, data=data
    )

    events = list(AuditEvent.objects.order_by("pk"))[-3:]
    assert [(e.client_id, e.object_type, e.object_id) for e in events] == [(None, *ref) for ref in refs]
    assert all(e.data == data for e in events)
    assert chain_digests(prev_hash=events[0].prev_hash, rows=[hashed_fields_of(e) for e in events]) == [
        e.hash for e in events
    ]
    assert verify_chain().ok
