"""Rules on the method's own steps: mapping meeting, plans, SIP, activities."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from rattvag.meetings.models import MeetingKind
from rattvag.plans.models import ActivityCode

from .. import links
from .base import Outcome, fulfilled, lazy_link, lazy_text, pending
from .facts import ActivityFact, CaseFacts, local_date

MAPPING_MEETING = "mapping_meeting"
CONTACT_PLAN = "contact_plan"
SIP = "sip_when_agencies"
WORK_CAPACITY_FIRST = "work_capacity_before_application"
PLAN_FOLLOW_UP = "plan_follow_up"


def ill_health_recorded_on(facts: CaseFacts) -> datetime.date:
    """When ill-health was recorded as the obstacle: the first certificate received in the case
    (received on or after the day it opened, or registered for it); without one, the day the case opened
    (a case enters the method when ill-health is stated as the reason the client cannot work)."""
    case = facts.case
    received = [c.received_on for c in facts.certificates if c.case_id == case.pk or c.received_on >= case.opened_on]
    return min(received) if received else case.opened_on


def mapping_meeting(facts: CaseFacts, params: dict[str, int], today: datetime.date) -> Outcome | None:
    """A mapping meeting is held within `days` days after ill-health is recorded as the obstacle."""
    held = facts.held_meetings(MeetingKind.MAPPING)
    if held:
        return fulfilled(local_date(held[0].starts_at))
    due_on = ill_health_recorded_on(facts) + datetime.timedelta(days=params["days"])
    booked = facts.booked_meetings(MeetingKind.MAPPING)
    if booked:
        title = lazy_text(
            _("A mapping meeting is booked for %(date)s: record it as held when it has taken place."),
            {"date": local_date(booked[0].starts_at).isoformat()},
        )
    else:
        title = lazy_text(_("Hold a mapping meeting with the client (within %(days)d days)."), {"days": params["days"]})
    return pending(
        due_on,
        today,
        url=lazy_link(links.meeting_new, facts.case.client_id, MeetingKind.MAPPING),
        title=title,
        action=_("Book or record the mapping meeting"),
    )


def contact_plan(facts: CaseFacts, params: dict[str, int], today: datetime.date) -> Outcome | None:
    """A written contact plan for every case in the method, within `days` days after the case opened."""
    plan = facts.contact_plan
    if plan is not None:
        return fulfilled(local_date(plan.first_version.created_at))
    due_on = facts.case.opened_on + datetime.timedelta(days=params["days"])
    return pending(
        due_on,
        today,
        url=lazy_link(links.plan_new, facts.case.client_id, "contact"),
        title=_("Write the contact plan: how often and how the client and you meet."),
        action=_("Write the contact plan"),
    )


def _activity_day(activity: ActivityFact) -> datetime.date:
    return activity.started_on or activity.planned_on or local_date(activity.created_at)


def agencies_involved_on(facts: CaseFacts, today: datetime.date) -> datetime.date | None:
    """The day two or more agencies had interventions going, or None.

    Counted two ways (whichever is reached first): ongoing or planned activities (not ended) run by
    partner organisations of two or more kinds (FK, healthcare, AF, AME, other), or open agreed actions
    with two or more partner organisations responsible. The municipality itself is not counted: it
    is always part of the case.
    """
    candidates: list[datetime.date] = []
    kinds_seen: set[str] = set()
    for activity in sorted(
        (a for a in facts.activities if a.ended_on is None and a.partner_id is not None), key=_activity_day
    ):
        assert activity.partner_kind is not None
        kinds_seen.add(activity.partner_kind)
        if len(kinds_seen) >= 2:
            candidates.append(_activity_day(activity))
            break
    organisations: set[int] = set()
    for action in facts.agreed_actions:  # ordered by meeting time
        if action.done_on is not None or action.responsible_partner_id is None:
            continue
        organisations.add(action.responsible_partner_id)
        if len(organisations) >= 2:
            candidates.append(local_date(action.meeting_starts_at))
            break
    return min(candidates) if candidates else None


def sip_when_agencies(facts: CaseFacts, params: dict[str, int], today: datetime.date) -> Outcome | None:
    """A SIP when two or more agencies have interventions, within `days` days after the second joined."""
    sip = facts.sip
    if sip is not None:
        return fulfilled(local_date(sip.first_version.created_at))
    involved_on = agencies_involved_on(facts, today)
    if involved_on is None:
        return None
    return pending(
        involved_on + datetime.timedelta(days=params["days"]),
        today,
        url=lazy_link(links.sip, facts.case.client_id),
        title=_("Two or more agencies have interventions: draw up a coordinated individual plan (SIP)."),
        action=_("Draw up the SIP"),
    )


def _offered_on(activity: ActivityFact) -> datetime.date:
    days = [d for d in (activity.planned_on, activity.started_on, activity.ended_on) if d is not None]
    return min(days) if days else local_date(activity.created_at)


def work_capacity_before_application(facts: CaseFacts, params: dict[str, int], today: datetime.date) -> Outcome | None:
    """Everyone is offered a work-capacity assessment before an application for sjukersättning or
    aktivitetsersättning: an assessment activity dated on or before the application's day."""
    applications = facts.activities_of_type(ActivityCode.DISABILITY_BENEFIT_APPLICATION)
    if not applications:
        return None
    applied_on = min(_activity_day(a) for a in applications)
    offered = [
        _offered_on(a)
        for a in facts.activities_of_type(ActivityCode.WORK_CAPACITY_ASSESSMENT)
        if _offered_on(a) <= applied_on
    ]
    if offered:
        return fulfilled(min(offered))
    return pending(
        applied_on,
        today,
        url=lazy_link(links.activity_new, facts.case.client_id),
        title=lazy_text(
            _(
                "Offer a work-capacity assessment before the application for sjukersättning or aktivitetsersättning "
                "(%(date)s)."
            ),
            {"date": applied_on.isoformat()},
        ),
        action=_("Plan the work-capacity assessment"),
    )


def plan_follow_up(facts: CaseFacts, params: dict[str, int], today: datetime.date) -> Outcome | None:
    """The active plan is followed up by its follow-up date: a follow-up meeting held from `notice_days`
    days before that date, or a new version of the plan with a new date. Shown from `notice_days` before."""
    plan = facts.active_plan
    if plan is None:
        return None
    follow_up_on = plan.current_version.follow_up_on
    if follow_up_on is None:
        return None
    window_start = follow_up_on - datetime.timedelta(days=params["notice_days"])
    held = [local_date(m.starts_at) for m in facts.held_meetings(MeetingKind.FOLLOW_UP)]
    done = [day for day in held if day >= window_start]
    if done:
        return fulfilled(min(done))
    if today < window_start:
        return None
    return pending(
        follow_up_on,
        today,
        url=lazy_link(links.plan_revise, facts.case.client_id, plan.pk),
        title=lazy_text(_("Follow up the active plan (follow-up date %(date)s)."), {"date": follow_up_on.isoformat()}),
        action=_("Follow up the plan"),
    )
