"""SIP pages: the current SIP with its history, a new version, any version as a page or a PDF, ending it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rattvag.consent.models import ConsentPurpose
from rattvag.consent.views.common import record_url
from rattvag.core.concurrency import conflict_context, with_version
from rattvag.core.errors import Conflict, PermissionRefused, StaleVersion

from .. import selectors, services
from ..forms import SipForm
from ..models import SipVersion
from ..pdf import render_pdf
from ..permissions import client_for_write, may_write
from .common import add_refusal, add_service_errors, base_context, current_user, pdf_response

SIP_FIELDS = (
    "client_goal",
    "interventions_needed",
    "municipality_interventions",
    "region_interventions",
    "other_interventions",
    "overall_responsibility",
    "follow_up_on",
    "follow_up_how",
    "meeting",
    "client_agreed_on",
)


def _initial_from(version: SipVersion | None) -> dict[str, Any]:
    if version is None:
        return {"based_on": 0}
    initial: dict[str, Any] = {name: getattr(version, name) for name in SIP_FIELDS}
    initial["meeting"] = version.meeting_id
    initial["partners"] = [p.pk for p in version.partners.all()]
    initial["based_on"] = version.number
    return initial


@login_required
@require_GET
def sip_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    user = current_user(request)
    client, access, overview = selectors.sip_get_for(user=user, client_id=client_id)
    writer = may_write(user, access)
    consent_ok = services.has_sip_consent(client=client) if writer else True
    return render(
        request,
        "meetings/sip_detail.html",
        base_context(
            client,
            access,
            overview=overview,
            may_write=writer,
            consent_ok=consent_ok,
            consent_link=record_url(client.pk, purpose=ConsentPurpose.SIP),
            follow_up_overdue=selectors.sip_follow_up_overdue(overview.current),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def sip_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    """Write the SIP; saving always adds a new version. The form starts from the current version."""
    user = current_user(request)
    client, access = client_for_write(user=user, client_id=client_id)
    current = selectors.current_sip_version(client=client)
    form = SipForm(
        request.POST or None,
        initial=_initial_from(current),
        partner_queryset=selectors.partner_choices(),
        meeting_queryset=selectors.sip_meeting_choices(client=client),
    )
    consent_link = ""
    conflict: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            version = services.sip_save(
                actor=user, client=client, data=form.to_data(), based_on=form.cleaned_data["based_on"]
            )
        except StaleVersion as error:
            # A newer version was saved in between: show what it changed, keep what this user typed, and
            # start from the newer version so that saving again replaces it on purpose.
            current = selectors.current_sip_version(client=client)
            form = SipForm(
                with_version(request.POST, current.number if current is not None else 0, name="based_on"),
                initial=_initial_from(current),
                partner_queryset=selectors.partner_choices(),
                meeting_queryset=selectors.sip_meeting_choices(client=client),
            )
            conflict = conflict_context(error=error, form=form, current_values=_initial_from(current), user=user)
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        except PermissionRefused as error:
            consent_link = add_refusal(form, error, "partners")
        else:
            messages.success(request, _("The SIP is saved as version %(number)d.") % {"number": version.number})
            return redirect("meetings:sip", client_id=client.pk)
    if not consent_link and not services.has_sip_consent(client=client):
        consent_link = record_url(client.pk, purpose=ConsentPurpose.SIP)
    return render(
        request,
        "meetings/sip_form.html",
        base_context(client, access, form=form, current=current, consent_link=consent_link, **conflict),
    )


@login_required
@require_GET
def sip_version(request: HttpRequest, client_id: int, version_id: int) -> HttpResponse:
    user = current_user(request)
    version, access = selectors.sip_version_get_for(user=user, client_id=client_id, version_id=version_id)
    current = selectors.current_sip_version(client=version.sip.client)
    return render(
        request,
        "meetings/sip_version.html",
        base_context(
            version.sip.client,
            access,
            version=version,
            is_current=current is not None and current.pk == version.pk,
        ),
    )


@login_required
@require_GET
def sip_version_pdf(request: HttpRequest, client_id: int, version_id: int) -> HttpResponse:
    user = current_user(request)
    version, access = selectors.sip_version_get_for(
        user=user, client_id=client_id, version_id=version_id, action="client.printed", document="sip_pdf"
    )
    context = base_context(version.sip.client, access, version=version)
    return pdf_response(render_pdf("meetings/sip_pdf.html", context), f"sip-{version.sip_id}-v{version.number}.pdf")


@login_required
@require_POST
def sip_end(request: HttpRequest, client_id: int) -> HttpResponse:
    user = current_user(request)
    client, _access = client_for_write(user=user, client_id=client_id)
    sip = selectors.current_sip(client=client)
    if sip is None:
        raise Http404
    sip.client = client
    try:
        services.sip_end(actor=user, sip=sip)
    except (Conflict, ValidationError) as error:
        messages.error(request, error.message if isinstance(error, Conflict) else " ".join(error.messages))
    else:
        messages.success(request, _("The SIP has ended. Its versions are kept."))
    return redirect("meetings:sip", client_id=client.pk)
