"""One client's ladder and questionnaires: record an assessment, enter a questionnaire, create a tablet code.

Unit staff only, through rattvag.clients.access: anyone else gets 404. Reads and writes are audited
by the selectors and services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rattvag.audit.services import audit_log
from rattvag.clients.access import ClientAccess
from rattvag.clients.models import Client
from rattvag.stats.charts import line_chart_svg, svg_chart_view, svg_response

from .. import selectors, services
from ..forms import LadderAssessmentForm, QuestionnaireForm, TabletCodeForm
from .common import add_service_errors, current_user


def _shows_identity(client: Client, access: ClientAccess) -> bool:
    return access.sees_protected_identity or not client.protected_identity


def client_page(client_id: int, anchor: str = "ladder-panel-heading") -> str:
    return f"{reverse('clients:detail', args=[client_id])}#{anchor}"


@login_required
@require_http_methods(["GET", "POST"])
def ladder_assess(request: HttpRequest, client_id: int) -> HttpResponse:
    user = current_user(request)
    client, access = selectors.client_for_outcomes(user=user, client_id=client_id, for_writing=True)
    version = selectors.current_ladder_version(client.municipality)
    if version is None:
        raise Http404
    steps = selectors.ladder_steps(version)
    form = LadderAssessmentForm(request.POST or None, steps=steps, prefix="ladder")
    if request.method == "POST" and form.is_valid():
        step = selectors.step_of(version, form.cleaned_data["step"])
        if step is None:
            form.add_error("step", _("Choose a step."))
        else:
            try:
                services.ladder_assessment_record(
                    actor=user,
                    client=client,
                    step=step,
                    assessed_on=form.cleaned_data["assessed_on"],
                    assessed_by=form.cleaned_data["assessed_by"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The assessment is saved."))
                return redirect(client_page(client.pk))
    if request.method == "GET":
        audit_log(
            actor=user,
            action="ladder.viewed",
            client_id=client.pk,
            acting_for=access.acting_for,
            obj=client,
            data={"via": "form"},
        )
    return render(
        request,
        "outcomes/ladder_assess.html",
        {
            "client": client,
            "access": access,
            "shows_identity": _shows_identity(client, access),
            "form": form,
            "version": version,
            "steps": steps,
        },
    )


@login_required
@require_GET
@svg_chart_view
def ladder_chart(request: HttpRequest, client_id: int) -> HttpResponse:
    """The client's steps over time, as an image beside the table on the client page."""
    user = current_user(request)
    client, access = selectors.client_for_outcomes(user=user, client_id=client_id)
    points, version_steps = selectors.ladder_chart_points(client)
    audit_log(
        actor=user,
        action="ladder.viewed",
        client_id=client.pk,
        acting_for=access.acting_for,
        obj=client,
        data={"via": "chart", "assessments": len(points)},
    )
    series: dict[str, list[tuple[object, float | None]]] = {}
    for assessed_by, assessed_on, number in points:
        series.setdefault(assessed_by, []).append((assessed_on, number))
    top = 7 if version_steps is None else version_steps
    svg = line_chart_svg(
        title=_("Steps on the progression ladder"),
        series=series,  # type: ignore[arg-type]
        xlabel=_("Date"),
        ylabel=_("Step"),
        ylim=(0.5, max(top, 1) + 0.5),
        description=_("The client's steps over time; the same figures are in the table on the page."),
        width=6.5,
        height=3.2,
    )
    return svg_response(svg)


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_enter(request: HttpRequest, client_id: int, code: str) -> HttpResponse:
    """The caseworker fills in a questionnaire together with the client."""
    user = current_user(request)
    client, access = selectors.client_for_outcomes(user=user, client_id=client_id, for_writing=True)
    questionnaire = selectors.questionnaire_with_questions(code)
    if questionnaire is None:
        raise Http404
    form = QuestionnaireForm(request.POST or None, questionnaire=questionnaire, with_date=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_response_record(
                actor=user,
                client=client,
                questionnaire=questionnaire,
                answers=form.answers(),
                answered_on=form.cleaned_data["answered_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The answers are saved."))
            return redirect(client_page(client.pk))
    if request.method == "GET":
        audit_log(
            actor=user,
            action="questionnaire.viewed",
            client_id=client.pk,
            acting_for=access.acting_for,
            obj=client,
            data={"questionnaire": questionnaire.code},
        )
    return render(
        request,
        "outcomes/questionnaire_enter.html",
        {
            "client": client,
            "access": access,
            "shows_identity": _shows_identity(client, access),
            "form": form,
            "questionnaire": questionnaire,
        },
    )


@login_required
@require_POST
def tablet_code_create(request: HttpRequest, client_id: int) -> HttpResponse:
    """A one-time code for the shared tablet; shown once on the answer page, never stored in clear."""
    user = current_user(request)
    client, access = selectors.client_for_outcomes(user=user, client_id=client_id, for_writing=True)
    questionnaires = list(selectors.active_questionnaires())
    form = TabletCodeForm(request.POST, questionnaires=questionnaires)
    if not form.is_valid():
        messages.error(request, _("Choose a questionnaire."))
        return redirect(client_page(client.pk))
    questionnaire = next(q for q in questionnaires if q.code == form.cleaned_data["questionnaire"])
    try:
        created = services.tablet_code_create(actor=user, client=client, questionnaire=questionnaire)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(client_page(client.pk))
    response = render(
        request,
        "outcomes/tablet_code.html",
        {
            "client": client,
            "access": access,
            "shows_identity": _shows_identity(client, access),
            "questionnaire": questionnaire,
            "code": created.display,
            "expires_at": timezone.localtime(created.tablet_code.expires_at),
            "start_url": request.build_absolute_uri(reverse("outcomes:tablet_start")),
            "direct_url": request.build_absolute_uri(reverse("outcomes:tablet_questionnaire", args=[created.code])),
            "minutes": services.TABLET_CODE_MINUTES,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
