"""Writing an import: what is created and changed, idempotency, keep-valid, dry run, care units, audit."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.http import Http404
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.audit.verification import verify_chain
from rattvag.certificates.models import CareUnit, Certificate, CertificatePeriod, Diagnosis, SgiStatus
from rattvag.certificates.tests.factories import CareUnitFactory, register
from rattvag.clients.models import Case, CaseStatus, Client
from rattvag.imports import services
from rattvag.imports.models import ImportJob, ImportStatus

from .files import csv_bytes, new_number, not_sick, row, wrong_check_digit

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (Client, Case, Certificate, CertificatePeriod, Diagnosis, SgiStatus, CareUnit)
    }


def test_first_import_creates_client_case_certificate_and_sgi(world, run_import):
    today = timezone.localdate()
    number = new_number()
    content = csv_bytes(
        [
            row(
                personal_number=number,
                case_opened_on="2024-11-04",
                sick_leave_degree="75",
                sick_leave_from="2025-01-01",
                sick_leave_to="2025-03-31",
                diagnosis_codes="F43.8A, M54.5",
                sgi_status="Ingen SGI",
            ),
            not_sick(first_name="Björn", last_name="Åkesson", caseworker="", sgi_status=""),
        ]
    )
    job = run_import(content)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count, job.skipped_count) == (2, 0, 0, 0)
    assert (job.rows_total, job.rows_checked) == (2, 2)

    client = Client.objects.get(personal_number=number.replace("-", ""))
    assert client.municipality == world.municipality_a
    assert (client.first_name, client.last_name) == ("Åsa", "Öberg")
    [case] = client.cases.all()
    assert (case.unit, case.opened_on, case.status, case.responsible) == (
        world.unit_a,
        datetime.date(2024, 11, 4),
        CaseStatus.OPEN,
        world.caseworker,
    )
    [certificate] = client.certificates.all()
    assert certificate.case == case
    assert certificate.issued_on == certificate.received_on == datetime.date(2025, 1, 1)
    assert certificate.registered_by == world.caseworker
    assert certificate.care_unit.name == "Vårdcentralen Andersberg"
    assert certificate.care_unit.hsa_id == "SE2321000149-1234"
    assert list(certificate.periods.values_list("degree", "start", "end")) == [
        (75, datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    ]
    assert list(certificate.diagnoses.values_list("position", "code", "chapter", "block", "known_to_who")) == [
        (1, "F438A", "V", "F40-F48", False),
        (2, "M545", "XIII", "M50-M54", True),
    ]
    [sgi] = client.sgi_statuses.all()
    assert (sgi.status, sgi.recorded_on, sgi.source, sgi.recorded_by) == ("none", today, "other", world.caseworker)

    other = Client.objects.get(first_name="Björn")
    assert other.cases.get().responsible is None
    assert not other.certificates.exists()
    assert not other.sgi_statuses.exists()


def test_a_certificate_issued_in_the_future_is_issued_today(world, run_import):
    start = timezone.localdate() + datetime.timedelta(days=10)
    run_import(
        csv_bytes([row(sick_leave_from=start.isoformat(), sick_leave_to=(start + datetime.timedelta(30)).isoformat())])
    )
    certificate = Certificate.objects.get()
    assert certificate.issued_on == timezone.localdate()
    assert certificate.periods.get().start == start


def test_reimport_changes_nothing(world, run_import):
    content = csv_bytes([row(), not_sick(), row(sgi_status="har", caseworker="manager")])
    first = run_import(content)
    assert first.created_count == 3
    before = snapshot()
    events = AuditEvent.objects.filter(action="client.imported").count()
    again = run_import(content)
    assert again.status == ImportStatus.DONE
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert snapshot() == before
    assert AuditEvent.objects.filter(action="client.imported").count() == events


def test_existing_client_is_updated_only_where_the_file_differs(world, run_import):
    client = world.client_a  # has an open case in unit_a, responsible: caseworker
    number = client.personal_number
    content = csv_bytes([not_sick(personal_number=number, first_name=client.first_name, last_name="Nyström")])
    job = run_import(content)
    assert (job.created_count, job.updated_count) == (0, 1)
    version_before = getattr(client, "version", None)
    client.refresh_from_db()
    assert client.last_name == "Nyström"
    if version_before is not None:  # optimistic locking: the import counts as a save
        assert client.version == version_before + 1
    assert client.cases.count() == 1  # the open case in the unit is kept
    event = AuditEvent.objects.get(action="client.imported", client_id=client.pk)
    assert event.data["fields"] == ["last_name"]
    assert event.data["client_created"] is False
    assert event.data["case_opened"] is False
    assert run_import(content).unchanged_count == 1


def test_client_of_another_unit_in_the_municipality_gets_a_case_in_this_unit(world, run_import):
    client = world.client_b  # case in unit_b only
    content = csv_bytes(
        [not_sick(personal_number=client.personal_number, first_name=client.first_name, last_name=client.last_name)]
    )
    job = run_import(content)
    assert job.updated_count == 1
    assert Client.objects.filter(personal_number=client.personal_number).count() == 1
    assert set(client.cases.values_list("unit__code", "status")) == {("HAL-SDF", "open"), ("HAL-EB", "open")}


def test_a_client_of_another_municipality_is_a_new_client_here(world, run_import):
    from tests.factories import CaseFactory, ClientFactory

    elsewhere = ClientFactory(municipality=world.municipality_b)
    CaseFactory(client=elsewhere, unit=world.unit_c)
    job = run_import(csv_bytes([not_sick(personal_number=elsewhere.personal_number)]))
    assert job.created_count == 1
    assert Client.objects.filter(personal_number=elsewhere.personal_number).count() == 2


def test_responsible_caseworker_is_changed_on_the_open_case(world, run_import):
    client = world.client_a
    content = csv_bytes(
        [
            not_sick(
                personal_number=client.personal_number,
                first_name=client.first_name,
                last_name=client.last_name,
                caseworker="manager",
            )
        ]
    )
    job = run_import(content)
    assert job.updated_count == 1
    world.case_a.refresh_from_db()
    assert world.case_a.responsible == world.manager


def test_certificate_already_registered_is_not_added_again(world, run_import):
    client = world.client_a
    start = timezone.localdate() - datetime.timedelta(days=10)
    end = start + datetime.timedelta(days=29)
    register(client, world.caseworker, (start, end, 50))
    content = csv_bytes(
        [
            row(
                personal_number=client.personal_number,
                first_name=client.first_name,
                last_name=client.last_name,
                sick_leave_degree="50",
                sick_leave_from=start.isoformat(),
                sick_leave_to=end.isoformat(),
                sgi_status="",
            )
        ]
    )
    job = run_import(content)
    assert job.unchanged_count == 1
    assert client.certificates.count() == 1
    # Another degree is another certificate.
    content = content.replace(b";50;", b";100;")
    assert run_import(content).updated_count == 1
    assert client.certificates.count() == 2


def test_sgi_status_is_added_only_when_it_differs_from_the_latest(world, run_import):
    from rattvag.certificates.services import sgi_status_record

    client = world.client_a
    sgi_status_record(
        actor=world.caseworker, client=client, status="none", recorded_on=timezone.localdate(), source="fk"
    )
    values = {"personal_number": client.personal_number, "first_name": client.first_name, "last_name": client.last_name}
    assert run_import(csv_bytes([not_sick(**values, sgi_status="ingen")])).unchanged_count == 1
    assert run_import(csv_bytes([not_sick(**values, sgi_status="has SGI")])).updated_count == 1
    assert list(client.sgi_statuses.order_by("pk").values_list("status", flat=True)) == ["none", "has"]


def test_care_units_are_matched_by_hsa_id_then_name_following_merges(world, run_import):
    by_hsa = CareUnitFactory(name="VC Söder (gammalt namn)", hsa_id="SE-HSA-1")
    by_name = CareUnitFactory(name="Vårdcentralen Norr", hsa_id="")
    kept = CareUnitFactory(name="Hälsocentralen Öster", hsa_id="")
    CareUnitFactory(name="HC Öster", hsa_id="", merged_into=kept)
    content = csv_bytes(
        [
            row(care_unit="Vårdcentralen Söder", care_unit_hsa_id="se-hsa-1"),
            row(care_unit="VÅRDCENTRALEN  NORR", care_unit_hsa_id="SE-HSA-2"),
            row(care_unit="hc öster", care_unit_hsa_id=""),
            row(care_unit="Ny vårdcentral", care_unit_hsa_id=""),
            row(care_unit="Ny vårdcentral", care_unit_hsa_id="SE-HSA-3"),
        ]
    )
    job = run_import(content)
    assert job.status == ImportStatus.DONE, job.errors
    used = list(Certificate.objects.order_by("pk").values_list("care_unit_id", flat=True))
    new = CareUnit.objects.get(name="Ny vårdcentral")
    assert used == [by_hsa.pk, by_name.pk, kept.pk, new.pk, new.pk]
    by_name.refresh_from_db()
    assert by_name.hsa_id == "SE-HSA-2"  # as care_unit_resolve: a name match learns the HSA-id
    assert new.hsa_id == "SE-HSA-3"
    assert AuditEvent.objects.filter(action="care_unit.created").count() == 1


def test_keep_valid_writes_the_good_rows_and_reports_the_bad(world, run_import):
    bad = wrong_check_digit(new_number())
    content = csv_bytes([row(), row(personal_number=bad), not_sick(), row(sick_leave_degree="33")])
    job = run_import(content, keep_valid=True)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.skipped_count, job.error_count) == (2, 2, 2)
    assert [(e["line"], e["column"]) for e in job.errors] == [(3, "Personnummer"), (5, "Sjukskrivningsgrad")]
    assert Client.objects.filter(first_name="Åsa").count() == 2
    assert Certificate.objects.count() == 1


def test_without_keep_valid_nothing_is_written(world, run_import):
    before = snapshot()
    job = run_import(csv_bytes([row(), row(), not_sick(sick_listed="kanske")]))
    assert job.status == ImportStatus.FAILED
    assert (job.created_count, job.error_count) == (0, 1)
    assert snapshot() == before
    [event] = AuditEvent.objects.filter(action="import.failed")
    assert event.data == {"job_id": job.pk, "dry_run": False, "via": "web", "rows_with_errors": 1}


def test_dry_run_writes_nothing_and_counts_what_would_happen(world, run_import):
    client = world.client_a
    content = csv_bytes(
        [
            row(),
            not_sick(personal_number=client.personal_number, first_name="Nytt", last_name=client.last_name),
            not_sick(sick_listed="?"),
        ]
    )
    before = snapshot()
    job = run_import(content, dry_run=True)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count, job.skipped_count) == (1, 1, 0, 1)
    assert job.error_count == 1
    assert snapshot() == before
    assert not AuditEvent.objects.filter(action__in=["client.imported", "care_unit.created"]).exists()
    [event] = AuditEvent.objects.filter(action="import.completed")
    assert event.data["dry_run"] is True
    assert event.client_id is None


def test_audit_events_per_client_and_for_the_import_hold_no_personal_data(world, run_import):
    number = new_number()
    job = run_import(csv_bytes([row(personal_number=number, first_name="Zlatan"), not_sick()]))
    events = AuditEvent.objects.filter(action="client.imported").order_by("pk")
    assert sorted(e.client_id for e in events) == sorted(
        Client.objects.filter(cases__unit=world.unit_a).exclude(pk=world.client_a.pk).values_list("pk", flat=True)
    )
    assert all(e.actor == world.caseworker and e.acting_unit == world.unit_a for e in events)
    assert all(e.object_type == "clients.client" and e.object_id == str(e.client_id) for e in events)
    sick = events.get(data__certificate_added=True)
    assert sick.data == {
        "job_id": job.pk,
        "client_created": True,
        "fields": [],
        "case_opened": True,
        "responsible_changed": False,
        "certificate_added": True,
        "sgi_recorded": True,
    }
    [completed] = AuditEvent.objects.filter(action="import.completed")
    assert completed.data == {
        "job_id": job.pk,
        "dry_run": False,
        "keep_valid": False,
        "via": "web",
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
    }
    dump = str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert number[-4:] not in dump
    assert "Zlatan" not in dump
    assert verify_chain().ok


def test_the_uploaded_file_is_removed_when_the_job_ends(world, run_import, private_media):
    job = run_import(csv_bytes([row()]))
    assert job.stored_file == ""
    assert list(Path(private_media).rglob("*.*")) == []
    failed = run_import(csv_bytes([row(sick_listed="?")]))
    assert failed.stored_file == ""
    assert list(Path(private_media).rglob("*.*")) == []


def test_file_is_stored_under_private_media_with_no_name_from_the_upload(world, private_media):
    job = services.import_job_create(
        actor=world.caseworker, unit=world.unit_a, chunks=[csv_bytes([row()])], dry_run=True, keep_valid=False
    )
    stored = Path(private_media) / job.stored_file
    assert stored.is_file()
    assert stored.suffix == ".csv"
    assert job.status == ImportStatus.QUEUED
    assert job.file_format == "CSV"


@pytest.mark.parametrize(
    "actor", ["nurse", "analyst", "partner_officer", "aggregate_viewer", "admin", "caseworker_other_unit"]
)
def test_only_caseworkers_and_managers_of_the_unit_import(world, actor):
    with pytest.raises(Http404):
        services.import_job_create(
            actor=world.actors()[actor], unit=world.unit_a, chunks=[b"x"], dry_run=True, keep_valid=False
        )


def test_a_job_runs_once(world, run_import):
    job = run_import(csv_bytes([row()]))
    again = services.import_job_run(job_id=job.pk)
    assert again.status == ImportStatus.DONE
    assert Client.objects.filter(first_name="Åsa").count() == 1


def test_an_actor_who_left_the_unit_cannot_run_a_queued_job(world):
    job = services.import_job_create(
        actor=world.caseworker, unit=world.unit_a, chunks=[csv_bytes([row()])], dry_run=False, keep_valid=False
    )
    world.caseworker.units.clear()
    job = services.import_job_run(job_id=job.pk)
    assert job.status == ImportStatus.FAILED
    assert "kan inte längre importera" in job.failure_sv
    assert not Client.objects.filter(first_name="Åsa").exists()


def test_too_large_a_file_is_refused(world, settings):
    from django.core.exceptions import ValidationError

    settings.RATTVAG_IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as raised:
        services.import_job_create(
            actor=world.caseworker, unit=world.unit_a, chunks=[b"x" * 101], dry_run=True, keep_valid=False
        )
    assert "file" in raised.value.message_dict
    assert not ImportJob.objects.exists()


def test_many_rows_across_several_write_batches(world, run_import, monkeypatch):
    from rattvag.imports import writing

    monkeypatch.setattr(writing, "WRITE_CHUNK", 7)
    monkeypatch.setattr(writing, "LOOKUP_CHUNK", 5)
    rows = [row() if n % 2 else not_sick(caseworker="manager") for n in range(30)]
    job = run_import(csv_bytes(rows))
    assert job.created_count == 30
    assert Case.objects.filter(unit=world.unit_a).count() == 31
    assert Certificate.objects.count() == 15
    assert Diagnosis.objects.count() == 30
    # Certificates point at their own client's case.
    assert not Certificate.objects.exclude(case__client_id=models_f("client_id")).exists()
    again = run_import(csv_bytes(rows))
    assert again.unchanged_count == 30


def models_f(name):
    from django.db.models import F

    return F(name)
