"""Pages for certificates, sick leave, SGI status and the care-unit registry.

Views parse input, call selectors (which check access and audit reads) and services (writes),
and render. Anything the user may not see answers 404.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rattvag.accounts.models import Role
from rattvag.clients.access import ClientAccess
from rattvag.clients.models import Client
from rattvag.clients.page import ClientPage
from rattvag.clients.selectors import client_get_for
from rattvag.core.concurrency import ConflictRow, conflict_context, with_version
from rattvag.core.errors import StaleVersion

from . import icd, selectors, services
from .forms import CareUnitMergeForm, CertificateFormSet, SgiStatusForm, blank_initial, initial_from
from .models import CareUnit, Certificate, DiagnosisSystem, SgiStatusValue
from .panels import panel_context
from .quality import check

if TYPE_CHECKING:
    from rattvag.accounts.models import User


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def client_page_url(client_id: int) -> str:
    """The client page (clients app); our own overview while that page does not exist."""
    try:
        return reverse("clients:detail", args=[client_id])
    except NoReverseMatch:
        return reverse("certificates:overview", args=[client_id])


def client_label(client: Client, access: ClientAccess) -> str:
    """The client's name for headings, unless the identity is protected from this user."""
    if client.protected_identity and not access.sees_protected_identity:
        return _("Client with protected personal data")
    return client.full_name


# --- the client page panel (also the body of the overview page) -------------------------------


def sick_leave_context(
    *, user: User, client: Client, access: ClientAccess, sgi_form: SgiStatusForm | None = None
) -> dict[str, Any]:
    """Everything the certificates panel shows; the reads are audited by the selectors."""
    return panel_context(page=ClientPage(user=user, client=client, access=access), sgi_form=sgi_form)


@login_required
@require_GET
def overview(request: HttpRequest, client_id: int) -> HttpResponse:
    user = _user(request)
    client, access = selectors.client_for(user=user, client_id=client_id)
    context = sick_leave_context(user=user, client=client, access=access)
    return render(
        request,
        "certificates/overview.html",
        {**context, "client": client, "access": access, "client_label": client_label(client, access)},
    )


@login_required
@require_POST
def sgi_record(request: HttpRequest, client_id: int) -> HttpResponse:
    user = _user(request)
    client, access = selectors.client_for(user=user, client_id=client_id, for_writing=True)
    form = SgiStatusForm(request.POST, prefix="sgi")
    if form.is_valid():
        try:
            services.sgi_status_record(
                actor=user,
                client=client,
                status=form.cleaned_data["status"],
                recorded_on=form.cleaned_data["recorded_on"],
                source=form.cleaned_data["source"],
            )
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
        else:
            if form.cleaned_data["status"] == SgiStatusValue.HAS:
                messages.success(
                    request,
                    _("SGI status saved. The client has SGI: apply for sjukpenning and consider closing the case."),
                )
            else:
                messages.success(request, _("SGI status saved."))
            return redirect(client_page_url(client.pk) + "#sgi")
    context = sick_leave_context(user=user, client=client, access=access, sgi_form=form)
    return render(
        request,
        "certificates/overview.html",
        {
            **context,
            "client": client,
            "access": access,
            "client_label": client_label(client, access),
            "sgi_errors": form.errors,
        },
    )


# --- register, edit, view ----------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    *,
    client: Client,
    access: ClientAccess,
    formset: CertificateFormSet,
    certificate: Certificate | None,
    conflict: dict[str, Any] | None = None,
) -> HttpResponse:
    bound = formset.main.is_bound
    findings = check(formset.data().quality_input()) if bound else None
    return render(
        request,
        "certificates/certificate_form.html",
        {
            "client": client,
            "access": access,
            "client_label": client_label(client, access),
            "client_url": client_page_url(client.pk),
            "formset": formset,
            "form": formset.main,
            "certificate": certificate,
            "error_items": formset.error_summary() if bound else [],
            "findings": findings,
            "code_notes": _code_notes(formset) if bound else [],
            "link_findings": True,
            **(conflict or {}),
        },
    )


def _code_notes(formset: CertificateFormSet) -> list[str]:
    """Non-blocking notes about codes: valid form but unknown to the WHO list (ICD-10-SE extensions)."""
    notes = []
    for diagnosis in formset.data().diagnoses:
        if diagnosis.code and diagnosis.system == DiagnosisSystem.ICD10SE:
            try:
                info = icd.validate_code(diagnosis.code, diagnosis.system)
            except icd.CodeError:
                continue
            if not info.known_to_who:
                notes.append(
                    _("%(code)s is unknown to the WHO list (it may be a Swedish ICD-10-SE code); chapter %(chapter)s.")
                    % {"code": info.display, "chapter": info.chapter or "?"}
                )
    return notes


def _save(
    request: HttpRequest,
    *,
    client: Client,
    access: ClientAccess,
    formset: CertificateFormSet,
    certificate: Certificate | None,
) -> HttpResponse:
    user = _user(request)
    if formset.is_valid():
        try:
            if certificate is None:
                saved = services.certificate_register(actor=user, client=client, data=formset.data())
                messages.success(request, _("The certificate is registered."))
            else:
                saved = services.certificate_update(
                    actor=user,
                    certificate=certificate,
                    data=formset.data(),
                    expected_version=formset.main.cleaned_data["version"],
                )
                messages.success(request, _("The certificate is saved."))
        except StaleVersion as error:
            # Someone saved in between: show what they changed, keep what this user typed, and move the
            # hidden version on so that saving again replaces their values on purpose.
            assert certificate is not None
            return _conflict_page(request, client=client, access=access, error=error)
        except ValidationError as error:
            formset.add_service_errors(error)
        else:
            return redirect("certificates:detail", client_id=client.pk, certificate_id=saved.pk)
    # Re-shown with 200 like every form in the app (browsers log 4xx pages as console errors).
    return _form_page(request, client=client, access=access, formset=formset, certificate=certificate)


# Model fields the certificate form shows under another name.
_CONFLICT_FIELDS = {"care_unit": ("care_unit_name", "care_unit_hsa_id")}


def _conflict_page(request: HttpRequest, *, client: Client, access: ClientAccess, error: StaleVersion) -> HttpResponse:
    # Showing the saved values is a read of the certificate: audited like opening it.
    current, access = selectors.certificate_get_for(
        user=_user(request), client_id=client.pk, certificate_id=error.current.pk
    )
    formset = CertificateFormSet(with_version(request.POST, current.version), edit=True)
    formset.is_valid()
    initial = initial_from(current)
    conflict = conflict_context(
        error=error, form=formset.main, current_values=initial["main"], field_map=_CONFLICT_FIELDS, user=_user(request)
    )
    rows = conflict["conflict"]["rows"]
    if "diagnoses" in error.changed_fields:
        shown = [f"{d['code']} {d['text']}".strip() for d in initial["diagnoses"]]
        rows.append(ConflictRow(label=_("Diagnoses"), value="; ".join(shown) or _("(empty)")))
    if "periods" in error.changed_fields:
        shown = [f"{p['degree']} % {p['start']:%Y-%m-%d}–{p['end']:%Y-%m-%d}" for p in initial["periods"]]
        rows.append(ConflictRow(label=_("Sick-leave periods"), value="; ".join(shown) or _("(empty)")))
    return _form_page(request, client=client, access=access, formset=formset, certificate=current, conflict=conflict)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_register(request: HttpRequest, client_id: int) -> HttpResponse:
    user = _user(request)
    client, access = selectors.client_for(user=user, client_id=client_id, for_writing=True)
    if request.method == "POST":
        return _save(request, client=client, access=access, formset=CertificateFormSet(request.POST), certificate=None)
    # Showing the form shows who the client is: an audited read.
    client, access = client_get_for(user=user, client_id=client_id, purpose="certificate")
    formset = CertificateFormSet(initial=blank_initial(timezone.localdate()))
    return _form_page(request, client=client, access=access, formset=formset, certificate=None)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_edit(request: HttpRequest, client_id: int, certificate_id: int) -> HttpResponse:
    user = _user(request)
    certificate, access = selectors.certificate_get_for(
        user=user, client_id=client_id, certificate_id=certificate_id, audit=request.method == "GET"
    )
    if access.is_partner:
        raise Http404
    client = certificate.client
    if request.method == "POST":
        formset = CertificateFormSet(request.POST, edit=True)
        return _save(request, client=client, access=access, formset=formset, certificate=certificate)
    formset = CertificateFormSet(initial=initial_from(certificate), edit=True)
    return _form_page(request, client=client, access=access, formset=formset, certificate=certificate)


@login_required
@require_GET
def certificate_detail(request: HttpRequest, client_id: int, certificate_id: int) -> HttpResponse:
    user = _user(request)
    certificate, access = selectors.certificate_get_for(user=user, client_id=client_id, certificate_id=certificate_id)
    client = certificate.client
    return render(
        request,
        "certificates/certificate_detail.html",
        {
            "client": client,
            "access": access,
            "client_label": client_label(client, access),
            "client_url": client_page_url(client.pk),
            "certificate": certificate,
            "findings": selectors.quality_findings(certificate),
        },
    )


@login_required
@require_POST
def quality_check(request: HttpRequest, client_id: int) -> HttpResponse:
    """The quality panel for what is typed so far (HTMX). Reads nothing stored about the client."""
    selectors.client_for(user=_user(request), client_id=client_id)
    formset = CertificateFormSet(request.POST)
    formset.is_valid()
    return render(
        request,
        "certificates/_quality_panel.html",
        {"findings": check(formset.data().quality_input()), "code_notes": _code_notes(formset), "link_findings": True},
    )


# --- lookups (no personal data: GET is fine) ---------------------------------------------------

_ROW_CODE = re.compile(r"^diagnoses-(\d)-code$")


@login_required
@require_GET
def diagnosis_lookup(request: HttpRequest) -> HttpResponse:
    """Suggestions for a diagnosis code as it is typed, and what the typed code means.

    Takes `code` (and `system`), or the form's own field names (`diagnoses-N-code`, `diagnoses-N-system`).
    """
    row, code, system = 0, request.GET.get("code", ""), request.GET.get("system", "")
    for name in request.GET:
        match = _ROW_CODE.match(name)
        if match:
            row, code = int(match.group(1)), request.GET.get(name, "")
            system = request.GET.get(f"diagnoses-{row}-system", system)
    system = system if system in DiagnosisSystem.values else DiagnosisSystem.ICD10SE
    info, problem = None, ""
    if len(icd.clean_code(code)) >= 3:
        try:
            info = icd.validate_code(code, system)
        except icd.CodeError as error:
            problem = str(error)
    return render(
        request,
        "certificates/_diagnosis_lookup.html",
        {
            "row": row,
            "suggestions": icd.suggest_codes(code) if code.strip() else [],
            "info": info,
            "chapter_name": icd.chapter_name(info.chapter) if info else "",
            "problem": problem,
        },
    )


@login_required
@require_GET
def care_unit_lookup(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("care_unit_name", request.GET.get("q", ""))
    units = list(selectors.care_unit_search(query, limit=15)) if len(query.strip()) >= 2 else []
    return render(request, "certificates/_care_unit_lookup.html", {"units": units})


# --- care units: completeness, registry search and merging -------------------------------------


def _may_merge(user: User) -> bool:
    return user.role in {Role.UNIT_MANAGER, Role.ADMIN} or user.is_superuser


@login_required
@require_GET
def care_units(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = selectors.care_unit_completeness(user=user)  # 404 for users outside unit work
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "certificates/care_units.html",
        {
            "rows": rows,
            "query": query,
            "results": list(selectors.care_unit_search(query)) if query else None,
            "may_merge": _may_merge(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def care_unit_merge(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not _may_merge(user) or not user.is_active:
        raise Http404
    query = request.GET.get("q", "").strip()
    candidates = CareUnit.objects.filter(merged_into__isnull=True).order_by("name", "pk")
    form = CareUnitMergeForm(request.POST or None, queryset=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            kept = services.care_unit_merge(
                actor=user, keep=form.cleaned_data["keep"], merge=form.cleaned_data["merge"]
            )
        except ValidationError as error:
            for field, texts in (
                error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
            ):
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
        else:
            messages.success(request, _("The care units are merged into %(name)s.") % {"name": kept.name})
            return redirect("certificates:care_units")
    if query:
        narrowed = selectors.care_unit_search(query, limit=200)
        form.fields["keep"].queryset = narrowed  # type: ignore[attr-defined]
        form.fields["merge"].queryset = narrowed  # type: ignore[attr-defined]
    return render(
        request,
        "certificates/care_unit_merge.html",
        {"form": form, "query": query},
    )
