"""Meetings: booking with invitations under consent, minutes and agreed actions, the invitation as page and
PDF, the client-page panel, and 404 for everyone who may not see them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.consent.checks import ConsentMissing
from rattvag.core.errors import Conflict, PermissionRefused
from rattvag.meetings import services
from rattvag.meetings.models import AgreedAction, Meeting, MeetingParticipant, MeetingStatus
from rattvag.meetings.tests.fixtures import OUTSIDERS, WRITERS, pdf_text

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def in_days(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def book(world, **overrides):
    data = {"kind": "mapping", "starts_at": in_days(3), "location": "Socialkontoret, rum 4"}
    staff = overrides.pop("staff", [world.nurse])
    partners = overrides.pop("partners", [])
    data.update(overrides)
    return services.meeting_create(
        actor=world.caseworker,
        client=world.client_a,
        data=services.MeetingData(**data),
        staff=staff,
        partners=partners,
    )


# --- services -----------------------------------------------------------------------------------


def test_book_invites_client_staff_and_is_audited(world):
    meeting = book(world)
    kinds = sorted(meeting.participants.values_list("kind", flat=True))
    assert kinds == ["client", "staff"]
    assert meeting.case == world.case_a
    assert meeting.status == MeetingStatus.PLANNED
    event = AuditEvent.objects.get(action="meeting.created")
    assert event.client_id == world.client_a.pk
    assert event.data["staff_ids"] == [world.nurse.pk]
    assert "Socialkontoret" not in str(event.data)


def test_place_or_video_is_required(world):
    with pytest.raises(ValidationError) as error:
        book(world, location="")
    assert "location" in error.value.message_dict
    meeting = book(world, location="", is_video=True, video_details="Länk i kallelsen")
    assert meeting.is_video


def test_meeting_must_end_after_start_and_cannot_be_held_in_future(world):
    with pytest.raises(ValidationError) as error:
        book(world, ends_at=in_days(3, hour=9))
    assert "ends_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        book(world, status=MeetingStatus.HELD)
    assert "status" in error.value.message_dict


def test_staff_outside_the_client_cannot_be_invited(world):
    with pytest.raises(ValidationError) as error:
        book(world, staff=[world.caseworker_other_unit])
    assert "staff" in error.value.message_dict


def test_partner_needs_consent_to_be_invited(world, care_unit, make_consent):
    with pytest.raises(ConsentMissing) as refused:
        book(world, kind="three_party", partners=[world.fk])
    assert "Dela med Försäkringskassan" in refused.value.message or "Share with" in refused.value.message
    assert not Meeting.objects.exists()
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    meeting = book(world, kind="three_party", partners=[world.fk])
    assert meeting.participants.filter(partner=world.fk).exists()
    # A SIP meeting needs the SIP purpose, even for a partner covered for sharing.
    with pytest.raises(ConsentMissing):
        book(world, kind="sip", partners=[world.fk])
    # A SIP consent covers any kind of meeting.
    make_consent(world.client_a, partner=care_unit, purposes=("sip",))
    assert book(world, kind="three_party", partners=[care_unit]).participants.filter(partner=care_unit).exists()


def test_writers_and_refusals(world):
    for name in WRITERS:
        services.meeting_create(
            actor=getattr(world, name),
            client=world.client_a,
            data=services.MeetingData(kind="follow_up", starts_at=in_days(1), location="Rum 1"),
        )
    with pytest.raises(Http404):
        services.meeting_create(
            actor=world.caseworker_other_unit,
            client=world.client_a,
            data=services.MeetingData(kind="follow_up", starts_at=in_days(1), location="Rum 1"),
        )


def test_partner_officer_cannot_book(world, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    with pytest.raises(PermissionRefused):
        services.meeting_create(
            actor=world.partner_officer,
            client=world.client_a,
            data=services.MeetingData(kind="follow_up", starts_at=in_days(1), location="Rum 1"),
        )


def test_participants_added_and_removed(world, make_consent):
    meeting = book(world, staff=[])
    services.participant_add(
        actor=world.caseworker, meeting=meeting, kind="relative", person_name="Eva Svensson", relation="mamma"
    )
    with pytest.raises(ValidationError):
        services.participant_add(actor=world.caseworker, meeting=meeting, kind="relative")
    with pytest.raises(ValidationError):
        services.participant_add(actor=world.caseworker, meeting=meeting, kind="client")
    with pytest.raises(ConsentMissing):
        services.participant_add(actor=world.caseworker, meeting=meeting, kind="partner", partner=world.fk)
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    partner = services.participant_add(
        actor=world.caseworker, meeting=meeting, kind="partner", partner=world.fk, person_name="Anna Berg"
    )
    services.participant_remove(actor=world.caseworker, participant=partner)
    assert list(meeting.participants.values_list("kind", flat=True)) == ["client", "relative"]
    assert AuditEvent.objects.filter(action="meeting.participant_added").count() == 2
    event = AuditEvent.objects.get(action="meeting.participant_removed")
    assert event.data["partner_id"] == world.fk.pk
    assert "Anna" not in str(event.data)
    assert "Eva" not in str(AuditEvent.objects.values_list("data", flat=True))


def test_agreed_actions(world, make_consent):
    meeting = book(world)
    client_action = services.agreed_action_add(
        actor=world.caseworker,
        meeting=meeting,
        description="Ansöka om sjukpenning",
        responsible_kind="client",
        due_on=timezone.localdate() + 7 * DAY,
    )
    user_action = services.agreed_action_add(
        actor=world.caseworker,
        meeting=meeting,
        description="Boka trepartsmöte",
        responsible_kind="user",
        responsible_user=world.caseworker,
    )
    with pytest.raises(ConsentMissing):
        services.agreed_action_add(
            actor=world.caseworker,
            meeting=meeting,
            description="Utreda SGI",
            responsible_kind="partner",
            responsible_partner=world.fk,
        )
    with pytest.raises(ValidationError):
        services.agreed_action_add(actor=world.caseworker, meeting=meeting, description="", responsible_kind="client")
    services.agreed_action_mark_done(actor=world.caseworker, action=user_action)
    with pytest.raises(Conflict):
        services.agreed_action_mark_done(actor=world.caseworker, action=user_action)
    user_action.refresh_from_db()
    client_action.refresh_from_db()
    assert user_action.done_on == timezone.localdate()
    assert client_action.done_on is None
    assert AuditEvent.objects.filter(action="meeting.action_added").count() == 2
    assert AuditEvent.objects.filter(action="meeting.action_done").count() == 1


def test_update_records_the_meeting_as_held(world, time_machine):
    meeting = book(world)
    time_machine.move_to(in_days(4), tick=False)
    services.meeting_update(
        actor=world.caseworker,
        meeting=meeting,
        data=services.MeetingData(
            kind="mapping",
            starts_at=meeting.starts_at,
            location=meeting.location,
            status=MeetingStatus.HELD,
            discussed="Läkarintyget lästes tillsammans.",
            decisions="Aktiv plan skrivs.",
        ),
    )
    meeting.refresh_from_db()
    assert meeting.held_on == timezone.localdate(meeting.starts_at)
    event = AuditEvent.objects.get(action="meeting.updated")
    assert event.data == {"status": "held", "changed": ["decisions", "discussed", "status"], "version": 2}


# --- pages --------------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "kind": "mapping",
        "date": (timezone.localdate() + 5 * DAY).isoformat(),
        "start_time": "09:30",
        "end_time": "10:30",
        "location": "Socialkontoret",
        "video_details": "",
        "invite_client": "on",
    }
    data.update(overrides)
    return data


def test_book_through_the_form(world, login_as):
    http = login_as(world.caseworker)
    page = http.get(f"/clients/{world.client_a.pk}/meetings/new/")
    assert page.status_code == 200
    assert world.nurse.get_full_name() in page.content.decode()
    response = http.post(f"/clients/{world.client_a.pk}/meetings/new/", form_data(staff=[world.nurse.pk]))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert response["Location"] == f"/clients/{world.client_a.pk}/meetings/{meeting.pk}/"
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "09:30"
    assert meeting.participants.count() == 2


def test_form_keeps_typed_values_on_error(world, login_as):
    http = login_as(world.caseworker)
    response = http.post(
        f"/clients/{world.client_a.pk}/meetings/new/",
        form_data(location="", video_details="Teams-länk kommer", kind="three_party", partners=[world.fk.pk]),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Teams-länk kommer" in page
    assert 'value="three_party" checked' in page
    assert not Meeting.objects.exists()


def test_partner_without_consent_is_refused_on_the_form_with_a_link(world, login_as):
    http = login_as(world.caseworker)
    response = http.post(
        f"/clients/{world.client_a.pk}/meetings/new/", form_data(kind="three_party", partners=[world.fk.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Samtycke saknas" in page
    assert 'data-testid="consent-link"' in page
    assert f"partner=p%3A{world.fk.pk}" in page
    assert not Meeting.objects.exists()


def test_detail_add_participant_action_and_done(world, login_as):
    meeting = book(world)
    http = login_as(world.caseworker)
    base = f"/clients/{world.client_a.pk}/meetings/{meeting.pk}"
    page = http.get(f"{base}/").content.decode()
    assert "Kartläggningsmöte" in page
    assert world.nurse.get_full_name() in page
    response = http.post(
        f"{base}/participants/",
        {"participant-kind": "relative", "participant-person_name": "Eva Svensson", "participant-relation": "mamma"},
    )
    assert response.status_code == 302
    response = http.post(f"{base}/participants/", {"participant-kind": "relative", "participant-relation": "bror"})
    assert response.status_code == 200
    assert "Ange personens namn" in response.content.decode()
    response = http.post(
        f"{base}/actions/",
        {"action-description": "Ansöka om sjukpenning", "action-responsible": "client", "action-due_on": ""},
    )
    assert response.status_code == 302
    action = AgreedAction.objects.get()
    assert http.post(f"{base}/actions/{action.pk}/done/").status_code == 302
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()
    relative = MeetingParticipant.objects.get(kind="relative")
    assert http.post(f"{base}/participants/{relative.pk}/remove/").status_code == 302
    assert not MeetingParticipant.objects.filter(pk=relative.pk).exists()


def test_edit_page_records_minutes(world, login_as, time_machine):
    meeting = book(world)
    time_machine.move_to(in_days(4), tick=False)
    http = login_as(world.caseworker)
    url = f"/clients/{world.client_a.pk}/meetings/{meeting.pk}/edit/"
    page = http.get(url).content.decode()
    assert "Socialkontoret, rum 4" in page
    data = form_data(
        date=timezone.localdate(meeting.starts_at).isoformat(),
        start_time="10:00",
        end_time="",
        location="Socialkontoret, rum 4",
        status="held",
        discussed="Vi gick igenom intyget.",
        decisions="",
        version="1",
    )
    assert http.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert meeting.discussed == "Vi gick igenom intyget."


def test_list_and_detail_are_audited(world, login_as):
    meeting = book(world)
    http = login_as(world.caseworker)
    assert http.get(f"/clients/{world.client_a.pk}/meetings/").status_code == 200
    assert http.get(f"/clients/{world.client_a.pk}/meetings/{meeting.pk}/").status_code == 200
    events = AuditEvent.objects.filter(action="meeting.viewed", client_id=world.client_a.pk)
    assert events.count() == 2
    assert events.filter(object_type="meetings.meeting", object_id=str(meeting.pk)).count() == 1


def test_invitation_page_and_pdf(world, login_as, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    meeting = book(world, kind="three_party", partners=[world.fk])
    services.participant_add(
        actor=world.caseworker, meeting=meeting, kind="relative", person_name="Eva Svensson", relation="mamma"
    )
    http = login_as(world.caseworker)
    base = f"/clients/{world.client_a.pk}/meetings/{meeting.pk}"
    page = http.get(f"{base}/invitation/").content.decode()
    assert "Kallelse: Trepartsmöte" in page
    assert "Försäkringskassan Halland" in page
    assert "Eva Svensson" in page
    response = http.get(f"{base}/invitation.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    assert "Kallelse: Trepartsmöte" in text
    assert "Försäkringskassan Halland" in text
    assert "Eva Svensson" in text
    assert world.client_a.first_name in text
    printed = AuditEvent.objects.filter(action="client.printed", client_id=world.client_a.pk)
    assert sorted(printed.values_list("data__document", flat=True)) == [
        "meeting_invitation",
        "meeting_invitation_pdf",
    ]


def test_panel_on_the_client_page(world, login_as, panels_wired):
    book(world)
    past = book(world, starts_at=in_days(-10), kind="follow_up")
    services.agreed_action_add(
        actor=world.caseworker, meeting=past, description="Ringa vårdcentralen", responsible_kind="client"
    )
    before = AuditEvent.objects.count()
    page = login_as(world.caseworker).get(f"/clients/{world.client_a.pk}/").content.decode()
    assert 'data-testid="meetings-panel"' in page
    assert "Kommande möten" in page
    assert "Tidigare möten" in page
    assert "Ringa vårdcentralen" in page
    assert "Ingen SIP gäller." in page
    # The panel adds no audit event of its own: the page's client.viewed covers it.
    actions = list(AuditEvent.objects.order_by("pk")[before:].values_list("action", flat=True))
    assert "client.viewed" in actions
    assert not [a for a in actions if a.split(".")[0] in {"meeting", "sip", "plan", "activity"}]


# --- access ---------------------------------------------------------------------------------------


def meeting_urls(client_id: int, meeting_id: int) -> list[str]:
    base = f"/clients/{client_id}/meetings"
    return [
        f"{base}/",
        f"{base}/new/",
        f"{base}/{meeting_id}/",
        f"{base}/{meeting_id}/edit/",
        f"{base}/{meeting_id}/invitation/",
        f"{base}/{meeting_id}/invitation.pdf",
    ]


def post_urls(client_id: int, meeting: Meeting) -> list[str]:
    base = f"/clients/{client_id}/meetings/{meeting.pk}"
    participant = meeting.participants.first()
    return [
        f"/clients/{client_id}/meetings/new/",
        f"{base}/edit/",
        f"{base}/participants/",
        f"{base}/participants/{participant.pk}/remove/",
        f"{base}/actions/",
        f"{base}/actions/1/done/",
    ]


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_outsiders_get_404_everywhere(world, login_as, actor):
    meeting = book(world)
    http = login_as(getattr(world, actor))
    for url in meeting_urls(world.client_a.pk, meeting.pk):
        assert http.get(url).status_code == 404, url
    for url in post_urls(world.client_a.pk, meeting):
        assert http.post(url, {}).status_code == 404, url
    assert not AuditEvent.objects.filter(actor=getattr(world, actor), client_id=world.client_a.pk).exists()


def test_meeting_of_another_client_is_404(world, login_as):
    meeting = book(world)
    http = login_as(world.caseworker_other_unit)
    # client_b is visible to this caseworker, but the meeting belongs to client_a.
    for url in meeting_urls(world.client_b.pk, meeting.pk)[2:]:
        assert http.get(url).status_code == 404, url


@pytest.mark.parametrize("actor", WRITERS)
def test_staff_see_every_page(world, login_as, actor):
    meeting = book(world)
    http = login_as(getattr(world, actor))
    for url in meeting_urls(world.client_a.pk, meeting.pk):
        assert http.get(url).status_code == 200, url


def test_partner_sees_only_meetings_it_is_invited_to(world, login_as, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    invited = book(world, kind="three_party", partners=[world.fk])
    other = book(world, kind="follow_up")
    http = login_as(world.partner_officer)
    listing = http.get(f"/clients/{world.client_a.pk}/meetings/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert f"/meetings/{invited.pk}/" in page
    assert f"/meetings/{other.pk}/" not in page
    assert "Boka ett möte" not in page
    assert http.get(f"/clients/{world.client_a.pk}/meetings/{invited.pk}/").status_code == 200
    assert http.get(f"/clients/{world.client_a.pk}/meetings/{invited.pk}/invitation.pdf").status_code == 200
    assert http.get(f"/clients/{world.client_a.pk}/meetings/{other.pk}/").status_code == 404
    for url in [
        f"/clients/{world.client_a.pk}/meetings/new/",
        f"/clients/{world.client_a.pk}/meetings/{invited.pk}/edit/",
    ]:
        assert http.get(url).status_code == 404


def test_partner_loses_the_meeting_when_consent_is_withdrawn(world, login_as, make_consent):
    consent = make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    meeting = book(world, kind="three_party", partners=[world.fk])
    http = login_as(world.partner_officer)
    assert http.get(f"/clients/{world.client_a.pk}/meetings/{meeting.pk}/").status_code == 200
    consent.withdrawn_on = timezone.localdate()
    consent.withdrawn_how = "oral"
    consent.save()
    assert http.get(f"/clients/{world.client_a.pk}/meetings/{meeting.pk}/").status_code == 404


def test_opening_an_edit_form_is_an_audited_read(world, login_as):
    meeting = book(world)
    before = AuditEvent.objects.filter(action="client.viewed", client_id=world.client_a.pk, purpose="form").count()
    response = login_as(world.caseworker).get(f"/clients/{world.client_a.pk}/meetings/{meeting.pk}/edit/")
    assert response.status_code == 200
    after = AuditEvent.objects.filter(action="client.viewed", client_id=world.client_a.pk, purpose="form")
    assert after.count() == before + 1
    assert after.first().actor == world.caseworker
