"""The meetings panel from the client page's shared reads: the page reads every agreed action and every version of
the SIP in force (the process map asks of them), and the panel still shows the open actions and the current
version only, as its own narrower reads did."""

from __future__ import annotations

import datetime

from django.utils import timezone

from rattvag.clients.access import client_access
from rattvag.clients.page import ClientPage
from rattvag.clients.selectors import cases_of_client
from rattvag.meetings.models import AgreedAction, Meeting, Sip, SipVersion
from rattvag.meetings.panels import meetings_panel
from rattvag.meetings.selectors import sip_panel


def _page(world) -> ClientPage:
    access = client_access(world.caseworker, world.client_a)
    assert access is not None
    cases = list(cases_of_client(client=world.client_a))
    return ClientPage(user=world.caseworker, client=world.client_a, access=access, loaded_cases=cases)


def _meeting(world, days_from_now: int, status: str) -> Meeting:
    return Meeting.objects.create(
        client=world.client_a,
        kind="mapping",
        status=status,
        starts_at=timezone.now() + datetime.timedelta(days=days_from_now),
        location="Kontoret",
        organiser=world.caseworker,
    )


def _action(meeting: Meeting, world, *, due_in: int | None, done: bool) -> AgreedAction:
    today = timezone.localdate()
    return AgreedAction.objects.create(
        meeting=meeting,
        description="Gör något",
        responsible_kind="partner",
        responsible_partner=world.fk,
        due_on=None if due_in is None else today + datetime.timedelta(days=due_in),
        done_on=today if done else None,
    )


def test_the_panel_shows_the_open_actions_only_in_their_order(world):
    held = _meeting(world, -20, "held")
    planned = _meeting(world, 5, "planned")
    actions = [
        _action(held, world, due_in=3, done=False),
        _action(held, world, due_in=1, done=True),
        _action(held, world, due_in=None, done=False),
        _action(planned, world, due_in=1, done=False),
        _action(planned, world, due_in=3, done=True),
    ]
    page = _page(world)
    panel = meetings_panel(page=page)
    assert [a.pk for a in panel.open_actions] == [actions[3].pk, actions[0].pk, actions[2].pk]
    assert sum(len(m.agreed_actions.all()) for m in page.meetings) == 5  # the page has the done ones too
    assert [m.pk for m in panel.upcoming] == [planned.pk]
    assert [m.pk for m in panel.past] == [held.pk]


def test_the_panel_shows_the_current_version_of_the_sip_in_force(world):
    ended = Sip.objects.create(client=world.client_a, created_by=world.caseworker, ended_on=timezone.localdate())
    sip = Sip.objects.create(client=world.client_a, created_by=world.caseworker)
    for owner, number in [(ended, 1), (ended, 2), (ended, 3), (sip, 1), (sip, 2)]:
        SipVersion.objects.create(
            sip=owner,
            number=number,
            created_by=world.caseworker,
            interventions_needed="Insatser",
            overall_responsibility="Kommunen",
            follow_up_on=timezone.localdate(),
            follow_up_how="Möte",
            client_goal="Att arbeta",
        )
    page = _page(world)
    assert [(v.sip_id, v.number) for v in page.sip_versions] == [(sip.pk, 2), (sip.pk, 1)]
    current = sip_panel(client=world.client_a, access=page.access, versions=page.sip_versions)
    assert current is not None
    assert (current.sip_id, current.number) == (sip.pk, 2)
    assert current == sip_panel(client=world.client_a, access=page.access)
