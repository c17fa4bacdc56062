"""Writes of meetings, participants, agreed actions and SIP versions. Each writes its audit event."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rattvag.accounts.models import Partner, PartnerKind, User
from rattvag.audit.services import audit_log
from rattvag.clients.models import Client
from rattvag.consent.checks import ConsentMissing, consent_covers, require_consent, valid_consents
from rattvag.consent.models import ConsentPurpose
from rattvag.core.concurrency import save_if_version
from rattvag.core.errors import Conflict, StaleVersion
from rattvag.core.validation import date_range_errors, text_length_errors

from .models import (
    AgreedAction,
    Meeting,
    MeetingKind,
    MeetingParticipant,
    MeetingStatus,
    ParticipantKind,
    ResponsibleKind,
    Sip,
    SipVersion,
)
from .permissions import open_case_for, staff_access, staff_of_client

# The consent purpose that lets the municipality invite a partner organisation to a meeting,
# by kind of partner. A SIP meeting always needs the SIP purpose.
INVITE_PURPOSE: dict[str, str] = {
    PartnerKind.FK: ConsentPurpose.SHARE_FK,
    PartnerKind.CARE_UNIT: ConsentPurpose.CONTACT_HEALTHCARE,
    PartnerKind.AF: ConsentPurpose.SHARE_AF_AME,
    PartnerKind.AME: ConsentPurpose.SHARE_AF_AME,
    PartnerKind.OTHER: ConsentPurpose.SIP,
}


def invite_purpose(*, meeting_kind: str, partner: Partner) -> str:
    if meeting_kind == MeetingKind.SIP:
        return str(ConsentPurpose.SIP)
    return str(INVITE_PURPOSE.get(partner.kind, ConsentPurpose.SIP))


def require_invite_consent(*, client: Client, partner: Partner, meeting_kind: str) -> None:
    """A partner is invited only under a valid consent covering it: the purpose for its kind, or a SIP consent."""
    purpose = invite_purpose(meeting_kind=meeting_kind, partner=partner)
    try:
        require_consent(client=client, partner=partner, purpose=purpose)
    except ConsentMissing:
        # A SIP consent covers every agency taking part; the refusal names the usual purpose.
        if purpose == ConsentPurpose.SIP or not consent_covers(
            client=client, partner=partner, purpose=ConsentPurpose.SIP
        ):
            raise


@dataclass(frozen=True)
class MeetingData:
    kind: str
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None = None
    location: str = ""
    is_video: bool = False
    video_details: str = ""
    status: str = MeetingStatus.PLANNED
    discussed: str = ""
    decisions: str = ""


def _clean_text(value: str) -> str:
    """Stripped text. Lengths are checked before (never cut: a cut note loses what was written)."""
    return (value or "").strip()


def _validate_meeting(data: MeetingData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.kind not in MeetingKind.values:
        errors["kind"] = _("Choose the kind of meeting.")
    if data.status not in MeetingStatus.values:
        errors["status"] = _("Choose the status of the meeting.")
    if data.starts_at is None or timezone.is_naive(data.starts_at):
        errors["starts_at"] = _("Enter the date and time of the meeting.")
    if data.starts_at is not None and data.ends_at is not None and data.ends_at <= data.starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    if not data.is_video and not data.location.strip():
        errors["location"] = _("Enter where the meeting is held, or choose video meeting.")
    if data.status == MeetingStatus.HELD and data.starts_at is not None and data.starts_at > timezone.now():
        errors["status"] = _("A meeting in the future cannot have been held yet.")
    date_range_errors({"starts_at": data.starts_at, "ends_at": data.ends_at}, errors)
    text_length_errors({"location": data.location.strip()}, errors, limit=200)
    text_length_errors({"video_details": data.video_details.strip()}, errors, limit=300)
    text_length_errors({"discussed": data.discussed, "decisions": data.decisions}, errors)
    return errors


def _apply(meeting: Meeting, data: MeetingData) -> None:
    assert data.starts_at is not None
    meeting.kind = data.kind
    meeting.status = data.status
    meeting.starts_at = data.starts_at
    meeting.ends_at = data.ends_at
    meeting.location = _clean_text(data.location)
    meeting.is_video = data.is_video
    meeting.video_details = _clean_text(data.video_details)
    meeting.discussed = _clean_text(data.discussed)
    meeting.decisions = _clean_text(data.decisions)


def meeting_create(
    *,
    actor: User,
    client: Client,
    data: MeetingData,
    invite_client: bool = True,
    staff: Sequence[User] = (),
    partners: Sequence[Partner] = (),
) -> Meeting:
    """Book a meeting; the client, staff and partner organisations (under consent) are invited."""
    access = staff_access(actor, client)
    errors = _validate_meeting(data)
    staff = list(dict.fromkeys([*staff]))
    allowed_staff = set(User.objects.filter(staff_of_client(client)).values_list("pk", flat=True))
    if any(user.pk not in allowed_staff for user in staff):
        errors["staff"] = _("Only staff working with the client can be invited.")
    if errors:
        raise ValidationError(errors)
    for partner in dict.fromkeys(partners):
        require_invite_consent(client=client, partner=partner, meeting_kind=data.kind)
    meeting = Meeting(client=client, case=open_case_for(client, access), organiser=actor)
    _apply(meeting, data)
    meeting.full_clean()
    with transaction.atomic():
        meeting.save()
        rows: list[MeetingParticipant] = []
        if invite_client:
            rows.append(MeetingParticipant(meeting=meeting, kind=ParticipantKind.CLIENT))
        rows.extend(MeetingParticipant(meeting=meeting, kind=ParticipantKind.STAFF, user=user) for user in staff)
        rows.extend(
            MeetingParticipant(meeting=meeting, kind=ParticipantKind.PARTNER, partner=partner)
            for partner in dict.fromkeys(partners)
        )
        MeetingParticipant.objects.bulk_create(rows)
        audit_log(
            actor=actor,
            action="meeting.created",
            client_id=client.pk,
            acting_for=access.acting_for,
            obj=meeting,
            data={
                "kind": meeting.kind,
                "staff_ids": [u.pk for u in staff],
                "partner_ids": [p.pk for p in dict.fromkeys(partners)],
            },
        )
    return meeting


# Everything a meeting's edit page changes (field names go into the audit event, never the values).
_MEETING_FIELDS = (
    "kind",
    "status",
    "starts_at",
    "ends_at",
    "location",
    "is_video",
    "video_details",
    "discussed",
    "decisions",
)


def meeting_update(*, actor: User, meeting: Meeting, data: MeetingData, expected_version: int | None = None) -> Meeting:
    """Change the time, place or status, or record what was discussed and decided.

    Only if nobody saved the meeting since `expected_version` (the version the user's page was loaded at;
    None: as `meeting` was loaded): else StaleVersion, and nothing is written.
    """
    access = staff_access(actor, meeting.client)
    expected = meeting.version if expected_version is None else expected_version
    errors = _validate_meeting(data)
    if errors:
        raise ValidationError(errors)
    if data.kind != meeting.kind:
        for participant in meeting.participants.filter(kind=ParticipantKind.PARTNER).select_related("partner"):
            assert participant.partner is not None
            require_invite_consent(client=meeting.client, partner=participant.partner, meeting_kind=data.kind)
    before = {f: getattr(meeting, f) for f in _MEETING_FIELDS}
    _apply(meeting, data)
    meeting.full_clean()
    changed = sorted(f for f, value in before.items() if getattr(meeting, f) != value)
    if not changed:
        return meeting
    with transaction.atomic():
        save_if_version(instance=meeting, expected_version=expected, changed_fields=changed)
        audit_log(
            actor=actor,
            action="meeting.updated",
            client_id=meeting.client_id,
            acting_for=access.acting_for,
            obj=meeting,
            data={"status": meeting.status, "changed": changed, "version": meeting.version},
        )
    return meeting


def participant_add(
    *,
    actor: User,
    meeting: Meeting,
    kind: str,
    user: User | None = None,
    partner: Partner | None = None,
    person_name: str = "",
    relation: str = "",
) -> MeetingParticipant:
    """Invite one more participant: the client, a staff member, a partner organisation or a relative."""
    access = staff_access(actor, meeting.client)
    person_name = _clean_text(person_name)
    relation = _clean_text(relation)
    errors: dict[str, str] = text_length_errors({"person_name": person_name, "relation": relation}, limit=200)
    participants = meeting.participants.all()
    if kind == ParticipantKind.CLIENT:
        user = partner = None
        if participants.filter(kind=ParticipantKind.CLIENT).exists():
            errors["kind"] = _("The client is already invited.")
    elif kind == ParticipantKind.STAFF:
        partner = None
        if user is None:
            errors["user"] = _("Choose the staff member.")
        elif not User.objects.filter(staff_of_client(meeting.client), pk=user.pk).exists():
            errors["user"] = _("Only staff working with the client can be invited.")
        elif participants.filter(user=user).exists():
            errors["user"] = _("This person is already invited.")
    elif kind == ParticipantKind.PARTNER:
        user = None
        if partner is None:
            errors["partner"] = _("Choose the partner organisation.")
    elif kind == ParticipantKind.RELATIVE:
        user = partner = None
        if not person_name:
            errors["person_name"] = _("Enter the person's name.")
    else:
        errors["kind"] = _("Choose who to invite.")
    if errors:
        raise ValidationError(errors)
    if partner is not None:
        require_invite_consent(client=meeting.client, partner=partner, meeting_kind=meeting.kind)
    participant = MeetingParticipant(
        meeting=meeting, kind=kind, user=user, partner=partner, person_name=person_name, relation=relation
    )
    participant.full_clean()
    with transaction.atomic():
        participant.save()
        audit_log(
            actor=actor,
            action="meeting.participant_added",
            client_id=meeting.client_id,
            acting_for=access.acting_for,
            obj=meeting,
            data={"kind": kind, "user_id": user.pk if user else None, "partner_id": partner.pk if partner else None},
        )
    return participant


def participant_remove(*, actor: User, participant: MeetingParticipant) -> None:
    meeting = participant.meeting
    access = staff_access(actor, meeting.client)
    with transaction.atomic():
        data = {"kind": participant.kind, "user_id": participant.user_id, "partner_id": participant.partner_id}
        participant.delete()
        audit_log(
            actor=actor,
            action="meeting.participant_removed",
            client_id=meeting.client_id,
            acting_for=access.acting_for,
            obj=meeting,
            data=data,
        )


def agreed_action_add(
    *,
    actor: User,
    meeting: Meeting,
    description: str,
    responsible_kind: str,
    responsible_user: User | None = None,
    responsible_partner: Partner | None = None,
    due_on: datetime.date | None = None,
) -> AgreedAction:
    """Record what was agreed: who does it (a staff member, a partner organisation or the client) and by when."""
    access = staff_access(actor, meeting.client)
    description = _clean_text(description)
    errors: dict[str, str] = {}
    if not description:
        errors["description"] = _("Describe what is to be done.")
    text_length_errors({"description": description}, errors)
    date_range_errors({"due_on": due_on}, errors)
    if responsible_kind == ResponsibleKind.USER:
        responsible_partner = None
        if responsible_user is None:
            errors["responsible"] = _("Choose who is responsible.")
        elif not User.objects.filter(staff_of_client(meeting.client), pk=responsible_user.pk).exists():
            errors["responsible"] = _("Only staff working with the client can be responsible.")
    elif responsible_kind == ResponsibleKind.PARTNER:
        responsible_user = None
        if responsible_partner is None:
            errors["responsible"] = _("Choose who is responsible.")
    elif responsible_kind == ResponsibleKind.CLIENT:
        responsible_user = responsible_partner = None
    else:
        errors["responsible"] = _("Choose who is responsible.")
    if errors:
        raise ValidationError(errors)
    if responsible_partner is not None:
        require_invite_consent(client=meeting.client, partner=responsible_partner, meeting_kind=meeting.kind)
    action = AgreedAction(
        meeting=meeting,
        description=description,
        responsible_kind=responsible_kind,
        responsible_user=responsible_user,
        responsible_partner=responsible_partner,
        due_on=due_on,
    )
    action.full_clean()
    with transaction.atomic():
        action.save()
        audit_log(
            actor=actor,
            action="meeting.action_added",
            client_id=meeting.client_id,
            acting_for=access.acting_for,
            obj=action,
            data={"meeting_id": meeting.pk, "responsible_kind": responsible_kind, "due_on": str(due_on or "")},
        )
    return action


def agreed_action_mark_done(*, actor: User, action: AgreedAction, done_on: datetime.date | None = None) -> AgreedAction:
    meeting = action.meeting
    access = staff_access(actor, meeting.client)
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    errors = date_range_errors({"done_on": done_on})
    if errors:
        raise ValidationError(errors)
    if action.done_on is not None:
        raise Conflict(_("This action is already marked as done."))
    with transaction.atomic():
        updated = AgreedAction.objects.filter(pk=action.pk, done_on__isnull=True).update(
            done_on=done_on, updated_at=timezone.now()
        )
        if not updated:
            raise Conflict(_("This action is already marked as done."))
        action.refresh_from_db()
        audit_log(
            actor=actor,
            action="meeting.action_done",
            client_id=meeting.client_id,
            acting_for=access.acting_for,
            obj=action,
            data={"meeting_id": meeting.pk},
        )
    return action


# --- SIP ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SipData:
    interventions_needed: str
    overall_responsibility: str
    follow_up_on: datetime.date | None
    follow_up_how: str
    client_goal: str
    municipality_interventions: str = ""
    region_interventions: str = ""
    other_interventions: str = ""
    partners: Sequence[Partner] = field(default_factory=tuple)
    meeting: Meeting | None = None
    client_agreed_on: datetime.date | None = None
    change_note: str = ""


def sip_missing_consent_message() -> str:
    return _(
        "Consent missing: the client has no valid consent to “%(purpose)s”. Record the client's consent first."
    ) % {"purpose": ConsentPurpose.SIP.label}


def sip_require_consent(*, client: Client, partners: Sequence[Partner] = (), on: datetime.date | None = None) -> None:
    """A SIP needs the client's valid SIP consent: for every agency taking part, or at least one when none is named.

    Raises ConsentMissing (a PermissionRefused) naming what is missing.
    """
    for partner in dict.fromkeys(partners):
        require_consent(client=client, partner=partner, purpose=ConsentPurpose.SIP, on=on)
    if (
        not partners
        and not valid_consents(on).filter(client=client, purpose_grants__purpose=ConsentPurpose.SIP).exists()
    ):
        raise ConsentMissing(
            sip_missing_consent_message(), client_id=client.pk, partner_id=None, purpose=ConsentPurpose.SIP
        )


def has_sip_consent(*, client: Client) -> bool:
    return valid_consents().filter(client=client, purpose_grants__purpose=ConsentPurpose.SIP).exists()


_SIP_TEXTS = (
    "interventions_needed",
    "municipality_interventions",
    "region_interventions",
    "other_interventions",
    "follow_up_how",
    "client_goal",
)
# The content of a SIP version, compared to tell what changed between two versions.
SIP_CONTENT_FIELDS = (*_SIP_TEXTS, "overall_responsibility", "follow_up_on", "meeting", "client_agreed_on")


def sip_changed_fields(older: SipVersion | None, newer: SipVersion) -> list[str]:
    """The content fields (and "partners") that differ between two versions of a SIP."""
    if older is None:
        return [*SIP_CONTENT_FIELDS, "partners"]
    changed = [name for name in SIP_CONTENT_FIELDS if getattr(older, name) != getattr(newer, name)]
    if {p.pk for p in older.partners.all()} != {p.pk for p in newer.partners.all()}:
        changed.append("partners")
    return changed


def _validate_sip(client: Client, data: SipData) -> dict[str, str]:
    errors: dict[str, str] = {}
    required = {
        "interventions_needed": _("Describe the interventions the client needs."),
        "overall_responsibility": _("Say who has overall responsibility."),
        "follow_up_how": _("Say how the SIP is followed up."),
        "client_goal": _("Write the client's own goal, in their words."),
    }
    for name, message in required.items():
        if not str(getattr(data, name) or "").strip():
            errors[name] = message
    if data.follow_up_on is None:
        errors["follow_up_on"] = _("Enter when the SIP is followed up.")
    if data.client_agreed_on is not None and data.client_agreed_on > timezone.localdate():
        errors["client_agreed_on"] = _("The date cannot be in the future.")
    if data.meeting is not None and data.meeting.client_id != client.pk:
        errors["meeting"] = _("Choose one of the client's meetings.")
    date_range_errors({"follow_up_on": data.follow_up_on, "client_agreed_on": data.client_agreed_on}, errors)
    text_length_errors({name: str(getattr(data, name) or "").strip() for name in _SIP_TEXTS}, errors)
    text_length_errors(
        {"overall_responsibility": data.overall_responsibility.strip(), "change_note": data.change_note.strip()},
        errors,
        limit=300,
    )
    return errors


def sip_save(*, actor: User, client: Client, data: SipData, based_on: int | None = None) -> SipVersion:
    """Save the SIP as a new version (the first one starts the SIP). Earlier versions are never changed.

    `based_on` is the number of the current version the user started from (0: there was no SIP); when a
    newer version has been saved since, StaleVersion names the fields it changed and nothing is saved.
    None skips the check (the save is still serialised by the lock).
    """
    access = staff_access(actor, client)
    errors = _validate_sip(client, data)
    if errors:
        raise ValidationError(errors)
    assert data.follow_up_on is not None
    partners = list(dict.fromkeys(data.partners))
    sip_require_consent(client=client, partners=partners)
    try:
        with transaction.atomic():
            sip = Sip.objects.select_for_update().filter(client=client, ended_on__isnull=True).first()
            if based_on is not None:
                _refuse_if_newer(sip, based_on)
            created = sip is None
            if sip is None:
                sip = Sip(client=client, case=open_case_for(client, access), created_by=actor)
                sip.full_clean()
                sip.save()
            number = (sip.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = SipVersion(
                sip=sip,
                number=number,
                created_by=actor,
                meeting=data.meeting,
                interventions_needed=_clean_text(data.interventions_needed),
                municipality_interventions=_clean_text(data.municipality_interventions),
                region_interventions=_clean_text(data.region_interventions),
                other_interventions=_clean_text(data.other_interventions),
                overall_responsibility=_clean_text(data.overall_responsibility),
                follow_up_on=data.follow_up_on,
                follow_up_how=_clean_text(data.follow_up_how),
                client_goal=_clean_text(data.client_goal),
                client_agreed_on=data.client_agreed_on,
                change_note=_clean_text(data.change_note),
            )
            version.full_clean()
            version.save()
            version.partners.set(partners)
            if created:
                audit_log(actor=actor, action="sip.created", client_id=client.pk, acting_for=access.acting_for, obj=sip)
            audit_log(
                actor=actor,
                action="sip.version_saved",
                client_id=client.pk,
                acting_for=access.acting_for,
                obj=version,
                data={"sip_id": sip.pk, "number": number, "partner_ids": [p.pk for p in partners]},
            )
    except IntegrityError:
        raise Conflict(_("Someone else saved the SIP at the same moment. Reload and try again.")) from None
    return version


def _refuse_if_newer(sip: Sip | None, based_on: int) -> None:
    """StaleVersion when the SIP's current version is not the one numbered `based_on` (0: no SIP)."""
    versions = list(sip.versions.select_related("created_by").order_by("-number")) if sip is not None else []
    current = versions[0] if versions else None
    if (current.number if current is not None else 0) == based_on:
        return
    if current is None:  # the SIP the page showed has ended since
        raise Conflict(_("The SIP has ended since you opened the page. Reload and start a new SIP."))
    older = next((v for v in versions if v.number == based_on), None)
    raise StaleVersion(
        current=current,
        changed_fields=sip_changed_fields(older, current),
        changed_by=current.created_by,
        changed_at=current.created_at,
        message=_("Someone else has saved a newer version of the SIP since you opened it. Yours has not been saved."),
    )


def sip_end(*, actor: User, sip: Sip, ended_on: datetime.date | None = None) -> Sip:
    """End the SIP (its versions stay); a new SIP can then be started."""
    access = staff_access(actor, sip.client)
    ended_on = ended_on or timezone.localdate()
    if sip.ended_on is not None:
        raise Conflict(_("The SIP has already ended."))
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The date cannot be in the future.")})
    errors = date_range_errors({"ended_on": ended_on})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sip.ended_on = ended_on
        sip.save(update_fields=["ended_on", "updated_at"])
        audit_log(actor=actor, action="sip.ended", client_id=sip.client_id, acting_for=access.acting_for, obj=sip)
    return sip
