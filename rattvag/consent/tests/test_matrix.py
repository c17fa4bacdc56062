"""The consent matrix: each purpose × kind of partner × state of the consent → allowed or refused.

Proves the one check (`consent_covers` / `require_consent`) and the partner visibility built on it
(`rattvag.clients.access`): only a valid consent covers anything; expired, withdrawn (today
included), replaced, not yet given and case-closed consents all behave as withdrawn.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rattvag.accounts.models import PartnerKind
from rattvag.clients.access import client_access, visible_clients
from rattvag.consent.checks import PURPOSES_OPENING_ACCESS, ConsentMissing, consent_covers, require_consent
from rattvag.consent.models import ConsentPurpose
from rattvag.core.errors import PermissionRefused
from tests.factories import PartnerFactory

DAY = datetime.timedelta(days=1)
STATES = ["valid", "expired", "withdrawn_today", "withdrawn_earlier", "replaced", "not_yet_given", "case_closed"]


def consent_in_state(make_consent, world, state, **kwargs):
    today = timezone.localdate()
    if state == "valid":
        return make_consent(world.client_a, **kwargs)
    if state == "expired":
        return make_consent(world.client_a, given_on=today - 400 * DAY, valid_until=today - DAY, **kwargs)
    if state == "withdrawn_today":
        return make_consent(world.client_a, withdrawn_on=today, **kwargs)
    if state == "withdrawn_earlier":
        return make_consent(world.client_a, withdrawn_on=today - 5 * DAY, **kwargs)
    if state == "replaced":
        consent = make_consent(world.client_a, withdrawn_on=today - DAY, **kwargs)
        consent.withdrawn_how = "replaced"
        consent.save()
        return consent
    if state == "not_yet_given":
        return make_consent(world.client_a, given_on=today + DAY, **kwargs)
    if state == "case_closed":
        case = world.case_a
        consent = make_consent(world.client_a, until_case_closes=True, case=case, **kwargs)
        case.status, case.outcome, case.closed_on = "closed", "work", today
        case.save()
        return consent
    raise AssertionError(state)


@pytest.mark.parametrize("state", ["valid", "expired", "withdrawn_today"])
@pytest.mark.parametrize("kind", PartnerKind.values)
@pytest.mark.parametrize("purpose", ConsentPurpose.values)
def test_consent_matrix(world, partners, officers, make_consent, purpose, kind, state):
    partner = partners[kind]
    consent_in_state(make_consent, world, state, partner=partner, purposes=(purpose,))
    allowed = state == "valid"

    assert consent_covers(client=world.client_a, partner=partner, purpose=purpose) is allowed
    if allowed:
        assert require_consent(client=world.client_a, partner=partner, purpose=purpose).client_id == world.client_a.pk
    else:
        with pytest.raises(ConsentMissing) as refused:
            require_consent(client=world.client_a, partner=partner, purpose=purpose)
        assert partner.name in refused.value.message
        assert refused.value.purpose == purpose
        assert isinstance(refused.value, PermissionRefused)

    # The officer of that partner sees the client only while a valid consent opens it to their kind.
    officer = officers[kind]
    sees = allowed and purpose in PURPOSES_OPENING_ACCESS[kind]
    assert visible_clients(officer).filter(pk=world.client_a.pk).exists() is sees
    access = client_access(officer, world.client_a)
    assert (access is not None) is sees
    if access is not None:
        assert access.partner_purposes == frozenset({purpose})
        assert access.acting_for.partner == partner
        assert access.sees_protected_identity is False


@pytest.mark.parametrize("state", STATES)
def test_every_state_but_valid_behaves_as_withdrawn(world, make_consent, state):
    consent_in_state(make_consent, world, state, partner=world.fk, purposes=("share_fk",))
    allowed = state == "valid"
    assert consent_covers(client=world.client_a, partner=world.fk, purpose="share_fk") is allowed
    assert visible_clients(world.partner_officer).filter(pk=world.client_a.pk).exists() is allowed
    consent = world.client_a.consents.get()
    assert (consent.status_on() == "valid") is allowed


@pytest.mark.parametrize("purpose", ConsentPurpose.values)
def test_consent_for_a_kind_covers_every_partner_of_that_kind(world, make_consent, purpose):
    other_fk = PartnerFactory(code="FK-VAST", name="Försäkringskassan Väst", kind="fk")
    care = PartnerFactory(code="VC-1", kind="care_unit")
    make_consent(world.client_a, partner_kind="fk", purposes=(purpose,))
    assert consent_covers(client=world.client_a, partner=world.fk, purpose=purpose)
    assert consent_covers(client=world.client_a, partner=other_fk, purpose=purpose)
    assert not consent_covers(client=world.client_a, partner=care, purpose=purpose)


@pytest.mark.parametrize("purpose", ConsentPurpose.values)
def test_consent_for_one_organisation_does_not_cover_another(world, make_consent, purpose):
    other_fk = PartnerFactory(code="FK-VAST", name="Försäkringskassan Väst", kind="fk")
    make_consent(world.client_a, partner=world.fk, purposes=(purpose,))
    assert consent_covers(client=world.client_a, partner=world.fk, purpose=purpose)
    assert not consent_covers(client=world.client_a, partner=other_fk, purpose=purpose)
    # …nor another purpose, nor another client.
    others = [p for p in ConsentPurpose.values if p != purpose]
    assert not any(consent_covers(client=world.client_a, partner=world.fk, purpose=p) for p in others)
    assert not consent_covers(client=world.client_b, partner=world.fk, purpose=purpose)


def test_consent_is_checked_on_the_day_asked(world, make_consent):
    today = timezone.localdate()
    make_consent(world.client_a, partner=world.fk, given_on=today - 10 * DAY, valid_until=today + 10 * DAY)
    assert consent_covers(client=world.client_a, partner=world.fk, purpose="share_fk", on=today - 10 * DAY)
    assert consent_covers(client=world.client_a, partner=world.fk, purpose="share_fk", on=today + 10 * DAY)
    assert not consent_covers(client=world.client_a, partner=world.fk, purpose="share_fk", on=today - 11 * DAY)
    assert not consent_covers(client=world.client_a, partner=world.fk, purpose="share_fk", on=today + 11 * DAY)


def test_unknown_purpose_is_a_programming_error(world):
    with pytest.raises(ValueError, match="Unknown consent purpose"):
        consent_covers(client=world.client_a, partner=world.fk, purpose="share_everything")


def test_staff_access_is_unchanged_by_consents(world, make_consent):
    make_consent(world.client_b, partner=world.fk)
    # The caseworker of unit A still does not see unit B's client because FK may.
    assert client_access(world.caseworker, world.client_b) is None
    access = client_access(world.caseworker, world.client_a)
    assert access is not None
    assert access.partner_purposes == frozenset()
    assert access.is_partner is False
    assert access.shows("economic_assistance_notes")


def test_partner_sections_follow_the_purposes(world, partners, officers, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("fk_consultation",))
    access = client_access(world.partner_officer, world.client_a)
    assert access is not None
    assert access.shows("consents")
    assert access.shows("consultations")
    assert not access.shows("certificates")
    assert not access.shows("economic_assistance_notes")
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    access = client_access(world.partner_officer, world.client_a)
    assert access is not None
    assert access.partner_purposes == frozenset({"share_fk", "fk_consultation"})
    assert access.shows("certificates")
    assert access.shows("plans")
    assert not access.shows("economic_assistance_notes")
    assert not access.shows("healthcare_requests")


def test_purposes_outside_the_kind_open_nothing(world, officers, partners, make_consent):
    # A consent naming the care unit for "share with FK" does not open the client to the care unit.
    make_consent(world.client_a, partner=partners["care_unit"], purposes=("share_fk",))
    assert client_access(officers["care_unit"], world.client_a) is None
