"""Factories for certificates (fictional data)."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from rattvag.certificates.models import CareUnit, Certificate, CertificatePeriod, Diagnosis
from rattvag.certificates.services import CareUnitData, CertificateData, DiagnosisData, PeriodData

GOOD_IMPAIRMENT = "Nedstämdhet, uttalad trötthet och koncentrationssvårigheter sedan flera månader."
GOOD_LIMITATION = "Klarar inte att hålla fokus mer än korta stunder; kan inte planera eller slutföra uppgifter."


class CareUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareUnit

    name = factory.Sequence(lambda n: f"Vårdcentralen Exempel {n}")
    region = "Region Halland"
    municipality = "Halmstad"


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    issued_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    received_on = factory.LazyAttribute(lambda o: o.issued_on)
    care_unit = factory.SubFactory(CareUnitFactory)
    basis = factory.LazyFunction(lambda: ["own_examination"])
    functional_impairment = GOOD_IMPAIRMENT
    activity_limitation = GOOD_LIMITATION
    prognosis = "after_60"


class DiagnosisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnosis

    position = 1
    code = "F321"
    system = "icd10se"
    text = "Medelsvår depressiv episod"
    chapter = "V"
    block = "F30-F39"


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificatePeriod

    degree = 100


def certificate_data(**overrides: Any) -> CertificateData:
    """A complete certificate issued three days ago: 100 % for 30 days, then 50 % for 30 days."""
    today = timezone.localdate()
    issued = today - datetime.timedelta(days=3)
    values: dict[str, Any] = {
        "issued_on": issued,
        "received_on": today,
        "care_unit": CareUnitData(name="Vårdcentralen Andersberg", hsa_id="SE2321000149-1234"),
        "diagnoses": [DiagnosisData(code="F32.1", system="icd10se", text="Medelsvår depressiv episod")],
        "periods": [
            PeriodData(degree=100, start=issued, end=issued + datetime.timedelta(days=29)),
            PeriodData(degree=50, start=issued + datetime.timedelta(days=30), end=issued + datetime.timedelta(days=59)),
        ],
        "basis": ["own_examination"],
        "functional_impairment": GOOD_IMPAIRMENT,
        "activity_limitation": GOOD_LIMITATION,
        "prognosis": "after_90",
        "treatment": "Samtalsbehandling varannan vecka.",
    }
    values.update(overrides)
    return CertificateData(**values)


def register(client: Any, user: Any, *periods: tuple[datetime.date, datetime.date, int], **overrides: Any):
    """Register a certificate through the service, with the given periods (start, end, degree)."""
    from rattvag.certificates.services import certificate_register

    if periods:
        overrides["periods"] = [PeriodData(degree=d, start=s, end=e) for s, e, d in periods]
        overrides.setdefault("issued_on", min(min(s for s, _e, _d in periods), timezone.localdate()))
        overrides.setdefault("received_on", timezone.localdate())
    return certificate_register(actor=user, client=client, data=certificate_data(**overrides))
