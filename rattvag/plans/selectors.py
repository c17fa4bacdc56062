"""Reads of plans and activities, scoped by rattvag.clients.access (through meetings.permissions) and audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from rattvag.accounts.models import Partner, User
from rattvag.clients.access import ClientAccess
from rattvag.clients.models import Client
from rattvag.meetings.permissions import audit_read, client_for_read, client_for_write, client_visible

from .models import Activity, ActivityType, Plan, PlanKind, PlanVersion

SECTION = "plans"


def plans_queryset() -> QuerySet[Plan]:
    versions = PlanVersion.objects.select_related("created_by").order_by("-number")
    return Plan.objects.select_related("created_by").prefetch_related(Prefetch("versions", queryset=versions))


def current_version(plan: Plan) -> PlanVersion | None:
    """The highest-numbered version (uses the prefetched versions when present)."""
    versions = list(plan.versions.all())
    return max(versions, key=lambda v: v.number) if versions else None


@dataclass
class PlanRow:
    plan: Plan
    current: PlanVersion | None
    versions: list[PlanVersion]


def _row(plan: Plan) -> PlanRow:
    versions = sorted(plan.versions.all(), key=lambda v: -v.number)
    return PlanRow(plan=plan, current=versions[0] if versions else None, versions=versions)


def _rows(plans: QuerySet[Plan]) -> list[PlanRow]:
    return [_row(plan) for plan in plans]


@dataclass
class PlansOverview:
    open: list[PlanRow]
    ended: list[PlanRow]

    def open_of(self, kind: str) -> PlanRow | None:
        return next((row for row in self.open if row.plan.kind == kind), None)

    @property
    def active(self) -> PlanRow | None:
        return self.open_of(PlanKind.ACTIVE)

    @property
    def contact(self) -> PlanRow | None:
        return self.open_of(PlanKind.CONTACT)


def plans_overview(*, client: Client) -> PlansOverview:
    plans = plans_queryset().filter(client=client)
    return PlansOverview(
        open=_rows(plans.filter(ended_on__isnull=True).order_by("kind", "-pk")),
        ended=_rows(plans.filter(ended_on__isnull=False).order_by("-ended_on", "-pk")),
    )


def plan_list_for(*, user: User, client_id: int, via: str = "web") -> tuple[Client, ClientAccess, PlansOverview]:
    """The client's plans, open and ended, with their versions (audited as `plan.viewed`)."""
    client, access = client_for_read(user=user, client_id=client_id, action="plan.viewed", section=SECTION, via=via)
    return client, access, plans_overview(client=client)


def plan_get_for(
    *, user: User, client_id: int, plan_id: int, via: str = "web", action: str = "plan.viewed"
) -> tuple[PlanRow, ClientAccess]:
    client, access = client_visible(user=user, client_id=client_id, section=SECTION)
    plan = plans_queryset().filter(pk=plan_id, client=client).first()
    if plan is None:
        raise Http404
    plan.client = client
    audit_read(user=user, client=client, access=access, action=action, obj=plan, via=via)
    return _row(plan), access


def plan_version_get_for(
    *,
    user: User,
    client_id: int,
    plan_id: int,
    number: int,
    via: str = "web",
    action: str = "plan.viewed",
    document: str = "",
) -> tuple[PlanVersion, ClientAccess]:
    client, access = client_visible(user=user, client_id=client_id, section=SECTION)
    version = (
        PlanVersion.objects.select_related("plan", "created_by")
        .filter(plan_id=plan_id, plan__client=client, number=number)
        .first()
    )
    if version is None:
        raise Http404
    version.plan.client = client
    audit_read(user=user, client=client, access=access, action=action, obj=version, via=via, document=document)
    return version, access


def plan_for_write(*, user: User, client_id: int, plan_id: int) -> tuple[Plan, ClientAccess]:
    client, access = client_for_write(user=user, client_id=client_id)
    plan = plans_queryset().filter(pk=plan_id, client=client).first()
    if plan is None:
        raise Http404
    plan.client = client
    return plan, access


def open_plans(*, client: Client) -> QuerySet[Plan]:
    return Plan.objects.filter(client=client, ended_on__isnull=True).order_by("kind", "-pk")


# --- Activities -------------------------------------------------------------------------------------


def activities_queryset() -> QuerySet[Activity]:
    return Activity.objects.select_related("type", "plan", "partner", "created_by")


def activities_of(*, client: Client) -> QuerySet[Activity]:
    return activities_queryset().filter(client=client).order_by("ended_on", "-planned_on", "-started_on", "-pk")


def activity_list_for(*, user: User, client_id: int, via: str = "web") -> tuple[Client, ClientAccess, list[Activity]]:
    """The client's activities (audited as `activity.viewed`)."""
    client, access = client_for_read(user=user, client_id=client_id, action="activity.viewed", section=SECTION, via=via)
    return client, access, list(activities_of(client=client))


def activity_for_write(*, user: User, client_id: int, activity_id: int) -> tuple[Activity, ClientAccess]:
    client, access = client_for_write(user=user, client_id=client_id)
    activity = activities_queryset().filter(pk=activity_id, client=client).first()
    if activity is None:
        raise Http404
    activity.client = client
    return activity, access


def activity_type_choices() -> QuerySet[ActivityType]:
    return ActivityType.objects.filter(is_active=True).order_by("order", "code")


def partner_choices() -> QuerySet[Partner]:
    return Partner.objects.order_by("name", "pk")


@dataclass
class PlansPanel:
    overview: PlansOverview
    activities: list[Activity]


def open_plans_with_versions(*, client: Client) -> list[Plan]:
    """The client's open plans (by kind, newest first) with their versions, read without who wrote them.
    Not audited: for the client page, which logs the read."""
    plans = Plan.objects.filter(client=client, ended_on__isnull=True).prefetch_related("versions")
    return list(plans.order_by("kind", "-pk"))


def activities_with_type(*, client: Client) -> list[Activity]:
    """Every activity of the client (ordered by its end first, as `activities_of`) with its type, plan and partner,
    read without who recorded it. Not audited: for the client page, which logs the read."""
    return list(activities_of(client=client).select_related(None).select_related("type", "plan", "partner"))


def plans_panel(*, plans: list[Plan], activities: list[Activity]) -> PlansPanel:
    """For the client page (which has audited the read): the open plans (with their versions) and the activities
    not ended, from what `open_plans_with_versions` and `activities_with_type` read (the page's reads, which the
    process map shares). Ended plans are left out (the plans page lists them)."""
    return PlansPanel(
        overview=PlansOverview(open=[_row(plan) for plan in plans], ended=[]),
        # The activities come ordered by their end first, so those not ended keep their order among themselves.
        activities=[activity for activity in activities if activity.ended_on is None],
    )
