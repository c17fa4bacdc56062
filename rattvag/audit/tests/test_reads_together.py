"""Reads collected by audit_reads_together are chained in one step at the end; writes are not held back."""

import pytest
from django.db import transaction

from rattvag.audit.models import AuditEvent
from rattvag.audit.services import ActingFor, audit_log, audit_reads_together
from rattvag.audit.verification import verify_chain

pytestmark = pytest.mark.django_db


def test_reads_are_written_together_at_the_end(world, django_assert_num_queries):
    before = AuditEvent.objects.count()
    acting = ActingFor(unit=world.caseworker.units.first())
    with audit_reads_together():
        with django_assert_num_queries(0):
            for client_id in (11, 12, 13):
                audit_log(actor=world.caseworker, action="client.viewed", client_id=client_id, acting_for=acting)
        assert AuditEvent.objects.count() == before

    events = list(AuditEvent.objects.order_by("pk"))[before:]
    assert [event.client_id for event in events] == [11, 12, 13]
    assert len({event.occurred_at for event in events}) == 1
    assert verify_chain().ok


def test_an_event_logged_in_a_transaction_is_written_at_once(world):
    with audit_reads_together():
        audit_log(actor=world.caseworker, action="client.viewed", client_id=21)
        with transaction.atomic():
            audit_log(actor=world.caseworker, action="client.updated", client_id=22)
        assert list(AuditEvent.objects.filter(client_id__in=[21, 22]).values_list("client_id", flat=True)) == [22]

    assert set(AuditEvent.objects.filter(client_id__in=[21, 22]).values_list("client_id", flat=True)) == {21, 22}
    assert verify_chain().ok


def _read_then_fail(world):
    with audit_reads_together():
        audit_log(actor=world.caseworker, action="client.viewed", client_id=31)
        raise RuntimeError("the page broke after reading")


def test_reads_are_logged_even_when_the_page_fails(world):
    with pytest.raises(RuntimeError):
        _read_then_fail(world)

    assert AuditEvent.objects.filter(client_id=31, action="client.viewed").exists()
    assert verify_chain().ok
