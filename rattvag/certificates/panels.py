"""The certificates panel on the client page: certificates, the sick-leave timeline, SGI status and tasks."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.urls import NoReverseMatch, reverse

from rattvag.accounts.models import Unit
from rattvag.clients.models import Case
from rattvag.clients.page import ClientPage

from . import selectors
from .forms import SgiStatusForm
from .models import Certificate, SgiStatus, SgiStatusValue
from .spells import DEFAULT_MAX_GAP
from .timeline import build_timeline

if TYPE_CHECKING:
    from django.http import HttpRequest

    from rattvag.accounts.models import User
    from rattvag.clients.access import ClientAccess
    from rattvag.clients.models import Client


def client_tasks(
    *, page: ClientPage, certificates: list[Certificate], sgi_statuses: list[SgiStatus]
) -> list[selectors.TaskRow]:
    """This client's certificate and SGI tasks, from what the panel has read: the same rows as
    `selectors.client_tasks` (which asks the database) for a client the user sees."""
    if not page.open_cases:
        return []  # tasks are made for ongoing work only
    today = page.today
    tasks = []
    periods = [period for certificate in certificates for period in certificate.periods.all()]
    latest = sgi_statuses[0].status if sgi_statuses else None
    if latest is None or latest == SgiStatusValue.UNKNOWN:
        covering = [period.start for period in periods if period.start <= today <= period.end]
        if covering:
            tasks.append(selectors.TaskRow(page.client.pk, min(covering), selectors.SGI_CHECK))
    if periods:
        last_day = max(period.end for period in periods)
        if last_day <= today + datetime.timedelta(days=selectors.EXPIRY_WARNING_DAYS):
            kind = selectors.CERTIFICATE_EXPIRING if last_day >= today else selectors.CERTIFICATE_EXPIRED
            tasks.append(selectors.TaskRow(page.client.pk, last_day, kind))
    return tasks


def acting_unit_max_gap(page: ClientPage) -> int | None:
    """The acting unit's maximum gap between certificates (`selectors.max_gap_for_unit`) from the page's cases,
    when one of them is in that unit and was read with the unit's certificate settings (the client page reads
    them so); else None, and the selector reads it."""
    unit = page.access.acting_for.unit
    if unit is None or page.loaded_cases is None:
        return None
    for case in page.loaded_cases:
        if case.unit_id == unit.pk and Case.unit.is_cached(case) and Unit.certificate_settings.is_cached(case.unit):
            try:
                return case.unit.certificate_settings.max_gap
            except ObjectDoesNotExist:  # the unit has no settings row: the default applies
                return DEFAULT_MAX_GAP
    return None


def panel_context(*, page: ClientPage, sgi_form: SgiStatusForm | None = None) -> dict[str, Any]:
    """Everything the certificates panel (and the certificates overview page) shows; the reads are audited by the
    selectors (`certificate.listed`, then `sick_leave.viewed`)."""
    user, client, access, today = page.user, page.client, page.access, page.today
    certificates = selectors.certificate_list_for(
        user=user, client=client, access=access, certificates=page.certificates
    )
    sick_leave, _certs = selectors.sick_leave_for(
        user=user, client=client, access=access, on=today, certificates=certificates, max_gap=acting_unit_max_gap(page)
    )
    sgi_statuses = page.sgi_statuses  # newest first: the current status, then the earlier ones
    sgi = sgi_statuses[0] if sgi_statuses else None
    close_case_url = ""
    if sgi is not None and sgi.status == SgiStatusValue.HAS and page.open_case is not None:
        try:
            close_case_url = reverse("clients:close_case", args=[client.pk, page.open_case.pk])
        except NoReverseMatch:
            close_case_url = ""
    return {
        "certificate_rows": [{"certificate": c, "findings": selectors.quality_findings(c)} for c in certificates],
        "sick_leave": sick_leave,
        "days_in_current": sick_leave.current.days if sick_leave.current else None,
        "timeline": build_timeline(sick_leave, certificates, today),
        "sgi": sgi,
        "sgi_history": sgi_statuses[1:],
        "sgi_form": sgi_form or SgiStatusForm(prefix="sgi", initial={"recorded_on": today}),
        "close_case_url": close_case_url,
        "tasks": client_tasks(page=page, certificates=certificates, sgi_statuses=sgi_statuses),
        "today": today,
    }


def client_panel(
    request: HttpRequest, client: Client, access: ClientAccess, page: ClientPage | None = None
) -> dict[str, Any] | None:
    """For rattvag.clients.panels: the template and its context (the reads are audited)."""
    if not access.shows("certificates"):
        return None
    user: User = request.user  # type: ignore[assignment]
    page = page or ClientPage(user=user, client=client, access=access)
    return {"template": "certificates/_client_panel.html", "context": panel_context(page=page)}
