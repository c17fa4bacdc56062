"""Writes of certificates, care units, SGI status and unit settings. Each runs in a transaction and is audited."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from rattvag.accounts.models import Role, Unit
from rattvag.audit.services import audit_log
from rattvag.clients.access import ClientAccess, client_access
from rattvag.clients.models import Client
from rattvag.core.concurrency import save_if_version
from rattvag.core.validation import TEXT_MAX_LENGTH, date_range_errors, text_length_errors

from .icd import CodeError, validate_code
from .models import (
    Basis,
    CareUnit,
    Certificate,
    CertificatePeriod,
    Degree,
    Diagnosis,
    DiagnosisSystem,
    Measure,
    Prognosis,
    SgiSource,
    SgiStatus,
    SgiStatusValue,
    UnitCertificateSettings,
    WorkCapacityActivity,
)
from .quality import QualityInput, overlapping_periods
from .selectors import open_case_of
from .spells import MAX_GAP_LIMIT, Period

if TYPE_CHECKING:
    from rattvag.accounts.models import User

MAX_DIAGNOSES = 3
MAX_PERIODS = 8


@dataclass(frozen=True)
class DiagnosisData:
    code: str
    system: str = DiagnosisSystem.ICD10SE
    text: str = ""


@dataclass(frozen=True)
class PeriodData:
    degree: int | None
    start: datetime.date | None
    end: datetime.date | None


@dataclass(frozen=True)
class CareUnitData:
    name: str
    hsa_id: str = ""
    region: str = ""
    municipality: str = ""


@dataclass(frozen=True)
class CertificateData:
    """Everything a caseworker types from a certificate. Field names follow FK 7804."""

    issued_on: datetime.date | None
    received_on: datetime.date | None
    care_unit: CareUnitData
    diagnoses: Sequence[DiagnosisData] = ()
    periods: Sequence[PeriodData] = ()
    physician_name: str = ""
    basis: Sequence[str] = ()
    basis_other: str = ""
    work_capacity_activities: Sequence[str] = ()
    current_work_description: str = ""
    functional_impairment: str = ""
    activity_limitation: str = ""
    treatment: str = ""
    prognosis: str = ""
    recommended_measures: Sequence[str] = ()
    measures_other: str = ""
    other_information: str = ""
    wants_fk_contact: bool = False
    read_with_client_on: datetime.date | None = None
    caseworker_note: str = ""
    warnings: list[str] = field(default_factory=list, compare=False)

    def quality_input(self) -> QualityInput:
        return QualityInput(
            issued_on=self.issued_on,
            diagnosis_codes=[d.code.strip() for d in self.diagnoses],
            functional_impairment=self.functional_impairment,
            activity_limitation=self.activity_limitation,
            basis=list(self.basis),
            prognosis=self.prognosis,
            periods=[
                Period(p.start, p.end, p.degree or 0)
                for p in self.periods
                if p.start is not None and p.end is not None and p.end >= p.start
            ],
        )


# Plain fields copied from CertificateData to the model, in form order (used for "fields changed").
_PLAIN_FIELDS = (
    "issued_on",
    "received_on",
    "physician_name",
    "basis",
    "basis_other",
    "work_capacity_activities",
    "current_work_description",
    "functional_impairment",
    "activity_limitation",
    "treatment",
    "prognosis",
    "recommended_measures",
    "measures_other",
    "other_information",
    "wants_fk_contact",
    "read_with_client_on",
    "caseworker_note",
)


# Free text typed from the certificate or by the caseworker: at most TEXT_MAX_LENGTH characters each.
_FREE_TEXT_FIELDS = (
    "functional_impairment",
    "activity_limitation",
    "treatment",
    "other_information",
    "caseworker_note",
)
assert TEXT_MAX_LENGTH == 10_000  # the API schema (certificates.api) states the same limit


def _require_access(actor: User, client: Client) -> ClientAccess:
    """Writers are the municipality's staff who may see the client; partners never write here."""
    access = client_access(actor, client)
    if access is None or access.is_partner:
        raise Http404
    return access


def _codes(values: Sequence[str], allowed: Sequence[str], field_name: str, errors: dict[str, str]) -> list[str]:
    chosen = list(dict.fromkeys(v for v in values if v))
    if any(v not in allowed for v in chosen):
        errors[field_name] = _("Choose from the list.")
    return [v for v in allowed if v in chosen]  # stored in the form's order


def _validate_periods(periods: Sequence[PeriodData], errors: dict[str, str]) -> list[Period]:
    valid: list[Period] = []
    if len(periods) > MAX_PERIODS:
        errors["periods"] = _("A certificate has at most %(count)d periods.") % {"count": MAX_PERIODS}
        return []
    for index, period in enumerate(periods):
        prefix = f"periods.{index}"
        if period.degree not in Degree.values:
            errors[f"{prefix}.degree"] = _("Choose 25, 50, 75 or 100 %.")
        if period.start is None:
            errors[f"{prefix}.start"] = _("Enter the first day of the period.")
        if period.end is None:
            errors[f"{prefix}.end"] = _("Enter the last day of the period.")
        date_range_errors({f"{prefix}.start": period.start, f"{prefix}.end": period.end}, errors)
        if f"{prefix}.start" in errors or f"{prefix}.end" in errors:
            continue
        if period.start is not None and period.end is not None:
            if period.end < period.start:
                errors[f"{prefix}.end"] = _("The last day cannot be before the first day.")
            elif period.degree in Degree.values:
                valid.append(Period(period.start, period.end, period.degree))
    overlaps = overlapping_periods(valid)
    if overlaps:
        first, second = overlaps[0]
        errors["periods"] = _(
            "The periods overlap: %(first_start)s–%(first_end)s and %(second_start)s–%(second_end)s. "
            "Each day can have only one degree; correct the dates."
        ) % {
            "first_start": first.start.isoformat(),
            "first_end": first.end.isoformat(),
            "second_start": second.start.isoformat(),
            "second_end": second.end.isoformat(),
        }
    return sorted(valid, key=lambda p: p.start)


def _validate_diagnoses(diagnoses: Sequence[DiagnosisData], errors: dict[str, str]) -> list[Diagnosis]:
    rows: list[Diagnosis] = []
    if len(diagnoses) > MAX_DIAGNOSES:
        errors["diagnoses"] = _("A certificate has at most three diagnoses.")
        return []
    for index, diagnosis in enumerate(diagnoses):
        prefix = f"diagnoses.{index}"
        code, text = (diagnosis.code or "").strip(), (diagnosis.text or "").strip()
        if not code and not text:
            continue
        if diagnosis.system not in DiagnosisSystem.values:
            errors[f"{prefix}.system"] = _("Choose ICD-10-SE or KSH97-P.")
            continue
        if not code:
            rows.append(Diagnosis(position=len(rows) + 1, code="", system=diagnosis.system, text=text))
            continue
        try:
            info = validate_code(code, diagnosis.system)
        except CodeError as error:
            errors[f"{prefix}.code"] = str(error)
            continue
        rows.append(
            Diagnosis(
                position=len(rows) + 1,
                code=info.code,
                system=info.system,
                text=text,
                chapter=info.chapter,
                block=info.block,
                known_to_who=info.known_to_who or info.system == DiagnosisSystem.KSH97P,
            )
        )
    return rows


def validate_certificate_data(data: CertificateData) -> tuple[list[Diagnosis], list[Period], dict[str, str]]:
    """Check the input; returns unsaved diagnoses, valid periods and the errors by field."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if data.issued_on is None:
        errors["issued_on"] = _("Enter the date the certificate was issued.")
    elif data.issued_on > today:
        errors["issued_on"] = _("The issue date cannot be in the future.")
    if data.received_on is None:
        errors["received_on"] = _("Enter the date the certificate was received.")
    elif data.received_on > today:
        errors["received_on"] = _("The date received cannot be in the future.")
    elif data.issued_on is not None and data.received_on < data.issued_on:
        errors["received_on"] = _("The certificate cannot be received before it was issued.")
    if not data.care_unit.name.strip():
        errors["care_unit.name"] = _("Enter the care unit that issued the certificate.")
    basis = _codes(data.basis, Basis.values, "basis", errors)
    if Basis.OTHER in basis and not data.basis_other.strip():
        errors["basis_other"] = _("Describe the other basis.")
    activities = _codes(data.work_capacity_activities, WorkCapacityActivity.values, "work_capacity_activities", errors)
    if WorkCapacityActivity.CURRENT_WORK in activities and not data.current_work_description.strip():
        errors["current_work_description"] = _("Describe the current work.")
    measures = _codes(data.recommended_measures, Measure.values, "recommended_measures", errors)
    if Measure.OTHER in measures and not data.measures_other.strip():
        errors["measures_other"] = _("Describe the other measure.")
    if data.prognosis and data.prognosis not in Prognosis.values:
        errors["prognosis"] = _("Choose a prognosis from the list.")
    if data.read_with_client_on is not None and data.read_with_client_on > today:
        errors["read_with_client_on"] = _("The date cannot be in the future.")
    text_length_errors({name: getattr(data, name) for name in _FREE_TEXT_FIELDS}, errors)
    date_range_errors(
        {"issued_on": data.issued_on, "received_on": data.received_on, "read_with_client_on": data.read_with_client_on},
        errors,
    )
    diagnoses = _validate_diagnoses(data.diagnoses, errors)
    periods = _validate_periods(data.periods, errors)
    return diagnoses, periods, errors


def care_unit_resolve(*, actor: User, data: CareUnitData) -> CareUnit:
    """The registry entry for a care unit: by HSA-id, else by name (case-insensitive), else a new one.

    Merged entries lead to the entry they were merged into.
    """
    with transaction.atomic():
        return _care_unit_resolve(actor=actor, data=data)


def _care_unit_resolve(*, actor: User, data: CareUnitData) -> CareUnit:
    name = " ".join(data.name.split())
    hsa_id = data.hsa_id.strip().upper()
    found: CareUnit | None = CareUnit.objects.filter(hsa_id=hsa_id).first() if hsa_id else None
    if found is None:
        by_name = CareUnit.objects.filter(name__iexact=name).order_by("pk")
        found = by_name.filter(merged_into__isnull=True).first() or by_name.first()
    if found is not None:
        while found.merged_into_id is not None:
            found = CareUnit.objects.get(pk=found.merged_into_id)
        if hsa_id and not found.hsa_id and not CareUnit.objects.filter(hsa_id=hsa_id).exists():
            found.hsa_id = hsa_id
            found.save(update_fields=["hsa_id", "updated_at"])
        return found
    unit = CareUnit(name=name, hsa_id=hsa_id, region=data.region.strip(), municipality=data.municipality.strip())
    unit.full_clean()
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:  # the same HSA-id registered at the same moment
        return CareUnit.objects.get(hsa_id=hsa_id)
    audit_log(actor=actor, action="care_unit.created", obj=unit)
    return unit


def _save_rows(certificate: Certificate, diagnoses: list[Diagnosis], periods: list[Period]) -> None:
    certificate.diagnoses.all().delete()
    certificate.periods.all().delete()
    for diagnosis in diagnoses:
        diagnosis.certificate = certificate
        diagnosis.full_clean(validate_unique=False)
    period_rows = [
        CertificatePeriod(certificate=certificate, degree=p.degree, start=p.start, end=p.end) for p in periods
    ]
    for row in period_rows:
        row.full_clean()
    Diagnosis.objects.bulk_create(diagnoses)
    CertificatePeriod.objects.bulk_create(period_rows)


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def certificate_register(*, actor: User, client: Client, data: CertificateData) -> Certificate:
    """Register a certificate for a client the actor may see. Raises ValidationError or Http404."""
    access = _require_access(actor, client)
    diagnoses, periods, errors = validate_certificate_data(data)
    _raise(errors)
    with transaction.atomic():
        care_unit = care_unit_resolve(actor=actor, data=data.care_unit)
        certificate = Certificate(
            client=client,
            case=open_case_of(client, access),
            care_unit=care_unit,
            registered_by=actor,
            **_plain_values(data),
        )
        certificate.full_clean()
        certificate.save()
        _save_rows(certificate, diagnoses, periods)
        audit_log(
            actor=actor,
            action="certificate.registered",
            client_id=client.pk,
            acting_for=access.acting_for,
            obj=certificate,
            data={"diagnoses": len(diagnoses), "periods": len(periods)},
        )
    return certificate


_CHOICE_LISTS = {"basis": Basis, "work_capacity_activities": WorkCapacityActivity, "recommended_measures": Measure}


def _plain_values(data: CertificateData) -> dict[str, object]:
    values: dict[str, object] = {}
    for name in _PLAIN_FIELDS:
        value = getattr(data, name)
        if name in _CHOICE_LISTS:
            chosen = set(value)
            value = [code for code in _CHOICE_LISTS[name].values if code in chosen]  # stored in the form's order
        elif isinstance(value, str):
            value = value.strip()
        values[name] = value
    return values


def certificate_update(
    *, actor: User, certificate: Certificate, data: CertificateData, expected_version: int | None = None
) -> Certificate:
    """Correct a registered certificate; diagnoses and periods are replaced as typed.

    Only if nobody saved the certificate since `expected_version` (the version the user's page or API call
    was loaded at; None: the version of `certificate` as the caller loaded it): else StaleVersion, and
    nothing is written. Nothing is written either when nothing changes.
    """
    access = _require_access(actor, certificate.client)
    expected = certificate.version if expected_version is None else expected_version
    diagnoses, periods, errors = validate_certificate_data(data)
    _raise(errors)
    with transaction.atomic():
        before_rows = _row_snapshot(certificate)
        after_rows = {
            "diagnoses": [(d.code, d.system, d.text) for d in diagnoses],
            "periods": [(p.degree, p.start, p.end) for p in periods],
        }
        rows_changed = [name for name in ("diagnoses", "periods") if before_rows[name] != after_rows[name]]
        care_unit = care_unit_resolve(actor=actor, data=data.care_unit)
        changed = []
        for name, value in _plain_values(data).items():
            if getattr(certificate, name) != value:
                setattr(certificate, name, value)
                changed.append(name)
        if certificate.care_unit_id != care_unit.pk:
            certificate.care_unit = care_unit
            changed.append("care_unit")
        certificate.full_clean()
        if not changed and not rows_changed:
            return certificate
        # First the version check: when it refuses, the rows below are never touched.
        save_if_version(instance=certificate, expected_version=expected, changed_fields=changed)
        if rows_changed:
            _save_rows(certificate, diagnoses, periods)
        # Field names only: the values are health data.
        audit_log(
            actor=actor,
            action="certificate.updated",
            client_id=certificate.client_id,
            acting_for=access.acting_for,
            obj=certificate,
            data={"fields": sorted(changed + rows_changed), "version": certificate.version},
        )
    return certificate


def _row_snapshot(certificate: Certificate) -> dict[str, list[tuple[object, ...]]]:
    return {
        "diagnoses": list(certificate.diagnoses.order_by("position").values_list("code", "system", "text")),
        "periods": list(certificate.periods.order_by("start").values_list("degree", "start", "end")),
    }


def _may_merge_care_units(actor: User) -> bool:
    return actor.is_active and (actor.role in {Role.UNIT_MANAGER, Role.ADMIN} or actor.is_superuser)


def care_unit_merge(*, actor: User, keep: CareUnit, merge: CareUnit) -> CareUnit:
    """Merge a duplicate into the care unit to keep: its certificates follow, the duplicate stays as history."""
    if not _may_merge_care_units(actor):
        raise ValidationError(_("Only a unit manager or an administrator can merge care units."))
    with transaction.atomic():
        keep = CareUnit.objects.select_for_update().get(pk=keep.pk)
        merge = CareUnit.objects.select_for_update().get(pk=merge.pk)
        errors: dict[str, str] = {}
        if keep.pk == merge.pk:
            errors["merge"] = _("Choose two different care units.")
        elif keep.merged_into_id is not None:
            errors["keep"] = _("The care unit to keep has itself been merged into another one.")
        elif merge.merged_into_id is not None:
            errors["merge"] = _("This care unit has already been merged.")
        _raise(errors)
        moved = Certificate.objects.filter(care_unit=merge).update(care_unit=keep, updated_at=timezone.now())
        CareUnit.objects.filter(merged_into=merge).update(merged_into=keep)
        hsa_id = merge.hsa_id
        merge.merged_into = keep
        merge.hsa_id = ""
        merge.save(update_fields=["merged_into", "hsa_id", "updated_at"])
        for name in ("region", "municipality"):
            if not getattr(keep, name):
                setattr(keep, name, getattr(merge, name))
        if hsa_id and not keep.hsa_id:
            keep.hsa_id = hsa_id
        keep.full_clean()
        keep.save()
        audit_log(
            actor=actor,
            action="care_unit.merged",
            obj=keep,
            data={"kept": keep.pk, "merged": merge.pk, "certificates_moved": moved},
        )
    return keep


def sgi_status_record(
    *, actor: User, client: Client, status: str, recorded_on: datetime.date, source: str
) -> SgiStatus:
    """Record the client's SGI status; earlier rows stay as history."""
    access = _require_access(actor, client)
    errors: dict[str, str] = {}
    if status not in SgiStatusValue.values:
        errors["status"] = _("Choose unknown, no SGI or has SGI.")
    if source not in SgiSource.values:
        errors["source"] = _("Choose where the information comes from.")
    if recorded_on is None:
        errors["recorded_on"] = _("Enter the date.")
    elif recorded_on > timezone.localdate():
        errors["recorded_on"] = _("The date cannot be in the future.")
    date_range_errors({"recorded_on": recorded_on}, errors)
    _raise(errors)
    row = SgiStatus(client=client, status=status, recorded_on=recorded_on, source=source, recorded_by=actor)
    row.full_clean()
    with transaction.atomic():
        row.save()
        audit_log(
            actor=actor,
            action="sgi.recorded",
            client_id=client.pk,
            acting_for=access.acting_for,
            obj=row,
            data={"status": status, "source": source},
        )
    return row


def unit_max_gap_set(*, actor: User, unit: Unit, max_gap: int) -> UnitCertificateSettings:
    """Set how many days may lie between certificates of one spell for a unit (0–90)."""
    if not (
        actor.is_superuser
        or actor.role == Role.ADMIN
        or (actor.role == Role.UNIT_MANAGER and actor.units.filter(pk=unit.pk).exists())
    ):
        raise ValidationError(_("Only the unit's manager or an administrator can change this setting."))
    if not 0 <= max_gap <= MAX_GAP_LIMIT:
        raise ValidationError({"max_gap": _("Enter a number of days from 0 to 90.")})
    with transaction.atomic():
        settings_row, _created = UnitCertificateSettings.objects.select_for_update().get_or_create(unit=unit)
        settings_row.max_gap = max_gap
        settings_row.full_clean()
        settings_row.save()
        audit_log(actor=actor, action="certificate.settings_changed", obj=settings_row, data={"max_gap": max_gap})
    return settings_row
