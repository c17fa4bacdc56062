"""Client pages: list and search, create, detail, edit, close a case, temporary access.

Views only parse input, call selectors and services, and render. Who sees what is decided in
`access`; anything the user may not see answers 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rattvag.accounts.models import UNIT_STAFF_ROLES
from rattvag.audit.services import audit_reads_together
from rattvag.core.concurrency import conflict_context, with_version
from rattvag.core.errors import Conflict, StaleVersion
from rattvag.core.pagination import pagination_context
from rattvag.dsr.selectors import may_take_extract

from . import selectors, services
from .forms import (
    CaseCloseForm,
    ClientCreateForm,
    ClientEditForm,
    PersonalNumberForm,
    SearchForm,
    TemporaryAccessForm,
    add_service_errors,
)
from .models import CaseStatus, Client
from .page import ClientPage
from .panels import render_client_panels

if TYPE_CHECKING:
    from rattvag.accounts.models import User

PAGE_SIZE = 50
SEARCH_LIMIT = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _require_unit_staff(user: User) -> None:
    if user.role not in UNIT_STAFF_ROLES:
        raise Http404


def _rows(user: User, clients: list[Client]) -> list[dict[str, Any]]:
    """Table rows with the protected-identity rule applied once for the whole page; audits the listing."""
    protected = [c.pk for c in clients if c.protected_identity]
    sees = selectors.client_ids_with_visible_protected_identity(user=user, client_ids=protected)
    selectors.audit_clients_listed(user=user, clients=clients)
    rows = []
    for client in clients:
        cases = getattr(client, "cases_newest_first", [])
        rows.append(
            {
                "client": client,
                "shows_identity": not client.protected_identity or client.pk in sees,
                "case": cases[0] if cases else None,
            }
        )
    return rows


def _list_context(request: HttpRequest, user: User) -> dict[str, Any]:
    paginator = Paginator(selectors.clients_for_listing(user=user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return {
        "search_form": SearchForm(),
        "page": page,
        **pagination_context(page),
        "rows": _rows(user, list(page.object_list)),
        "may_create": selectors.may_create_clients(user=user),
    }


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_unit_staff(user)
    return render(request, "clients/client_list.html", _list_context(request, user))


@login_required
@require_http_methods(["GET", "POST"])
def client_search(request: HttpRequest) -> HttpResponse:
    """Search by name or number. A POST, so that what was searched never appears in a URL or a log.

    Without JavaScript the whole page comes back; with HTMX only the results.
    """
    user = _user(request)
    _require_unit_staff(user)
    if request.method == "GET":
        return redirect("clients:list")
    htmx = _is_htmx(request)
    template = "clients/_client_results.html" if htmx else "clients/client_list.html"
    form = SearchForm(request.POST)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if not query:
        # An emptied search field shows the list again.
        return render(request, template, _list_context(request, user)) if htmx else redirect("clients:list")
    found = list(selectors.clients_for_listing(user=user, query=query)[: SEARCH_LIMIT + 1])
    offer_access = selectors.client_for_temporary_access(user=user, personal_number=query) is not None
    context = {
        "search_form": form,
        "query": query,
        "rows": _rows(user, found[:SEARCH_LIMIT]),
        "more_than_limit": len(found) > SEARCH_LIMIT,
        "search_limit": SEARCH_LIMIT,
        "searched": True,
        "temporary_access_number": query if offer_access else "",
        "may_create": selectors.may_create_clients(user=user),
    }
    return render(request, template, context)


def _number_feedback(user: User, form: ClientCreateForm | PersonalNumberForm) -> dict[str, Any]:
    """What the personal-number field says: the parsed number, or why not, with a link to an
    existing client the user may see."""
    feedback: dict[str, Any] = {"number": None, "duplicate_url": ""}
    field = form["personal_number"]
    if field.errors:
        existing = selectors.visible_client_with_number(user=user, personal_number=str(field.value() or ""))
        if existing is not None:
            feedback["duplicate_url"] = reverse("clients:detail", args=[existing.pk])
    elif form.is_bound and "personal_number" in form.cleaned_data:
        feedback["number"] = form.cleaned_data["personal_number"]
    return feedback


@login_required
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.may_create_clients(user=user):
        raise Http404
    form = ClientCreateForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(
                actor=user,
                unit=form.cleaned_data["unit"],
                personal_number=form.cleaned_data["personal_number"].normalised,
                **form.client_fields(),
            )
        except Conflict as error:
            form.add_error("personal_number", error.message)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The client is registered and a case is opened."))
            return redirect("clients:detail", client_id=client.pk)
    return render(
        request,
        "clients/client_create.html",
        {"form": form, "field": form["personal_number"], **_number_feedback(user, form)},
    )


@login_required
@require_POST
def validate_number(request: HttpRequest) -> HttpResponse:
    """The inline check of the create form's number (HTMX): the field's form group, re-rendered."""
    user = _user(request)
    if not selectors.may_create_clients(user=user):
        raise Http404
    form = PersonalNumberForm(request.POST)
    if form.is_valid() and selectors.client_number_exists(
        user=user, personal_number=form.cleaned_data["personal_number"].normalised
    ):
        form.add_error(
            "personal_number", _("A client with this personal identity number already exists in the municipality.")
        )
    context = {"field": form["personal_number"], "live": True, **_number_feedback(user, form)}
    return render(request, "clients/_personal_number_field.html", context)


@login_required
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    user = _user(request)
    # The page and each panel log what they read (client.viewed, certificate.listed, sick_leave.viewed, …):
    # the same events, chained together when the panels are done instead of one lock each.
    with audit_reads_together():
        client, access = selectors.client_get_for(user=user, client_id=client_id)
        # With each unit's certificate settings: the process map reads its case from these (one query fewer).
        cases = list(selectors.cases_of_client(client=client).select_related("unit__certificate_settings"))
        # What several panels read (cases, consents …) is read once and shared through the page.
        page = ClientPage(user=user, client=client, access=access, loaded_cases=cases)
        panels = render_client_panels(request, client, access, page)
    shows_identity = access.sees_protected_identity or not client.protected_identity
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "access": access,
            "shows_identity": shows_identity,
            # Partner officers see contact details only when a consent purpose covers them.
            "shows_contact_details": shows_identity and access.shows("contact_details"),
            "cases": cases,
            "closable": selectors.closable_case_ids(user=user, cases=cases, access=access),
            "may_edit": selectors.may_edit_client(user=user, client=client, access=access),
            "panels": panels,
            "may_take_extract": may_take_extract(user=user, client=client, access=access),
        },
    )


def _edit_initial(client: Client) -> dict[str, Any]:
    return {**{name: getattr(client, name) for name in services.CLIENT_EDITABLE_FIELDS}, "version": client.version}


@login_required
@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    user = _user(request)
    client, access = selectors.client_get_for(user=user, client_id=client_id)
    if not selectors.may_edit_client(user=user, client=client, access=access):
        raise Http404
    form = ClientEditForm(request.POST or None, initial=_edit_initial(client))
    conflict: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(
                actor=user, client=client, expected_version=form.cleaned_data["version"], **form.client_fields()
            )
        except StaleVersion as error:
            # Someone saved in between: show what they changed, keep what this user typed, and move the
            # hidden version on so that saving again replaces their values on purpose.
            current = error.current
            if not selectors.may_edit_client(user=user, client=current, access=access):
                raise Http404 from None
            form = ClientEditForm(with_version(request.POST, current.version), initial=_edit_initial(current))
            conflict = conflict_context(error=error, form=form, current_values=_edit_initial(current), user=user)
            client = current
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The client's details are saved."))
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/client_edit.html", {"client": client, "form": form, **conflict})


@login_required
@require_http_methods(["GET", "POST"])
def case_close(request: HttpRequest, client_id: int, case_id: int) -> HttpResponse:
    user = _user(request)
    client, access = selectors.client_get_for(user=user, client_id=client_id)
    case = selectors.case_of_client(client=client, case_id=case_id)
    if case.pk not in selectors.closable_case_ids(user=user, cases=[case], access=access):
        if case.status == CaseStatus.CLOSED and user.role in selectors.EDITOR_ROLES:
            messages.info(request, _("The case is already closed."))
            return redirect("clients:detail", client_id=client.pk)
        raise Http404
    form = CaseCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(
                actor=user, case=case, outcome=form.cleaned_data["outcome"], closed_on=form.cleaned_data["closed_on"]
            )
        except Conflict as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case is closed."))
            return redirect("clients:detail", client_id=client.pk)
    return render(
        request,
        "clients/case_close.html",
        {
            "client": client,
            "case": case,
            "form": form,
            "shows_identity": access.sees_protected_identity or not client.protected_identity,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def temporary_access(request: HttpRequest) -> HttpResponse:
    """Break-the-glass: access until the end of the day to a client of another unit, with a reason.

    Reached by a POST from the search result (the number travels in a hidden field, never in a URL).
    """
    user = _user(request)
    _require_unit_staff(user)
    if request.method == "GET":
        return redirect("clients:list")
    number = request.POST.get("personal_number", "")
    already_visible = selectors.visible_client_with_number(user=user, personal_number=number)
    if already_visible is not None:
        return redirect("clients:detail", client_id=already_visible.pk)
    client = selectors.client_for_temporary_access(user=user, personal_number=number)
    if client is None:
        raise Http404
    form = TemporaryAccessForm(request.POST if "reason" in request.POST else None, initial={"personal_number": number})
    if form.is_bound and form.is_valid():
        try:
            services.access_grant_create(actor=user, client=client, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("clients:detail", client_id=client.pk)
    return render(
        request, "clients/accessgrant_create.html", {"form": form, "personal_number": client.personal_number_display}
    )
