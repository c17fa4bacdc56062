"""The outcomes API: ladder assessments and questionnaire answers for a client, and the aggregated reports.

Mounted by rattvag.api.setup (full paths declared here). Client endpoints answer 404 for anyone who is
not unit staff reaching the client through rattvag.clients.access. Reports take `unit` or
`municipality` (codes) and `from` / `to` (dates); their bodies are the report objects' `as_json()`,
the same objects the pages render, so the numbers are the same. Hidden counts have `"value": null`
and `"suppressed": true`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import ConfigDict

from rattvag.api.auth import request_user
from rattvag.api.errors import error_responses
from rattvag.api.schemas import MAX_ID, Text

from . import selectors, services
from .models import AssessedBy, LadderAssessment, Moment, QuestionnaireResponse
from .reports import (
    fidelity_report,
    indicator_report,
    movement_report,
    summary_report,
    time_to_outcome_report,
)
from .reports.time_to_outcome import COMPARISONS, ORIGINS, route_choices
from .scope import Group, Period, make_period, resolve_group

router = Router(tags=["outcomes"])


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class LadderAssessmentIn(_In):
    step: int = Field(ge=1, le=100, description="The step's number on the client's current ladder (1 = furthest).")
    assessed_on: datetime.date | None = Field(None, description="Default: today.")
    assessed_by: AssessedBy = Field(description="Whose assessment: caseworker, partner, or the client's own view.")
    comment: Text = Field("", max_length=services.COMMENT_MAX_LENGTH)


class LadderAssessmentOut(Schema):
    id: int
    client_id: int
    assessed_on: datetime.date
    ladder: str = Field(description="The ladder's code.")
    ladder_version: int
    step: int
    step_label: str
    assessed_by: AssessedBy
    comment: str


class LadderAssessmentListOut(Schema):
    count: int
    items: list[LadderAssessmentOut]


class QuestionnaireIn(_In):
    questionnaire: Text = Field(max_length=60, description="The questionnaire's code, e.g. `end`.")
    answered_on: datetime.date | None = Field(None, description="Default: today.")
    answers: dict[str, int | None] = Field(
        description="Question code → the value of the chosen option (null: not answered).", max_length=100
    )


class QuestionnaireResponseOut(Schema):
    id: int
    client_id: int
    questionnaire: str
    answered_on: datetime.date
    entered_by: str
    answered_questions: int


def assessment_out(assessment: LadderAssessment) -> dict[str, object]:
    return {
        "id": assessment.pk,
        "client_id": assessment.client_id,
        "assessed_on": assessment.assessed_on,
        "ladder": assessment.step.version.ladder.code,
        "ladder_version": assessment.step.version.number,
        "step": assessment.step.number,
        "step_label": assessment.step.label,
        "assessed_by": assessment.assessed_by,
        "comment": assessment.comment,
    }


@router.post(
    "/clients/{client_id}/ladder_assessments",
    response={201: LadderAssessmentOut, **error_responses(400, 401, 403, 404, 422)},
)
def record_ladder_assessment(
    request: HttpRequest, payload: LadderAssessmentIn, client_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[dict[str, object]]:
    """Record where the client stands on their municipality's current ladder (or the project's default)."""
    user = request_user(request)
    client, _access = selectors.client_for_outcomes(user=user, client_id=client_id, for_writing=True)
    version = selectors.current_ladder_version(client.municipality)
    step = selectors.step_of(version, payload.step) if version is not None else None
    if step is None:
        raise ValidationError({"step": _("No such step on the client's ladder.")})
    assessment = services.ladder_assessment_record(
        actor=user,
        client=client,
        step=step,
        assessed_on=payload.assessed_on or timezone.localdate(),
        assessed_by=payload.assessed_by.value,
        comment=payload.comment,
    )
    return Status(201, assessment_out(assessment))


@router.get(
    "/clients/{client_id}/ladder_assessments",
    response={200: LadderAssessmentListOut, **error_responses(401, 404, 422)},
)
def list_ladder_assessments(request: HttpRequest, client_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, object]:
    """The client's assessments, oldest first. The read is logged."""
    user = request_user(request)
    client, access = selectors.client_for_outcomes(user=user, client_id=client_id)
    result = selectors.client_outcomes_for(user=user, client=client, access=access, via="api")
    history = result[0] if result is not None else []
    return {"count": len(history), "items": [assessment_out(a) for a in history]}


@router.post(
    "/clients/{client_id}/questionnaires",
    response={201: QuestionnaireResponseOut, **error_responses(400, 401, 403, 404, 422)},
)
def record_questionnaire(
    request: HttpRequest, payload: QuestionnaireIn, client_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[dict[str, object]]:
    """Enter the client's answers to a questionnaire (filled in together with the client)."""
    user = request_user(request)
    client, _access = selectors.client_for_outcomes(user=user, client_id=client_id, for_writing=True)
    questionnaire = selectors.questionnaire_with_questions(payload.questionnaire)
    if questionnaire is None:
        raise ValidationError({"questionnaire": _("No such questionnaire in use.")})
    response: QuestionnaireResponse = services.questionnaire_response_record(
        actor=user,
        client=client,
        questionnaire=questionnaire,
        answers=payload.answers,
        answered_on=payload.answered_on,
    )
    return Status(
        201,
        {
            "id": response.pk,
            "client_id": client.pk,
            "questionnaire": questionnaire.code,
            "answered_on": response.answered_on,
            "entered_by": response.entered_by,
            "answered_questions": sum(1 for v in payload.answers.values() if v is not None),
        },
    )


# --- reports ---------------------------------------------------------------------------------------


class ReportQuery(Schema):
    model_config = ConfigDict(populate_by_name=True)

    unit: Text | None = Field(None, max_length=40, description="A unit's code.")
    municipality: Text | None = Field(None, max_length=20, description="A municipality's code.")
    from_: datetime.date | None = Field(None, alias="from", description="First day. Default: 1 January.")
    to: datetime.date | None = Field(None, description="Last day. Default: today.")


class MovementQuery(ReportQuery):
    assessed_by: AssessedBy | None = Field(None, description="Only assessments of this kind. Default: all.")


class IndicatorQuery(ReportQuery):
    moment: Moment | None = Field(None, description="Only questionnaires of this moment. Default: both.")


class TimeToOutcomeQuery(ReportQuery):
    origin: Text = Field("opened", description=f"Time counted from: {', '.join(ORIGINS)}.")
    by: Text = Field("none", description=f"Comparison: {', '.join(COMPARISONS)}.")
    route: Text = Field("", description="Only outcomes of this route (an outcome code, or `self_supporting`).")


def _scope(request: HttpRequest, query: ReportQuery, report: str) -> tuple[Group, Period]:
    user = request_user(request)
    group = resolve_group(user, unit=query.unit, municipality=query.municipality)
    try:
        period = make_period(query.from_, query.to)
    except ValueError:
        raise ValidationError(
            {"to": _("The period must end on or after its start and be at most ten years.")}
        ) from None
    selectors.audit_report(user=user, report=report, group=group, period=period, via="api")
    return group, period


REPORT_RESPONSES: dict[int, Any] = {200: dict[str, Any], **error_responses(401, 404, 422)}


@router.get("/reports/movement", response=REPORT_RESPONSES)
def report_movement(request: HttpRequest, query: Query[MovementQuery]) -> dict[str, Any]:
    """Movement on the progression ladder: moved up / down / stayed, steps moved, the transition table."""
    group, period = _scope(request, query, "movement")
    assessed_by = query.assessed_by.value if query.assessed_by else ""
    return movement_report(group=group, period=period, assessed_by=assessed_by).as_json()


@router.get("/reports/indicators", response=REPORT_RESPONSES)
def report_indicators(request: HttpRequest, query: Query[IndicatorQuery]) -> dict[str, Any]:
    """Per indicator: share meeting it, n, 95 % Wilson interval and whether the target is met."""
    group, period = _scope(request, query, "indicators")
    return indicator_report(group=group, period=period, moment=query.moment.value if query.moment else "").as_json()


@router.get("/reports/time_to_outcome", response=REPORT_RESPONSES)
def report_time_to_outcome(request: HttpRequest, query: Query[TimeToOutcomeQuery]) -> dict[str, Any]:
    """Outcomes by route and Kaplan–Meier times to an active plan, a first SIP and an outcome."""
    if query.origin not in ORIGINS or query.by not in COMPARISONS or query.route not in dict(route_choices()):
        raise ValidationError({"origin": _("Unknown origin, comparison or route.")})
    group, period = _scope(request, query, "time_to_outcome")
    return time_to_outcome_report(
        group=group, period=period, origin=query.origin, by=query.by, route=query.route
    ).as_json()


@router.get("/reports/fidelity", response=REPORT_RESPONSES)
def report_fidelity(request: HttpRequest, query: Query[ReportQuery]) -> dict[str, Any]:
    """Method fidelity per unit: the share of cases following each method rule."""
    group, period = _scope(request, query, "fidelity")
    return fidelity_report(group=group, period=period).as_json()


@router.get("/reports/summary", response=REPORT_RESPONSES)
def report_summary(request: HttpRequest, query: Query[ReportQuery]) -> dict[str, Any]:
    """The results summary: consultations, unique cases, self-supporting by route, clients, ladder, indicators."""
    group, period = _scope(request, query, "summary")
    return summary_report(group=group, period=period).as_json()
