"""A worklist item's link and texts are made only when the item is shown, and the names the page shows are read for
the shown page only (rules/base.py, selectors._show): a manager's counts cover every item, her page shows 50."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import translation
from django.utils.functional import Promise

from rattvag.clients.models import Case
from rattvag.followup.selectors import WORKLIST_PAGE_SIZE, worklist_items
from tests.factories import CaseFactory, ClientFactory, UserFactory

from .conftest import TODAY

URL = "/worklist/"
CASEWORKER_ROW = re.compile(r'<th scope="row" class="govuk-table__header">([^<]+)</th>')


@pytest.fixture
def two_caseworkers(travel, world):
    """The caseworker has 60 open cases opened 1-60 days ago (two items each: more than two pages); a second
    caseworker of the unit, Örjan, one case opened today, whose items fall due last: not on the first page."""
    for n in range(60):
        CaseFactory(
            client=ClientFactory(municipality=world.municipality_a),
            unit=world.unit_a,
            responsible=world.caseworker,
            opened_on=TODAY - datetime.timedelta(days=1 + n),
        )
    world.second = UserFactory(first_name="Örjan", last_name="Sist", units=[world.unit_a])
    world.second_case = CaseFactory(
        client=ClientFactory(municipality=world.municipality_a),
        unit=world.unit_a,
        responsible=world.second,
        opened_on=TODAY,
    )
    return world


def test_items_give_their_link_and_texts_as_lazy_strings_in_the_language_they_are_read_in(two_caseworkers):
    items = worklist_items(cases=Case.objects.filter(unit=two_caseworkers.unit_a, status="open"), today=TODAY)
    assert items
    for item in items:
        assert isinstance(item.outcome.url, Promise)
        assert isinstance(item.outcome.title, Promise)
        assert isinstance(item.outcome.action, Promise)
    item = next(i for i in items if i.rule.code == "contact_plan")
    assert item.url == f"/clients/{item.client_id}/plans/new/contact/"
    with translation.override("en"):
        assert item.title == "Write the contact plan: how often and how the client and you meet."
        assert item.action == "Write the contact plan"
    with translation.override("sv"):
        assert item.action == "Skriv kontaktplanen"


def test_the_counts_name_every_caseworker_when_her_items_are_on_another_page(two_caseworkers, login_as):
    world = two_caseworkers
    response = login_as(world.manager).get(URL)
    worklist = response.context["worklist"]
    assert len(worklist.items) > 2 * WORKLIST_PAGE_SIZE
    shown = list(response.context["page"].object_list)
    assert world.second_case.pk not in {i.case.pk for i in shown}
    # Only the page's cases are read, and one case of each caseworker in the counts (for her name).
    assert set(worklist.shown_cases) - {i.case.pk for i in shown} <= {r.case_id for r in worklist.per_caseworker}
    rows = [(r.user_id, r.name) for r in worklist.per_caseworker]
    assert rows == [
        (world.caseworker.pk, world.caseworker.get_full_name()),
        (world.second.pk, "Örjan Sist"),
    ]
    body = response.content.decode()
    assert CASEWORKER_ROW.findall(body)[-2:] == [world.caseworker.get_full_name(), "Örjan Sist"]
