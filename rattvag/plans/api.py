"""Plans and activities in the API, under the client.

A client the caller cannot see answers 404; partner officers read what their consent opens and are
refused writes (403). Every read and write is audited by the selectors and services.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status

from rattvag.accounts.models import Partner
from rattvag.api.auth import request_user
from rattvag.api.errors import error_responses
from rattvag.api.schemas import MAX_ID, Text
from rattvag.core.concurrency import MAX_VERSION
from rattvag.core.errors import Conflict
from rattvag.core.validation import TEXT_MAX_LENGTH
from rattvag.meetings.permissions import client_for_write_api

from . import selectors, services
from .models import (
    Activity,
    ActivityResult,
    ActivityStatus,
    ActivityType,
    AgreementForm,
    ContactFrequency,
    Plan,
    PlanKind,
    PlanVersion,
)

router = Router(tags=["plans"])

ClientId = Path(..., ge=1, le=MAX_ID)


class PlanVersionOut(Schema):
    number: int
    created_at: datetime.datetime
    created_by_id: int
    goals: str
    steps: str
    responsible: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    follow_up_on: datetime.date | None
    contact_frequency: ContactFrequency | None
    contact_how: str
    care_plan_reference: str
    care_plan_dated: datetime.date | None
    agreed_on: datetime.date | None
    agreed_how: AgreementForm | None
    change_note: str


class PlanOut(Schema):
    id: int
    client_id: int
    kind: PlanKind
    ended_on: datetime.date | None
    current: PlanVersionOut | None
    versions: list[PlanVersionOut] = Field(description="Every version, newest first.")


class PlanIn(Schema):
    """A plan version. Active plan: `goals` and `follow_up_on` are required. Contact plan: `contact_frequency`."""

    kind: PlanKind
    goals: Text = Field("", max_length=TEXT_MAX_LENGTH)
    steps: Text = Field("", max_length=TEXT_MAX_LENGTH)
    responsible: Text = Field("", max_length=300)
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    follow_up_on: datetime.date | None = None
    contact_frequency: ContactFrequency | None = None
    contact_how: Text = Field("", max_length=TEXT_MAX_LENGTH)
    care_plan_reference: Text = Field("", max_length=300)
    care_plan_dated: datetime.date | None = None
    agreed_on: datetime.date | None = None
    agreed_how: AgreementForm | None = None
    change_note: Text = Field("", max_length=300)
    based_on: int | None = Field(
        None,
        ge=0,
        le=MAX_VERSION,
        description=(
            "The `number` of the current version you wrote from (0 or left out for a new plan). Required when the"
            " client has an open plan of this kind: 409 when a newer version has been saved since."
        ),
    )


def version_out(v: PlanVersion) -> dict[str, object]:
    return {
        "number": v.number,
        "created_at": v.created_at,
        "created_by_id": v.created_by_id,
        "goals": v.goals,
        "steps": v.steps,
        "responsible": v.responsible,
        "starts_on": v.starts_on,
        "ends_on": v.ends_on,
        "follow_up_on": v.follow_up_on,
        "contact_frequency": v.contact_frequency or None,
        "contact_how": v.contact_how,
        "care_plan_reference": v.care_plan_reference,
        "care_plan_dated": v.care_plan_dated,
        "agreed_on": v.agreed_on,
        "agreed_how": v.agreed_how or None,
        "change_note": v.change_note,
    }


def plan_out(row: selectors.PlanRow) -> dict[str, object]:
    return {
        "id": row.plan.pk,
        "client_id": row.plan.client_id,
        "kind": row.plan.kind,
        "ended_on": row.plan.ended_on,
        "current": version_out(row.current) if row.current is not None else None,
        "versions": [version_out(v) for v in row.versions],
    }


@router.get("/clients/{client_id}/plans", response={200: list[PlanOut], **error_responses(401, 404, 422)})
def list_plans(request: HttpRequest, client_id: int = ClientId) -> list[dict[str, object]]:
    """The client's plans, open first, each with its current version and history."""
    user = request_user(request)
    _client, _access, overview = selectors.plan_list_for(user=user, client_id=client_id, via="api")
    return [plan_out(row) for row in [*overview.open, *overview.ended]]


@router.post(
    "/clients/{client_id}/plans",
    response={201: PlanOut, **error_responses(400, 401, 403, 404, 409, 422)},
)
def save_plan(request: HttpRequest, payload: PlanIn, client_id: int = ClientId) -> Status[dict[str, object]]:
    """Write a plan of `kind`, or a new version of the client's open plan of that kind (earlier versions kept).

    A new version names the version it was written from (`based_on`): 409 when a newer one exists.
    """
    user = request_user(request)
    client, _access = client_for_write_api(user=user, client_id=client_id)
    data = services.PlanData(
        goals=payload.goals,
        steps=payload.steps,
        responsible=payload.responsible,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        follow_up_on=payload.follow_up_on,
        contact_frequency=payload.contact_frequency or "",
        contact_how=payload.contact_how,
        care_plan_reference=payload.care_plan_reference,
        care_plan_dated=payload.care_plan_dated,
        agreed_on=payload.agreed_on,
        agreed_how=payload.agreed_how or "",
        change_note=payload.change_note,
    )
    existing = selectors.open_plans(client=client).filter(kind=payload.kind).first()
    if existing is None:
        if payload.based_on:
            raise Conflict(_("The plan you wrote from has ended. Write a new plan instead."))
        version = services.plan_create(actor=user, client=client, kind=payload.kind, data=data)
    else:
        if payload.based_on is None:
            raise ValidationError({"based_on": _("Say which version of the plan you started from.")})
        existing.client = client
        version = services.plan_revise(actor=user, plan=existing, data=data, based_on=payload.based_on)
    plan = selectors.plans_queryset().get(pk=version.plan_id)
    return Status(201, plan_out(selectors.PlanRow(plan, *_current_and_versions(plan))))


def _current_and_versions(plan: Plan) -> tuple[PlanVersion | None, list[PlanVersion]]:
    versions = sorted(plan.versions.all(), key=lambda v: -v.number)
    return (versions[0] if versions else None), versions


# --- Activities -------------------------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    client_id: int
    type: str = Field(description="Code of the activity type in the catalogue.")
    type_name: str
    plan_id: int | None
    partner: str | None = Field(description="Code of the partner organisation that runs it.")
    status: ActivityStatus
    planned_on: datetime.date | None
    started_on: datetime.date | None
    ended_on: datetime.date | None
    result: ActivityResult | None
    result_note: str
    note: str
    version: int = Field(description="Counts the saves of the activity; an edit based on an older one is refused.")


class ActivityIn(Schema):
    type: Text = Field(..., max_length=60, description="Code of the activity type in the catalogue.")
    plan_id: int | None = Field(None, ge=1, le=MAX_ID)
    partner: Text | None = Field(None, max_length=40, description="Code of the partner organisation that runs it.")
    planned_on: datetime.date | None = None
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    result: ActivityResult | None = None
    result_note: Text = Field("", max_length=TEXT_MAX_LENGTH)
    note: Text = Field("", max_length=TEXT_MAX_LENGTH)


def activity_out(a: Activity) -> dict[str, object]:
    return {
        "id": a.pk,
        "client_id": a.client_id,
        "type": a.type.code,
        "type_name": a.type.name,
        "plan_id": a.plan_id,
        "partner": a.partner.code if a.partner is not None else None,
        "status": a.status,
        "planned_on": a.planned_on,
        "started_on": a.started_on,
        "ended_on": a.ended_on,
        "result": a.result or None,
        "result_note": a.result_note,
        "note": a.note,
        "version": a.version,
    }


@router.get("/clients/{client_id}/activities", response={200: list[ActivityOut], **error_responses(401, 404, 422)})
def list_activities(request: HttpRequest, client_id: int = ClientId) -> list[dict[str, object]]:
    """The client's activities: ongoing and planned first, then ended."""
    user = request_user(request)
    _client, _access, activities = selectors.activity_list_for(user=user, client_id=client_id, via="api")
    return [activity_out(a) for a in activities]


@router.post(
    "/clients/{client_id}/activities",
    response={201: ActivityOut, **error_responses(400, 401, 403, 404, 422)},
)
def register_activity(
    request: HttpRequest, payload: ActivityIn, client_id: int = ClientId
) -> Status[dict[str, object]]:
    """Register an activity from the catalogue, optionally in a plan and run by a partner organisation."""
    user = request_user(request)
    client, _access = client_for_write_api(user=user, client_id=client_id)
    activity_type = ActivityType.objects.filter(code=payload.type.strip()).first()
    if activity_type is None:
        raise ValidationError({"type": _("There is no activity with this code in the catalogue.")})
    plan = None
    if payload.plan_id is not None:
        plan = selectors.open_plans(client=client).filter(pk=payload.plan_id).first()
        if plan is None:
            raise ValidationError({"plan_id": _("Choose one of the client's plans.")})
    partner = None
    if payload.partner:
        partner = Partner.objects.filter(code=payload.partner.strip()).first()
        if partner is None:
            raise ValidationError({"partner": _("There is no partner organisation with this code.")})
    activity = services.activity_register(
        actor=user,
        client=client,
        data=services.ActivityData(
            type=activity_type,
            plan=plan,
            partner=partner,
            planned_on=payload.planned_on,
            started_on=payload.started_on,
            ended_on=payload.ended_on,
            result=payload.result or "",
            result_note=payload.result_note,
            note=payload.note,
        ),
    )
    return Status(201, activity_out(selectors.activities_queryset().get(pk=activity.pk)))
