"""Gallring: what goes 5 years after the last entry, what stays, and what the audit log keeps of it."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from rattvag.audit.models import AuditChainHead, AuditEvent
from rattvag.audit.verification import verify_chain
from rattvag.clients.models import Case, Client
from rattvag.clients.services import client_update
from rattvag.retention.registry import held_records
from rattvag.retention.services import retention_run
from tests.fixtures.actors import World

from .records import client_file

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = datetime.datetime(2016, 3, 1, 10, 0, tzinfo=STOCKHOLM)
FIVE_YEARS_LATER = datetime.datetime(2021, 3, 1, 10, 0, tzinfo=STOCKHOLM)
NOT_A_RESEARCH_DAY = datetime.date(1980, 3, 7)


@pytest.fixture(autouse=True)
def _chain_head(db: None) -> None:
    AuditChainHead.objects.get_or_create(pk=1)


def travel(moment: datetime.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def rows_of_client(client_id: int) -> dict[str, int]:
    """How many rows every registered model holds about the client."""
    counts = {}
    for entry in held_records():
        count = entry.model._default_manager.filter(**{entry.client_lookup: client_id}).count()
        if count:
            counts[entry.label] = count
    return counts


def run_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="retention.run").order_by("pk"))


def test_a_closed_case_goes_with_everything_five_years_after_the_last_entry(world: World):
    with travel(START):
        file = client_file(world, born=NOT_A_RESEARCH_DAY)
    held = rows_of_client(file.client.pk)
    assert {"clients.Client", "clients.Case", "certificates.Certificate", "certificates.Diagnosis"} <= set(held)
    assert {"consent.Consent", "consent.HealthcareRequest", "meetings.Meeting", "plans.PlanVersion"} <= set(held)

    # The case was closed on START's date: a date counts as the whole day.
    with travel(FIVE_YEARS_LATER + datetime.timedelta(hours=12)):
        too_early = retention_run()
    assert too_early.clients == 0
    assert rows_of_client(file.client.pk) == held

    with travel(FIVE_YEARS_LATER + datetime.timedelta(days=1)):
        dry = retention_run(dry_run=True)
        assert rows_of_client(file.client.pk) == held
        report = retention_run()

    assert rows_of_client(file.client.pk) == {}
    assert report.clients == 1
    assert report.cases == 1
    assert dry.deleted == report.deleted
    for label, count in held.items():
        assert report.deleted[label] == count, label
    # One event per run, without dry runs; counts only.
    events = run_events()
    assert len(events) == 2
    assert events[-1].data["deleted"] == report.deleted
    assert events[-1].data["clients"] == 1
    assert events[-1].actor is None
    serialised = json.dumps([event.data for event in events])
    assert file.client.personal_number not in serialised
    assert "Gallrings" not in serialised
    assert verify_chain().ok


def test_any_newer_entry_postpones_the_deletion(world: World):
    with travel(START):
        file = client_file(world, born=NOT_A_RESEARCH_DAY)
    with travel(START + datetime.timedelta(days=400)):
        client_update(actor=world.caseworker, client=file.client, phone="070-1234567")
    with travel(FIVE_YEARS_LATER + datetime.timedelta(days=1)):
        assert retention_run().clients == 0
    assert Client.objects.filter(pk=file.client.pk).exists()
    with travel(FIVE_YEARS_LATER + datetime.timedelta(days=401)):
        assert retention_run().clients == 1
    assert not Client.objects.filter(pk=file.client.pk).exists()


@pytest.mark.parametrize(
    ("born", "coordination"),
    [
        (datetime.date(1980, 3, 5), False),
        (datetime.date(1975, 11, 15), False),
        (datetime.date(1990, 1, 25), False),
        (datetime.date(1985, 6, 15), True),  # samordningsnummer: day 75
    ],
)
def test_clients_born_on_a_research_day_are_kept(world: World, born: datetime.date, coordination: bool):
    with travel(START):
        file = client_file(world, born=born, coordination=coordination)
    held = rows_of_client(file.client.pk)
    with travel(FIVE_YEARS_LATER + datetime.timedelta(days=1)):
        report = retention_run()
    assert report.kept_for_research == 1
    assert report.clients == 0
    assert rows_of_client(file.client.pk) == held


def test_a_coordination_number_on_another_day_is_not_kept(world: World):
    with travel(START):
        file = client_file(world, born=datetime.date(1985, 6, 16), coordination=True)  # day 76
    with travel(FIVE_YEARS_LATER + datetime.timedelta(days=1)):
        report = retention_run()
    assert report.clients == 1
    assert not Client.objects.filter(pk=file.client.pk).exists()


def test_an_open_case_keeps_the_client_and_a_closed_one_goes_with_its_own_records(world: World):
    with travel(START):
        only_open = client_file(world, born=NOT_A_RESEARCH_DAY, close=False)
        both = client_file(world, born=NOT_A_RESEARCH_DAY)  # its case is closed, with every record on it
        open_case = Case.objects.create(
            client=both.client, unit=world.unit_a, opened_on=timezone.localdate(), responsible=world.caseworker
        )
    held_open = rows_of_client(only_open.client.pk)
    with travel(FIVE_YEARS_LATER + datetime.timedelta(days=1)):
        report = retention_run()
    assert rows_of_client(only_open.client.pk) == held_open
    assert report.clients == 0
    assert report.cases == 1
    assert list(Case.objects.filter(client=both.client)) == [open_case]
    assert Client.objects.filter(pk=both.client.pk).exists()
    # The records made under the closed case went with it; the client's other records stay.
    assert not Case.objects.filter(pk=both.case.pk).exists()
    for obj in (both.certificate, both.consent, both.care_consent, both.meeting):
        under_the_case = obj.case_id == both.case.pk
        assert type(obj).objects.filter(pk=obj.pk).exists() is not under_the_case, obj
    assert not type(both.certificate).objects.filter(pk=both.certificate.pk).exists()


def test_audit_events_older_than_five_years_go_and_the_chain_still_verifies(world: World):
    with travel(START):
        client_file(world, born=datetime.date(1980, 3, 15))  # kept for research: its events still go
    old_events = AuditEvent.objects.filter(occurred_at__lt=START + datetime.timedelta(days=1)).count()
    assert old_events > 0
    with travel(START + datetime.timedelta(days=800)):
        client_update(actor=world.caseworker, client=world.client_a, phone="070-7654321")
    total = AuditEvent.objects.count()

    with travel(FIVE_YEARS_LATER + datetime.timedelta(days=1)):
        dry = retention_run(dry_run=True)
        assert AuditEvent.objects.count() == total
        report = retention_run()

    assert dry.audit_events == report.audit_events == old_events
    # The world's events were written today, outside the travel: later than any cutoff here.
    assert AuditEvent.objects.count() == total - old_events + 1
    assert not AuditEvent.objects.filter(occurred_at__lt=START + datetime.timedelta(days=1)).exists()
    report_event = run_events()[-1]
    assert report_event.data["audit_events"] == old_events
    first = AuditEvent.objects.order_by("pk").first()
    assert report_event.data["chain_anchor"] == first.prev_hash
    assert verify_chain().ok


def test_removing_more_events_from_the_start_after_gallring_is_detected(world: World):
    with travel(START):
        client_file(world, born=NOT_A_RESEARCH_DAY)
    with travel(FIVE_YEARS_LATER - datetime.timedelta(days=10)):
        client_update(actor=world.caseworker, client=world.client_a, phone="070-1111111")
    with travel(FIVE_YEARS_LATER + datetime.timedelta(days=1)):
        retention_run()
    assert verify_chain().ok
    first = AuditEvent.objects.order_by("pk").first()
    AuditEvent.objects.filter(pk=first.pk)._raw_delete("default")
    report = verify_chain()
    assert not report.ok
    assert "broken" in report.problem


def test_a_second_run_removes_nothing_more_and_the_chain_still_verifies(world: World):
    with travel(START):
        client_file(world, born=NOT_A_RESEARCH_DAY)
    with travel(FIVE_YEARS_LATER + datetime.timedelta(days=1)):
        retention_run()
        again = retention_run()
    assert (again.clients, again.cases, again.audit_events, again.deleted) == (0, 0, 0, {})
    assert "chain_anchor" not in run_events()[-1].data
    assert verify_chain().ok


def test_the_periods_are_settings(world: World, settings):
    settings.RATTVAG_RETENTION_YEARS = 2
    settings.RATTVAG_AUDIT_RETENTION_YEARS = 10
    settings.RATTVAG_RETENTION_RESEARCH_DAYS = (7,)
    with travel(START):
        kept = client_file(world, born=NOT_A_RESEARCH_DAY)  # the 7th
        gone = client_file(world, born=datetime.date(1980, 3, 15))
    with travel(START + datetime.timedelta(days=2 * 366)):
        report = retention_run()
    assert report.kept_for_research == 1
    assert report.clients == 1
    assert Client.objects.filter(pk=kept.client.pk).exists()
    assert not Client.objects.filter(pk=gone.client.pk).exists()
    assert report.audit_events == 0


def test_the_command_reports_counts_and_no_personal_data(world: World):
    with travel(START):
        file = client_file(world, born=NOT_A_RESEARCH_DAY)
    with travel(FIVE_YEARS_LATER + datetime.timedelta(days=1)):
        dry_out = StringIO()
        call_command("gallra", "--dry-run", "--language", "en", stdout=dry_out)
        assert Client.objects.filter(pk=file.client.pk).exists()
        out = StringIO()
        call_command("gallra", stdout=out)
    dry = dry_out.getvalue()
    assert "Dry run: nothing was deleted. A run now would delete:" in dry
    assert "Clients, with all their records: 1" in dry
    assert "Kept for research (born on day 5, 15, 25 of a month): 0 clients" in dry
    assert "(certificates.Certificate)" in dry
    assert "Gallrings" not in dry + out.getvalue()
    assert file.client.personal_number not in dry + out.getvalue()
    assert "Gallringen är klar. Raderat:" in out.getvalue()
    assert "Klienter, med alla sina uppgifter: 1" in out.getvalue()
    assert not Client.objects.filter(pk=file.client.pk).exists()
    assert len(run_events()) == 1


def test_every_model_about_clients_is_in_the_registry():
    """A model with a foreign key to a client, a case or a registered model must be registered (or the
    retention and the register extract would miss it)."""
    registered = {entry.model for entry in held_records()}
    client_model = apps.get_model("clients.Client")
    case_model = apps.get_model("clients.Case")
    missing = set()
    for model in apps.get_models():
        if model in registered:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in registered | {client_model, case_model}:
                missing.add(f"{model._meta.label}.{field.name}")
    assert not missing, f"add these to rattvag/retention/registry.py: {sorted(missing)}"


def test_every_registry_path_leads_to_the_client_and_the_case():
    client_model = apps.get_model("clients.Client")
    case_model = apps.get_model("clients.Case")
    for entry in held_records():
        assert _target(entry.model, entry.client) is client_model, entry.label
        if entry.case is not None:
            assert _target(entry.model, entry.case) is case_model, entry.label
        for name in entry.times() + entry.hidden:
            entry.model._meta.get_field(name)


def _target(model, path):
    if path in ("", "pk"):
        return model
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model
