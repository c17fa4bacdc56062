"""The worklist a page at a time: 50 items a page, overdue first, the filters kept in the page links, Django's
`Paginator.get_page` for page numbers out of range, a manager's summaries of every item, and only the page's
clients audited."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings

from rattvag.audit.models import AuditEvent
from rattvag.followup.selectors import WORKLIST_PAGE_SIZE
from tests.factories import CaseFactory, ClientFactory, UserFactory

from .conftest import TODAY

URL = "/worklist/"
ROW = re.compile(r'<tr class="govuk-table__row" data-rule="([a-z_]+)" data-client="(\d+)">')


@pytest.fixture
def busy(travel, world):
    """The caseworker has 60 more open cases opened 1-60 days ago, besides case_a: every case without a contact
    plan or a mapping meeting has those two items, overdue or due by the day it was opened; more than two pages."""
    for n in range(60):
        client = ClientFactory(municipality=world.municipality_a)
        CaseFactory(
            client=client,
            unit=world.unit_a,
            responsible=world.caseworker,
            opened_on=TODAY - datetime.timedelta(days=1 + n),
        )
    return world


def shown_rows(response) -> list[tuple[str, int]]:
    """(rule, client) of each row of the page's tables, in the order shown."""
    return [(rule, int(client)) for rule, client in ROW.findall(response.content.decode())]


def in_page_order(worklist) -> list[tuple[str, int]]:
    """Every item after the filters as the pages show them: overdue first, then due."""
    return [(i.rule.code, i.client_id) for i in worklist.overdue + worklist.due]


def listed_clients(user) -> list[int]:
    return list(
        AuditEvent.objects.filter(actor=user, action="client.listed").order_by("pk").values_list("client_id", flat=True)
    )


def test_the_first_page_shows_the_first_50_items_overdue_first(busy, login_as):
    response = login_as(busy.caseworker).get(URL)
    worklist = response.context["worklist"]
    ordered = in_page_order(worklist)
    assert WORKLIST_PAGE_SIZE == 50
    assert len(ordered) > 100
    assert worklist.overdue
    assert worklist.due
    assert shown_rows(response) == ordered[:50]
    page = response.context["page"]
    assert (page.number, page.paginator.num_pages, page.paginator.count) == (1, 3, len(ordered))


def test_page_2_shows_items_51_to_100_and_says_which_page_of_how_many(busy, login_as):
    http = login_as(busy.caseworker)
    response = http.get(URL, {"page": 2})
    assert response.status_code == 200
    ordered = in_page_order(response.context["worklist"])
    assert shown_rows(response) == ordered[50:100]
    body = response.content.decode()
    assert f"Sida 2 av 3, {len(ordered)} uppgifter totalt" in body
    assert "<title>Att göra – sida 2 av 3 – " in body
    assert 'aria-current="page">2</a>' in body
    assert 'href="?page=1" rel="prev"' in body
    assert 'href="?page=3" rel="next"' in body

    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = http.get(URL, {"page": 2}).content.decode()
    assert f"Page 2 of 3, {len(ordered)} items in total" in body
    assert "<title>To do – page 2 of 3 – " in body


def test_the_headings_count_the_items_of_every_page(busy, login_as):
    response = login_as(busy.caseworker).get(URL, {"page": 3})
    worklist = response.context["worklist"]
    due = len(worklist.due)
    assert [i.overdue for i in worklist.overdue + worklist.due][100:] == [False] * (len(worklist.items) - 100)
    body = response.content.decode()
    assert f"Att göra ({due} uppgifter)" in body  # the due items of all pages, above this page's
    assert 'id="overdue-heading"' not in body  # page 3 holds due items only
    assert 'rel="next"' not in body


def test_the_page_links_keep_the_filters_and_the_filter_form_starts_again_at_page_1(busy, login_as):
    world = busy
    colleague = UserFactory(username="colleague", role="caseworker", units=[world.unit_a])
    CaseFactory(client=ClientFactory(municipality=world.municipality_a), unit=world.unit_a, responsible=colleague)
    response = login_as(world.manager).get(URL, {"rule": "contact_plan", "caseworker": world.caseworker.pk, "page": 2})
    worklist = response.context["worklist"]
    assert {i.rule.code for i in worklist.items} == {"contact_plan"}
    assert {i.responsible_id for i in worklist.items} == {world.caseworker.pk}
    assert shown_rows(response) == in_page_order(worklist)[50:]
    body = response.content.decode()
    filters = f"rule=contact_plan&amp;caseworker={world.caseworker.pk}"
    assert f'href="?{filters}&amp;page=1" rel="prev"' in body
    assert f'href="?{filters}&amp;page=2" aria-label="Sida 2" aria-current="page"' in body
    form = body[body.index('<form method="get"') : body.index("</form>", body.index('<form method="get"'))]
    assert 'name="page"' not in form  # showing a new filter starts at its first page


def test_a_page_number_that_is_not_a_number_gives_the_first_page_and_one_past_the_end_the_last(busy, login_as):
    """As Django's Paginator.get_page: no error page for a stale or mistyped link."""
    http = login_as(busy.caseworker)
    ordered = in_page_order(http.get(URL).context["worklist"])
    for number, expected in [("abc", 1), ("", 1), ("1.5", 1), ("999", 3), ("0", 3), ("-1", 3)]:
        response = http.get(URL, {"page": number})
        assert response.status_code == 200, number
        assert response.context["page"].number == expected, number
        assert shown_rows(response) == ordered[(expected - 1) * 50 : expected * 50], number


def test_a_worklist_of_one_page_has_no_pagination(travel, world, login_as):
    response = login_as(world.caseworker).get(URL, {"page": 2})
    assert response.context["page"].number == 1
    assert len(shown_rows(response)) == 2
    body = response.content.decode()
    assert "govuk-pagination" not in body
    assert 'data-testid="worklist-page-status"' not in body
    assert "<title>Att göra – Rätt väg</title>" in body


def test_only_the_clients_of_the_page_are_audited_in_the_order_shown(busy, login_as):
    user = busy.caseworker
    http = login_as(user)
    for number in (1, 2, 3):
        before = AuditEvent.objects.filter(actor=user, action="client.listed").count()
        response = http.get(URL, {"page": number})
        shown = list(dict.fromkeys(client for _rule, client in shown_rows(response)))
        assert listed_clients(user)[before:] == shown
    all_clients = {i.client_id for i in response.context["worklist"].items}
    assert set(listed_clients(user)) == all_clients  # each page's own, every client once a page shows it
    assert AuditEvent.objects.filter(actor=user, action="client.listed").count() < 3 * len(all_clients)


def test_the_managers_summaries_count_every_item_whatever_the_page(busy, login_as):
    world = busy
    http = login_as(world.manager)
    first = http.get(URL).context
    last = http.get(URL, {"page": 999}).context
    filtered = http.get(URL, {"caseworker": world.caseworker.pk, "rule": "contact_plan", "page": 2}).context
    items = first["worklist"].items
    assert len(items) > 100
    for context in (first, last, filtered):
        worklist = context["worklist"]
        per_caseworker = {row.user_id: (row.overdue, row.due) for row in worklist.per_caseworker}
        assert per_caseworker[world.caseworker.pk] == (
            sum(1 for i in items if i.overdue and i.responsible_id == world.caseworker.pk),
            sum(1 for i in items if not i.overdue and i.responsible_id == world.caseworker.pk),
        )
        assert sum(o + d for o, d in per_caseworker.values()) == len(items)
        assert [(u.pk, n) for u, n in worklist.overdue_per_unit] == [
            (world.unit_a.pk, sum(1 for i in items if i.overdue))
        ]
    assert last["page"].number == last["page"].paginator.num_pages == 3
    body = http.get(URL, {"page": 3}).content.decode()
    assert 'data-testid="per-caseworker"' in body
    assert 'data-testid="overdue-per-unit"' in body


def test_the_api_still_lists_every_item(busy, login_as):
    """The JSON API is not paginated (yet): every item, every client audited once, via the API."""
    user = busy.caseworker
    response = login_as(user).get("/api/v1/worklist")
    assert response.status_code == 200
    assert len(response.json()) > 100
    assert len(listed_clients(user)) == 61


@pytest.mark.parametrize("actor", ["nurse", "analyst", "partner_officer", "aggregate_viewer", "admin"])
def test_other_roles_get_404_on_every_page(busy, login_as, actor):
    assert login_as(busy.actors()[actor]).get(URL, {"page": 2}).status_code == 404
