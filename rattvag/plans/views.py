"""Plan and activity pages: plans with their versions (page and PDF), new versions, ending; activities."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rattvag.core.concurrency import conflict_context, with_version
from rattvag.core.errors import Conflict, StaleVersion
from rattvag.meetings.pdf import render_pdf
from rattvag.meetings.permissions import client_for_write, may_write
from rattvag.meetings.views.common import add_service_errors, base_context, current_user, pdf_response

from . import selectors, services
from .forms import PLAN_FORMS, ActivityForm, EndPlanForm
from .models import ActivityType, Plan, PlanKind


@login_required
@require_GET
def plan_list(request: HttpRequest, client_id: int) -> HttpResponse:
    user = current_user(request)
    client, access, overview = selectors.plan_list_for(user=user, client_id=client_id)
    return render(
        request,
        "plans/plan_list.html",
        base_context(client, access, overview=overview, may_write=may_write(user, access), kinds=PlanKind),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, client_id: int, kind: str) -> HttpResponse:
    """Write a plan of a kind; if the client already has one, save a new version of that instead."""
    if kind not in PlanKind.values:
        raise Http404
    user = current_user(request)
    client, access = client_for_write(user=user, client_id=client_id)
    existing = selectors.open_plans(client=client).filter(kind=kind).first()
    if existing is not None:
        return redirect("plans:revise", client_id=client.pk, plan_id=existing.pk)
    form = PLAN_FORMS[kind](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.plan_create(actor=user, client=client, kind=kind, data=form.to_data())
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The plan is saved as version 1."))
            return redirect("plans:detail", client_id=client.pk, plan_id=version.plan_id)
    return render(
        request,
        "plans/plan_form.html",
        base_context(client, access, form=form, kind=kind, kind_label=PlanKind(kind).label, plan=None, current=None),
    )


@login_required
@require_GET
def plan_detail(request: HttpRequest, client_id: int, plan_id: int) -> HttpResponse:
    user = current_user(request)
    row, access = selectors.plan_get_for(user=user, client_id=client_id, plan_id=plan_id)
    plan = row.plan
    activities = list(selectors.activities_of(client=plan.client).filter(plan=plan))
    return render(
        request,
        "plans/plan_detail.html",
        base_context(
            plan.client,
            access,
            row=row,
            plan=plan,
            activities=activities,
            may_write=may_write(user, access),
            end_form=EndPlanForm(prefix="end"),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_revise(request: HttpRequest, client_id: int, plan_id: int) -> HttpResponse:
    """Save a new version of an open plan, starting from the current one."""
    user = current_user(request)
    plan, access = selectors.plan_for_write(user=user, client_id=client_id, plan_id=plan_id)
    if plan.ended_on is not None:
        raise Http404
    current = selectors.current_version(plan)
    form_class = PLAN_FORMS[plan.kind]
    form = form_class(request.POST or None, initial=form_class.initial_from(current), revision=True)
    conflict: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            version = services.plan_revise(
                actor=user, plan=plan, data=form.to_data(), based_on=form.cleaned_data["based_on"]
            )
        except StaleVersion as error:
            # A newer version was saved in between: show what it changed, keep what this user typed, and
            # start from the newer version so that saving again replaces it on purpose.
            current = selectors.current_version(plan)
            initial = form_class.initial_from(current)
            form = form_class(
                with_version(request.POST, initial["based_on"], name="based_on"), initial=initial, revision=True
            )
            conflict = conflict_context(error=error, form=form, current_values=initial, user=user)
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The plan is saved as version %(number)d.") % {"number": version.number})
            return redirect("plans:detail", client_id=client_id, plan_id=plan.pk)
    return render(
        request,
        "plans/plan_form.html",
        base_context(
            plan.client,
            access,
            form=form,
            kind=plan.kind,
            kind_label=plan.get_kind_display(),
            plan=plan,
            current=current,
            **conflict,
        ),
    )


@login_required
@require_GET
def plan_version(request: HttpRequest, client_id: int, plan_id: int, number: int) -> HttpResponse:
    user = current_user(request)
    version, access = selectors.plan_version_get_for(user=user, client_id=client_id, plan_id=plan_id, number=number)
    latest = version.plan.versions.order_by("-number").values_list("number", flat=True).first()
    return render(
        request,
        "plans/plan_version.html",
        base_context(version.plan.client, access, version=version, plan=version.plan, is_current=latest == number),
    )


@login_required
@require_GET
def plan_version_pdf(request: HttpRequest, client_id: int, plan_id: int, number: int) -> HttpResponse:
    user = current_user(request)
    version, access = selectors.plan_version_get_for(
        user=user, client_id=client_id, plan_id=plan_id, number=number, action="client.printed", document="plan_pdf"
    )
    plan = version.plan
    activities = list(selectors.activities_of(client=plan.client).filter(plan=plan))
    context = base_context(plan.client, access, version=version, plan=plan, activities=activities)
    return pdf_response(render_pdf("plans/plan_pdf.html", context), f"plan-{plan.pk}-v{version.number}.pdf")


@login_required
@require_POST
def plan_end(request: HttpRequest, client_id: int, plan_id: int) -> HttpResponse:
    user = current_user(request)
    plan, _access = selectors.plan_for_write(user=user, client_id=client_id, plan_id=plan_id)
    form = EndPlanForm(request.POST, prefix="end")
    ended_on = form.cleaned_data["ended_on"] if form.is_valid() else None
    try:
        services.plan_end(actor=user, plan=plan, ended_on=ended_on)
    except (Conflict, ValidationError) as error:
        messages.error(request, error.message if isinstance(error, Conflict) else " ".join(error.messages))
    else:
        messages.success(request, _("The plan has ended. Its versions are kept."))
    return redirect("plans:detail", client_id=client_id, plan_id=plan.pk)


# --- Activities -------------------------------------------------------------------------------------


@login_required
@require_GET
def activity_list(request: HttpRequest, client_id: int) -> HttpResponse:
    user = current_user(request)
    client, access, activities = selectors.activity_list_for(user=user, client_id=client_id)
    return render(
        request,
        "plans/activity_list.html",
        base_context(client, access, activities=activities, may_write=may_write(user, access)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest, client_id: int) -> HttpResponse:
    user = current_user(request)
    client, access = client_for_write(user=user, client_id=client_id)
    initial = {}
    plan_id = request.GET.get("plan", "")
    if plan_id.isdigit():
        initial["plan"] = int(plan_id)
    form = ActivityForm(
        request.POST or None,
        initial=initial,
        type_queryset=selectors.activity_type_choices(),
        plan_queryset=selectors.open_plans(client=client),
        partner_queryset=selectors.partner_choices(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_register(actor=user, client=client, data=form.to_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The activity is registered."))
            if activity.plan_id:
                return redirect("plans:detail", client_id=client.pk, plan_id=activity.plan_id)
            return redirect("plans:activities", client_id=client.pk)
    return render(request, "plans/activity_form.html", base_context(client, access, form=form, activity=None))


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, client_id: int, activity_id: int) -> HttpResponse:
    """Record that the activity started or ended and its result, or change its details."""
    user = current_user(request)
    activity, access = selectors.activity_for_write(user=user, client_id=client_id, activity_id=activity_id)
    client = activity.client
    types = selectors.activity_type_choices() | ActivityType.objects.filter(pk=activity.type_id)
    plans = selectors.open_plans(client=client) | Plan.objects.filter(pk=activity.plan_id or 0)
    choices = {
        "type_queryset": types.distinct(),
        "plan_queryset": plans.distinct(),
        "partner_queryset": selectors.partner_choices(),
    }
    form = ActivityForm(request.POST or None, initial=ActivityForm.initial_from(activity), edit=True, **choices)
    conflict: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                actor=user, activity=activity, data=form.to_data(), expected_version=form.cleaned_data["version"]
            )
        except StaleVersion as error:
            # Someone saved in between: show what they changed, keep what this user typed, and move the
            # hidden version on so that saving again replaces their values on purpose.
            activity, access = selectors.activity_for_write(user=user, client_id=client_id, activity_id=activity_id)
            initial = ActivityForm.initial_from(activity)
            form = ActivityForm(with_version(request.POST, activity.version), initial=initial, edit=True, **choices)
            conflict = conflict_context(error=error, form=form, current_values=initial, user=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The activity is saved."))
            return redirect("plans:activities", client_id=client.pk)
    return render(
        request, "plans/activity_form.html", base_context(client, access, form=form, activity=activity, **conflict)
    )
