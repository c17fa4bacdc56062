"""Consent pages: the client's consents, recording, withdrawal, replacement, the scanned document,
and the partner officer's start page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rattvag.accounts.models import Role
from rattvag.clients.access import ClientAccess
from rattvag.clients.models import Client
from rattvag.core.concurrency import ConflictRow, conflict_context, with_version
from rattvag.core.errors import Conflict, PermissionRefused, StaleVersion

from .. import selectors, services
from ..forms import ConsentRecordForm, ConsentReplaceForm, ConsentWithdrawForm
from ..models import Consent, ConsentPurpose, WithdrawalForm
from .common import add_service_errors, client_page_url, current_user, refused


def _shows_identity(client: Client, access: ClientAccess) -> bool:
    return access.sees_protected_identity or not client.protected_identity


def may_record(user_role: str, access: ClientAccess) -> bool:
    return not access.is_partner and user_role in {Role.CASEWORKER, Role.NURSE, Role.UNIT_MANAGER}


def _initial_from_query(request: HttpRequest) -> dict[str, object]:
    """A refusal links here with the missing purpose and partner preselected (codes only)."""
    initial: dict[str, object] = {}
    purpose = request.GET.get("purpose", "")
    if purpose in ConsentPurpose.values:
        initial["purposes"] = [purpose]
    partner = request.GET.get("partner", "")
    if partner.startswith(("p:", "k:")) and len(partner) < 30:
        initial["partner"] = partner
    return initial


def _client_page(
    request: HttpRequest, client_id: int, form: ConsentRecordForm | None = None, status: int = 200
) -> HttpResponse:
    user = current_user(request)
    client, access, consents = selectors.client_consents_get_for(user=user, client_id=client_id)
    if form is None and may_record(user.role, access):
        form = ConsentRecordForm(initial=_initial_from_query(request), prefix="consent")
    return render(
        request,
        "consent/client_consents.html",
        {
            "client": client,
            "access": access,
            "shows_identity": _shows_identity(client, access),
            "panel": selectors.consent_panel(consents=consents),
            "consents": consents,
            "form": form,
            "staff": may_record(user.role, access),
            "client_url": client_page_url(client.pk),
        },
        status=status,
    )


@login_required
@require_GET
def client_consents(request: HttpRequest, client_id: int) -> HttpResponse:
    """Every consent of the client, history included, and the full recording form."""
    return _client_page(request, client_id)


@login_required
@require_POST
def consent_record(request: HttpRequest, client_id: int) -> HttpResponse:
    user = current_user(request)
    client, access = selectors.client_for_action(user=user, client_id=client_id)
    if not may_record(user.role, access):
        raise Http404
    form = ConsentRecordForm(request.POST, request.FILES, prefix="consent")
    if form.is_valid():
        partner, partner_kind = form.recipient()
        try:
            services.consent_record(
                actor=user,
                client=client,
                partner=partner,
                partner_kind=partner_kind,
                purposes=form.cleaned_data["purposes"],
                form=form.cleaned_data["form"],
                witnessed_by=form.cleaned_data["witnessed_by"],
                given_on=form.cleaned_data["given_on"],
                valid_until=form.cleaned_data["valid_until"],
                until_case_closes=form.cleaned_data["until_case_closes"],
                document=form.cleaned_data["document"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionRefused as error:
            return refused(request, error)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect(client_page_url(client.pk))
    return _client_page(request, client.pk, form=form)


def _staff_consent(request: HttpRequest, consent_id: int) -> tuple[Consent, ClientAccess]:
    user = current_user(request)
    consent, access = selectors.consent_get_for(user=user, consent_id=consent_id)
    if not may_record(user.role, access):
        raise Http404
    return consent, access


def _conflict(
    request: HttpRequest, error: StaleVersion, form: ConsentWithdrawForm | ConsentReplaceForm
) -> dict[str, object]:
    """The conflict panel for a consent that was withdrawn or replaced after the page was loaded."""
    current: Consent = error.current
    context = conflict_context(error=error, form=form, current_values={}, user=current_user(request))
    rows: list[ConflictRow] = context["conflict"]["rows"]
    if current.withdrawn_on is not None:
        rows.append(ConflictRow(label=_("Withdrawn on"), value=current.withdrawn_on.isoformat()))
        rows.append(ConflictRow(label=_("How"), value=str(WithdrawalForm(current.withdrawn_how).label)))
    if current.replaced_by is not None:
        rows.append(
            ConflictRow(label=_("Replaced by the consent given on"), value=current.replaced_by.given_on.isoformat())
        )
    return context


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    """Step two of withdrawing: confirm, with the date (today unless changed) and how."""
    user = current_user(request)
    consent, access = _staff_consent(request, consent_id)
    form = ConsentWithdrawForm(request.POST or None, initial={"version": consent.version})
    conflict: dict[str, object] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                actor=user,
                consent=consent,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                how=form.cleaned_data["how"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as error:
            form = ConsentWithdrawForm(with_version(request.POST, error.current.version))
            conflict = _conflict(request, error, form)
            consent = error.current
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        except PermissionRefused as error:
            return refused(request, error)
        else:
            messages.success(request, _("The withdrawal is recorded. The consent no longer covers anything."))
            return redirect(client_page_url(consent.client_id))
    return render(
        request,
        "consent/consent_withdraw.html",
        {
            "consent": consent,
            "client": consent.client,
            "shows_identity": _shows_identity(consent.client, access),
            "form": form,
            "client_url": client_page_url(consent.client_id),
            **conflict,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_replace(request: HttpRequest, consent_id: int) -> HttpResponse:
    """A new consent for the same partner (e.g. other purposes or a new period) takes over from this one."""
    user = current_user(request)
    consent, access = _staff_consent(request, consent_id)
    initial = {
        "purposes": consent.purposes,
        "form": consent.form,
        "witnessed_by": consent.witnessed_by,
        "until_case_closes": consent.until_case_closes,
        "version": consent.version,
    }
    form = ConsentReplaceForm(request.POST or None, request.FILES or None, initial=initial)
    conflict: dict[str, object] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_replace(
                actor=user,
                consent=consent,
                purposes=form.cleaned_data["purposes"],
                form=form.cleaned_data["form"],
                witnessed_by=form.cleaned_data["witnessed_by"],
                given_on=form.cleaned_data["given_on"],
                valid_until=form.cleaned_data["valid_until"],
                until_case_closes=form.cleaned_data["until_case_closes"],
                document=form.cleaned_data["document"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as error:
            # The typed values stay; a chosen file must be chosen again (browsers never refill file inputs).
            form = ConsentReplaceForm(with_version(request.POST, error.current.version), initial=initial)
            conflict = _conflict(request, error, form)
            consent = error.current
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        except PermissionRefused as error:
            return refused(request, error)
        else:
            messages.success(request, _("The new consent is recorded and replaces the earlier one."))
            return redirect(client_page_url(consent.client_id))
    return render(
        request,
        "consent/consent_replace.html",
        {
            "consent": consent,
            "client": consent.client,
            "shows_identity": _shows_identity(consent.client, access),
            "form": form,
            "client_url": client_page_url(consent.client_id),
            **conflict,
        },
    )


@login_required
@require_GET
def consent_document(request: HttpRequest, consent_id: int) -> FileResponse:
    """The scanned consent, for staff who see the client; every download is audited."""
    user = current_user(request)
    consent, access = selectors.consent_for_action(user=user, consent_id=consent_id)
    if not may_record(user.role, access) or not consent.document:
        raise Http404  # refused before anything is read: no "viewed" event for an access that did not happen
    consent, access = selectors.consent_get_for(user=user, consent_id=consent_id, action="consent.document_viewed")
    extension = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}.get(
        consent.document_content_type, ""
    )
    return FileResponse(
        consent.document.open("rb"),
        as_attachment=True,
        filename=f"samtycke-{consent.pk}{extension}",
        content_type=consent.document_content_type or "application/octet-stream",
    )


@login_required
@require_GET
def partner_home(request: HttpRequest) -> HttpResponse:
    """The partner officer's start page: shared clients, upcoming consultations, open questions."""
    user = current_user(request)
    if user.role != Role.PARTNER_OFFICER or user.partner is None:
        raise Http404
    return render(
        request,
        "consent/partner_home.html",
        {
            "partner": user.partner,
            "shared": selectors.partner_shared_clients(user=user),
            "consultations": selectors.upcoming_consultations(user=user),
            "questions": selectors.partner_open_questions(user=user),
        },
    )
