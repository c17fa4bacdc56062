"""The worklist (Att göra) and the unit manager's page for the unit's method rules.

Views parse input, call selectors and services, and render. Roles without a worklist get 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rattvag.accounts.models import Role, User
from rattvag.clients.forms import add_service_errors
from rattvag.core.errors import PermissionRefused
from rattvag.core.pagination import pagination_context

from . import selectors, services
from .forms import RuleSettingForm, WorklistFilterForm
from .links import client_page
from .rules import RULES

if TYPE_CHECKING:
    from django.db.models import QuerySet


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _caseworkers_of(user: User) -> QuerySet[User]:
    return (
        User.objects.filter(role=Role.CASEWORKER, is_active=True, units__in=user.units.all())
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    """Every due and overdue item of the user's cases, overdue first, a page at a time (`?page=`, which keeps the
    filters); a manager sees her units' items and, above them, every item counted per caseworker and unit."""
    user = _user(request)
    if not selectors.may_use_worklist(user):
        raise Http404
    manager = selectors.is_manager(user)
    rules = selectors.method_rules()
    form = WorklistFilterForm(
        request.GET or None, rules=rules, caseworkers=list(_caseworkers_of(user)) if manager else None
    )
    result, page = selectors.worklist_page_for(
        user=user,
        # `page`, as on the other lists; the filter form has no such field, so a new filter starts at page 1.
        page_number=request.GET.get("page"),
        rule_code=form.rule_code(),
        responsible_id=form.responsible_id(),
        rules=rules,
    )
    shown: list[selectors.WorklistItem] = list(page.object_list)
    overdue_count = sum(1 for i in result.items if i.overdue)
    return render(
        request,
        "followup/worklist.html",
        {
            "worklist": result,
            "page": page,
            **pagination_context(page),
            "overdue_count": overdue_count,  # of every page
            "due_count": len(result.items) - overdue_count,
            "overdue_rows": worklist_rows(result, [i for i in shown if i.overdue], manager=manager),
            "due_rows": worklist_rows(result, [i for i in shown if not i.overdue], manager=manager),
            "form": form,
            "manager": manager,
            "filtered": any(name in request.GET for name in form.fields) and form.is_valid(),
        },
    )


def worklist_rows(
    worklist: selectors.Worklist, items: list[selectors.WorklistItem], *, manager: bool
) -> list[dict[str, Any]]:
    """What each row of the worklist's tables shows, as plain values: the template reads a dict's keys much
    faster than attributes through properties (and links.client_page remembers each client's page address)."""
    rows = []
    protected_label = _("Protected identity")
    for item in items:
        case = worklist.shown_cases[item.case.pk]
        client_id = case.client_id
        shows_identity = client_id in worklist.shows_identity_of
        rows.append(
            {
                "rule_code": item.rule.code,
                "client_id": client_id,
                "due_on": item.due_on.isoformat(),
                "overdue": item.overdue,
                "today": item.due_on == worklist.today,
                "client_url": client_page(client_id),
                "client_label": case.client_name if shows_identity else protected_label,  # the client link's text
                "responsible": case.responsible_name if manager else None,
                "rule_name": item.rule.name,
                "title": item.title,
                "url": item.url,
                "action": item.action,
            }
        )
    return rows


@login_required
@require_GET
def rule_settings(request: HttpRequest) -> HttpResponse:
    """The unit manager's overview: each rule, whether her unit uses it, and its parameters."""
    user = _user(request)
    if not selectors.may_configure_rules(user):
        raise Http404
    return render(request, "followup/rule_settings.html", {"units": selectors.rule_overview(user=user)})


@login_required
@require_http_methods(["GET", "POST"])
def rule_setting_edit(request: HttpRequest, unit_id: int, code: str) -> HttpResponse:
    user = _user(request)
    unit = selectors.managed_unit_get(user=user, unit_id=unit_id)
    rule = selectors.method_rule_get(code=code)
    definition = RULES[rule.code]
    setting = selectors.unit_rule_setting(unit=unit, rule=rule)
    current = definition.effective(rule.parameters, setting.parameters if setting is not None else {})
    initial: dict[str, object] = {"enabled": setting.enabled if setting is not None else rule.enabled_by_default}
    initial.update({f"param_{name}": value for name, value in current.items()})
    form = RuleSettingForm(request.POST or None, initial=initial, definition=definition)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_rule_setting_set(
                actor=user,
                unit=unit,
                rule=rule,
                enabled=form.cleaned_data["enabled"],
                parameters=form.parameters(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionRefused:
            raise Http404 from None
        else:
            messages.success(request, _("The unit's rule is saved."))
            return redirect("followup:rules")
    return render(request, "followup/rule_setting_edit.html", {"unit": unit, "rule": rule, "form": form})
