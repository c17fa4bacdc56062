"""The plans and activities panel on the client page (registered in rattvag.clients.panels.CLIENT_PANELS).

The client page has audited the read of the client; the panel does not log again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db.models import Prefetch

from rattvag.meetings.permissions import may_write

from .models import Plan, PlanVersion
from .selectors import PlanRow, PlansOverview, PlansPanel, activities_of

if TYPE_CHECKING:
    from django.http import HttpRequest

    from rattvag.accounts.models import User
    from rattvag.clients.access import ClientAccess
    from rattvag.clients.models import Client


def plans_panel(*, client: Client) -> PlansPanel:
    """`selectors.plans_panel` read without who wrote each plan, version and activity, which the panel does not
    show: the open plans with their versions, and the activities not ended."""
    activities = activities_of(client=client).filter(ended_on__isnull=True)
    versions = PlanVersion.objects.order_by("-number")
    plans = (
        Plan.objects.filter(client=client, ended_on__isnull=True)
        .prefetch_related(Prefetch("versions", queryset=versions))
        .order_by("kind", "-pk")
    )
    rows = []
    for plan in plans:
        newest_first = list(plan.versions.all())
        rows.append(PlanRow(plan=plan, current=newest_first[0] if newest_first else None, versions=newest_first))
    return PlansPanel(
        overview=PlansOverview(open=rows, ended=[]),
        activities=list(activities.select_related(None).select_related("type", "plan", "partner")),
    )


def client_panel(request: HttpRequest, client: Client, access: ClientAccess) -> dict[str, Any] | None:
    """The open active and contact plans and the planned or ongoing activities."""
    if not access.shows("plans"):
        return None
    user = cast("User", request.user)
    return {
        "template": "plans/_panel.html",
        "context": {"panel": plans_panel(client=client), "may_write": may_write(user, access)},
    }
