"""Lists and panels read with a constant number of queries, whatever the number of meetings, plans and
activities."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rattvag.meetings import services as meeting_services
from rattvag.plans import services as plan_services
from rattvag.plans.models import ActivityType

pytestmark = pytest.mark.django_db


def add_rows(world, n: int) -> None:
    day = timezone.localdate()
    for i in range(n):
        meeting = meeting_services.meeting_create(
            actor=world.caseworker,
            client=world.client_a,
            data=meeting_services.MeetingData(
                kind="follow_up",
                starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
                + datetime.timedelta(days=i - 2),
                location="Rum 1",
            ),
            staff=[world.nurse],
        )
        meeting_services.agreed_action_add(
            actor=world.caseworker, meeting=meeting, description=f"Åtgärd {i}", responsible_kind="client"
        )
        plan_services.activity_register(
            actor=world.caseworker,
            client=world.client_a,
            data=plan_services.ActivityData(type=ActivityType.objects.first(), planned_on=day),
        )


def count(http, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "path",
    ["/meetings/", "/activities/", "/plans/", "/", "/api/v1/clients/{id}/meetings", "/api/v1/clients/{id}/activities"],
)
def test_query_count_does_not_grow(world, login_as, panels_wired, path):
    plan_services.plan_create(
        actor=world.caseworker,
        client=world.client_a,
        kind="contact",
        data=plan_services.PlanData(contact_frequency="weekly"),
    )
    http = login_as(world.caseworker)
    url = path.format(id=world.client_a.pk) if path.startswith("/api") else f"/clients/{world.client_a.pk}{path}"
    count(http, url)  # the session's first request renews it (once a minute); that write is not what is counted
    add_rows(world, 1)
    one = count(http, url)
    add_rows(world, 4)
    assert count(http, url) == one
