"""Meetings and the SIP in the API, under the client.

A client the caller cannot see answers 404. Partner officers read what their consent opens and
are refused writes (403). Saving a SIP without the client's SIP consent answers 403 naming it.
Every read and write is audited by the selectors and services.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status

from rattvag.accounts.models import Partner, User
from rattvag.api.auth import request_user
from rattvag.api.errors import error_responses
from rattvag.api.schemas import MAX_ID, DbId, Text
from rattvag.core.concurrency import MAX_VERSION
from rattvag.core.validation import TEXT_MAX_LENGTH

from . import selectors, services
from .models import (
    AgreedAction,
    Meeting,
    MeetingKind,
    MeetingParticipant,
    MeetingStatus,
    ParticipantKind,
    ResponsibleKind,
    SipVersion,
)
from .permissions import client_for_write_api

router = Router(tags=["meetings"])

ClientId = Path(..., ge=1, le=MAX_ID)


class ParticipantOut(Schema):
    kind: ParticipantKind
    user_id: int | None
    partner: str | None = Field(description="Code of the partner organisation.")
    person_name: str
    relation: str


class AgreedActionOut(Schema):
    id: int
    description: str
    responsible_kind: ResponsibleKind
    responsible_user_id: int | None
    responsible_partner: str | None
    due_on: datetime.date | None
    done_on: datetime.date | None


class MeetingOut(Schema):
    id: int
    client_id: int
    kind: MeetingKind
    status: MeetingStatus
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    location: str
    is_video: bool
    video_details: str
    discussed: str
    decisions: str
    organiser_id: int
    participants: list[ParticipantOut]
    agreed_actions: list[AgreedActionOut]
    version: int = Field(description="Counts the saves of the meeting; an edit based on an older one is refused.")


class MeetingIn(Schema):
    kind: MeetingKind
    starts_at: datetime.datetime = Field(description="Local time (Europe/Stockholm) when no offset is given.")
    ends_at: datetime.datetime | None = None
    location: Text = Field("", max_length=200)
    is_video: bool = False
    video_details: Text = Field("", max_length=300)
    invite_client: bool = True
    staff: list[DbId] = Field(default_factory=list, max_length=50, description="Ids of staff users to invite.")
    partners: list[Text] = Field(
        default_factory=list, max_length=50, description="Codes of partner organisations to invite (needs consent)."
    )


def _participant_out(p: MeetingParticipant) -> dict[str, object]:
    return {
        "kind": p.kind,
        "user_id": p.user_id,
        "partner": p.partner.code if p.partner is not None else None,
        "person_name": p.person_name,
        "relation": p.relation,
    }


def _action_out(a: AgreedAction) -> dict[str, object]:
    return {
        "id": a.pk,
        "description": a.description,
        "responsible_kind": a.responsible_kind,
        "responsible_user_id": a.responsible_user_id,
        "responsible_partner": a.responsible_partner.code if a.responsible_partner is not None else None,
        "due_on": a.due_on,
        "done_on": a.done_on,
    }


def meeting_out(m: Meeting) -> dict[str, object]:
    return {
        "id": m.pk,
        "client_id": m.client_id,
        "kind": m.kind,
        "status": m.status,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "location": m.location,
        "is_video": m.is_video,
        "video_details": m.video_details,
        "discussed": m.discussed,
        "decisions": m.decisions,
        "organiser_id": m.organiser_id,
        "participants": [_participant_out(p) for p in m.participants.all()],
        "agreed_actions": [_action_out(a) for a in m.agreed_actions.all()],
        "version": m.version,
    }


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


def partners_by_code(codes: Sequence[str], field: str = "partners") -> list[Partner]:
    wanted = [c.strip() for c in codes]
    found = {p.code: p for p in Partner.objects.filter(code__in=wanted)}
    if any(code not in found for code in wanted):
        raise ValidationError({field: _("There is no partner organisation with this code.")})
    return [found[code] for code in dict.fromkeys(wanted)]


@router.get(
    "/clients/{client_id}/meetings",
    response={200: list[MeetingOut], **error_responses(401, 404, 422)},
)
def list_meetings(request: HttpRequest, client_id: int = ClientId) -> list[dict[str, object]]:
    """The client's meetings, newest first (a partner officer: those their organisation is invited to)."""
    user = request_user(request)
    _client, _access, meetings = selectors.meeting_list_for(user=user, client_id=client_id, via="api")
    return [meeting_out(m) for m in meetings]


@router.post(
    "/clients/{client_id}/meetings",
    response={201: MeetingOut, **error_responses(400, 401, 403, 404, 422)},
)
def book_meeting(request: HttpRequest, payload: MeetingIn, client_id: int = ClientId) -> Status[dict[str, object]]:
    """Book a meeting and invite the client, staff and partner organisations (under the client's consent)."""
    user = request_user(request)
    client, _access = client_for_write_api(user=user, client_id=client_id)
    staff = list(User.objects.filter(pk__in=payload.staff))
    if len(staff) != len(set(payload.staff)):
        raise ValidationError({"staff": _("Only staff working with the client can be invited.")})
    meeting = services.meeting_create(
        actor=user,
        client=client,
        data=services.MeetingData(
            kind=payload.kind,
            starts_at=_aware(payload.starts_at),
            ends_at=_aware(payload.ends_at),
            location=payload.location,
            is_video=payload.is_video,
            video_details=payload.video_details,
        ),
        invite_client=payload.invite_client,
        staff=staff,
        partners=partners_by_code(payload.partners),
    )
    return Status(201, meeting_out(selectors.meetings_queryset().get(pk=meeting.pk)))


# --- SIP ----------------------------------------------------------------------------------------


class SipVersionOut(Schema):
    id: int
    sip_id: int
    number: int
    created_at: datetime.datetime
    created_by_id: int
    meeting_id: int | None
    client_goal: str
    interventions_needed: str
    municipality_interventions: str
    region_interventions: str
    other_interventions: str
    overall_responsibility: str
    follow_up_on: datetime.date
    follow_up_how: str
    partners: list[str] = Field(description="Codes of the agencies taking part.")
    client_agreed_on: datetime.date | None
    change_note: str


class SipOut(Schema):
    sip_id: int | None = Field(description="The SIP in force, or null when there is none.")
    current: SipVersionOut | None
    versions: list[SipVersionOut] = Field(description="Every version of the SIP in force, newest first.")


class SipIn(Schema):
    client_goal: Text = Field(..., max_length=TEXT_MAX_LENGTH, description="The client's own goal, in their words.")
    interventions_needed: Text = Field(..., max_length=TEXT_MAX_LENGTH)
    municipality_interventions: Text = Field("", max_length=TEXT_MAX_LENGTH)
    region_interventions: Text = Field("", max_length=TEXT_MAX_LENGTH)
    other_interventions: Text = Field("", max_length=TEXT_MAX_LENGTH, description="What FK, AF and others do.")
    overall_responsibility: Text = Field(..., max_length=300)
    follow_up_on: datetime.date
    follow_up_how: Text = Field(..., max_length=TEXT_MAX_LENGTH)
    partners: list[Text] = Field(default_factory=list, max_length=50, description="Codes of the agencies taking part.")
    meeting_id: int | None = Field(None, ge=1, le=MAX_ID)
    client_agreed_on: datetime.date | None = None
    change_note: Text = Field("", max_length=300)
    based_on: int | None = Field(
        None,
        ge=0,
        le=MAX_VERSION,
        description=(
            "The `number` of the current version you wrote from (0: there is no SIP yet). Required when the client"
            " has a SIP in force: 409 when a newer version has been saved since."
        ),
    )


def sip_version_out(v: SipVersion) -> dict[str, object]:
    return {
        "id": v.pk,
        "sip_id": v.sip_id,
        "number": v.number,
        "created_at": v.created_at,
        "created_by_id": v.created_by_id,
        "meeting_id": v.meeting_id,
        "client_goal": v.client_goal,
        "interventions_needed": v.interventions_needed,
        "municipality_interventions": v.municipality_interventions,
        "region_interventions": v.region_interventions,
        "other_interventions": v.other_interventions,
        "overall_responsibility": v.overall_responsibility,
        "follow_up_on": v.follow_up_on,
        "follow_up_how": v.follow_up_how,
        "partners": [p.code for p in v.partners.all()],
        "client_agreed_on": v.client_agreed_on,
        "change_note": v.change_note,
    }


@router.get("/clients/{client_id}/sip", response={200: SipOut, **error_responses(401, 404, 422)})
def get_sip(request: HttpRequest, client_id: int = ClientId) -> dict[str, object]:
    """The client's SIP in force: the current version and every earlier one."""
    user = request_user(request)
    _client, _access, overview = selectors.sip_get_for(user=user, client_id=client_id, via="api")
    return {
        "sip_id": overview.sip.pk if overview.sip is not None else None,
        "current": sip_version_out(overview.current) if overview.current is not None else None,
        "versions": [sip_version_out(v) for v in overview.versions],
    }


@router.post(
    "/clients/{client_id}/sip",
    response={201: SipVersionOut, **error_responses(400, 401, 403, 404, 409, 422)},
)
def save_sip(request: HttpRequest, payload: SipIn, client_id: int = ClientId) -> Status[dict[str, object]]:
    """Save the SIP as a new version (the first starts it). 403 names the missing SIP consent.

    `based_on` names the version you started from; 409 when a newer one was saved since (nothing is saved).
    """
    user = request_user(request)
    client, _access = client_for_write_api(user=user, client_id=client_id)
    meeting = None
    if payload.meeting_id is not None:
        meeting = selectors.sip_meeting_choices(client=client).filter(pk=payload.meeting_id).first()
        if meeting is None:
            raise ValidationError({"meeting_id": _("Choose one of the client's meetings.")})
    if payload.based_on is None and selectors.current_sip(client=client) is not None:
        raise ValidationError({"based_on": _("Say which version of the SIP you started from.")})
    version = services.sip_save(
        actor=user,
        client=client,
        based_on=payload.based_on,
        data=services.SipData(
            client_goal=payload.client_goal,
            interventions_needed=payload.interventions_needed,
            municipality_interventions=payload.municipality_interventions,
            region_interventions=payload.region_interventions,
            other_interventions=payload.other_interventions,
            overall_responsibility=payload.overall_responsibility,
            follow_up_on=payload.follow_up_on,
            follow_up_how=payload.follow_up_how,
            partners=partners_by_code(payload.partners),
            meeting=meeting,
            client_agreed_on=payload.client_agreed_on,
            change_note=payload.change_note,
        ),
    )
    return Status(201, sip_version_out(selectors.sip_versions_queryset().get(pk=version.pk)))
