"""Case consultation with Försäkringskassan (metodhandledning): sessions, cases raised, advice, counts."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rattvag.accounts.models import Role
from rattvag.core.concurrency import conflict_context, with_version
from rattvag.core.errors import PermissionRefused, StaleVersion

from .. import selectors, services
from ..forms import AdviceForm, ConsultationCaseForm, ConsultationForm, PeriodForm
from ..models import Consultation, ConsultationCase
from .common import add_service_errors, current_user

STAFF = {Role.CASEWORKER, Role.UNIT_MANAGER, Role.NURSE}


def _may_use_consultations(role: str) -> bool:
    return role in STAFF or role == Role.PARTNER_OFFICER


def _default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """This calendar year so far."""
    return today.replace(month=1, day=1), today


@login_required
@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    """The consultations the user takes part in, and the figures for a period.

    The period is in the query string: dates are no personal data.
    """
    user = current_user(request)
    if not _may_use_consultations(user.role):
        raise Http404
    today = timezone.localdate()
    start, end = _default_period(today)
    period = PeriodForm(request.GET if "start" in request.GET else None, initial={"start": start, "end": end})
    if period.is_bound and period.is_valid():
        start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    return render(
        request,
        "consent/consultation_list.html",
        {
            "consultations": list(selectors.consultations_for(user).prefetch_related("cases")[:100]),
            "counts": selectors.consultation_counts(user=user, start=start, end=end),
            "period": period,
            "may_create": user.role in {Role.CASEWORKER, Role.UNIT_MANAGER},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role not in {Role.CASEWORKER, Role.UNIT_MANAGER}:
        raise Http404
    form = ConsultationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_create(
                actor=user,
                unit=form.cleaned_data["unit"],
                held_on=form.cleaned_data["held_on"],
                fk_officer=form.cleaned_data["fk_officer"],
                caseworkers=list(form.cleaned_data["caseworkers"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The consultation is created. Raise the cases in it."))
            return redirect("consent:consultation_detail", consultation_id=consultation.pk)
    return render(request, "consent/consultation_new.html", {"form": form})


def _case_form(request: HttpRequest, consultation: Consultation, data: object = None) -> ConsultationCaseForm:
    user = current_user(request)
    partner = consultation.fk_officer.partner
    clients = selectors.clients_with_consultation_consent(user=user, partner=partner, on=consultation.held_on)
    return ConsultationCaseForm(data, clients=clients)


@login_required
@require_http_methods(["GET", "POST"])
def consultation_detail(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """The cases raised, with advice; staff raise new cases here (identified only under consent)."""
    user = current_user(request)
    consultation = selectors.consultations_for(user).filter(pk=consultation_id).first()
    if consultation is None:
        raise Http404
    may_raise = user.role in STAFF
    form = _case_form(request, consultation, request.POST if request.method == "POST" else None) if may_raise else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.consultation_case_raise(
                    actor=user,
                    consultation=consultation,
                    question=form.cleaned_data["question"],
                    client=form.cleaned_data["client"],
                    age_band=form.cleaned_data["age_band"],
                    diagnosis_chapter=form.cleaned_data["diagnosis_chapter"],
                    sick_leave_days=form.cleaned_data["sick_leave_days"],
                    pseudonym_key=form.cleaned_data["pseudonym_key"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionRefused as error:
                form.add_error("client", error.message)
            else:
                messages.success(request, _("The case is added to the consultation."))
                return redirect("consent:consultation_detail", consultation_id=consultation.pk)
    consultation, items = selectors.consultation_get_for(user=user, consultation_id=consultation.pk)
    if form is not None:
        # Listing the clients one may raise by name shows them: audited as a list.
        selectors.audit_consultation_choices(user=user, clients=list(form.fields["client"].queryset or []))  # type: ignore[attr-defined]
    return render(
        request,
        "consent/consultation_detail.html",
        {"consultation": consultation, "items": items, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_advice(request: HttpRequest, consultation_id: int, item_id: int) -> HttpResponse:
    """The FK officer's advice and the follow-up actions for one case."""
    user = current_user(request)
    item = selectors.consultation_item_get_for(user=user, consultation_id=consultation_id, item_id=item_id)
    form = AdviceForm(request.POST or None, initial=_advice_initial(item))
    conflict: dict[str, object] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_case_advise(
                actor=user,
                item=item,
                advice=form.cleaned_data["advice"],
                follow_up=form.cleaned_data["follow_up"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as error:
            # Someone saved in between: show what they wrote, keep what this user typed, and move the hidden
            # version on so that saving again replaces theirs on purpose.
            item = selectors.consultation_item_get_for(user=user, consultation_id=consultation_id, item_id=item_id)
            form = AdviceForm(with_version(request.POST, item.version), initial=_advice_initial(item))
            conflict = conflict_context(error=error, form=form, current_values=_advice_initial(item), user=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The advice is recorded."))
            return redirect("consent:consultation_detail", consultation_id=consultation_id)
    return render(
        request,
        "consent/consultation_advice.html",
        {"consultation": item.consultation, "item": item, "form": form, **conflict},
    )


def _advice_initial(item: ConsultationCase) -> dict[str, object]:
    return {"advice": item.advice, "follow_up": item.follow_up, "version": item.version}
