"""Reads: tasks for the worklist, sick leave for a client, completeness per care unit."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.certificates.selectors import (
    CERTIFICATE_EXPIRED,
    CERTIFICATE_EXPIRING,
    SGI_CHECK,
    TaskRow,
    care_unit_completeness,
    certificates_expiring,
    client_for,
    clients_needing_sgi_check,
    sick_leave_for,
)
from rattvag.certificates.services import CareUnitData, sgi_status_record
from rattvag.clients.models import CaseStatus

from .factories import register

pytestmark = pytest.mark.django_db
D = datetime.date


@time_machine.travel(datetime.datetime(2025, 3, 14, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_sick_listed_client_with_unknown_sgi_is_a_task_until_a_status_is_recorded(world):
    register(world.client_a, world.caseworker, (D(2025, 3, 1), D(2025, 4, 30), 100))
    assert clients_needing_sgi_check(world.caseworker) == [TaskRow(world.client_a.pk, D(2025, 3, 1), SGI_CHECK)]
    # Others see nothing of it.
    assert clients_needing_sgi_check(world.caseworker_other_unit) == []
    assert clients_needing_sgi_check(world.partner_officer) == []
    sgi_status_record(
        actor=world.caseworker, client=world.client_a, status="unknown", recorded_on=D(2025, 3, 14), source="client"
    )
    assert len(clients_needing_sgi_check(world.caseworker)) == 1  # still unknown
    sgi_status_record(
        actor=world.caseworker, client=world.client_a, status="none", recorded_on=D(2025, 3, 14), source="fk"
    )
    assert clients_needing_sgi_check(world.caseworker) == []


@time_machine.travel(datetime.datetime(2025, 3, 14, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_no_sgi_task_when_not_sick_listed_today_or_case_closed(world):
    register(world.client_a, world.caseworker, (D(2025, 1, 1), D(2025, 2, 28), 100))
    assert clients_needing_sgi_check(world.caseworker) == []
    assert clients_needing_sgi_check(world.caseworker, D(2025, 2, 1)) == [
        TaskRow(world.client_a.pk, D(2025, 1, 1), SGI_CHECK)
    ]
    world.case_a.status, world.case_a.outcome = CaseStatus.CLOSED, "work"
    world.case_a.closed_on = world.case_a.opened_on
    world.case_a.save()
    assert clients_needing_sgi_check(world.caseworker, D(2025, 2, 1)) == []


@time_machine.travel(datetime.datetime(2025, 3, 14, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_expiry_task_within_14_days_and_after_the_end_until_a_newer_certificate(world):
    register(world.client_a, world.caseworker, (D(2025, 3, 1), D(2025, 3, 28), 100))
    assert certificates_expiring(world.caseworker, D(2025, 3, 13)) == []  # 15 days ahead
    assert certificates_expiring(world.caseworker, D(2025, 3, 14)) == [
        TaskRow(world.client_a.pk, D(2025, 3, 28), CERTIFICATE_EXPIRING)
    ]
    assert certificates_expiring(world.caseworker, D(2025, 3, 28)) == [
        TaskRow(world.client_a.pk, D(2025, 3, 28), CERTIFICATE_EXPIRING)
    ]
    assert certificates_expiring(world.caseworker, D(2025, 4, 20)) == [
        TaskRow(world.client_a.pk, D(2025, 3, 28), CERTIFICATE_EXPIRED)
    ]
    assert certificates_expiring(world.caseworker_other_unit, D(2025, 4, 20)) == []
    register(world.client_a, world.caseworker, (D(2025, 3, 29), D(2025, 5, 31), 50))
    assert certificates_expiring(world.caseworker, D(2025, 4, 20)) == []


def test_selector_queries_are_bounded(world, django_assert_max_num_queries):
    today = timezone.localdate()
    for _ in range(3):
        register(world.client_a, world.caseworker, (today, today + datetime.timedelta(days=5), 100))
    with django_assert_max_num_queries(3):
        clients_needing_sgi_check(world.caseworker)
    with django_assert_max_num_queries(3):
        certificates_expiring(world.caseworker)


def test_sick_leave_read_is_audited_and_uses_the_unit_setting(world):
    today = timezone.localdate()
    register(
        world.client_a,
        world.caseworker,
        (today - datetime.timedelta(days=20), today - datetime.timedelta(days=11), 100),
    )
    register(
        world.client_a, world.caseworker, (today - datetime.timedelta(days=3), today + datetime.timedelta(days=10), 50)
    )
    client, access = client_for(user=world.caseworker, client_id=world.client_a.pk)
    result, _ = sick_leave_for(user=world.caseworker, client=client, access=access)
    assert len(result.spells) == 2  # seven days apart; the default max_gap is 5
    assert result.current_degree == 50
    from rattvag.certificates.services import unit_max_gap_set

    unit_max_gap_set(actor=world.manager, unit=world.unit_a, max_gap=7)
    result, _ = sick_leave_for(user=world.caseworker, client=client, access=access)
    assert len(result.spells) == 1
    events = AuditEvent.objects.filter(action="sick_leave.viewed", client_id=world.client_a.pk)
    assert [e.data for e in events.order_by("pk")] == [{"via": "web", "max_gap": 5}, {"via": "web", "max_gap": 7}]


@pytest.mark.parametrize("actor", ["caseworker_other_unit", "partner_officer", "analyst", "aggregate_viewer", "admin"])
def test_client_for_is_404_for_those_who_cannot_see(world, actor):
    with pytest.raises(Http404):
        client_for(user=getattr(world, actor), client_id=world.client_a.pk)


def test_completeness_per_care_unit_poorest_first(world):
    today = timezone.localdate()
    period = (today - datetime.timedelta(days=2), today + datetime.timedelta(days=20), 100)
    register(world.client_a, world.caseworker, period, care_unit=CareUnitData(name="VC Bra"))
    register(world.client_a, world.caseworker, period, care_unit=CareUnitData(name="VC Bra"))
    register(world.client_a, world.caseworker, period, care_unit=CareUnitData(name="VC Sämre"), prognosis="", basis=[])
    register(world.client_a, world.caseworker, period, care_unit=CareUnitData(name="VC Sämre"))
    # A certificate of another unit's client does not count for unit A.
    register(world.client_b, world.caseworker_other_unit, period, care_unit=CareUnitData(name="VC Bra"), prognosis="")
    rows = care_unit_completeness(user=world.manager)
    assert [(r.care_unit.name, r.certificates, r.complete, r.findings) for r in rows] == [
        ("VC Sämre", 2, 1, 2),
        ("VC Bra", 2, 2, 0),
    ]
    assert rows[0].share_complete == 0.5
    assert rows[0].mean_findings == 1.0
    assert [r.certificates for r in care_unit_completeness(user=world.caseworker_other_unit)] == [1]
    assert AuditEvent.objects.filter(action="certificate.completeness_viewed").count() == 2


@pytest.mark.parametrize("actor", ["nurse", "partner_officer", "analyst", "aggregate_viewer", "admin"])
def test_completeness_is_only_for_unit_caseworkers_and_managers(world, actor):
    with pytest.raises(Http404):
        care_unit_completeness(user=getattr(world, actor))
