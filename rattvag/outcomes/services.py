"""Writes of ladder assessments and questionnaire answers. Each runs in a transaction and is audited.

Who may write: unit staff (caseworkers, nurses, unit managers) who reach the client through their own
work (rattvag.clients.access; not partner officers, not under temporary access). The tablet view has
no user: the one-time code the caseworker created stands for the client, once, until it expires.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from rattvag.accounts.models import UNIT_STAFF_ROLES
from rattvag.audit.services import ActingFor, audit_log
from rattvag.clients.access import ClientAccess, client_access
from rattvag.clients.models import Case, CaseStatus, Client

from .models import (
    Answer,
    AssessedBy,
    EnteredBy,
    LadderAssessment,
    LadderStep,
    Question,
    Questionnaire,
    QuestionnaireResponse,
    ScaleOption,
    TabletCode,
)

if TYPE_CHECKING:
    from rattvag.accounts.models import Unit, User

COMMENT_MAX_LENGTH = 2000
TABLET_CODE_MINUTES = 60
# No 0/O, 1/I/L: the code is typed on a tablet from a screen or a note.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def may_write_for(user: User, access: ClientAccess | None) -> bool:
    """Unit staff reaching the client through their own work."""
    return (
        access is not None
        and user.role in UNIT_STAFF_ROLES
        and not access.is_partner
        and not access.acting_for.break_glass
    )


def writable_access(*, actor: User, client: Client) -> ClientAccess:
    """The actor's access for a write, or Http404 (the same answer as for a client they cannot see)."""
    access = client_access(actor, client)
    if access is None or not may_write_for(actor, access):
        raise Http404
    return access


def _case_for(client: Client, unit: Unit | None) -> Case | None:
    """The client's newest open case in the acting unit (else the newest open case at all)."""
    cases = client.cases.filter(status=CaseStatus.OPEN).order_by("-opened_on", "-pk")
    if unit is not None:
        in_unit = cases.filter(unit=unit).first()
        if in_unit is not None:
            return in_unit
    return cases.first()


def _check_date(day: datetime.date, field: str, errors: dict[str, str]) -> None:
    if day > timezone.localdate():
        errors[field] = _("The date cannot be in the future.")
    elif day < datetime.date(2000, 1, 1):
        errors[field] = _("The date is too far back.")


# --- ladder ------------------------------------------------------------------------------------


def ladder_assessment_record(
    *,
    actor: User,
    client: Client,
    step: LadderStep,
    assessed_on: datetime.date,
    assessed_by: str,
    comment: str = "",
) -> LadderAssessment:
    """Record where the client stands on the ladder. The step must be of a published version."""
    access = writable_access(actor=actor, client=client)
    errors: dict[str, str] = {}
    _check_date(assessed_on, "assessed_on", errors)
    if assessed_by not in AssessedBy.values:
        errors["assessed_by"] = _("Choose who made the assessment.")
    if not step.version.published:
        errors["step"] = _("Choose a step of a published ladder.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = _("The comment can be at most %(limit)d characters.") % {"limit": COMMENT_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    assessment = LadderAssessment(
        client=client,
        case=_case_for(client, access.acting_for.unit),
        assessed_on=assessed_on,
        step=step,
        assessed_by=assessed_by,
        assessor=actor,
        comment=comment,
    )
    assessment.full_clean(validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        assessment.save()
        # The comment is free text about a person: it stays in the row, never in the event.
        audit_log(
            actor=actor,
            action="ladder.assessed",
            client_id=client.pk,
            acting_for=access.acting_for,
            obj=assessment,
            data={"step": step.number, "ladder_version": step.version_id, "assessed_by": assessed_by},
        )
    return assessment


# --- questionnaires ----------------------------------------------------------------------------


def _validated_answers(
    questionnaire: Questionnaire, answers: dict[str, int | None]
) -> list[tuple[Question, int | None]]:
    """Every question of the questionnaire with the given value (None: not answered); ValidationError otherwise."""
    questions = list(questionnaire.questions.select_related("scale").order_by("position", "pk"))
    known = {q.code for q in questions}
    errors: dict[str, str] = {}
    for code in sorted(set(answers) - known):
        errors[code] = _("There is no such question in the questionnaire.")
    allowed: dict[int, set[int]] = {}
    for option in ScaleOption.objects.filter(scale_id__in={q.scale_id for q in questions}):
        allowed.setdefault(option.scale_id, set()).add(option.value)
    result = []
    for question in questions:
        value = answers.get(question.code)
        if value is not None and value not in allowed.get(question.scale_id, set()):
            errors[question.code] = _("Choose one of the answers.")
        result.append((question, value))
    if errors:
        raise ValidationError(errors)
    if all(value is None for _q, value in result):
        raise ValidationError(_("Answer at least one question."))
    return result


def _save_response(
    *,
    questionnaire: Questionnaire,
    client: Client,
    case: Case | None,
    unit: Unit,
    answered_on: datetime.date,
    entered_by: str,
    recorded_by: User,
    answers: list[tuple[Question, int | None]],
) -> QuestionnaireResponse:
    response = QuestionnaireResponse(
        questionnaire=questionnaire,
        client=client,
        case=case,
        unit=unit,
        answered_on=answered_on,
        entered_by=entered_by,
        recorded_by=recorded_by,
    )
    response.full_clean(validate_unique=False, validate_constraints=False)
    response.save()
    Answer.objects.bulk_create([Answer(response=response, question=q, value=v) for q, v in answers])
    return response


def questionnaire_response_record(
    *,
    actor: User,
    client: Client,
    questionnaire: Questionnaire,
    answers: dict[str, int | None],
    answered_on: datetime.date | None = None,
) -> QuestionnaireResponse:
    """The caseworker enters the client's answers together with the client. `answers`: question code → value."""
    access = writable_access(actor=actor, client=client)
    answered_on = answered_on or timezone.localdate()
    errors: dict[str, str] = {}
    _check_date(answered_on, "answered_on", errors)
    if not questionnaire.active:
        errors["questionnaire"] = _("The questionnaire is no longer in use.")
    if errors:
        raise ValidationError(errors)
    validated = _validated_answers(questionnaire, answers)
    case = _case_for(client, access.acting_for.unit)
    unit = access.acting_for.unit or (case.unit if case is not None else None)
    if unit is None:
        raise ValidationError(_("The client has no case in your unit."))
    with transaction.atomic():
        response = _save_response(
            questionnaire=questionnaire,
            client=client,
            case=case,
            unit=unit,
            answered_on=answered_on,
            entered_by=EnteredBy.WITH_CASEWORKER,
            recorded_by=actor,
            answers=validated,
        )
        # No answers in the event: they are the client's own views.
        audit_log(
            actor=actor,
            action="questionnaire.recorded",
            client_id=client.pk,
            acting_for=access.acting_for,
            obj=response,
            data={"questionnaire": questionnaire.code},
        )
    return response


def code_digest(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def normalise_code(code: str) -> str:
    """Upper case, without spaces and dashes (the code is shown in groups)."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def display_code(code: str) -> str:
    """ABCDE-FGHJK: easier to read aloud and type."""
    return f"{code[:5]}-{code[5:]}"


@dataclass(frozen=True)
class NewTabletCode:
    tablet_code: TabletCode
    code: str  # shown once, never stored

    @property
    def display(self) -> str:
        return display_code(self.code)


def tablet_code_create(*, actor: User, client: Client, questionnaire: Questionnaire) -> NewTabletCode:
    """A one-time code that opens the questionnaire on a shared tablet for TABLET_CODE_MINUTES minutes."""
    access = writable_access(actor=actor, client=client)
    if not questionnaire.active:
        raise ValidationError({"questionnaire": _("The questionnaire is no longer in use.")})
    case = _case_for(client, access.acting_for.unit)
    unit = access.acting_for.unit or (case.unit if case is not None else None)
    if unit is None:
        raise ValidationError(_("The client has no case in your unit."))
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with transaction.atomic():
        tablet_code = TabletCode.objects.create(
            digest=code_digest(code),
            questionnaire=questionnaire,
            client=client,
            case=case,
            unit=unit,
            created_by=actor,
            expires_at=timezone.now() + datetime.timedelta(minutes=TABLET_CODE_MINUTES),
        )
        audit_log(
            actor=actor,
            action="questionnaire.code_created",
            client_id=client.pk,
            acting_for=access.acting_for,
            obj=tablet_code,
            data={"questionnaire": questionnaire.code},
        )
    return NewTabletCode(tablet_code=tablet_code, code=code)


def tablet_code_usable(code: str) -> TabletCode | None:
    """The unused, unexpired code with this value (else None). Not audited: nothing about the client is read."""
    normalised = normalise_code(code)
    if len(normalised) != CODE_LENGTH:
        return None
    found = (
        TabletCode.objects.select_related("questionnaire")
        .filter(digest=code_digest(normalised), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    return found


def tablet_response_submit(*, code: str, answers: dict[str, int | None]) -> QuestionnaireResponse:
    """The client's answers from the tablet. The code is used up; a used or expired code answers Http404."""
    tablet_code = tablet_code_usable(code)
    if tablet_code is None:
        raise Http404
    validated = _validated_answers(tablet_code.questionnaire, answers)
    with transaction.atomic():
        # Lock the code so that two submits of the same form save one response.
        locked = TabletCode.objects.select_for_update().filter(pk=tablet_code.pk, used_at__isnull=True).first()
        if locked is None:
            raise Http404
        client = Client.objects.get(pk=locked.client_id)
        response = _save_response(
            questionnaire=tablet_code.questionnaire,
            client=client,
            case=locked.case,
            unit=locked.unit,
            answered_on=timezone.localdate(),
            entered_by=EnteredBy.TABLET,
            recorded_by=locked.created_by,
            answers=validated,
        )
        locked.used_at = timezone.now()
        locked.response = response
        locked.save(update_fields=["used_at", "response", "updated_at"])
        audit_log(
            actor=None,
            action="questionnaire.answered",
            client_id=client.pk,
            acting_for=ActingFor(unit=locked.unit),
            obj=response,
            data={"questionnaire": tablet_code.questionnaire.code, "code_id": locked.pk},
        )
    return response
