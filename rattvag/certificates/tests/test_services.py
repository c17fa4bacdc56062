"""Writes: registering and changing certificates, care units, SGI status, unit settings; audit events."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.certificates.models import CareUnit, Certificate, SgiStatus, UnitCertificateSettings
from rattvag.certificates.selectors import max_gap_for_unit, sgi_current
from rattvag.certificates.services import (
    CareUnitData,
    DiagnosisData,
    PeriodData,
    care_unit_merge,
    care_unit_resolve,
    certificate_register,
    certificate_update,
    sgi_status_record,
    unit_max_gap_set,
)

from .factories import CareUnitFactory, CertificateFactory, certificate_data

pytestmark = pytest.mark.django_db


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_register_stores_everything_normalised_and_audits(world):
    certificate = certificate_register(actor=world.caseworker, client=world.client_a, data=certificate_data())
    certificate.refresh_from_db()
    assert certificate.registered_by == world.caseworker
    assert certificate.case == world.case_a
    assert certificate.care_unit.hsa_id == "SE2321000149-1234"
    [diagnosis] = certificate.diagnoses.all()
    assert (diagnosis.code, diagnosis.code_display, diagnosis.chapter, diagnosis.block) == (
        "F321",
        "F32.1",
        "V",
        "F30-F39",
    )
    assert [p.degree for p in certificate.periods.order_by("start")] == [100, 50]
    [event] = events("certificate.registered")
    assert event.client_id == world.client_a.pk
    assert event.actor == world.caseworker
    assert event.acting_unit == world.unit_a
    assert event.data == {"diagnoses": 1, "periods": 2}  # counts only, no health data


def test_overlapping_periods_are_rejected_with_a_clear_message(world):
    issued = timezone.localdate() - datetime.timedelta(days=3)
    data = certificate_data(
        periods=[
            PeriodData(100, issued, issued + datetime.timedelta(days=20)),
            PeriodData(50, issued + datetime.timedelta(days=20), issued + datetime.timedelta(days=40)),
        ]
    )
    with pytest.raises(ValidationError) as caught:
        certificate_register(actor=world.caseworker, client=world.client_a, data=data)
    assert "periods" in caught.value.message_dict
    assert Certificate.objects.count() == 0
    assert events("certificate.registered") == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"diagnoses": [DiagnosisData("F32")]}, "diagnoses.0.code"),
        ({"diagnoses": [DiagnosisData("Z73")]}, "diagnoses.0.code"),
        ({"diagnoses": [DiagnosisData("nonsense")]}, "diagnoses.0.code"),
        ({"diagnoses": [DiagnosisData("F32.1", system="icd9")]}, "diagnoses.0.system"),
        ({"diagnoses": [DiagnosisData("J06.9")] * 4}, "diagnoses"),
        ({"issued_on": None}, "issued_on"),
        ({"issued_on": timezone.localdate() + datetime.timedelta(days=1)}, "issued_on"),
        ({"received_on": timezone.localdate() - datetime.timedelta(days=10)}, "received_on"),
        ({"care_unit": CareUnitData(name="  ")}, "care_unit.name"),
        ({"basis": ["telepathy"]}, "basis"),
        ({"basis": ["other"]}, "basis_other"),
        ({"work_capacity_activities": ["current_work"]}, "current_work_description"),
        ({"recommended_measures": ["other"]}, "measures_other"),
        ({"prognosis": "soon"}, "prognosis"),
        ({"periods": [PeriodData(33, timezone.localdate(), timezone.localdate())]}, "periods.0.degree"),
        (
            {"periods": [PeriodData(100, timezone.localdate(), timezone.localdate() - datetime.timedelta(days=1))]},
            "periods.0.end",
        ),
        ({"periods": [PeriodData(100, None, timezone.localdate())]}, "periods.0.start"),
    ],
)
def test_invalid_input_names_the_field(world, overrides, field):
    with pytest.raises(ValidationError) as caught:
        certificate_register(actor=world.caseworker, client=world.client_a, data=certificate_data(**overrides))
    assert field in caught.value.message_dict


def test_blank_diagnosis_rows_are_skipped_and_text_without_code_is_kept(world):
    data = certificate_data(diagnoses=[DiagnosisData(""), DiagnosisData("", text="Depression"), DiagnosisData("m54.5")])
    certificate = certificate_register(actor=world.caseworker, client=world.client_a, data=data)
    rows = list(certificate.diagnoses.order_by("position").values_list("position", "code", "text"))
    assert rows == [(1, "", "Depression"), (2, "M545", "")]


def test_icd10se_extension_is_stored_as_unknown_to_who(world):
    certificate = certificate_register(
        actor=world.caseworker, client=world.client_a, data=certificate_data(diagnoses=[DiagnosisData("F43.8A")])
    )
    diagnosis = certificate.diagnoses.get()
    assert (diagnosis.code, diagnosis.known_to_who, diagnosis.chapter) == ("F438A", False, "V")


@pytest.mark.parametrize("actor", ["caseworker_other_unit", "partner_officer", "analyst", "aggregate_viewer", "admin"])
def test_register_for_a_client_one_cannot_see_is_404(world, actor):
    with pytest.raises(Http404):
        certificate_register(actor=getattr(world, actor), client=world.client_a, data=certificate_data())


def test_update_replaces_rows_and_audits_field_names_only(world):
    certificate = certificate_register(actor=world.caseworker, client=world.client_a, data=certificate_data())
    data = certificate_data(
        prognosis="unclear",
        diagnoses=[DiagnosisData("J06.9")],
        care_unit=CareUnitData(name="Vårdcentralen Nyhem"),
    )
    certificate_update(actor=world.nurse, certificate=certificate, data=data)
    certificate.refresh_from_db()
    assert certificate.prognosis == "unclear"
    assert certificate.care_unit.name == "Vårdcentralen Nyhem"
    assert list(certificate.diagnoses.values_list("code", flat=True)) == ["J069"]
    [event] = events("certificate.updated")
    assert event.actor == world.nurse
    assert event.data == {"fields": ["care_unit", "diagnoses", "prognosis"], "version": 2}


def test_update_by_someone_who_cannot_see_the_client_is_404(world):
    certificate = certificate_register(actor=world.caseworker, client=world.client_a, data=certificate_data())
    with pytest.raises(Http404):
        certificate_update(actor=world.caseworker_other_unit, certificate=certificate, data=certificate_data())


def test_care_unit_is_found_by_hsa_id_then_by_name(world):
    by_name = CareUnitFactory(name="Vårdcentralen Brottet")
    assert care_unit_resolve(actor=world.caseworker, data=CareUnitData(name="vårdcentralen  brottet")) == by_name
    with_hsa = care_unit_resolve(actor=world.caseworker, data=CareUnitData(name="VC Brottet", hsa_id="se-1"))
    assert with_hsa.hsa_id == "SE-1"
    assert care_unit_resolve(actor=world.caseworker, data=CareUnitData(name="Another name", hsa_id="SE-1")) == with_hsa
    assert len(events("care_unit.created")) == 1


def test_merge_moves_certificates_and_keeps_history(world):
    keep = CareUnitFactory(name="Vårdcentralen Andersberg")
    duplicate = CareUnitFactory(name="VC Andersberg", hsa_id="SE-99", region="", municipality="Halmstad")
    certificate = CertificateFactory(client=world.client_a, care_unit=duplicate, registered_by=world.caseworker)
    kept = care_unit_merge(actor=world.manager, keep=keep, merge=duplicate)
    certificate.refresh_from_db()
    duplicate.refresh_from_db()
    assert certificate.care_unit == keep
    assert duplicate.merged_into == keep
    assert kept.hsa_id == "SE-99"  # the HSA-id moves to the kept entry
    assert duplicate.hsa_id == ""
    # New certificates naming the duplicate land on the kept entry.
    assert care_unit_resolve(actor=world.caseworker, data=CareUnitData(name="VC Andersberg")) == keep
    [event] = events("care_unit.merged")
    assert event.data == {"kept": keep.pk, "merged": duplicate.pk, "certificates_moved": 1}
    assert event.client_id is None


def test_merge_refuses_same_unit_already_merged_and_caseworkers(world):
    a, b, c = CareUnitFactory(), CareUnitFactory(), CareUnitFactory()
    with pytest.raises(ValidationError):
        care_unit_merge(actor=world.manager, keep=a, merge=a)
    with pytest.raises(ValidationError):
        care_unit_merge(actor=world.caseworker, keep=a, merge=b)
    care_unit_merge(actor=world.admin, keep=a, merge=b)
    with pytest.raises(ValidationError):
        care_unit_merge(actor=world.manager, keep=c, merge=b)
    with pytest.raises(ValidationError):
        care_unit_merge(actor=world.manager, keep=b, merge=c)


def test_earlier_merges_follow_the_merged_unit(world):
    a, b, c = CareUnitFactory(), CareUnitFactory(), CareUnitFactory()
    care_unit_merge(actor=world.manager, keep=b, merge=c)
    care_unit_merge(actor=world.manager, keep=a, merge=b)
    c.refresh_from_db()
    assert c.merged_into == a


def test_sgi_status_keeps_history_and_newest_is_current(world):
    today = timezone.localdate()
    sgi_status_record(
        actor=world.caseworker, client=world.client_a, status="unknown", recorded_on=today, source="client"
    )
    sgi_status_record(actor=world.caseworker, client=world.client_a, status="has", recorded_on=today, source="fk")
    assert SgiStatus.objects.filter(client=world.client_a).count() == 2
    assert sgi_current(world.client_a).status == "has"
    assert [e.data for e in events("sgi.recorded")] == [
        {"status": "unknown", "source": "client"},
        {"status": "has", "source": "fk"},
    ]


@pytest.mark.parametrize(
    ("status", "source", "days_ahead", "field"),
    [("maybe", "fk", 0, "status"), ("has", "rumour", 0, "source"), ("has", "fk", 1, "recorded_on")],
)
def test_sgi_status_validation(world, status, source, days_ahead, field):
    with pytest.raises(ValidationError) as caught:
        sgi_status_record(
            actor=world.caseworker,
            client=world.client_a,
            status=status,
            recorded_on=timezone.localdate() + datetime.timedelta(days=days_ahead),
            source=source,
        )
    assert field in caught.value.message_dict


def test_sgi_status_for_invisible_client_is_404(world):
    with pytest.raises(Http404):
        sgi_status_record(
            actor=world.caseworker, client=world.client_b, status="has", recorded_on=timezone.localdate(), source="fk"
        )


def test_unit_max_gap_default_setting_and_limits(world):
    assert max_gap_for_unit(world.unit_a) == 5
    unit_max_gap_set(actor=world.manager, unit=world.unit_a, max_gap=14)
    assert max_gap_for_unit(world.unit_a) == 14
    with pytest.raises(ValidationError):
        unit_max_gap_set(actor=world.manager, unit=world.unit_a, max_gap=91)
    with pytest.raises(ValidationError):
        unit_max_gap_set(actor=world.manager, unit=world.unit_b, max_gap=10)  # not the manager's unit
    with pytest.raises(ValidationError):
        unit_max_gap_set(actor=world.caseworker, unit=world.unit_a, max_gap=10)
    assert UnitCertificateSettings.objects.get(unit=world.unit_a).max_gap == 14
    assert len(events("certificate.settings_changed")) == 1


def test_database_refuses_overlong_gap_setting_and_inverted_period(world):
    from django.db import IntegrityError, transaction

    from rattvag.certificates.models import CertificatePeriod

    with pytest.raises(IntegrityError), transaction.atomic():
        UnitCertificateSettings.objects.create(unit=world.unit_b, max_gap=120)
    certificate = CertificateFactory(client=world.client_a, registered_by=world.caseworker)
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificatePeriod.objects.create(
            certificate=certificate, degree=100, start=today, end=today - datetime.timedelta(days=1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificatePeriod.objects.create(certificate=certificate, degree=30, start=today, end=today)
    assert CareUnit.objects.count() == 1
