"""The plans panel from the client page's shared reads: the page reads every activity (the process map asks of
them), and the panel still lists those not ended, in the order its own narrower read gave."""

from __future__ import annotations

import datetime

from django.utils import timezone

from rattvag.clients.access import client_access
from rattvag.clients.page import ClientPage
from rattvag.plans.models import Activity, ActivityType
from rattvag.plans.selectors import activities_of, plans_panel


def test_the_panel_lists_the_activities_not_ended_in_their_order(world):
    today = timezone.localdate()
    kind = ActivityType.objects.order_by("pk").first()
    assert kind is not None

    def activity(planned: int | None, started: int | None, ended: int | None) -> Activity:
        def day(offset: int | None) -> datetime.date | None:
            return None if offset is None else today + datetime.timedelta(days=offset)

        return Activity.objects.create(
            client=world.client_a,
            type=kind,
            planned_on=day(planned),
            started_on=day(started),
            ended_on=day(ended),
            result="completed" if ended is not None else "",
            created_by=world.caseworker,
        )

    for planned, started, ended in [
        (-30, -20, -5),
        (None, -10, None),
        (5, None, None),
        (-3, -3, None),
        (-40, None, -1),
        (5, None, None),
        (None, None, None),
    ]:
        activity(planned, started, ended)
    access = client_access(world.caseworker, world.client_a)
    assert access is not None
    page = ClientPage(user=world.caseworker, client=world.client_a, access=access)
    panel = plans_panel(plans=page.open_plans, activities=page.activities)
    assert len(page.activities) == 7
    expected = list(activities_of(client=world.client_a).filter(ended_on__isnull=True))
    assert [a.pk for a in panel.activities] == [a.pk for a in expected]
    assert len(expected) == 5
