"""What the client page reads once and hands to its panels gives what the panels' selectors give.

The page saves queries by taking values from what it has read already (the cases, each unit's certificate
settings, the acting unit); these tests hold those shortcuts to the selectors' answers.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rattvag.accounts.models import Role
from rattvag.certificates.models import UnitCertificateSettings
from rattvag.certificates.panels import acting_unit_max_gap
from rattvag.certificates.selectors import max_gap_for_unit
from rattvag.certificates.spells import DEFAULT_MAX_GAP
from rattvag.clients.access import client_access
from rattvag.clients.models import CaseStatus
from rattvag.clients.page import ClientPage
from rattvag.clients.selectors import cases_of_client, closable_case_ids
from rattvag.consent.models import Consent, ConsentPurposeGrant
from rattvag.consent.selectors import consents_visible_in
from tests.factories import CaseFactory, ClientFactory, UnitFactory, UserFactory


def _closable_by_units(user, cases) -> set[int]:
    """The rule itself: open cases in a unit of the user."""
    unit_ids = set(user.units.values_list("pk", flat=True))
    return {case.pk for case in cases if case.status == CaseStatus.OPEN and case.unit_id in unit_ids}


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.UNIT_MANAGER])
@pytest.mark.parametrize(
    "units_of_cases",
    [
        ("a",),  # one case, in the acting unit
        ("a", "b"),  # the newest case in the user's other unit
        ("b", "a"),
        ("a", "c"),  # an open case in a unit the user is not in
        ("c", "a"),
        ("a", "a"),
    ],
)
def test_closable_cases_are_the_open_cases_of_the_users_units(world, role, units_of_cases):
    unit_c = UnitFactory(municipality=world.municipality_a)
    user = UserFactory(role=role, units=[world.unit_a, world.unit_b])
    units = {"a": world.unit_a, "b": world.unit_b, "c": unit_c}
    client = ClientFactory(municipality=world.municipality_a)
    today = timezone.localdate()
    for days_ago, unit in enumerate(reversed(units_of_cases)):
        CaseFactory(client=client, unit=units[unit], opened_on=today - datetime.timedelta(days=10 * days_ago + 1))
    access = client_access(user, client)
    assert access is not None
    cases = list(cases_of_client(client=client))
    assert closable_case_ids(user=user, cases=cases, access=access) == _closable_by_units(user, cases)


def test_closed_cases_are_not_closable(world):
    world.case_a.status = CaseStatus.CLOSED
    world.case_a.closed_on = timezone.localdate()
    world.case_a.outcome = "other"
    world.case_a.save()
    access = client_access(world.caseworker, world.client_a)
    assert access is not None
    assert closable_case_ids(user=world.caseworker, cases=[world.case_a], access=access) == set()


def _loaded_page(user, client) -> ClientPage:
    access = client_access(user, client)
    assert access is not None
    cases = list(cases_of_client(client=client).select_related("unit__certificate_settings"))
    return ClientPage(user=user, client=client, access=access, loaded_cases=cases)


@pytest.mark.parametrize("max_gap", [None, 0, 12])
def test_max_gap_from_the_page_is_the_units_setting(world, max_gap):
    if max_gap is not None:
        UnitCertificateSettings.objects.create(unit=world.unit_a, max_gap=max_gap)
    page = _loaded_page(world.caseworker, world.client_a)
    expected = max_gap_for_unit(world.unit_a)
    assert expected == (DEFAULT_MAX_GAP if max_gap is None else max_gap)
    assert acting_unit_max_gap(page) == expected


def test_max_gap_is_left_to_the_selector_when_the_page_does_not_know_it(world):
    access = client_access(world.caseworker, world.client_a)
    assert access is not None
    assert acting_unit_max_gap(ClientPage(user=world.caseworker, client=world.client_a, access=access)) is None
    # Cases read without their units' settings.
    cases = list(cases_of_client(client=world.client_a))
    page = ClientPage(user=world.caseworker, client=world.client_a, access=access, loaded_cases=cases)
    assert acting_unit_max_gap(page) is None


def test_client_page_audits_the_units_max_gap(world, login_as):
    from rattvag.audit.models import AuditEvent

    UnitCertificateSettings.objects.create(unit=world.unit_a, max_gap=9)
    http = login_as(world.caseworker)
    assert http.get(f"/clients/{world.client_a.pk}/").status_code == 200
    event = AuditEvent.objects.filter(action="sick_leave.viewed", client_id=world.client_a.pk).latest("pk")
    assert event.data["max_gap"] == 9


def _consent(world, client, *, case=None, until_case_closes=False, purposes=("share_fk",)) -> Consent:
    day = timezone.localdate()
    consent = Consent.objects.create(
        client=client,
        partner=world.fk,
        form="written",
        given_on=day - datetime.timedelta(days=20),
        valid_until=None if until_case_closes else day + datetime.timedelta(days=300),
        until_case_closes=until_case_closes,
        case=case,
        recorded_by=world.caseworker,
    )
    ConsentPurposeGrant.objects.bulk_create(ConsentPurposeGrant(consent=consent, purpose=p) for p in purposes)
    return consent


def _shown(consent: Consent, today: datetime.date) -> tuple:
    return (
        consent.pk,
        consent.case_id,
        consent.recipient_label,
        consent.purposes,
        consent.status_on(today),
        consent.ends_on(),
    )


def test_page_consents_are_the_visible_consents_with_the_pages_cases(world):
    closed = CaseFactory(client=world.client_a, unit=world.unit_a, opened_on=timezone.localdate().replace(day=1))
    closed.status, closed.closed_on, closed.outcome = CaseStatus.CLOSED, timezone.localdate(), "other"
    closed.save()
    _consent(world, world.client_a)
    _consent(world, world.client_a, case=world.case_a, until_case_closes=True, purposes=("sip", "share_fk"))
    _consent(world, world.client_a, case=closed, until_case_closes=True)
    # A case of another client: not among the page's cases, read on its own.
    _consent(world, world.client_a, case=world.case_b, until_case_closes=True)
    page = _loaded_page(world.caseworker, world.client_a)
    today = page.today
    expected = list(consents_visible_in(user=world.caseworker, client=world.client_a, access=page.access))
    assert [_shown(c, today) for c in page.consents] == [_shown(c, today) for c in expected]
    by_id = {case.pk: case for case in page.cases}
    assert all(c.case is by_id[c.case_id] for c in page.consents if c.case_id in by_id)


def test_page_consents_of_a_partner_officer_are_those_covering_them(world):
    _consent(world, world.client_a, purposes=("share_fk",))
    other = _consent(world, world.client_a)
    other.partner = None
    other.partner_kind = "af"
    other.save()
    access = client_access(world.partner_officer, world.client_a)
    assert access is not None
    page = ClientPage(user=world.partner_officer, client=world.client_a, access=access)
    expected = list(consents_visible_in(user=world.partner_officer, client=world.client_a, access=access))
    assert [c.pk for c in page.consents] == [c.pk for c in expected]
    assert other.pk not in {c.pk for c in page.consents}
