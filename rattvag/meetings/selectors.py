"""Reads of meetings and SIPs, scoped by rattvag.clients.access (through .permissions) and audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from rattvag.accounts.models import Partner, User
from rattvag.clients.access import ClientAccess
from rattvag.clients.models import Client

from .models import AgreedAction, Meeting, MeetingParticipant, MeetingStatus, Sip, SipVersion
from .permissions import audit_read, client_for_read, client_for_write, client_visible, shows_sip, staff_of_client

if TYPE_CHECKING:
    import datetime


def meetings_queryset() -> QuerySet[Meeting]:
    participants = MeetingParticipant.objects.select_related("user", "partner").order_by("pk")
    actions = AgreedAction.objects.select_related("responsible_user", "responsible_partner").order_by("due_on", "pk")
    return Meeting.objects.select_related("organiser").prefetch_related(
        Prefetch("participants", queryset=participants), Prefetch("agreed_actions", queryset=actions)
    )


def meetings_visible(*, user: User, client: Client, access: ClientAccess) -> QuerySet[Meeting]:
    """The client's meetings; a partner officer sees only those their organisation is invited to."""
    meetings = meetings_queryset().filter(client=client)
    if access.is_partner:
        if not access.shows("meetings") or user.partner_id is None:
            return meetings.none()
        meetings = meetings.filter(participants__partner_id=user.partner_id).distinct()
    return meetings.order_by("-starts_at", "-pk")


def meeting_list_for(*, user: User, client_id: int, via: str = "web") -> tuple[Client, ClientAccess, list[Meeting]]:
    """The client's meetings (audited as `meeting.viewed`)."""
    client, access = client_for_read(
        user=user, client_id=client_id, action="meeting.viewed", section="meetings", via=via
    )
    return client, access, list(meetings_visible(user=user, client=client, access=access))


def meeting_get_for(
    *,
    user: User,
    client_id: int,
    meeting_id: int,
    via: str = "web",
    action: str = "meeting.viewed",
    document: str = "",
) -> tuple[Meeting, ClientAccess]:
    """One meeting, if the user sees it (else Http404); the read is audited under `action`."""
    client, access = client_visible(user=user, client_id=client_id, section="meetings")
    meeting = meetings_visible(user=user, client=client, access=access).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    meeting.client = client
    audit_read(user=user, client=client, access=access, action=action, obj=meeting, via=via, document=document)
    return meeting, access


def meeting_for_write(*, user: User, client_id: int, meeting_id: int) -> tuple[Meeting, ClientAccess]:
    """A meeting for a write by staff (else Http404); the service audits the write."""
    client, access = client_for_write(user=user, client_id=client_id)
    meeting = meetings_queryset().filter(pk=meeting_id, client=client).first()
    if meeting is None:
        raise Http404
    meeting.client = client
    return meeting, access


def staff_choices(*, client: Client) -> QuerySet[User]:
    return User.objects.filter(staff_of_client(client)).distinct().order_by("first_name", "last_name", "pk")


def partner_choices() -> QuerySet[Partner]:
    return Partner.objects.order_by("name", "pk")


def meetings_with_actions(*, user: User, client: Client, access: ClientAccess) -> list[Meeting]:
    """`meetings_visible` (newest first) read without participants and organiser, with every agreed action (done
    ones too) and who is responsible for it: what the client page shows of the meetings and asks of them.
    Not audited: the client page logs what it shows."""
    actions = AgreedAction.objects.select_related("responsible_user", "responsible_partner").order_by()
    meetings = (
        meetings_visible(user=user, client=client, access=access)
        .select_related(None)
        .prefetch_related(None)
        .prefetch_related(Prefetch("agreed_actions", queryset=actions))
    )
    return list(meetings)


@dataclass
class MeetingsPanel:
    upcoming: list[Meeting] = field(default_factory=list)
    past: list[Meeting] = field(default_factory=list)
    open_actions: list[AgreedAction] = field(default_factory=list)


# --- SIP ------------------------------------------------------------------------------------------


def sip_versions_queryset() -> QuerySet[SipVersion]:
    return SipVersion.objects.select_related("created_by", "meeting", "sip").prefetch_related("partners")


def current_sip(*, client: Client) -> Sip | None:
    """The client's SIP in force (not ended), if any."""
    return Sip.objects.filter(client=client, ended_on__isnull=True).order_by("-pk").first()


def current_sip_version(*, client: Client) -> SipVersion | None:
    """The current version of the client's SIP in force (the highest number), if any."""
    return sip_versions_queryset().filter(sip__client=client, sip__ended_on__isnull=True).order_by("-number").first()


@dataclass
class SipOverview:
    sip: Sip | None
    current: SipVersion | None
    versions: list[SipVersion]
    ended: list[Sip]


def sip_overview(*, client: Client) -> SipOverview:
    sip = current_sip(client=client)
    versions = list(sip_versions_queryset().filter(sip=sip).order_by("-number")) if sip is not None else []
    ended = list(Sip.objects.filter(client=client, ended_on__isnull=False).order_by("-ended_on", "-pk"))
    return SipOverview(sip=sip, current=versions[0] if versions else None, versions=versions, ended=ended)


def sip_get_for(*, user: User, client_id: int, via: str = "web") -> tuple[Client, ClientAccess, SipOverview]:
    """The client's SIP with every version (audited as `sip.viewed`)."""
    client, access = client_for_read(user=user, client_id=client_id, action="sip.viewed", section="sip", via=via)
    return client, access, sip_overview(client=client)


def sip_version_get_for(
    *,
    user: User,
    client_id: int,
    version_id: int,
    via: str = "web",
    action: str = "sip.viewed",
    document: str = "",
) -> tuple[SipVersion, ClientAccess]:
    """One SIP version of the client (ended SIPs included), if the user sees the SIP (else Http404)."""
    client, access = client_visible(user=user, client_id=client_id, section="sip")
    version = sip_versions_queryset().filter(pk=version_id, sip__client=client).first()
    if version is None:
        raise Http404
    version.sip.client = client
    audit_read(user=user, client=client, access=access, action=action, obj=version, via=via, document=document)
    return version, access


def sip_meeting_choices(*, client: Client) -> QuerySet[Meeting]:
    return Meeting.objects.filter(client=client).exclude(status=MeetingStatus.CANCELLED).order_by("-starts_at")


def open_sip_versions(*, client: Client, access: ClientAccess) -> list[SipVersion]:
    """For the client page (not audited again): every version of the SIP in force, highest number first, if the
    user sees SIPs; read without author, meeting and partners (the panel shows the current one's number and
    follow-up date, the process map asks when the SIP was made and is due)."""
    if not shows_sip(access):
        return []
    return list(SipVersion.objects.filter(sip__client=client, sip__ended_on__isnull=True).order_by("-number"))


def sip_panel(*, client: Client, access: ClientAccess, versions: list[SipVersion] | None = None) -> SipVersion | None:
    """For the client page (not audited again): the current version of the SIP in force, if the user sees SIPs.
    `versions`: `open_sip_versions`, when read already."""
    if versions is None:
        versions = open_sip_versions(client=client, access=access)
    return versions[0] if versions else None


def sip_follow_up_overdue(version: SipVersion | None, today: datetime.date | None = None) -> bool:
    if version is None:
        return False
    return version.follow_up_on < (today or timezone.localdate())
