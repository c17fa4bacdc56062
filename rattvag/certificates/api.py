"""The certificates API: register, list and correct a client's certificates, read the sick-leave spells.

Mounted by rattvag.api.setup (full paths declared here); authentication and the error format
come from the one NinjaAPI. Services raise ValidationError (→ 422) and Http404 (→ 404).
Every read is audited by the selectors. A correction names the version it was based on: an outdated
one is refused with 409 and the certificate as it is now (core.concurrency).
"""

from __future__ import annotations

import dataclasses
import datetime

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import ConfigDict, StrictBool

from rattvag.api.auth import request_user
from rattvag.api.errors import ErrorOut, error_responses
from rattvag.api.schemas import MAX_ID, Text
from rattvag.core.concurrency import MAX_VERSION
from rattvag.core.errors import StaleVersion
from rattvag.core.validation import TEXT_MAX_LENGTH

from . import selectors, services
from .models import Basis, Certificate, Degree, DiagnosisSystem, Measure, Prognosis, WorkCapacityActivity
from .spells import MAX_GAP_LIMIT, SickLeave, Spell

router = Router(tags=["certificates"])


# --- input ----------------------------------------------------------------------------------


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class CareUnitIn(_In):
    name: Text = Field(min_length=1, max_length=200, description="As on the certificate; matched to the registry.")
    hsa_id: Text = Field("", max_length=64, description="The HSA-id, if known: matched first.")
    region: Text = Field("", max_length=100)
    municipality: Text = Field("", max_length=100)


class DiagnosisIn(_In):
    code: Text = Field(max_length=12, description="ICD-10-SE like F32.1 or F321 (dot optional), or KSH97-P.")
    system: DiagnosisSystem = DiagnosisSystem.ICD10SE
    text: Text = Field("", max_length=500, description="The diagnosis as written on the certificate.")


class PeriodIn(_In):
    degree: Degree = Field(description="25, 50, 75 or 100 (per cent).")
    start: datetime.date
    end: datetime.date


class CertificateIn(_In):
    issued_on: datetime.date
    received_on: datetime.date | None = Field(None, description="Default: today.")
    care_unit: CareUnitIn
    physician_name: Text = Field("", max_length=200)
    basis: list[Basis] = Field(default_factory=list, max_length=4)
    basis_other: Text = Field("", max_length=500)
    work_capacity_activities: list[WorkCapacityActivity] = Field(default_factory=list, max_length=4)
    current_work_description: Text = Field("", max_length=500)
    diagnoses: list[DiagnosisIn] = Field(default_factory=list, max_length=services.MAX_DIAGNOSES)
    functional_impairment: Text = Field("", max_length=TEXT_MAX_LENGTH)
    activity_limitation: Text = Field("", max_length=TEXT_MAX_LENGTH)
    treatment: Text = Field("", max_length=TEXT_MAX_LENGTH)
    periods: list[PeriodIn] = Field(default_factory=list, max_length=services.MAX_PERIODS)
    prognosis: Prognosis | None = None
    recommended_measures: list[Measure] = Field(default_factory=list, max_length=6)
    measures_other: Text = Field("", max_length=500)
    other_information: Text = Field("", max_length=TEXT_MAX_LENGTH)
    wants_fk_contact: StrictBool = False
    read_with_client_on: datetime.date | None = None
    caseworker_note: Text = Field("", max_length=TEXT_MAX_LENGTH)


class CertificateUpdateIn(CertificateIn):
    """The whole certificate as it should read (diagnoses and periods are replaced), and the version you read.

    `received_on` left out keeps the date received.
    """

    version: int = Field(
        ge=1, le=MAX_VERSION, description="The certificate's `version` as you read it; 409 when someone saved since."
    )


class SickLeaveQuery(Schema):
    on: datetime.date | None = Field(None, description="The date the current spell is read for. Default: today.")
    max_gap: int | None = Field(
        None, ge=0, le=MAX_GAP_LIMIT, description="Days allowed between certificates of one spell. Default: the unit's."
    )


# --- output ---------------------------------------------------------------------------------


class CareUnitOut(Schema):
    id: int
    name: str
    hsa_id: str
    region: str
    municipality: str


class DiagnosisOut(Schema):
    position: int
    code: str = Field(description="Displayed with the dot, e.g. F32.1; empty when the certificate has none.")
    system: DiagnosisSystem
    text: str
    chapter: str = Field(description="ICD-10 chapter, roman numeral.")
    chapter_name: str
    block: str
    known_to_who: bool = Field(description="False for codes not in WHO ICD-10 (ICD-10-SE extensions, KSH97-P).")


class PeriodOut(Schema):
    degree: int
    start: datetime.date
    end: datetime.date
    days: int


class FindingOut(Schema):
    code: str
    message: str
    field: str


class CertificateOut(Schema):
    id: int
    client_id: int
    case_id: int | None
    issued_on: datetime.date
    received_on: datetime.date
    care_unit: CareUnitOut
    physician_name: str
    basis: list[Basis]
    basis_other: str
    work_capacity_activities: list[WorkCapacityActivity]
    current_work_description: str
    diagnoses: list[DiagnosisOut]
    functional_impairment: str
    activity_limitation: str
    treatment: str
    periods: list[PeriodOut]
    prognosis: Prognosis | None
    recommended_measures: list[Measure]
    measures_other: str
    other_information: str
    wants_fk_contact: bool
    read_with_client_on: datetime.date | None
    caseworker_note: str
    registered_at: datetime.datetime
    quality_findings: list[FindingOut]
    version: int = Field(description="Send it back with PUT: a correction based on an older version is refused.")


class CertificateConflictOut(ErrorOut):
    """409: someone saved the certificate after the version you sent. `current` is the certificate as it is now."""

    current: CertificateOut


class CertificateListOut(Schema):
    count: int
    items: list[CertificateOut]


class SpellOut(Schema):
    start: datetime.date
    end: datetime.date
    days: int = Field(description="Sick-listed days, each counted once.")
    certificate_ids: list[int]


class CurrentSpellOut(SpellOut):
    days_to_date: int = Field(description="Sick-listed days of the spell up to and including `on`.")


class SickLeaveOut(Schema):
    on: datetime.date
    max_gap: int
    spells: list[SpellOut]
    current: CurrentSpellOut | None = Field(description="The spell as of `on`; null when `on` is in no period.")
    current_degree: int | None
    reaches_60_days_on: datetime.date | None = Field(
        description="The current spell's 60th sick-listed day; null when the known periods do not reach it."
    )


def _spell_out(spell: Spell) -> dict[str, object]:
    return {"start": spell.start, "end": spell.end, "days": spell.days, "certificate_ids": list(spell.certificate_ids)}


def sick_leave_out(sick_leave: SickLeave) -> dict[str, object]:
    current = sick_leave.current
    return {
        "on": sick_leave.on,
        "max_gap": sick_leave.max_gap,
        "spells": [_spell_out(s) for s in sick_leave.spells],
        "current": {**_spell_out(current), "days_to_date": sick_leave.days_to_date} if current else None,
        "current_degree": sick_leave.current_degree,
        "reaches_60_days_on": sick_leave.reaches_60_days_on,
    }


def certificate_out(certificate: Certificate) -> dict[str, object]:
    unit = certificate.care_unit
    return {
        "id": certificate.pk,
        "client_id": certificate.client_id,
        "case_id": certificate.case_id,
        "issued_on": certificate.issued_on,
        "received_on": certificate.received_on,
        "care_unit": {
            "id": unit.pk,
            "name": unit.name,
            "hsa_id": unit.hsa_id,
            "region": unit.region,
            "municipality": unit.municipality,
        },
        "physician_name": certificate.physician_name,
        "basis": certificate.basis,
        "basis_other": certificate.basis_other,
        "work_capacity_activities": certificate.work_capacity_activities,
        "current_work_description": certificate.current_work_description,
        "diagnoses": [
            {
                "position": d.position,
                "code": d.code_display,
                "system": d.system,
                "text": d.text,
                "chapter": d.chapter,
                "chapter_name": d.chapter_name,
                "block": d.block,
                "known_to_who": d.known_to_who,
            }
            for d in certificate.diagnoses.all()
        ],
        "functional_impairment": certificate.functional_impairment,
        "activity_limitation": certificate.activity_limitation,
        "treatment": certificate.treatment,
        "periods": [
            {"degree": p.degree, "start": p.start, "end": p.end, "days": p.days} for p in certificate.periods.all()
        ],
        "prognosis": certificate.prognosis or None,
        "recommended_measures": certificate.recommended_measures,
        "measures_other": certificate.measures_other,
        "other_information": certificate.other_information,
        "wants_fk_contact": certificate.wants_fk_contact,
        "read_with_client_on": certificate.read_with_client_on,
        "caseworker_note": certificate.caseworker_note,
        "registered_at": certificate.created_at,
        "quality_findings": [f.as_dict() for f in selectors.quality_findings(certificate)],
        "version": certificate.version,
    }


def certificate_data(payload: CertificateIn) -> services.CertificateData:
    return services.CertificateData(
        issued_on=payload.issued_on,
        received_on=payload.received_on or timezone.localdate(),
        care_unit=services.CareUnitData(
            name=payload.care_unit.name,
            hsa_id=payload.care_unit.hsa_id,
            region=payload.care_unit.region,
            municipality=payload.care_unit.municipality,
        ),
        diagnoses=[services.DiagnosisData(code=d.code, system=d.system.value, text=d.text) for d in payload.diagnoses],
        periods=[services.PeriodData(degree=int(p.degree), start=p.start, end=p.end) for p in payload.periods],
        physician_name=payload.physician_name,
        basis=[b.value for b in payload.basis],
        basis_other=payload.basis_other,
        work_capacity_activities=[a.value for a in payload.work_capacity_activities],
        current_work_description=payload.current_work_description,
        functional_impairment=payload.functional_impairment,
        activity_limitation=payload.activity_limitation,
        treatment=payload.treatment,
        prognosis=payload.prognosis.value if payload.prognosis else "",
        recommended_measures=[m.value for m in payload.recommended_measures],
        measures_other=payload.measures_other,
        other_information=payload.other_information,
        wants_fk_contact=payload.wants_fk_contact,
        read_with_client_on=payload.read_with_client_on,
        caseworker_note=payload.caseworker_note,
    )


# --- endpoints ------------------------------------------------------------------------------


@router.post(
    "/clients/{client_id}/certificates",
    response={201: CertificateOut, **error_responses(400, 401, 403, 404, 422)},
)
def register_certificate(
    request: HttpRequest, payload: CertificateIn, client_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[dict[str, object]]:
    """Register a medical certificate (FK 7804 structure). The answer carries the quality findings.

    Codes are validated for form (F codes and Z73 need four characters); overlapping periods are
    rejected with 422.
    """
    user = request_user(request)
    client, _access = selectors.client_for(user=user, client_id=client_id)
    certificate = services.certificate_register(actor=user, client=client, data=certificate_data(payload))
    saved, _access = selectors.certificate_get_for(
        user=user, client_id=client.pk, certificate_id=certificate.pk, via="api", audit=False
    )
    return Status(201, certificate_out(saved))


@router.put(
    "/clients/{client_id}/certificates/{certificate_id}",
    response={200: CertificateOut, 409: CertificateConflictOut, **error_responses(400, 401, 403, 404, 422)},
)
def update_certificate(
    request: HttpRequest,
    payload: CertificateUpdateIn,
    client_id: int = Path(..., ge=1, le=MAX_ID),
    certificate_id: int = Path(..., ge=1, le=MAX_ID),
) -> dict[str, object] | Status[dict[str, object]]:
    """Correct a registered certificate: send it whole, as it should read, with the `version` you read.

    409 when someone saved the certificate after that version: nothing is changed, and the answer carries
    the certificate as it is now (`current`). Partner officers never write certificates (404).
    """
    user = request_user(request)
    certificate, access = selectors.certificate_get_for(
        user=user, client_id=client_id, certificate_id=certificate_id, via="api", audit=False
    )
    if access.is_partner:
        raise Http404
    data = certificate_data(payload)
    if payload.received_on is None:  # a correction keeps the date received unless it is sent
        data = dataclasses.replace(data, received_on=certificate.received_on)
    try:
        services.certificate_update(actor=user, certificate=certificate, data=data, expected_version=payload.version)
    except StaleVersion as error:
        current, _access = selectors.certificate_get_for(
            user=user, client_id=client_id, certificate_id=error.current.pk, via="api"
        )
        return Status(409, {"message": error.message, "errors": [], "current": certificate_out(current)})
    saved, _access = selectors.certificate_get_for(
        user=user, client_id=client_id, certificate_id=certificate_id, via="api", audit=False
    )
    return certificate_out(saved)


@router.get("/clients/{client_id}/certificates", response={200: CertificateListOut, **error_responses(401, 404, 422)})
def list_certificates(request: HttpRequest, client_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, object]:
    """The client's certificates, newest first, each with its quality findings. The read is logged."""
    user = request_user(request)
    client, access = selectors.client_for(user=user, client_id=client_id)
    certificates = selectors.certificate_list_for(user=user, client=client, access=access, via="api")
    return {"count": len(certificates), "items": [certificate_out(c) for c in certificates]}


@router.get("/clients/{client_id}/sick_leave", response={200: SickLeaveOut, **error_responses(401, 404, 422)})
def sick_leave(
    request: HttpRequest, filters: Query[SickLeaveQuery], client_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, object]:
    """Sick-leave spells counted as in Rehabstöd, and the current spell as of `on`. The read is logged."""
    user = request_user(request)
    client, access = selectors.client_for(user=user, client_id=client_id)
    result, _certificates = selectors.sick_leave_for(
        user=user, client=client, access=access, on=filters.on, max_gap=filters.max_gap, via="api"
    )
    return sick_leave_out(result)
