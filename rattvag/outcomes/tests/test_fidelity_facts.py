"""The method-fidelity report reads the rules' facts once, as plain values: ended plans and SIPs count, and the
number of queries does not grow with the number of cases."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rattvag.outcomes.reports import fidelity_report
from tests.factories import CaseFactory, ClientFactory

DAY = datetime.timedelta(days=1)


def _clients(unit, count, opened_on):
    return [
        CaseFactory(client=ClientFactory(municipality=unit.municipality), unit=unit, opened_on=opened_on).client
        for _ in range(count)
    ]


def _measures(report):
    return dict(zip([code for code, _l in report.measure_labels], report.total.measures, strict=True))


def test_ended_plans_and_sips_count_for_fidelity(world, facts, today, period, unit_a, threshold):
    threshold(3)
    clients = _clients(world.unit_a, 4, today - 100 * DAY)
    for client in clients:
        facts.certificate(client, today - 100 * DAY, today + 30 * DAY)
    ended_contact = facts.plan(clients[0], "contact", today - 95 * DAY)
    ended_active = facts.plan(clients[0], "active", today - 60 * DAY)  # in time: day 60 of the spell is day -41
    ended_sip = facts.sip(clients[0], today - 50 * DAY)
    for ended in (ended_contact, ended_active, ended_sip):
        ended.ended_on = today - 10 * DAY
        ended.save()
    # A newer open active plan (late) does not replace the older, ended one: the first plan is the one asked about.
    facts.plan(clients[0], "active", today - 5 * DAY)
    facts.plan(clients[1], "contact", today - 90 * DAY)
    facts.plan(clients[1], "active", today - 20 * DAY)  # late

    measures = _measures(fidelity_report(group=unit_a, period=period))
    contact = measures["contact_plan"]
    assert (contact.decided.value, contact.met) == (5, 2)  # clients[0] (ended) and clients[1]; case_a too
    in_time = measures["active_plan_in_time"]
    assert (in_time.decided.value, in_time.met) == (4, 1)  # clients[0] in time (ended plan); the rest late or none


def test_fidelity_costs_the_same_number_of_queries_for_few_and_many_cases(world, facts, today, period, unit_a):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            fidelity_report(group=unit_a, period=period)
        return len(captured.captured_queries)

    few = queries()
    for client in _clients(world.unit_a, 8, today - 100 * DAY):
        facts.certificate(client, today - 100 * DAY, today + 30 * DAY)
        facts.plan(client, "contact", today - 90 * DAY)
        facts.plan(client, "active", today - 50 * DAY)
        facts.sip(client, today - 40 * DAY)
        consent = facts.consent(client, today - 95 * DAY, today + 100 * DAY)
        facts.healthcare_request(client, consent, today - 80 * DAY)
        facts.activity(client, "work_capacity_assessment", today - 30 * DAY)
    assert queries() == few
