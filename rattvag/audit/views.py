"""The unit manager's log review: flagged accesses, who accessed a client, what a user accessed.

Only unit managers reach these pages; everyone else gets 404. Every page is itself audited
(`audit.viewed`, one event per client whose name it showed), and so is the extract.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rattvag.core.errors import DomainError
from rattvag.core.pagination import pagination_context

from . import selectors
from .actions import action_label
from .forms import ClientLookupForm, ReviewFilterForm, ReviewForm, StaffPickForm
from .models import AuditEvent
from .scope import is_log_reviewer
from .services import ActingFor, audit_log, audit_log_many, audit_review

if TYPE_CHECKING:
    from rattvag.accounts.models import User

PAGE_SIZE = 25
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

View = Callable[..., HttpResponse]


def unit_manager_required(view: View) -> View:
    """Log in first; then anyone but a unit manager gets 404, so the pages do not reveal themselves."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_log_reviewer(request.user):  # type: ignore[arg-type]
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _manager(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _home_unit(user: User) -> ActingFor:
    return ActingFor(unit=user.units.order_by("pk").first())


def _page(request: HttpRequest, events: QuerySet[AuditEvent]) -> Page:
    return Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))


def _page_context(request: HttpRequest, events: QuerySet[AuditEvent]) -> dict[str, Any]:
    page = _page(request, events)
    rows = selectors.event_rows(viewer=_manager(request), events=list(page.object_list))
    return {**pagination_context(page), "rows": rows}


def _audit_list_view(*, user: User, rows: list[selectors.EventRow], data: dict[str, Any]) -> None:
    """One `audit.viewed` event per client whose name was shown, or one without a client."""
    client_ids: list[int | None] = list(selectors.named_client_ids(rows)) or [None]
    audit_log_many(actor=user, action="audit.viewed", client_ids=client_ids, acting_for=_home_unit(user), data=data)


@require_GET
@unit_manager_required
def review(request: HttpRequest) -> HttpResponse:
    """The entry page: flagged accesses, newest first, and the ways into the two other views."""
    manager = _manager(request)
    filter_form = ReviewFilterForm(request.GET or None)
    unreviewed_only = filter_form.unreviewed_only()
    context = _page_context(request, selectors.flagged_events_for(manager=manager, unreviewed_only=unreviewed_only))
    _audit_list_view(
        user=manager,
        rows=context["rows"],
        data={"view": "review", "page": context["page_obj"].number, "unreviewed_only": unreviewed_only},
    )
    staff = [(u.pk, selectors.user_display_name(u)) for u in selectors.staff_for_review(manager=manager)]
    context.update(
        filter_form=filter_form,
        unreviewed_only=unreviewed_only,
        lookup_form=ClientLookupForm(),
        staff_form=StaffPickForm(staff=staff),
    )
    return render(request, "audit/review.html", context)


@require_http_methods(["GET", "POST"])
@unit_manager_required
def client_lookup(request: HttpRequest) -> HttpResponse:
    """Who accessed a client: the number comes by POST and never appears in a URL."""
    manager = _manager(request)
    form = ClientLookupForm(request.POST if request.method == "POST" else None)
    matches = []
    if request.method == "POST" and form.is_valid():
        try:
            matches = selectors.clients_by_personal_number(
                viewer=manager, personal_number=form.cleaned_data["personal_number"]
            )
        except ValidationError as error:
            form.add_error("personal_number", error)
        else:
            if not matches:
                form.add_error(
                    "personal_number", _("You have no client with this personal identity number in your units.")
                )
            elif len(matches) == 1:
                return redirect("audit:client", client_id=matches[0].pk)
    if matches:
        # The same number in more than one municipality: their names are shown to choose from.
        audit_log_many(
            actor=manager,
            action="audit.viewed",
            client_ids=[c.pk for c in matches],
            acting_for=_home_unit(manager),
            data={"view": "client_lookup"},
        )
    return render(request, "audit/client_lookup.html", {"form": form, "matches": matches})


@require_GET
@unit_manager_required
def client_log(request: HttpRequest, client_id: int) -> HttpResponse:
    """Every event about one client, for a manager who may see the client."""
    manager = _manager(request)
    found = selectors.client_for_log(viewer=manager, client_id=client_id)
    if found is None:
        raise Http404
    client, access = found
    context = _page_context(request, selectors.client_events(client_id=client.pk))
    audit_log(
        actor=manager,
        action="audit.viewed",
        client_id=client.pk,
        acting_for=access.acting_for,
        obj=client,
        data={"view": "client", "page": context["page_obj"].number},
    )
    ref = selectors.ClientRef(
        client.pk,
        visible=True,
        name=client.full_name if not client.protected_identity or access.sees_protected_identity else None,
    )
    context.update(client=client, client_ref=ref)
    return render(request, "audit/client_log.html", context)


def _csv_cell(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: make them plain text."""
    return f"'{value}" if value.startswith(CSV_FORMULA_STARTS) else value


@require_GET
@unit_manager_required
def client_extract(request: HttpRequest, client_id: int) -> HttpResponse:
    """Every access to one client as CSV, for a person who asks who has read their file.

    UTF-8 with a byte-order mark and `;` between fields, so that Excel with Swedish settings
    opens it as columns. The export is itself an event, and is the last row of the extract.
    """
    manager = _manager(request)
    found = selectors.client_for_log(viewer=manager, client_id=client_id)
    if found is None:
        raise Http404
    client, access = found
    audit_log(
        actor=manager,
        action="audit.client_log_exported",
        client_id=client.pk,
        acting_for=access.acting_for,
        obj=client,
        data={"format": "csv"},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = _("access-log-client-%(id)s.csv") % {"id": client.pk}
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Time"), _("User"), _("Role"), _("Acting for"), _("Action"), _("Purpose")])
    events = selectors.client_events(client_id=client.pk).order_by("occurred_at", "id")
    for event in events.iterator(chunk_size=2000):
        writer.writerow(
            [
                _csv_cell(cell)
                for cell in (
                    timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
                    selectors.user_display_name(event.actor),
                    selectors.role_label(event.actor_role),
                    selectors.acting_for_label(event),
                    action_label(event.action),
                    event.purpose,
                )
            ]
        )
    return response


@require_GET
@unit_manager_required
def user_pick(request: HttpRequest) -> HttpResponse:
    """The staff picker on the entry page (works without JavaScript): on to that user's page."""
    manager = _manager(request)
    staff = [(u.pk, selectors.user_display_name(u)) for u in selectors.staff_for_review(manager=manager)]
    form = StaffPickForm(request.GET or None, staff=staff)
    if not form.is_valid():
        raise Http404
    return redirect("audit:user", user_id=form.cleaned_data["user"])


@require_GET
@unit_manager_required
def user_log(request: HttpRequest, user_id: int) -> HttpResponse:
    """Everything one user of the manager's units accessed."""
    manager = _manager(request)
    staff_member = selectors.staff_member_for_review(manager=manager, user_id=user_id)
    if staff_member is None:
        raise Http404
    context = _page_context(request, selectors.user_events(user_id=staff_member.pk))
    _audit_list_view(
        user=manager,
        rows=context["rows"],
        data={"view": "user", "user_id": staff_member.pk, "page": context["page_obj"].number},
    )
    context.update(
        staff_member=staff_member,
        staff_member_name=selectors.user_display_name(staff_member),
        staff_member_role=selectors.role_label(staff_member.role),
    )
    return render(request, "audit/user_log.html", context)


@require_http_methods(["GET", "POST"])
@unit_manager_required
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    """One access in full; a manager marks it reviewed here with a note (POST)."""
    manager = _manager(request)
    event = selectors.event_for_review(manager=manager, event_id=event_id)
    if event is None:
        raise Http404
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            audit_review(reviewer=manager, event=event, note=form.cleaned_data["note"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("audit:event", event_id=event.pk)
        else:
            messages.success(request, _("The access is marked as reviewed."))
            return redirect("audit:review")
    (row,) = selectors.event_rows(viewer=manager, events=[event])
    audit_log(
        actor=manager,
        action="audit.viewed",
        client_id=event.client_id if row.client is not None and row.client.name else None,
        acting_for=_home_unit(manager),
        obj=event,
        data={"view": "event"},
    )
    context = {
        "row": row,
        "event": event,
        "form": form,
        "own_event": event.actor_id == manager.pk,
        "reason": selectors.temporary_access_reason(event=event),
        "client_log_allowed": row.client is not None and row.client.visible,
    }
    return render(request, "audit/event_detail.html", context)
