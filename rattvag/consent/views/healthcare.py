"""Questions to healthcare: write, preview the letter, PDF, mark as sent, record the answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rattvag.core.errors import Conflict, PermissionRefused

from .. import selectors, services
from ..checks import require_consent
from ..forms import HealthcareAnswerForm, HealthcareRequestForm, HealthcareSendForm
from ..models import ConsentPurpose, HealthcareRequest, HealthcareRequestStatus
from ..pdf import letter_context, letter_pdf
from .common import add_service_errors, client_page_url, current_user, refused
from .consents import may_record


@login_required
@require_http_methods(["GET", "POST"])
def healthcare_new(request: HttpRequest, client_id: int) -> HttpResponse:
    """Pick questions from the catalogue and write free text; the consent is checked on saving."""
    user = current_user(request)
    client, access = selectors.client_for_action(user=user, client_id=client_id)
    if not may_record(user.role, access):
        raise Http404
    form = HealthcareRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.healthcare_request_create(
                actor=user,
                client=client,
                care_unit=form.cleaned_data["care_unit"],
                questions=list(form.cleaned_data["questions"]),
                free_text=form.cleaned_data["free_text"],
                reminder_after_days=form.cleaned_data["reminder_after_days"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionRefused as error:
            return refused(request, error)
        else:
            messages.success(request, _("The letter is ready. Check it, print it, then mark it as sent."))
            return redirect("consent:healthcare_detail", request_id=created.pk)
    return render(
        request,
        "consent/healthcare_new.html",
        {
            "client": client,
            "shows_identity": access.sees_protected_identity or not client.protected_identity,
            "form": form,
            "client_url": client_page_url(client.pk),
        },
    )


def _detail(
    request: HttpRequest,
    request_id: int,
    *,
    send_form: HealthcareSendForm | None = None,
    answer_form: HealthcareAnswerForm | None = None,
) -> HttpResponse:
    user = current_user(request)
    hr, access = selectors.healthcare_request_get_for(user=user, request_id=request_id)
    staff = may_record(user.role, access)
    return render(
        request,
        "consent/healthcare_detail.html",
        {
            **letter_context(hr),
            "access": access,
            "staff": staff,
            "shows_identity": access.sees_protected_identity or not hr.client.protected_identity,
            "send_form": send_form or (HealthcareSendForm() if staff else None),
            "answer_form": answer_form or (HealthcareAnswerForm() if staff else None),
            "client_url": client_page_url(hr.client_id),
            "overdue": hr.is_overdue(),
        },
    )


@login_required
@require_GET
def healthcare_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """The letter as it will be printed, its status, and the next step."""
    return _detail(request, request_id)


@login_required
@require_GET
def healthcare_pdf(request: HttpRequest, request_id: int) -> HttpResponse:
    """The letter as PDF (audited as a print). A draft is printed only while the consent still covers it.

    The care unit's own officer may download the letter sent to them (drafts are never shown to partners).
    """
    user = current_user(request)
    hr, _access = selectors.healthcare_request_get_for(user=user, request_id=request_id, action="client.printed")
    if hr.status == HealthcareRequestStatus.DRAFT:
        try:
            hr.consent = require_consent(
                client=hr.client, partner=hr.care_unit, purpose=ConsentPurpose.CONTACT_HEALTHCARE
            )
        except PermissionRefused as error:
            return refused(request, error)
    response = HttpResponse(letter_pdf(hr), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="fragor-till-varden-{hr.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _for_write(request: HttpRequest, request_id: int) -> HealthcareRequest:
    user = current_user(request)
    hr, access = selectors.healthcare_request_get_for(user=user, request_id=request_id)
    if not may_record(user.role, access):
        raise Http404
    return hr


@login_required
@require_POST
def healthcare_send(request: HttpRequest, request_id: int) -> HttpResponse:
    user = current_user(request)
    hr = _for_write(request, request_id)
    form = HealthcareSendForm(request.POST)
    if form.is_valid():
        try:
            services.healthcare_request_send(actor=user, request=hr, sent_on=form.cleaned_data["sent_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        except PermissionRefused as error:
            return refused(request, error)
        else:
            messages.success(request, _("Marked as sent. You will be reminded if no answer comes."))
            return redirect("consent:healthcare_detail", request_id=hr.pk)
    return _detail(request, request_id, send_form=form)


@login_required
@require_POST
def healthcare_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    user = current_user(request)
    hr = _for_write(request, request_id)
    form = HealthcareAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.healthcare_request_answer(
                actor=user,
                request=hr,
                answered_on=form.cleaned_data["answered_on"],
                answer_summary=form.cleaned_data["answer_summary"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        except PermissionRefused as error:
            return refused(request, error)
        else:
            messages.success(request, _("The answer is recorded."))
            return redirect("consent:healthcare_detail", request_id=hr.pk)
    return _detail(request, request_id, answer_form=form)
