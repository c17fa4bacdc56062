"""The shared-tablet view: only the questionnaire, opened by a one-time code, then "Tack" and nothing else.

No login and no navigation: the pages use their own minimal layout (outcomes/tablet_base.html) and show
no name, number or other client data, whoever happens to be logged in on the device. A used, expired or
wrong code answers 404 with the same page whatever the reason.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .. import selectors, services
from ..forms import QuestionnaireForm, TabletStartForm
from .common import add_service_errors


def _not_valid(request: HttpRequest) -> HttpResponse:
    return render(request, "outcomes/tablet_not_valid.html", status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def tablet_start(request: HttpRequest) -> HttpResponse:
    form = TabletStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = services.normalise_code(form.cleaned_data["code"])
        if services.tablet_code_usable(code) is not None:
            return redirect("outcomes:tablet_questionnaire", code=code)
        form.add_error("code", _("The code is not valid. It may have been used already or expired."))
    return render(request, "outcomes/tablet_start.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def tablet_questionnaire(request: HttpRequest, code: str) -> HttpResponse:
    tablet_code = services.tablet_code_usable(code)
    if tablet_code is None:
        return _not_valid(request)
    questionnaire = selectors.questionnaire_with_questions(tablet_code.questionnaire.code)
    if questionnaire is None:
        return _not_valid(request)
    form = QuestionnaireForm(request.POST or None, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            services.tablet_response_submit(code=code, answers=form.answers())
        except Http404:
            return _not_valid(request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("outcomes:tablet_thanks")
    return render(request, "outcomes/tablet_questionnaire.html", {"form": form, "questionnaire": questionnaire})


@never_cache
@require_GET
def tablet_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "outcomes/tablet_thanks.html")
