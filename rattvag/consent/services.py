"""Writes of consents, case consultations and questions to healthcare.

Each service checks access (404 for a client the actor cannot see, PermissionRefused for a
partner officer who sees it but may not act), runs in a transaction and writes the audit event.
Anything that contacts a partner goes through `checks.require_consent`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rattvag.accounts.models import Partner, PartnerKind, Role
from rattvag.audit.services import ActingFor, audit_log
from rattvag.clients.access import ClientAccess, client_access
from rattvag.clients.models import Case, CaseStatus, Client
from rattvag.core.concurrency import save_if_version
from rattvag.core.errors import Conflict, PermissionRefused, StaleVersion
from rattvag.core.validation import TEXT_MAX_LENGTH, date_range_errors, text_length_errors

from .checks import require_consent
from .models import (
    AgeBand,
    Consent,
    ConsentForm,
    ConsentPurpose,
    ConsentPurposeGrant,
    Consultation,
    ConsultationCase,
    HealthcareQuestion,
    HealthcareRequest,
    HealthcareRequestQuestion,
    HealthcareRequestStatus,
    WithdrawalForm,
)

if TYPE_CHECKING:
    from rattvag.accounts.models import Unit, User

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Questions, advice and answer summaries are short texts; the forms say the same.
SHORT_TEXT_MAX_LENGTH = 5000
# What a withdrawal or replacement changes on a consent (shown when someone else did it first).
_WITHDRAWAL_FIELDS = ("withdrawn_on", "withdrawn_how", "replaced_by")
# Magic bytes of the accepted scanned-document types.
DOCUMENT_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
# A pseudonymous summary must not identify anyone: refuse anything shaped like a personal number.
_PERSONAL_NUMBER_LIKE = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_valid_until(given_on: datetime.date) -> datetime.date:
    """One year: up to and including the day before the same date next year."""
    return add_years(given_on, 1) - datetime.timedelta(days=1)


def staff_access(actor: User, client: Client) -> ClientAccess:
    """The actor's access to act on the client as municipal staff; 404 or PermissionRefused otherwise."""
    access = client_access(actor, client)
    if access is None:
        raise Client.DoesNotExist
    if access.is_partner or actor.role not in {Role.CASEWORKER, Role.NURSE, Role.UNIT_MANAGER}:
        raise PermissionRefused(_("Only the municipality's staff can do this."))
    return access


def document_type(document: UploadedFile) -> tuple[str, str]:
    """(content type, extension) from the file's first bytes; ValidationError if not PDF, PNG or JPEG."""
    if document.size is not None and document.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"document": _("The file is too large (at most 10 MB).")})
    document.seek(0)
    head = document.read(16)
    document.seek(0)
    for signature, content_type, extension in DOCUMENT_SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    raise ValidationError({"document": _("The file must be a PDF, PNG or JPEG image.")})


def _clean_purposes(purposes: Sequence[str]) -> list[str]:
    chosen = list(dict.fromkeys(purposes))
    if not chosen:
        raise ValidationError({"purposes": _("Choose at least one purpose.")})
    unknown = [p for p in chosen if p not in ConsentPurpose.values]
    if unknown:
        raise ValidationError({"purposes": _("Unknown purpose.")})
    return chosen


def _open_case_for(client: Client, actor: User) -> Case | None:
    """The open case a consent "until the case closes" follows: the actor's own if there is one."""
    cases = client.cases.filter(status=CaseStatus.OPEN).order_by("-opened_on", "-pk")
    own = cases.filter(Q(unit__in=actor.units.all()) | Q(nurses=actor)).first()
    return own or cases.first()


def _build_consent(
    *,
    actor: User,
    client: Client,
    partner: Partner | None,
    partner_kind: str,
    purposes: Sequence[str],
    form: str,
    given_on: datetime.date | None,
    valid_until: datetime.date | None,
    until_case_closes: bool,
    witnessed_by: str,
    document: UploadedFile | None,
    case: Case | None,
) -> tuple[Consent, list[str]]:
    today = timezone.localdate()
    errors: dict[str, str] = {}
    chosen = _clean_purposes(purposes)
    if (partner is None) == (not partner_kind):
        errors["partner"] = _("Choose one partner organisation, or one kind of partner.")
    if partner_kind and partner_kind not in PartnerKind.values:
        errors["partner"] = _("Unknown kind of partner.")
    if form not in ConsentForm.values:
        errors["form"] = _("Choose how the consent was given.")
    witnessed_by = (witnessed_by or "").strip()
    if form == ConsentForm.ORAL and not witnessed_by:
        errors["witnessed_by"] = _("An oral consent needs a witness: say who heard it.")
    given_on = given_on or today
    if given_on > today:
        errors["given_on"] = _("The consent cannot be given in the future.")
    if until_case_closes:
        valid_until = None
        case = case if case is not None and case.client_id == client.pk else _open_case_for(client, actor)
        if case is None or case.status != CaseStatus.OPEN:
            errors["until_case_closes"] = _("The client has no open case for the consent to follow.")
    else:
        case = None
        valid_until = valid_until or default_valid_until(given_on)
        if valid_until < given_on:
            errors["valid_until"] = _("The end date cannot be before the consent was given.")
        elif valid_until < today:
            errors["valid_until"] = _("The end date has already passed.")
    date_range_errors({"given_on": given_on, "valid_until": valid_until}, errors)
    content_type = ""
    if document:
        try:
            content_type, extension = document_type(document)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
        else:
            # Stored under a random name with the extension of the checked type, never the uploaded name.
            document.name = f"document{extension}"
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        client=client,
        partner=partner,
        partner_kind="" if partner is not None else partner_kind,
        form=form,
        witnessed_by=witnessed_by,
        given_on=given_on,
        valid_until=valid_until,
        until_case_closes=until_case_closes,
        case=case,
        document_content_type=content_type,
        recorded_by=actor,
    )
    if document:
        consent.document = document
    consent.full_clean(exclude=["document"])
    return consent, chosen


def _save_consent(consent: Consent, purposes: list[str]) -> None:
    consent.save()
    ConsentPurposeGrant.objects.bulk_create(ConsentPurposeGrant(consent=consent, purpose=p) for p in purposes)


def _consent_event_data(consent: Consent, purposes: list[str]) -> dict[str, object]:
    return {
        "partner_id": consent.partner_id,
        "partner_kind": consent.partner_kind,
        "purposes": purposes,
        "form": consent.form,
        "document": bool(consent.document),
    }


def consent_record(
    *,
    actor: User,
    client: Client,
    purposes: Sequence[str],
    form: str,
    partner: Partner | None = None,
    partner_kind: str = "",
    given_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    until_case_closes: bool = False,
    witnessed_by: str = "",
    document: UploadedFile | None = None,
    case: Case | None = None,
) -> Consent:
    """Record a consent. Valid for one year unless `valid_until` or `until_case_closes` says otherwise."""
    access = staff_access(actor, client)
    consent, chosen = _build_consent(
        actor=actor,
        client=client,
        partner=partner,
        partner_kind=partner_kind,
        purposes=purposes,
        form=form,
        given_on=given_on,
        valid_until=valid_until,
        until_case_closes=until_case_closes,
        witnessed_by=witnessed_by,
        document=document,
        case=case,
    )
    with transaction.atomic():
        _save_consent(consent, chosen)
        audit_log(
            actor=actor,
            action="consent.recorded",
            client_id=client.pk,
            acting_for=access.acting_for,
            obj=consent,
            data=_consent_event_data(consent, chosen),
        )
    return consent


# The audit events that change a consent after it is recorded.
_CONSENT_CHANGES = ("consent.withdrawn", "consent.replaced")


def _check_withdrawal_date(consent: Consent, day: datetime.date) -> None:
    if day > timezone.localdate():
        raise ValidationError({"withdrawn_on": _("The date cannot be in the future.")})
    if day < consent.given_on:
        raise ValidationError({"withdrawn_on": _("The date cannot be before the consent was given.")})


def _lock_unchanged(consent: Consent, expected_version: int | None) -> Consent:
    """The consent, locked for the transaction; StaleVersion if it changed since the user's page was loaded,
    Conflict if it has already been withdrawn or replaced."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    expected = consent.version if expected_version is None else expected_version
    if locked.version != expected:
        by = locked.withdrawn_by if locked.withdrawn_on is not None else None
        raise StaleVersion(
            current=locked,
            changed_fields=[name for name in _WITHDRAWAL_FIELDS if getattr(locked, name)],
            changed_by=by,
            changed_at=locked.updated_at,
            message=_("The consent has changed since you opened the page: it has already been withdrawn or replaced.")
            if locked.withdrawn_on is not None
            else "",
        )
    if locked.withdrawn_on is not None:
        raise Conflict(_("The consent has already been withdrawn or replaced."))
    return locked


def consent_withdraw(
    *,
    actor: User,
    consent: Consent,
    withdrawn_on: datetime.date | None = None,
    how: str = ConsentForm.ORAL,
    expected_version: int | None = None,
) -> Consent:
    """The client withdraws the consent; it stops covering anything from `withdrawn_on` (today by default).

    `expected_version` is the consent's version when the user's page was loaded (None: as `consent` was
    loaded); StaleVersion if it changed since.
    """
    access = staff_access(actor, consent.client)
    if how not in {WithdrawalForm.WRITTEN, WithdrawalForm.ORAL}:
        raise ValidationError({"how": _("Choose how the consent was withdrawn.")})
    day = withdrawn_on or timezone.localdate()
    errors = date_range_errors({"withdrawn_on": day})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_unchanged(consent, expected_version)
        _check_withdrawal_date(locked, day)
        locked.withdrawn_on = day
        locked.withdrawn_how = how
        locked.withdrawn_by = actor
        locked.full_clean(exclude=["document"])
        fields = ["withdrawn_on", "withdrawn_how", "withdrawn_by"]
        save_if_version(
            instance=locked, expected_version=locked.version, changed_fields=fields, audit_actions=_CONSENT_CHANGES
        )
        audit_log(
            actor=actor,
            action="consent.withdrawn",
            client_id=locked.client_id,
            acting_for=access.acting_for,
            obj=locked,
            data={"how": how, "fields": fields, "version": locked.version},
        )
    return locked


def consent_replace(
    *,
    actor: User,
    consent: Consent,
    purposes: Sequence[str],
    form: str,
    given_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    until_case_closes: bool = False,
    witnessed_by: str = "",
    document: UploadedFile | None = None,
    expected_version: int | None = None,
) -> Consent:
    """A new consent for the same client and partner takes over; the old one ends the day the new is given.

    `expected_version` is the old consent's version when the user's page was loaded (None: as `consent`
    was loaded); StaleVersion if it changed since.
    """
    client = consent.client
    access = staff_access(actor, client)
    new, chosen = _build_consent(
        actor=actor,
        client=client,
        partner=consent.partner,
        partner_kind=consent.partner_kind,
        purposes=purposes,
        form=form,
        given_on=given_on,
        valid_until=valid_until,
        until_case_closes=until_case_closes,
        witnessed_by=witnessed_by,
        document=document,
        case=consent.case,
    )
    if new.given_on < consent.given_on:
        raise ValidationError({"given_on": _("The new consent cannot be given before the one it replaces.")})
    with transaction.atomic():
        old = _lock_unchanged(consent, expected_version)
        _save_consent(new, chosen)
        old.withdrawn_on = new.given_on
        old.withdrawn_how = WithdrawalForm.REPLACED
        old.withdrawn_by = actor
        old.replaced_by = new
        fields = ["withdrawn_on", "withdrawn_how", "withdrawn_by", "replaced_by"]
        save_if_version(
            instance=old, expected_version=old.version, changed_fields=fields, audit_actions=_CONSENT_CHANGES
        )
        audit_log(
            actor=actor,
            action="consent.replaced",
            client_id=client.pk,
            acting_for=access.acting_for,
            obj=old,
            data={"replaced_by": new.pk, "fields": fields, "version": old.version},
        )
        audit_log(
            actor=actor,
            action="consent.recorded",
            client_id=client.pk,
            acting_for=access.acting_for,
            obj=new,
            data={**_consent_event_data(new, chosen), "replaces": old.pk},
        )
    return new


# --- case consultation ------------------------------------------------------------------------


def _is_fk_officer(user: User) -> bool:
    return (
        user.is_active
        and user.role == Role.PARTNER_OFFICER
        and user.partner is not None
        and user.partner.kind == PartnerKind.FK
    )


def consultation_create(
    *,
    actor: User,
    unit: Unit,
    held_on: datetime.date,
    fk_officer: User,
    caseworkers: Sequence[User] = (),
) -> Consultation:
    if actor.role not in {Role.CASEWORKER, Role.UNIT_MANAGER} or not actor.units.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("You can only hold consultations for your own units.")})
    if not _is_fk_officer(fk_officer):
        raise ValidationError({"fk_officer": _("Choose an officer of Försäkringskassan.")})
    present = list(caseworkers)
    if any(not user.units.filter(pk=unit.pk).exists() for user in present):
        raise ValidationError({"caseworkers": _("The caseworkers present must work for the unit.")})
    errors = date_range_errors({"held_on": held_on})
    if errors:
        raise ValidationError(errors)
    consultation = Consultation(unit=unit, held_on=held_on, fk_officer=fk_officer, created_by=actor)
    consultation.full_clean()
    with transaction.atomic():
        consultation.save()
        consultation.caseworkers.set(present)
        audit_log(actor=actor, action="consultation.created", acting_for=ActingFor(unit=unit), obj=consultation)
    return consultation


def may_work_on_consultation(user: User, consultation: Consultation) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.PARTNER_OFFICER:
        return consultation.fk_officer_id == user.pk
    return user.role in {Role.CASEWORKER, Role.UNIT_MANAGER, Role.NURSE} and (
        user.units.filter(pk=consultation.unit_id).exists()
    )


def _acting_for_consultation(user: User, consultation: Consultation) -> ActingFor:
    if user.role == Role.PARTNER_OFFICER:
        return ActingFor(partner=user.partner)
    return ActingFor(unit=consultation.unit)


def _refuse_identifying_text(fields: dict[str, str]) -> None:
    errors = {
        name: _("Write no personal identity number in a pseudonymous case.")
        for name, value in fields.items()
        if _PERSONAL_NUMBER_LIKE.search(value or "")
    }
    if errors:
        raise ValidationError(errors)


def consultation_case_raise(
    *,
    actor: User,
    consultation: Consultation,
    question: str,
    client: Client | None = None,
    age_band: str = "",
    diagnosis_chapter: str = "",
    sick_leave_days: int | None = None,
    pseudonym_key: str = "",
) -> ConsultationCase:
    """Raise a case: identified when a valid case-consultation consent covers FK on the day, else pseudonymous."""
    if not may_work_on_consultation(actor, consultation) or actor.role == Role.PARTNER_OFFICER:
        raise Consultation.DoesNotExist
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": _("Write the question raised.")})
    errors = text_length_errors({"question": question}, limit=SHORT_TEXT_MAX_LENGTH)
    if errors:
        raise ValidationError(errors)
    item = ConsultationCase(consultation=consultation, question=question, raised_by=actor)
    client_id: int | None = None
    if client is not None:
        staff_access(actor, client)
        partner = consultation.fk_officer.partner
        assert partner is not None
        item.consent = require_consent(
            client=client, partner=partner, purpose=ConsentPurpose.FK_CONSULTATION, on=consultation.held_on
        )
        item.client = client
        client_id = client.pk
        item.diagnosis_chapter = (diagnosis_chapter or "").strip()
        item.sick_leave_days = sick_leave_days
    else:
        if age_band not in AgeBand.values:
            raise ValidationError({"age_band": _("Choose an age band.")})
        _refuse_identifying_text(
            {"question": question, "diagnosis_chapter": diagnosis_chapter, "pseudonym_key": pseudonym_key}
        )
        item.age_band = age_band
        item.diagnosis_chapter = (diagnosis_chapter or "").strip()
        item.sick_leave_days = sick_leave_days
        item.pseudonym_key = (pseudonym_key or "").strip()
    item.full_clean()
    with transaction.atomic():
        item.save()
        audit_log(
            actor=actor,
            action="consultation.case_raised",
            client_id=client_id,
            acting_for=_acting_for_consultation(actor, consultation),
            obj=item,
            data={"consultation_id": consultation.pk, "identified": client_id is not None},
        )
    return item


def consultation_case_advise(
    *, actor: User, item: ConsultationCase, advice: str, follow_up: str = "", expected_version: int | None = None
) -> ConsultationCase:
    """The FK officer's advice and the follow-up actions (recorded by the officer or the unit's staff).

    Only if nobody saved the advice since `expected_version` (the version the user's page was loaded at;
    None: as `item` was loaded): else StaleVersion, and nothing is written.
    """
    if not may_work_on_consultation(actor, item.consultation):
        raise ConsultationCase.DoesNotExist
    if item.client is not None and actor.role == Role.PARTNER_OFFICER and client_access(actor, item.client) is None:
        # The consent has ended since the case was raised: the officer no longer sees this client.
        raise ConsultationCase.DoesNotExist
    advice = (advice or "").strip()
    if not advice:
        raise ValidationError({"advice": _("Write the advice given.")})
    errors = text_length_errors({"advice": advice, "follow_up": follow_up}, limit=SHORT_TEXT_MAX_LENGTH)
    if errors:
        raise ValidationError(errors)
    if item.client_id is None:
        _refuse_identifying_text({"advice": advice, "follow_up": follow_up})
    expected = item.version if expected_version is None else expected_version
    follow_up = (follow_up or "").strip()
    changed = [name for name, value in (("advice", advice), ("follow_up", follow_up)) if getattr(item, name) != value]
    item.advice = advice
    item.follow_up = follow_up
    item.full_clean()
    if not changed:
        return item
    with transaction.atomic():
        save_if_version(
            instance=item,
            expected_version=expected,
            changed_fields=changed,
            audit_actions=["consultation.advice_recorded"],
        )
        audit_log(
            actor=actor,
            action="consultation.advice_recorded",
            client_id=item.client_id,
            acting_for=_acting_for_consultation(actor, item.consultation),
            obj=item,
            data={"consultation_id": item.consultation_id, "fields": changed, "version": item.version},
        )
    return item


# --- questions to healthcare ------------------------------------------------------------------


def healthcare_request_create(
    *,
    actor: User,
    client: Client,
    care_unit: Partner,
    questions: Sequence[HealthcareQuestion],
    free_text: str = "",
    reminder_after_days: int = 21,
) -> HealthcareRequest:
    """Write questions to a care unit (a draft letter). Needs a valid consent to contact that care unit."""
    access = staff_access(actor, client)
    errors: dict[str, str] = {}
    if care_unit.kind != PartnerKind.CARE_UNIT:
        errors["care_unit"] = _("Choose a care unit.")
    chosen = list(dict.fromkeys(questions))
    free_text = (free_text or "").strip()
    if not chosen and not free_text:
        errors["questions"] = _("Choose at least one question or write your own.")
    if any(not q.active for q in chosen):
        errors["questions"] = _("A question is no longer in use.")
    if not 1 <= reminder_after_days <= 180:
        errors["reminder_after_days"] = _("The reminder must come after 1 to 180 days.")
    text_length_errors({"free_text": free_text}, errors, limit=TEXT_MAX_LENGTH)
    if errors:
        raise ValidationError(errors)
    consent = require_consent(client=client, partner=care_unit, purpose=ConsentPurpose.CONTACT_HEALTHCARE)
    request = HealthcareRequest(
        client=client,
        care_unit=care_unit,
        consent=consent,
        unit=access.acting_for.unit,
        free_text=free_text,
        created_by=actor,
        reminder_after_days=reminder_after_days,
    )
    request.full_clean()
    with transaction.atomic():
        request.save()
        HealthcareRequestQuestion.objects.bulk_create(
            HealthcareRequestQuestion(request=request, question=q, position=i, text=q.text_sv)
            for i, q in enumerate(chosen, start=1)
        )
        audit_log(
            actor=actor,
            action="healthcare_request.created",
            client_id=client.pk,
            acting_for=access.acting_for,
            obj=request,
            data={"care_unit_id": care_unit.pk, "questions": [q.code for q in chosen], "consent_id": consent.pk},
        )
    return request


def healthcare_request_send(
    *, actor: User, request: HealthcareRequest, sent_on: datetime.date | None = None
) -> HealthcareRequest:
    """Mark the letter as sent. The consent is checked again now: it may have ended since the draft."""
    access = staff_access(actor, request.client)
    day = sent_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"sent_on": _("The date cannot be in the future.")})
    errors = date_range_errors({"sent_on": day})
    if errors:
        raise ValidationError(errors)
    consent = require_consent(
        client=request.client, partner=request.care_unit, purpose=ConsentPurpose.CONTACT_HEALTHCARE, on=day
    )
    with transaction.atomic():
        locked = HealthcareRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != HealthcareRequestStatus.DRAFT:
            raise Conflict(_("The questions have already been sent."))
        locked.status = HealthcareRequestStatus.SENT
        locked.sent_on = day
        locked.remind_on = day + datetime.timedelta(days=locked.reminder_after_days)
        locked.consent = consent
        locked.full_clean()
        locked.save(update_fields=["status", "sent_on", "remind_on", "consent", "updated_at"])
        audit_log(
            actor=actor,
            action="healthcare_request.sent",
            client_id=locked.client_id,
            acting_for=access.acting_for,
            obj=locked,
            data={"consent_id": consent.pk},
        )
    return locked


def healthcare_request_answer(
    *, actor: User, request: HealthcareRequest, answered_on: datetime.date, answer_summary: str
) -> HealthcareRequest:
    """Record that the care unit answered, with a short summary for the case."""
    access = staff_access(actor, request.client)
    answer_summary = (answer_summary or "").strip()
    with transaction.atomic():
        locked = HealthcareRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != HealthcareRequestStatus.SENT or locked.sent_on is None:
            raise Conflict(_("Only questions that have been sent can be answered."))
        errors: dict[str, str] = {}
        if answered_on > timezone.localdate():
            errors["answered_on"] = _("The date cannot be in the future.")
        elif answered_on < locked.sent_on:
            errors["answered_on"] = _("The answer cannot come before the questions were sent.")
        if not answer_summary:
            errors["answer_summary"] = _("Summarise the answer.")
        text_length_errors({"answer_summary": answer_summary}, errors, limit=SHORT_TEXT_MAX_LENGTH)
        if errors:
            raise ValidationError(errors)
        locked.status = HealthcareRequestStatus.ANSWERED
        locked.answered_on = answered_on
        locked.answer_summary = answer_summary
        locked.full_clean()
        locked.save(update_fields=["status", "answered_on", "answer_summary", "updated_at"])
        audit_log(
            actor=actor,
            action="healthcare_request.answered",
            client_id=locked.client_id,
            acting_for=access.acting_for,
            obj=locked,
        )
    return locked
