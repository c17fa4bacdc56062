from __future__ import annotations

import pytest
from django.db import connection

from rattvag.audit.models import AppendOnlyError, AuditEvent
from rattvag.audit.services import audit_log
from rattvag.audit.verification import verify_chain


@pytest.fixture
def three_events(world):
    return [
        audit_log(actor=world.caseworker, action="client.viewed", client_id=world.client_a.pk, obj=world.client_a)
        for _ in range(3)
    ]


def test_chain_is_whole_after_appends(three_events):
    report = verify_chain()
    assert report.ok
    assert report.events_checked == 3


def test_editing_a_row_with_sql_is_detected(three_events):
    middle = three_events[1]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["client.updated", middle.pk])
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_event_id == middle.pk


def test_deleting_a_middle_row_is_detected(three_events):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [three_events[1].pk])
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_event_id == three_events[2].pk


def test_deleting_the_newest_row_is_detected(three_events):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [three_events[2].pk])
    assert not verify_chain().ok


def test_events_cannot_be_changed_or_deleted_through_the_orm(three_events):
    event = three_events[0]
    event.action = "client.updated"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_a_missing_head_is_recreated_and_a_removed_head_with_events_is_reported(three_events, world):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchainhead")
    report = verify_chain()
    assert not report.ok
    assert "chain head is missing" in report.problem
    # Writing goes on, and the new event's link to the genesis hash shows the break.
    new = audit_log(actor=world.caseworker, action="client.viewed", client_id=world.client_a.pk)
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_event_id == new.pk


@pytest.mark.django_db
def test_an_empty_log_without_a_head_is_whole():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchainhead")
    assert verify_chain().ok
    audit_log(actor=None, action="audit.viewed")
    assert verify_chain().ok
