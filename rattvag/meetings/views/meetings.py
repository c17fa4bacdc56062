"""Meeting pages: list, book, detail with participants and agreed actions, change, invitation (HTML and PDF)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rattvag.core.concurrency import conflict_context, with_version
from rattvag.core.errors import Conflict, PermissionRefused, StaleVersion

from .. import selectors, services
from ..forms import (
    MEETING_CONFLICT_FIELDS,
    MEETING_ERROR_FIELDS,
    AgreedActionForm,
    DoneForm,
    MeetingForm,
    ParticipantForm,
)
from ..models import Meeting, MeetingStatus
from ..pdf import render_pdf
from ..permissions import client_for_write, may_write
from .common import add_refusal, add_service_errors, base_context, current_user, pdf_response


@login_required
@require_GET
def meeting_list(request: HttpRequest, client_id: int) -> HttpResponse:
    user = current_user(request)
    client, access, meetings = selectors.meeting_list_for(user=user, client_id=client_id)
    now = timezone.now()
    upcoming = [m for m in meetings if m.status == MeetingStatus.PLANNED and m.starts_at >= now]
    upcoming.reverse()
    past = [m for m in meetings if m not in upcoming]
    return render(
        request,
        "meetings/meeting_list.html",
        base_context(client, access, upcoming=upcoming, past=past, may_write=may_write(user, access)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, client_id: int) -> HttpResponse:
    user = current_user(request)
    client, access = client_for_write(user=user, client_id=client_id)
    initial: dict[str, Any] = {"kind": request.GET.get("kind", "mapping")}
    form = MeetingForm(
        request.POST or None,
        initial=initial,
        staff_queryset=selectors.staff_choices(client=client),
        partner_queryset=selectors.partner_choices(),
    )
    consent_link = ""
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                actor=user,
                client=client,
                data=form.to_data(),
                invite_client=form.cleaned_data["invite_client"],
                staff=list(form.cleaned_data["staff"]),
                partners=list(form.cleaned_data["partners"]),
            )
        except ValidationError as error:
            add_service_errors(form, error, MEETING_ERROR_FIELDS)
        except PermissionRefused as error:
            consent_link = add_refusal(form, error, "partners")
        else:
            messages.success(request, _("The meeting is booked. Print the invitation from the meeting page."))
            return redirect("meetings:detail", client_id=client.pk, meeting_id=meeting.pk)
    return render(
        request, "meetings/meeting_form.html", base_context(client, access, form=form, consent_link=consent_link)
    )


def _detail(
    request: HttpRequest,
    client_id: int,
    meeting_id: int,
    *,
    participant_form: ParticipantForm | None = None,
    action_form: AgreedActionForm | None = None,
    consent_link: str = "",
    status: int = 200,
) -> HttpResponse:
    user = current_user(request)
    meeting, access = selectors.meeting_get_for(user=user, client_id=client_id, meeting_id=meeting_id)
    client = meeting.client
    writer = may_write(user, access)
    context = base_context(client, access, meeting=meeting, may_write=writer, consent_link=consent_link)
    if writer:
        staff = selectors.staff_choices(client=client)
        partners = selectors.partner_choices()
        context["participant_form"] = participant_form or ParticipantForm(
            staff_queryset=staff, partner_queryset=partners, prefix="participant"
        )
        context["action_form"] = action_form or AgreedActionForm(
            staff_queryset=staff, partner_queryset=partners, prefix="action"
        )
    return render(request, "meetings/meeting_detail.html", context, status=status)


@login_required
@require_GET
def meeting_detail(request: HttpRequest, client_id: int, meeting_id: int) -> HttpResponse:
    return _detail(request, client_id, meeting_id)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, client_id: int, meeting_id: int) -> HttpResponse:
    """Change the time or place, record the meeting as held (what was discussed and decided) or cancel it."""
    user = current_user(request)
    meeting, access = selectors.meeting_for_write(user=user, client_id=client_id, meeting_id=meeting_id)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting), edit=True)
    consent_link = ""
    conflict: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                actor=user, meeting=meeting, data=form.to_data(), expected_version=form.cleaned_data["version"]
            )
        except StaleVersion as error:
            # Someone saved in between: show what they changed, keep what this user typed, and move the
            # hidden version on so that saving again replaces their values on purpose.
            meeting, access = selectors.meeting_for_write(user=user, client_id=client_id, meeting_id=meeting_id)
            current = MeetingForm.initial_for(meeting)
            form = MeetingForm(with_version(request.POST, meeting.version), initial=current, edit=True)
            conflict = conflict_context(
                error=error, form=form, current_values=current, field_map=MEETING_CONFLICT_FIELDS, user=user
            )
        except ValidationError as error:
            add_service_errors(form, error, MEETING_ERROR_FIELDS)
        except PermissionRefused as error:
            consent_link = add_refusal(form, error, "kind")
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("meetings:detail", client_id=client_id, meeting_id=meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        base_context(meeting.client, access, form=form, meeting=meeting, consent_link=consent_link, **conflict),
    )


@login_required
@require_POST
def participant_add(request: HttpRequest, client_id: int, meeting_id: int) -> HttpResponse:
    user = current_user(request)
    meeting, _access = selectors.meeting_for_write(user=user, client_id=client_id, meeting_id=meeting_id)
    form = ParticipantForm(
        request.POST,
        staff_queryset=selectors.staff_choices(client=meeting.client),
        partner_queryset=selectors.partner_choices(),
        prefix="participant",
    )
    consent_link = ""
    if form.is_valid():
        try:
            services.participant_add(
                actor=user,
                meeting=meeting,
                kind=form.cleaned_data["kind"],
                user=form.cleaned_data["user"],
                partner=form.cleaned_data["partner"],
                person_name=form.cleaned_data["person_name"],
                relation=form.cleaned_data["relation"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionRefused as error:
            consent_link = add_refusal(form, error, "partner")
        else:
            messages.success(request, _("The participant is added."))
            return redirect("meetings:detail", client_id=client_id, meeting_id=meeting_id)
    return _detail(request, client_id, meeting_id, participant_form=form, consent_link=consent_link)


@login_required
@require_POST
def participant_remove(request: HttpRequest, client_id: int, meeting_id: int, participant_id: int) -> HttpResponse:
    user = current_user(request)
    meeting, _access = selectors.meeting_for_write(user=user, client_id=client_id, meeting_id=meeting_id)
    participant = next((p for p in meeting.participants.all() if p.pk == participant_id), None)
    if participant is None:
        raise Http404
    participant.meeting = meeting
    services.participant_remove(actor=user, participant=participant)
    messages.success(request, _("The participant is removed."))
    return redirect("meetings:detail", client_id=client_id, meeting_id=meeting_id)


@login_required
@require_POST
def action_add(request: HttpRequest, client_id: int, meeting_id: int) -> HttpResponse:
    user = current_user(request)
    meeting, _access = selectors.meeting_for_write(user=user, client_id=client_id, meeting_id=meeting_id)
    form = AgreedActionForm(
        request.POST,
        staff_queryset=selectors.staff_choices(client=meeting.client),
        partner_queryset=selectors.partner_choices(),
        prefix="action",
    )
    consent_link = ""
    if form.is_valid():
        kind, responsible_user, responsible_partner = form.responsible_parts()
        try:
            services.agreed_action_add(
                actor=user,
                meeting=meeting,
                description=form.cleaned_data["description"],
                responsible_kind=kind,
                responsible_user=responsible_user,
                responsible_partner=responsible_partner,
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionRefused as error:
            consent_link = add_refusal(form, error, "responsible")
        else:
            messages.success(request, _("The agreed action is recorded."))
            return redirect("meetings:detail", client_id=client_id, meeting_id=meeting_id)
    return _detail(request, client_id, meeting_id, action_form=form, consent_link=consent_link)


@login_required
@require_POST
def action_done(request: HttpRequest, client_id: int, meeting_id: int, action_id: int) -> HttpResponse:
    user = current_user(request)
    meeting, _access = selectors.meeting_for_write(user=user, client_id=client_id, meeting_id=meeting_id)
    action = next((a for a in meeting.agreed_actions.all() if a.pk == action_id), None)
    if action is None:
        raise Http404
    action.meeting = meeting
    form = DoneForm(request.POST, prefix="done")
    done_on = form.cleaned_data["done_on"] if form.is_valid() else None
    try:
        services.agreed_action_mark_done(actor=user, action=action, done_on=done_on)
    except (ValidationError, Conflict) as error:
        messages.error(request, error.message if isinstance(error, Conflict) else " ".join(error.messages))
    else:
        messages.success(request, _("The action is marked as done."))
    return redirect("meetings:detail", client_id=client_id, meeting_id=meeting_id)


def invitation_context(meeting: Meeting, shows_identity: bool) -> dict[str, Any]:
    return {"meeting": meeting, "client": meeting.client, "shows_identity": shows_identity}


@login_required
@require_GET
def invitation(request: HttpRequest, client_id: int, meeting_id: int) -> HttpResponse:
    """The invitation with the participant list, ready to print (audited as a print)."""
    user = current_user(request)
    meeting, access = selectors.meeting_get_for(
        user=user, client_id=client_id, meeting_id=meeting_id, action="client.printed", document="meeting_invitation"
    )
    return render(request, "meetings/invitation.html", base_context(meeting.client, access, meeting=meeting))


@login_required
@require_GET
def invitation_pdf(request: HttpRequest, client_id: int, meeting_id: int) -> HttpResponse:
    user = current_user(request)
    meeting, access = selectors.meeting_get_for(
        user=user,
        client_id=client_id,
        meeting_id=meeting_id,
        action="client.printed",
        document="meeting_invitation_pdf",
    )
    context = base_context(meeting.client, access, meeting=meeting)
    return pdf_response(render_pdf("meetings/invitation_pdf.html", context), f"kallelse-{meeting.pk}.pdf")
