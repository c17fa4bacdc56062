"""Each method rule on its boundary dates: the day before it is due, the day it is due, the day after.

Time is moved with time_machine; the rules read `timezone.localdate()` through the worklist code.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from rattvag.followup.models import MethodRule, UnitRuleSetting

from .conftest import TODAY, outcome_of, state_of

D = datetime.timedelta


def days(n: int) -> datetime.timedelta:
    return D(days=n)


@pytest.fixture
def case(travel, world):
    """client_a's case in unit_a, opened 30 days before TODAY, responsible: the caseworker."""
    return world.case_a


def check_boundaries(travel, case, code, due_on):
    travel(due_on - days(1))
    assert state_of(case, code) == ("due", due_on)
    travel(due_on)
    assert state_of(case, code) == ("due", due_on)
    travel(due_on + days(1))
    assert state_of(case, code) == ("overdue", due_on)


def set_unit_parameters(case, code, **parameters):
    UnitRuleSetting.objects.update_or_create(
        unit=case.unit, rule=MethodRule.objects.get(code=code), defaults={"enabled": True, "parameters": parameters}
    )


# --- active plan by day 60 of the current spell --------------------------------------------------------


def test_active_plan_is_due_on_the_day_the_spell_reaches_60_days(travel, case, facts):
    facts.certificate(case.client, (TODAY - days(10), TODAY + days(80), 100))
    reaches_60 = TODAY - days(10) + days(59)
    check_boundaries(travel, case, "active_plan", reaches_60)


def test_active_plan_days_are_counted_as_the_certificates_module_counts_them(travel, case, facts):
    # Two certificates three days apart merge into one spell (max_gap 5), but the gap days do not count.
    first_start = TODAY - days(20)
    facts.certificate(case.client, (first_start, first_start + days(29), 100))
    second_start = first_start + days(33)
    facts.certificate(case.client, (second_start, second_start + days(60), 50))
    reaches_60 = first_start + days(59 + 3)
    check_boundaries(travel, case, "active_plan", reaches_60)


def test_active_plan_with_a_unit_parameter(travel, case, facts):
    facts.certificate(case.client, (TODAY - days(10), TODAY + days(80), 100))
    set_unit_parameters(case, "active_plan", days=30)
    check_boundaries(travel, case, "active_plan", TODAY - days(10) + days(29))


def test_active_plan_fulfilled_by_a_plan_and_not_applicable_without_a_long_enough_spell(travel, case, facts):
    facts.certificate(case.client, (TODAY - days(10), TODAY + days(20), 100))
    assert outcome_of(case, "active_plan") is None  # 31 certified days never reach 60
    travel(TODAY + days(40))
    assert outcome_of(case, "active_plan") is None  # no current spell
    travel(TODAY)
    facts.certificate(case.client, (TODAY + days(21), TODAY + days(80), 100))
    assert state_of(case, "active_plan")[0] == "due"
    facts.plan(case.client, "active", TODAY)
    assert state_of(case, "active_plan") == ("fulfilled", TODAY)


# --- SGI checked ---------------------------------------------------------------------------------------


def test_sgi_check_is_due_a_week_after_the_first_certificate_of_the_spell_was_received(travel, case, facts):
    received = TODAY - days(2)
    facts.certificate(case.client, (TODAY - days(5), TODAY + days(40), 100), received_on=received)
    check_boundaries(travel, case, "sgi_checked", received + days(7))


def test_sgi_check_is_fulfilled_by_a_known_status_only(travel, case, facts):
    facts.certificate(case.client, (TODAY - days(5), TODAY + days(40), 100))
    facts.sgi(case.client, "unknown", TODAY)
    assert state_of(case, "sgi_checked")[0] == "due"
    facts.sgi(case.client, "none", TODAY)
    assert state_of(case, "sgi_checked") == ("fulfilled", TODAY)


def test_sgi_check_applies_only_while_sick_listed(travel, case, facts):
    facts.certificate(case.client, (TODAY + days(3), TODAY + days(40), 100))
    assert outcome_of(case, "sgi_checked") is None
    travel(TODAY + days(3))
    assert state_of(case, "sgi_checked")[0] == "due"


# --- consent before contacting healthcare ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("valid_until_offset", "expected"),
    [(-1, "overdue"), (0, "fulfilled"), (1, "fulfilled")],
    ids=["consent ended the day before", "consent ended that day", "consent ended the day after"],
)
def test_consent_must_be_valid_on_the_day_healthcare_is_contacted(travel, case, facts, valid_until_offset, expected):
    sent_on = TODAY - days(5)
    consent = facts.consent(case.client, given_on=TODAY - days(60), valid_until=sent_on + days(valid_until_offset))
    facts.healthcare_request(case.client, consent, sent_on=sent_on)
    assert state_of(case, "consent_before_healthcare")[0] == expected


def test_a_breach_stays_overdue_until_a_consent_is_recorded(travel, case, facts):
    sent_on = TODAY - days(5)
    other_purpose = facts.consent(case.client, purposes=("share_fk",), given_on=TODAY - days(60), valid_until=TODAY)
    facts.healthcare_request(case.client, other_purpose, sent_on=sent_on)
    assert state_of(case, "consent_before_healthcare") == ("overdue", sent_on)
    facts.consent(case.client, given_on=TODAY + days(1), valid_until=TODAY + days(300))
    assert state_of(case, "consent_before_healthcare") == ("overdue", sent_on)  # not given yet
    travel(TODAY + days(1))
    assert state_of(case, "consent_before_healthcare") == ("fulfilled", sent_on)


def test_no_question_sent_means_nothing_to_check(case, facts):
    assert outcome_of(case, "consent_before_healthcare") is None


# --- mapping meeting within N days -------------------------------------------------------------------------


def test_mapping_meeting_without_a_certificate_counts_from_the_day_the_case_opened(travel, case, facts):
    check_boundaries(travel, case, "mapping_meeting", case.opened_on + days(30))


def test_mapping_meeting_counts_from_the_first_certificate_received_in_the_case(travel, case, facts):
    received = case.opened_on + days(4)
    facts.certificate(case.client, (received, received + days(60), 100), received_on=received)
    facts.certificate(case.client, (case.opened_on - days(200), case.opened_on - days(150), 100))  # an older case
    check_boundaries(travel, case, "mapping_meeting", received + days(30))


def test_mapping_meeting_booked_is_still_due_held_is_fulfilled(travel, case, facts):
    facts.meeting(case.client, "mapping", TODAY + days(2), status="planned", case=case)
    outcome = outcome_of(case, "mapping_meeting")
    assert outcome.state == "due"
    with translation.override("en"):  # the title is translated when read (a lazy string, rules/base.py)
        assert "booked" in outcome.title
        assert (TODAY + days(2)).isoformat() in str(outcome.title)
    facts.meeting(case.client, "mapping", TODAY - days(1), status="cancelled", case=case)
    assert state_of(case, "mapping_meeting")[0] == "due"
    facts.meeting(case.client, "mapping", TODAY - days(1), case=case)
    assert state_of(case, "mapping_meeting") == ("fulfilled", TODAY - days(1))


def test_a_meeting_of_another_case_does_not_count(travel, case, facts, world):
    from tests.factories import CaseFactory

    old = CaseFactory(
        client=case.client,
        unit=case.unit,
        status="closed",
        outcome="moved",
        opened_on=TODAY - days(400),
        closed_on=TODAY - days(300),
    )
    facts.meeting(case.client, "mapping", TODAY - days(350), case=old)
    assert state_of(case, "mapping_meeting")[0] == "due"


# --- contact plan ------------------------------------------------------------------------------------------------


def test_contact_plan_is_due_14_days_after_the_case_opened(travel, case, facts):
    check_boundaries(travel, case, "contact_plan", case.opened_on + days(14))
    facts.plan(case.client, "contact", TODAY + days(1))
    assert state_of(case, "contact_plan") == ("fulfilled", TODAY + days(1))


def test_an_active_plan_is_not_a_contact_plan(travel, case, facts):
    facts.plan(case.client, "active", TODAY)
    assert state_of(case, "contact_plan")[0] == "overdue"


# --- SIP when two or more agencies have interventions ---------------------------------------------------------


@pytest.fixture
def agencies():
    from tests.factories import PartnerFactory

    return {
        "fk": PartnerFactory(code="FK-X", kind="fk"),
        "ame": PartnerFactory(code="AME-X", kind="ame"),
        "ame2": PartnerFactory(code="AME-Y", kind="ame"),
    }


def test_sip_is_due_30_days_after_a_second_kind_of_agency_starts(travel, case, facts, agencies):
    facts.activity(case.client, "coordinated_rehabilitation_fk", started_on=TODAY - days(20), partner=agencies["fk"])
    facts.activity(case.client, "deeper_mapping_ame", planned_on=TODAY - days(5), partner=agencies["ame"])
    check_boundaries(travel, case, "sip_when_agencies", TODAY - days(5) + days(30))
    facts.sip(case.client, TODAY + days(26))
    assert state_of(case, "sip_when_agencies") == ("fulfilled", TODAY + days(26))


def test_sip_is_not_needed_with_one_kind_of_agency_or_ended_activities(travel, case, facts, agencies):
    facts.activity(case.client, "deeper_mapping_ame", started_on=TODAY - days(20), partner=agencies["ame"])
    facts.activity(case.client, "work_capacity_assessment", started_on=TODAY - days(10), partner=agencies["ame2"])
    assert outcome_of(case, "sip_when_agencies") is None
    facts.activity(
        case.client,
        "coordinated_rehabilitation_fk",
        started_on=TODAY - days(9),
        ended_on=TODAY - days(1),
        partner=agencies["fk"],
    )
    assert outcome_of(case, "sip_when_agencies") is None


def test_sip_is_due_when_two_organisations_have_agreed_actions(travel, case, facts, agencies):
    meeting = facts.meeting(case.client, "three_party", TODAY - days(3), case=case)
    facts.agreed_action(meeting, agencies["ame"])
    facts.agreed_action(meeting, agencies["ame2"], done_on=TODAY - days(1))
    assert outcome_of(case, "sip_when_agencies") is None  # one of them is done
    facts.agreed_action(meeting, agencies["fk"])
    check_boundaries(travel, case, "sip_when_agencies", TODAY - days(3) + days(30))


# --- work-capacity assessment before a disability-benefit application -------------------------------------------


def test_work_capacity_assessment_must_come_before_the_application(travel, case, facts):
    applied_on = TODAY + days(10)
    facts.activity(case.client, "disability_benefit_application", planned_on=applied_on)
    check_boundaries(travel, case, "work_capacity_before_application", applied_on)


@pytest.mark.parametrize(("offset", "expected"), [(-1, "fulfilled"), (0, "fulfilled"), (1, "due")])
def test_work_capacity_assessment_dated_around_the_application(travel, case, facts, offset, expected):
    applied_on = TODAY + days(10)
    facts.activity(case.client, "disability_benefit_application", planned_on=applied_on)
    facts.activity(case.client, "work_capacity_assessment", planned_on=applied_on + days(offset))
    assert state_of(case, "work_capacity_before_application")[0] == expected


def test_no_application_no_assessment_needed(case, facts):
    assert outcome_of(case, "work_capacity_before_application") is None


# --- certificate expiring / expired -----------------------------------------------------------------------------


def test_certificate_expiry_shows_14_days_before_and_is_overdue_after_the_last_day(travel, case, facts):
    last_day = TODAY + days(20)
    facts.certificate(case.client, (TODAY - days(10), last_day, 100))
    travel(last_day - days(15))
    assert state_of(case, "certificate_expiry") == ("fulfilled", None)
    travel(last_day - days(14))
    assert state_of(case, "certificate_expiry") == ("due", last_day)
    check_boundaries(travel, case, "certificate_expiry", last_day)
    with translation.override("en"):
        assert "no newer certificate" in str(outcome_of(case, "certificate_expiry").title)


def test_a_newer_certificate_clears_the_expiry(travel, case, facts):
    facts.certificate(case.client, (TODAY - days(30), TODAY - days(1), 100))
    assert state_of(case, "certificate_expiry")[0] == "overdue"
    facts.certificate(case.client, (TODAY, TODAY + days(30), 50))
    assert state_of(case, "certificate_expiry") == ("fulfilled", None)


# --- healthcare question unanswered -------------------------------------------------------------------------------


def test_healthcare_question_is_due_on_its_reminder_date(travel, case, facts):
    consent = facts.consent(case.client, given_on=TODAY - days(60), valid_until=TODAY + days(300))
    sent_on = TODAY - days(3)
    request = facts.healthcare_request(case.client, consent, sent_on=sent_on)
    check_boundaries(travel, case, "healthcare_unanswered", sent_on + days(21))
    request.status, request.answered_on, request.answer_summary = "answered", TODAY + days(20), "Svar"
    request.save()
    assert state_of(case, "healthcare_unanswered") == ("fulfilled", TODAY + days(20))


# --- plan follow-up date passed -----------------------------------------------------------------------------------


def test_plan_follow_up_shows_two_weeks_before_its_date(travel, case, facts):
    follow_up_on = TODAY + days(60)
    facts.plan(case.client, "active", TODAY, follow_up_on=follow_up_on)
    travel(follow_up_on - days(15))
    assert outcome_of(case, "plan_follow_up") is None
    travel(follow_up_on - days(14))
    assert state_of(case, "plan_follow_up") == ("due", follow_up_on)
    check_boundaries(travel, case, "plan_follow_up", follow_up_on)


@pytest.mark.parametrize(("offset", "expected"), [(-15, "overdue"), (-14, "fulfilled"), (0, "fulfilled")])
def test_a_follow_up_meeting_counts_from_the_notice_period(travel, case, facts, offset, expected):
    follow_up_on = TODAY + days(30)
    facts.plan(case.client, "active", TODAY, follow_up_on=follow_up_on)
    facts.meeting(case.client, "follow_up", follow_up_on + days(offset), case=case)
    travel(follow_up_on + days(1))
    assert state_of(case, "plan_follow_up")[0] == expected


def test_a_new_plan_version_moves_the_follow_up(travel, case, facts):
    plan = facts.plan(case.client, "active", TODAY - days(90), follow_up_on=TODAY - days(1))
    assert state_of(case, "plan_follow_up") == ("overdue", TODAY - days(1))
    facts.plan_version(plan, TODAY, follow_up_on=TODAY + days(90))
    assert outcome_of(case, "plan_follow_up") is None


# --- consent about to expire ------------------------------------------------------------------------------------------


def test_consent_expiry_shows_14_days_before_and_after(travel, case, facts):
    ends = TODAY + days(30)
    facts.consent(
        case.client,
        purposes=("share_fk",),
        partner=None,
        partner_kind="fk",
        given_on=TODAY - days(300),
        valid_until=ends,
    )
    travel(ends - days(15))
    assert outcome_of(case, "consent_expiring") is None
    travel(ends - days(14))
    assert state_of(case, "consent_expiring") == ("due", ends)
    check_boundaries(travel, case, "consent_expiring", ends)
    travel(ends + days(14))
    assert state_of(case, "consent_expiring") == ("overdue", ends)
    travel(ends + days(15))
    assert outcome_of(case, "consent_expiring") is None


def test_a_renewed_consent_clears_the_expiry(travel, case, facts):
    ends = TODAY + days(5)
    facts.consent(
        case.client, purposes=("share_fk", "sip"), partner_kind="fk", given_on=TODAY - days(300), valid_until=ends
    )
    facts.consent(case.client, purposes=("share_fk",), partner_kind="fk", given_on=TODAY, valid_until=TODAY + days(365))
    assert state_of(case, "consent_expiring") == ("due", ends)  # "sip" is not renewed
    facts.consent(case.client, purposes=("sip",), partner_kind="fk", given_on=TODAY, valid_until=TODAY + days(365))
    assert outcome_of(case, "consent_expiring") is None


def test_a_withdrawn_consent_is_not_about_to_expire(travel, case, facts):
    facts.consent(case.client, given_on=TODAY - days(300), valid_until=TODAY + days(5), withdrawn_on=TODAY)
    assert outcome_of(case, "consent_expiring") is None


# --- parameters ----------------------------------------------------------------------------------------------------


def test_invalid_stored_parameters_fall_back_to_the_defaults(travel, case, facts):
    UnitRuleSetting.objects.create(
        unit=case.unit, rule=MethodRule.objects.get(code="contact_plan"), parameters={"days": "many"}
    )
    assert state_of(case, "contact_plan")[1] == case.opened_on + days(14)


def test_every_seeded_rule_has_an_implementation_and_valid_defaults():
    from rattvag.followup.rules import RULES, validate_parameters

    seeded = {rule.code: rule for rule in MethodRule.objects.all()}
    assert set(seeded) == set(RULES)
    for code, rule in seeded.items():
        assert validate_parameters(code, rule.parameters, partial=False) == []
        assert all([rule.name_sv, rule.name_en, rule.description_sv, rule.description_en])
