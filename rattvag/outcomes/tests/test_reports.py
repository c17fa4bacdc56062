"""The reports against hand-computed cases, on empty and tiny groups, with suppression."""

from __future__ import annotations

import datetime

import pytest

from rattvag.clients.models import CaseStatus
from rattvag.outcomes.models import LadderStep, LadderVersion
from rattvag.outcomes.reports import (
    fidelity_report,
    indicator_report,
    movement_report,
    summary_report,
    time_to_outcome_report,
)
from rattvag.outcomes.scope import Period, resolve_group
from rattvag.outcomes.selectors import current_ladder_version
from rattvag.stats.suppression import suppress_table
from tests.factories import CaseFactory, ClientFactory

DAY = datetime.timedelta(days=1)


def clients_in(unit, count, opened_on):
    cases = [
        CaseFactory(client=ClientFactory(municipality=unit.municipality), unit=unit, opened_on=opened_on)
        for _ in range(count)
    ]
    return [case.client for case in cases], cases


# --- movement ---------------------------------------------------------------------------------------


def test_movement_by_hand(world, assess, today, period, unit_a, threshold):
    threshold(3)
    clients, _cases = clients_in(world.unit_a, 10, today - 300 * DAY)
    by = world.caseworker
    d = today - 150 * DAY
    histories = [
        [1, 3],  # +2
        [2, 2],  # 0
        [4, 3],  # -1
        [2, 5, 4],  # first 2, last 4: +2
        [3],  # one assessment: not compared
        [1, 2],  # +1
        [3, 4],  # +1
        [3, 3],  # 0
        [5, 6],  # +1
        [4, 6],  # +2
    ]
    for client, steps in zip(clients, histories, strict=True):
        for index, number in enumerate(steps):
            assess(client, number, d + index * 10 * DAY, by)
    # Outside the period and in another unit: not counted.
    assess(clients[1], 7, today - 400 * DAY, by)
    assess(world.client_b, 1, d, by)
    assess(world.client_b, 7, d + DAY, by)

    report = movement_report(group=unit_a, period=period)
    assert report.assessed_clients.value == 10
    assert report.compared.value == 9
    assert report.up.value == 6
    # One moved down and two stayed: hidden ("<3"); from the total a reader learns only that they add up to 3.
    assert report.down.suppressed
    assert report.same.suppressed
    assert report.down.display == "<3"
    assert report.up_share == pytest.approx(6 / 9)
    assert report.up_display == "67 %"
    assert report.down_share is None
    assert report.mean_steps == pytest.approx((2 + 0 - 1 + 2 + 1 + 1 + 0 + 1 + 2) / 9)
    distribution = dict(report.distribution)
    assert list(distribution) == [-1, 0, 1, 2]
    assert (distribution[1].value, distribution[2].value) == (3, 3)
    assert distribution[-1].suppressed
    raw = [[0] * 7 for _ in range(7)]
    for first, last in [(1, 3), (2, 2), (4, 3), (2, 4), (1, 2), (3, 4), (3, 3), (5, 6), (4, 6)]:
        raw[first - 1][last - 1] += 1
    assert report.transitions.steps == [1, 2, 3, 4, 5, 6, 7]
    assert report.transitions.rows == suppress_table(raw)  # every cell is 1: all hidden, nothing to link
    assert report.transitions.labels[1] == "Långt från arbetsmarknaden, ingen aktivitet"

    # The municipality includes unit_b: client_b moved 1 -> 7.
    municipality = resolve_group(world.analyst, municipality=world.municipality_a.code)
    wider = movement_report(group=municipality, period=period)
    assert wider.assessed_clients.value == 11
    assert wider.compared.value == 10


def test_movement_tables_do_not_give_each_other_away(world, assess, today, period, unit_a, threshold):
    """Three clients moved 1 -> 2 and one moved 1 -> 3: the +2 count (1) is hidden; the +1 diagonal of the
    transition table must not publish a cell from which it follows."""
    threshold(3)
    clients, _ = clients_in(world.unit_a, 8, today - 300 * DAY)
    for client in clients[:3]:
        assess(client, 1, today - 100 * DAY, world.caseworker)
        assess(client, 2, today - 50 * DAY, world.caseworker)
    assess(clients[3], 1, today - 100 * DAY, world.caseworker)
    assess(clients[3], 3, today - 50 * DAY, world.caseworker)
    for client in clients[4:]:
        assess(client, 4, today - 100 * DAY, world.caseworker)
        assess(client, 4, today - 50 * DAY, world.caseworker)
    report = movement_report(group=unit_a, period=period)
    distribution = dict(report.distribution)
    hidden_sums = [steps for steps, cell in distribution.items() if cell.suppressed]
    rows = report.transitions.rows
    for steps in hidden_sums:
        diagonal = [rows[i][i + steps] for i in range(7) if 0 <= i + steps < 7]
        assert any(cell.suppressed for cell in diagonal), steps
    for figure, sign in ((report.down, -1), (report.same, 0), (report.up, 1)):
        region = [rows[i][j] for i in range(7) for j in range(7) if (j > i) - (j < i) == sign]
        all_shown = all(cell.value is not None for cell in region)
        if figure.suppressed:
            assert not (all_shown and any(cell.value for cell in region))


def test_movement_compares_within_one_ladder_version(world, today, period, unit_a, threshold):
    threshold(3)
    version_1 = current_ladder_version(None)
    version_2 = LadderVersion.objects.create(
        ladder=version_1.ladder, number=2, published=True, published_on=today - 100 * DAY
    )
    for number in range(1, 8):
        LadderStep.objects.create(
            version=version_2, number=number, label_sv=f"Steg {number}", label_en=f"Step {number}"
        )
    clients, _ = clients_in(world.unit_a, 6, today - 300 * DAY)
    by = world.caseworker
    from rattvag.outcomes.models import LadderAssessment

    def on(version, client, number, day):
        LadderAssessment.objects.create(
            client=client, assessed_on=day, step=version.steps.get(number=number), assessed_by="caseworker", assessor=by
        )

    def on_v2(client, number, day):
        on(version_2, client, number, day)

    for client in clients[:3]:
        on(version_1, client, 1, today - 150 * DAY)
        on_v2(client, 5, today - 50 * DAY)
        on_v2(client, 6, today - 40 * DAY)  # compared on version 2: +1 (not 1 -> 6)
    for client in clients[3:]:
        on(version_1, client, 1, today - 150 * DAY)
        on_v2(client, 6, today - 50 * DAY)  # one assessment on each version: not compared
    report = movement_report(group=unit_a, period=period)
    assert report.assessed_clients.value == 6
    assert report.compared.value == 3
    assert report.up.value == 3
    assert report.mean_steps == 1
    assert report.transitions.labels == {n: f"Steg {n}" for n in range(1, 8)}  # one version: its labels


def test_movement_filters_by_assessor(world, assess, today, period, unit_a, threshold):
    threshold(3)
    clients, _ = clients_in(world.unit_a, 3, today - 300 * DAY)
    for client in clients:
        assess(client, 2, today - 100 * DAY, world.caseworker, kind="client")
        assess(client, 4, today - 50 * DAY, world.caseworker, kind="client")
        assess(client, 3, today - 40 * DAY, world.caseworker, kind="caseworker")
    assert movement_report(group=unit_a, period=period, assessed_by="client").up.value == 3
    assert movement_report(group=unit_a, period=period, assessed_by="caseworker").compared.value == 0
    everyone = movement_report(group=unit_a, period=period)
    assert everyone.up.value == 3  # 2 -> 3
    with pytest.raises(ValueError, match="assessor"):
        movement_report(group=unit_a, period=period, assessed_by="neighbour")


def test_movement_on_empty_and_tiny_groups(world, assess, today, period, unit_a):
    empty = movement_report(group=unit_a, period=period)
    assert empty.compared.value == 0
    assert empty.is_empty
    assert empty.up_share is None
    assert empty.mean_steps is None
    assert empty.transitions.rows == []
    assert empty.as_json()["clients_with_two_assessments"] == {"value": 0, "suppressed": False, "display": "0"}
    assess(world.client_a, 1, today - 20 * DAY, world.caseworker)
    assess(world.client_a, 2, today - 10 * DAY, world.caseworker)
    tiny = movement_report(group=unit_a, period=period)
    assert tiny.compared.suppressed
    assert tiny.compared.display == "<5"
    assert tiny.up.value is None
    assert tiny.up_share is None
    assert tiny.mean_steps is None
    body = tiny.as_json()
    assert body["moved_up"]["value"] is None
    assert body["moved_up"]["share"] is None
    assert all(c["value"] is None for row in body["transitions"]["rows"] for c in row["cells"] if c["suppressed"])


# --- indicators -------------------------------------------------------------------------------------


def test_indicators_by_hand(world, answer, today, period, unit_a):
    clients, _ = clients_in(world.unit_a, 11, today - 300 * DAY)
    by = world.caseworker
    # ready: 7 of 10 answer 3 or 4 (meets from 3); useful: 10 of 10 answer 4; plan: 0 of 10 answer yes.
    for index, client in enumerate(clients[:10]):
        answer(client, world.unit_a, by, {"ready": 4 if index < 7 else 2, "useful": 4, "plan": 0})
    # An unanswered question is not counted in that question's n.
    answer(clients[10], world.unit_a, by, {"ready": None, "useful": None, "plan": 1})
    report = indicator_report(group=unit_a, period=period, moment="end")
    rows = {row.question_code: row for row in report.rows}
    assert set(rows) == {"ready", "useful", "plan"}
    ready, useful, plan = rows["ready"], rows["useful"], rows["plan"]
    assert (ready.n.value, ready.meeting) == (10, 7)
    assert ready.share == pytest.approx(0.7)
    assert ready.interval.low == pytest.approx(0.3968, abs=1e-4)
    assert ready.interval.high == pytest.approx(0.8922, abs=1e-4)
    assert ready.verdict == "not_distinguishable"
    assert ready.target == pytest.approx(0.7)
    assert (useful.n.value, useful.meeting) == (10, 10)
    assert useful.verdict == "not_distinguishable"  # 10 of 10, but the interval reaches down to 0.72
    assert (plan.n.value, plan.meeting) == (11, 1)
    assert plan.verdict == "not_met"
    assert report.responses.value == 11
    assert report.as_json()["indicators"][0]["interval"] == {"low": 0.3968, "high": 0.8922}


def test_indicator_met_with_enough_answers(world, answer, today, period, unit_a):
    clients, _ = clients_in(world.unit_a, 30, today - 300 * DAY)
    for client in clients:
        answer(client, world.unit_a, world.caseworker, {"ready": 3})
    row = next(
        r for r in indicator_report(group=unit_a, period=period, moment="end").rows if r.question_code == "ready"
    )
    assert row.share == 1.0
    assert row.interval.low > 0.7
    assert row.verdict == "met"


def test_indicators_on_empty_and_tiny_groups(world, answer, today, period, unit_a):
    empty = indicator_report(group=unit_a, period=period)
    assert len(empty.rows) == 6  # three indicators at each moment
    assert all(row.n.value == 0 and row.share is None and row.verdict is None for row in empty.rows)
    for client in [world.client_a] * 3:
        answer(client, world.unit_a, world.caseworker, {"ready": 4, "useful": 4, "plan": 1})
    tiny = indicator_report(group=unit_a, period=period, moment="end")
    for row in tiny.rows:
        assert row.n.suppressed
        assert row.n.display == "<5"
        assert row.share is None
        assert row.interval is None
        assert row.verdict is None
        assert row.meeting is None
    assert tiny.as_json()["indicators"][0]["n"] == {"value": None, "suppressed": True, "display": "<5"}
    with pytest.raises(ValueError, match="moment"):
        indicator_report(group=unit_a, period=period, moment="someday")


# --- time to outcome --------------------------------------------------------------------------------


def test_time_to_plan_by_hand(world, facts, today, unit_a, threshold):
    """Seven cases opened on day D: active plans on D+2, D+4, D+5, D+8; cases closing without a plan on D+3 and
    D+5, and one still open without a plan on the report day D+10 (censored there).

    By hand (at risk n, events d): t=2: 7, 1 -> 6/7; t=3: censored; t=4: 5, 1 -> 6/7 * 4/5 = 24/35;
    t=5: 4 (5, 5+, 8 and 10+), 1 -> 24/35 * 3/4 = 18/35; t=8: 2, 1 -> 9/35; t=10: censored. Median: 8.
    """
    threshold(3)
    opened = today - 60 * DAY
    clients, cases = clients_in(world.unit_a, 7, opened)
    for client, days in zip(clients[:4], (2, 4, 5, 8), strict=True):
        facts.plan(client, "active", opened + days * DAY)
    for case, days, outcome in ((cases[4], 3, "work"), (cases[5], 5, "sickness_compensation")):
        case.status, case.closed_on, case.outcome = CaseStatus.CLOSED, opened + days * DAY, outcome
        case.save()
    report = time_to_outcome_report(group=unit_a, period=Period(opened, opened), as_of=opened + 10 * DAY)
    plan = next(e for e in report.endpoints if e.code == "plan")
    (series,) = plan.series
    assert (series.total.value, series.events.value, series.censored.value) == (7, 4, 3)
    estimate = series.estimate
    assert estimate is not None
    by_time = {p.time: p.survival for p in estimate.points}
    assert by_time[2] == pytest.approx(6 / 7)
    assert by_time[3] == pytest.approx(6 / 7)
    assert by_time[4] == pytest.approx(24 / 35)
    assert by_time[5] == pytest.approx(18 / 35)
    assert by_time[8] == pytest.approx(9 / 35)
    assert by_time[10] == pytest.approx(9 / 35)
    assert estimate.median == 8
    body = report.as_json()["endpoints"][0]["series"][0]
    assert body["median_days"] == 8
    assert body["curve"][0] == {"day": 0.0, "waiting": 1.0, "low": 1.0, "high": 1.0}
    # Outcomes: two closed (on D+3 and D+5): too few to draw, and hidden by route.
    outcome = next(e for e in report.endpoints if e.code == "outcome")
    (closing,) = outcome.series
    assert closing.events.suppressed
    assert closing.estimate is None
    assert report.outcomes_total.value == 0  # the closings fall after the one-day period
    wider = time_to_outcome_report(group=unit_a, period=Period(opened, today))
    routes = {code: cell for code, _label, cell in wider.outcomes}
    assert wider.outcomes_total.suppressed
    assert routes["work"].value is None
    assert routes["sickness_compensation"].value is None


def test_a_curve_is_hidden_when_a_count_beside_it_is(world, facts, today, unit_a, threshold):
    """Six cases, four plans and two censored: with threshold 3 the two censored are hidden, so is the curve."""
    threshold(3)
    opened = today - 60 * DAY
    clients, _cases = clients_in(world.unit_a, 6, opened)
    for client, days in zip(clients[:4], (2, 4, 5, 8), strict=True):
        facts.plan(client, "active", opened + days * DAY)
    report = time_to_outcome_report(group=unit_a, period=Period(opened, opened), as_of=opened + 10 * DAY)
    (series,) = report.endpoints[0].series
    assert series.total.value == 6
    assert series.censored.suppressed
    assert series.events.suppressed
    assert series.estimate is None


def test_time_from_sick_leave_and_sip(world, facts, today, unit_a, threshold):
    threshold(3)
    opened = today - 40 * DAY
    clients, _cases = clients_in(world.unit_a, 4, opened)
    spell_start = opened - 20 * DAY
    for client in clients[:3]:
        facts.certificate(client, spell_start, opened + 60 * DAY)
        facts.sip(client, opened + 10 * DAY)
    report = time_to_outcome_report(group=unit_a, period=Period(opened, today), origin="sick_leave", as_of=today)
    assert report.without_sick_leave is not None
    assert report.without_sick_leave.suppressed  # one case without a spell: "<3"
    sip = next(e for e in report.endpoints if e.code == "sip")
    (series,) = sip.series
    assert series.events.value == 3
    assert series.estimate is not None
    assert series.estimate.median == 30  # 20 days of sick leave before the case, SIP 10 days after opening


def test_time_to_outcome_compares_units_and_periods(world, facts, today, threshold):
    threshold(3)
    municipality = resolve_group(world.analyst, municipality=world.municipality_a.code)
    clients_in(world.unit_a, 3, today - 20 * DAY)
    clients_in(world.unit_b, 4, today - 20 * DAY)
    clients_in(world.unit_b, 5, today - 120 * DAY)
    period = Period(today - 60 * DAY, today)
    by_unit = time_to_outcome_report(group=municipality, period=period, by="unit")
    totals = {s.key: s.total.value for s in by_unit.endpoints[0].series}
    assert totals == {world.unit_a.code: 4, world.unit_b.code: 5}  # with the world's case_a and case_b
    by_period = time_to_outcome_report(group=municipality, period=period, by="period")
    assert [s.key for s in by_period.endpoints[0].series] == ["current", "previous"]
    assert [s.total.value for s in by_period.endpoints[0].series] == [9, 5]
    with pytest.raises(ValueError, match="origin"):
        time_to_outcome_report(group=municipality, period=period, origin="birth")


def test_time_to_outcome_on_empty_and_tiny_groups(world, today, unit_a):
    empty = time_to_outcome_report(group=unit_a, period=Period(today - 900 * DAY, today - 800 * DAY))
    for endpoint in empty.endpoints:
        (series,) = endpoint.series
        assert series.total.value == 0
        assert series.estimate is None
    assert empty.outcomes_total.value == 0
    tiny = time_to_outcome_report(group=unit_a, period=Period(world.case_a.opened_on, today))
    (series,) = tiny.endpoints[0].series
    assert series.total.suppressed
    assert series.estimate is None
    assert tiny.as_json()["endpoints"][0]["series"][0]["curve"] is None


# The changes to and from summer time in 2025 (01:00 UTC): instants around them, with their local
# (Europe/Stockholm) calendar day, which is not always the UTC date.
DST_INSTANTS = [
    (datetime.datetime(2025, 3, 29, 22, 30, tzinfo=datetime.UTC), datetime.date(2025, 3, 29)),  # 23:30 CET
    (datetime.datetime(2025, 3, 29, 23, 30, tzinfo=datetime.UTC), datetime.date(2025, 3, 30)),  # 00:30 CET
    (datetime.datetime(2025, 3, 30, 0, 59, tzinfo=datetime.UTC), datetime.date(2025, 3, 30)),  # 01:59 CET
    (datetime.datetime(2025, 3, 30, 1, 0, tzinfo=datetime.UTC), datetime.date(2025, 3, 30)),  # 03:00 CEST
    (datetime.datetime(2025, 3, 30, 21, 59, tzinfo=datetime.UTC), datetime.date(2025, 3, 30)),  # 23:59 CEST
    (datetime.datetime(2025, 3, 30, 22, 0, tzinfo=datetime.UTC), datetime.date(2025, 3, 31)),  # 00:00 CEST
    (datetime.datetime(2025, 10, 25, 21, 59, tzinfo=datetime.UTC), datetime.date(2025, 10, 25)),  # 23:59 CEST
    (datetime.datetime(2025, 10, 25, 22, 0, tzinfo=datetime.UTC), datetime.date(2025, 10, 26)),  # 00:00 CEST
    (datetime.datetime(2025, 10, 26, 0, 30, tzinfo=datetime.UTC), datetime.date(2025, 10, 26)),  # 02:30 CEST
    (datetime.datetime(2025, 10, 26, 1, 30, tzinfo=datetime.UTC), datetime.date(2025, 10, 26)),  # 02:30 CET
    (datetime.datetime(2025, 10, 26, 22, 59, tzinfo=datetime.UTC), datetime.date(2025, 10, 26)),  # 23:59 CET
    (datetime.datetime(2025, 10, 26, 23, 0, tzinfo=datetime.UTC), datetime.date(2025, 10, 27)),  # 00:00 CET
]


def test_first_plan_and_sip_days_are_local_days_across_summer_time(world, unit_a):
    """The first plan and SIP days the database finds are the local calendar days of the versions (as
    `timezone.localdate`), also where the UTC date differs, around both changes of summer time: a version without
    a case counts for a case opened on its local day and not for one opened the day after; the earliest counts."""
    from django.utils import timezone

    from rattvag.meetings.models import Sip, SipVersion
    from rattvag.outcomes.reports.time_to_outcome import _cohort
    from rattvag.plans.models import Plan, PlanVersion

    # The plans and SIPs are ended, so that a client may have several.
    def plan_version(client, case, moment):
        plan = Plan.objects.create(
            client=client, case=case, kind="active", created_by=world.caseworker, ended_on=timezone.localdate(moment)
        )
        PlanVersion.objects.create(plan=plan, number=1, created_at=moment, created_by=world.caseworker)

    def sip_version(client, case, moment):
        sip = Sip.objects.create(
            client=client, case=case, created_by=world.caseworker, ended_on=timezone.localdate(moment)
        )
        SipVersion.objects.create(
            sip=sip,
            number=1,
            created_at=moment,
            created_by=world.caseworker,
            interventions_needed="Insatser",
            overall_responsibility="Kommunen",
            follow_up_on=moment.date(),
            follow_up_how="Möte",
            client_goal="Att arbeta",
        )

    expected = {}
    for moment, local_day in DST_INSTANTS:
        assert timezone.localdate(moment) == local_day
        # Opened on the version's local day: the version without a case counts (the earlier of the client's two).
        (client,), (case,) = clients_in(world.unit_a, 1, local_day)
        plan_version(client, None, moment)
        plan_version(client, None, moment + datetime.timedelta(days=3))
        sip_version(client, case, moment)
        expected[case.pk] = (local_day, local_day)
        # Opened the day after: the version without a case is too early; the case's own SIP counts wherever it is.
        (client,), (case,) = clients_in(world.unit_a, 1, local_day + DAY)
        plan_version(client, None, moment)
        sip_version(client, None, moment)
        earlier = moment - datetime.timedelta(days=5)
        sip_version(client, case, earlier)
        expected[case.pk] = (None, timezone.localdate(earlier))
    period = Period(datetime.date(2025, 3, 1), datetime.date(2025, 10, 31))
    _cases, cohort = _cohort(unit_a, {"current": period})
    assert {pk: (plan_on, sip_on) for pk, *_case, plan_on, sip_on, _key in cohort} == expected


# --- fidelity ---------------------------------------------------------------------------------------


def test_fidelity_from_the_method_rules(world, facts, today, period, unit_a, threshold):
    threshold(3)
    clients, _cases = clients_in(world.unit_a, 5, today - 100 * DAY)
    # Contact plan: three have one, one has none (overdue after 14 days); the world's case_a (30 days) has none.
    for client in clients[:3]:
        facts.plan(client, "contact", today - 90 * DAY)
    # Active plan within 60 days of sick leave: spell from day -100; day 60 is day -41.
    for client in clients[:4]:
        facts.certificate(client, today - 100 * DAY, today + 30 * DAY)
    facts.plan(clients[0], "active", today - 50 * DAY)  # in time
    facts.plan(clients[1], "active", today - 45 * DAY)  # in time
    facts.plan(clients[2], "active", today - 20 * DAY)  # late
    # clients[3]: sick-listed, no plan: overdue. clients[4]: not sick-listed: not counted.
    # Consent before healthcare: three with consent, none without.
    for client in clients[:3]:
        consent = facts.consent(client, today - 95 * DAY, today + 100 * DAY)
        facts.healthcare_request(client, consent, today - 80 * DAY)

    report = fidelity_report(group=unit_a, period=period)
    (row,) = report.rows
    assert row.code == world.unit_a.code
    assert row.cases.value == 6
    measures = dict(zip([code for code, _l in report.measure_labels], row.measures, strict=True))
    contact = measures["contact_plan"]
    assert (contact.decided.value, contact.met) == (6, 3)  # case_a (30 days) and clients[3:5] lack one
    assert contact.share == pytest.approx(3 / 6)
    in_time = measures["active_plan_in_time"]
    assert (in_time.decided.value, in_time.met) == (4, 2)
    consent = measures["consent_before_healthcare"]
    assert (consent.decided.value, consent.met) == (3, 3)
    sip = measures["sip_when_agencies"]
    assert sip.decided.value == 0
    assert sip.share is None
    assert report.total.measures[0].met == 3
    assert report.as_json()["units"][0]["measures"]["active_plan_in_time"]["share"] == 0.5


def test_fidelity_counts_work_capacity_before_application(world, facts, today, period, unit_a, threshold):
    threshold(3)
    clients, _ = clients_in(world.unit_a, 3, today - 100 * DAY)
    for index, client in enumerate(clients):
        facts.activity(client, "disability_benefit_application", today - 30 * DAY)
        if index < 2:
            facts.activity(client, "work_capacity_assessment", today - 60 * DAY)
    report = fidelity_report(group=unit_a, period=period)
    cell = report.total.measures[4]
    assert (cell.decided.value, cell.met) == (3, 2)


def test_fidelity_on_empty_and_tiny_groups(world, today, unit_a):
    empty = fidelity_report(group=unit_a, period=Period(today - 2000 * DAY, today - 1900 * DAY))
    assert empty.total.cases.value == 0
    assert all(cell.share is None for cell in empty.total.measures)
    tiny = fidelity_report(group=unit_a, period=Period(today - 100 * DAY, today))
    assert tiny.total.cases.suppressed
    assert all(cell.met is None or cell.decided.value == 0 for cell in tiny.total.measures)


# --- summary ----------------------------------------------------------------------------------------


def test_summary_figures(world, today, unit_a, threshold):
    from rattvag.consent.models import Consultation, ConsultationCase
    from tests.factories import UserFactory

    threshold(3)
    period = Period(today - 100 * DAY, today)
    officer = UserFactory(role="partner_officer", partner=world.fk)
    clients, cases = clients_in(world.unit_a, 4, today - 150 * DAY)
    for case in cases[:3]:
        case.status, case.closed_on, case.outcome = CaseStatus.CLOSED, today - 10 * DAY, "sickness_compensation"
        case.save()
    # Two consultations: three identified clients (one raised twice) and pseudonymous cases with and without key.
    from rattvag.consent.models import Consent

    def consent_for(client):
        return Consent.objects.create(
            client=client,
            partner=world.fk,
            form="written",
            given_on=today - 120 * DAY,
            valid_until=today + 100 * DAY,
            recorded_by=world.caseworker,
        )

    first = Consultation.objects.create(
        unit=world.unit_a, held_on=today - 60 * DAY, fk_officer=officer, created_by=world.caseworker
    )
    second = Consultation.objects.create(
        unit=world.unit_a, held_on=today - 30 * DAY, fk_officer=officer, created_by=world.caseworker
    )
    for consultation, client in [(first, clients[0]), (first, clients[1]), (second, clients[0]), (second, clients[2])]:
        ConsultationCase.objects.create(
            consultation=consultation,
            client=client,
            consent=consent_for(client),
            question="?",
            raised_by=world.caseworker,
        )
    for consultation, key in [(first, "A1"), (second, "A1"), (second, ""), (second, "")]:
        ConsultationCase.objects.create(
            consultation=consultation, age_band="30-39", pseudonym_key=key, question="?", raised_by=world.caseworker
        )
    report = summary_report(group=unit_a, period=period)
    assert report.consultations.suppressed  # 2 sessions
    assert report.discussions.value == 8
    assert report.unique_cases.value == 6  # three clients, key A1 once, two without a key
    assert report.self_supporting.value == 3
    routes = {code: cell for code, _l, cell in report.self_supporting_routes}
    assert routes["sickness_compensation"].value == 3
    assert report.new_clients.suppressed  # the world's client_a, opened 30 days ago
    assert report.active_clients.suppressed  # clients[3] and the world's client_a: two
    assert report.closed_clients.value == 3
    assert [row.indicator for row in report.indicators] == [
        "ready_for_work_or_studies",
        "support_useful",
        "plan_afterwards",
    ]
    body = report.as_json()
    assert body["consultations"]["discussions"]["value"] == 8
    assert body["clients"]["closed"]["value"] == 3


def test_summary_on_an_empty_group(world, today):
    group = resolve_group(world.aggregate_viewer, unit=world.unit_c.code)
    report = summary_report(group=group, period=Period(today - 10 * DAY, today))
    assert report.discussions.value == 0
    assert report.active_clients.value == 0
    assert all(row.share is None for row in report.indicators)


@pytest.mark.parametrize(
    "build",
    [
        lambda group, period: movement_report(group=group, period=period),
        lambda group, period: indicator_report(group=group, period=period),
        lambda group, period: time_to_outcome_report(group=group, period=period, origin="sick_leave", by="unit"),
        lambda group, period: fidelity_report(group=group, period=period),
        lambda group, period: summary_report(group=group, period=period),
    ],
    ids=["movement", "indicators", "time_to_outcome", "fidelity", "summary"],
)
def test_reports_cost_the_same_number_of_queries_for_more_clients(world, facts, assess, answer, today, build):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    period = Period(today - 200 * DAY, today)
    group = resolve_group(world.analyst, municipality=world.municipality_a.code)

    def add_clients(count):
        clients, _ = clients_in(world.unit_a, count, today - 100 * DAY)
        for client in clients:
            assess(client, 1, today - 90 * DAY, world.caseworker)
            assess(client, 2, today - 10 * DAY, world.caseworker)
            answer(client, world.unit_a, world.caseworker, {"ready": 4, "useful": 4, "plan": 1})
            facts.certificate(client, today - 120 * DAY, today + 10 * DAY)
            facts.plan(client, "active", today - 80 * DAY)
            facts.plan(client, "contact", today - 95 * DAY)
            facts.sip(client, today - 50 * DAY)

    add_clients(2)
    with CaptureQueriesContext(connection) as few:
        build(group, period)
    add_clients(10)
    with CaptureQueriesContext(connection) as many:
        build(group, period)
    assert len(many) == len(few)
