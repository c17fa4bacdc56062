"""The unit manager's log review: who reaches it, what it lists, and that looking is itself logged."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from rattvag.accounts.models import Role
from rattvag.audit.actions import action_label
from rattvag.audit.models import AuditEvent
from rattvag.clients.services import access_grant_create
from tests.factories import CaseFactory, ClientFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_office_hours")]

NOT_MANAGERS = [
    "caseworker",
    "caseworker_other_unit",
    "nurse",
    "analyst",
    "partner_officer",
    "aggregate_viewer",
    "admin",
]


def listed_ids(response) -> set[int]:
    return {int(part.split('"')[0]) for part in response.content.decode().split('data-event-id="')[1:]}


# --- Who reaches the pages -------------------------------------------------------------------


@pytest.mark.parametrize("actor", NOT_MANAGERS)
@pytest.mark.parametrize(
    "name",
    ["audit:review", "audit:client_lookup", "audit:user_pick"],
)
def test_pages_answer_404_to_everyone_but_unit_managers(world, login_as, actor, name):
    response = login_as(world.actors()[actor]).get(reverse(name))
    assert response.status_code == 404


@pytest.mark.parametrize("actor", NOT_MANAGERS)
def test_object_pages_answer_404_to_everyone_but_unit_managers(world, login_as, log_event, actor):
    event = log_event(world.caseworker, client_id=world.client_a.pk, break_glass=True)
    http = login_as(world.actors()[actor])
    for url in [
        reverse("audit:client", args=[world.client_a.pk]),
        reverse("audit:client_extract", args=[world.client_a.pk]),
        reverse("audit:user", args=[world.caseworker.pk]),
        reverse("audit:event", args=[event.pk]),
    ]:
        assert http.get(url).status_code == 404, url
    assert http.post(reverse("audit:event", args=[event.pk]), {"note": "Checked"}).status_code == 404
    assert not AuditEvent.objects.filter(action="audit.reviewed").exists()


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("audit:review"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_manager_of_other_units_sees_neither_the_client_nor_its_staff(world, login_as, log_event, other_manager):
    event = log_event(world.caseworker, client_id=world.client_a.pk, break_glass=True)
    http = login_as(other_manager)
    assert http.get(reverse("audit:client", args=[world.client_a.pk])).status_code == 404
    assert http.get(reverse("audit:client_extract", args=[world.client_a.pk])).status_code == 404
    assert http.get(reverse("audit:user", args=[world.caseworker.pk])).status_code == 404
    assert http.get(reverse("audit:user_pick"), {"user": world.caseworker.pk}).status_code == 404
    assert http.get(reverse("audit:event", args=[event.pk])).status_code == 404
    assert event.pk not in listed_ids(http.get(reverse("audit:review")))


def test_unknown_ids_answer_404(world, login_as):
    http = login_as(world.manager)
    assert http.get(reverse("audit:client", args=[999999])).status_code == 404
    assert http.get(reverse("audit:user", args=[999999])).status_code == 404
    assert http.get(reverse("audit:event", args=[999999])).status_code == 404


# --- The flagged list ------------------------------------------------------------------------


def test_review_lists_flagged_accesses_of_the_managers_units_newest_first(world, login_as, log_event):
    # About a client of the manager's unit, by staff of another unit (break-the-glass).
    access_grant_create(actor=world.caseworker_other_unit, client=world.client_a, reason="Client called about rent")
    break_glass = AuditEvent.objects.get(action="access.break_glass")
    # By the manager's own caseworker, about another unit's client.
    by_own_staff = log_event(world.caseworker, client_id=world.client_b.pk, break_glass=True)
    # In the evening, by the manager's caseworker about their own client.
    evening = log_event(world.caseworker, client_id=world.client_a.pk, evening=True)
    # Not flagged, and flagged but outside the manager's units.
    plain = log_event(world.caseworker, client_id=world.client_a.pk)
    elsewhere = log_event(world.caseworker_other_unit, client_id=world.client_b.pk, break_glass=True)

    response = login_as(world.manager).get(reverse("audit:review"))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.event.pk for row in rows] == [evening.pk, by_own_staff.pk, break_glass.pk]
    assert plain.pk not in listed_ids(response)
    assert elsewhere.pk not in listed_ids(response)
    by_id = {row.event.pk: row for row in rows}
    assert [f.code for f in by_id[break_glass.pk].flags] == ["break_glass", "outside_units"]
    assert [f.code for f in by_id[evening.pk].flags] == ["outside_hours"]
    # A client the manager sees: name and a link; another unit's client: an id only.
    assert by_id[break_glass.pk].client.name == world.client_a.full_name
    assert by_id[by_own_staff.pk].client.name is None
    content = response.content.decode()
    assert world.client_a.full_name in content
    assert world.client_b.full_name not in content
    assert world.client_b.personal_number not in content


def test_the_managers_own_accesses_are_left_to_other_managers(world, login_as, log_event):
    own = log_event(world.manager, client_id=world.client_a.pk, break_glass=True)
    second_manager = UserFactory(username="manager_2", role=Role.UNIT_MANAGER, units=[world.unit_a])
    assert own.pk not in listed_ids(login_as(world.manager).get(reverse("audit:review")))
    assert own.pk in listed_ids(login_as(second_manager).get(reverse("audit:review")))


def test_filter_not_yet_reviewed(world, login_as, log_event):
    reviewed = log_event(world.caseworker, client_id=world.client_a.pk, break_glass=True)
    open_one = log_event(world.caseworker, client_id=world.client_a.pk, break_glass=True)
    http = login_as(world.manager)
    http.post(reverse("audit:event", args=[reviewed.pk]), {"note": "Called the client back, fine."})

    everything = listed_ids(http.get(reverse("audit:review")))
    unreviewed = listed_ids(http.get(reverse("audit:review"), {"status": "unreviewed"}))

    assert {reviewed.pk, open_one.pk} <= everything
    assert open_one.pk in unreviewed
    assert reviewed.pk not in unreviewed


def test_review_paginates(world, login_as, log_event):
    events = [log_event(world.caseworker, client_id=world.client_a.pk, break_glass=True) for _ in range(30)]
    http = login_as(world.manager)
    first = http.get(reverse("audit:review"))
    second = http.get(reverse("audit:review"), {"page": 2})
    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 5
    assert listed_ids(first) | listed_ids(second) == {e.pk for e in events}
    assert 'aria-current="page"' in second.content.decode()


def test_a_temporary_access_is_flagged_in_the_review(world, login_as):
    grant = access_grant_create(
        actor=world.caseworker_other_unit, client=world.client_a, reason="Covering for a colleague"
    )
    event = AuditEvent.objects.get(action="access.break_glass", object_id=str(grant.pk))
    response = login_as(world.manager).get(reverse("audit:review"))
    (row,) = [row for row in response.context["rows"] if row.event.pk == event.pk]
    assert {"break_glass", "outside_units"} <= {flag.code for flag in row.flags}
    assert row.reviewable
    detail = login_as(world.manager).get(reverse("audit:event", args=[event.pk]))
    assert "Covering for a colleague" in detail.content.decode()


def test_protected_names_follow_the_access_rules(world, login_as, log_event):
    protected = ClientFactory(municipality=world.municipality_a, protected_identity=True)
    CaseFactory(client=protected, unit=world.unit_b)
    # The manager reaches this unit_b client only through temporary access: no protected name.
    access_grant_create(actor=world.manager, client=protected, reason="Checking a complaint today")
    event = log_event(world.caseworker, client_id=protected.pk, break_glass=True)
    response = login_as(world.manager).get(reverse("audit:review"))
    (row,) = [row for row in response.context["rows"] if row.event.pk == event.pk]
    assert row.client.visible
    assert row.client.name is None
    assert protected.last_name not in response.content.decode()


# --- Looking is logged ----------------------------------------------------------------------


def test_viewing_the_review_writes_audit_viewed_events_without_personal_data(world, login_as, log_event):
    log_event(world.caseworker_other_unit, client_id=world.client_a.pk, break_glass=True, unit=world.unit_b)
    log_event(world.caseworker, client_id=world.client_b.pk, break_glass=True)
    login_as(world.manager).get(reverse("audit:review"))
    viewed = list(AuditEvent.objects.filter(action="audit.viewed", actor=world.manager))
    # One per client whose name was shown: client_a (client_b's name is not shown).
    assert [e.client_id for e in viewed] == [world.client_a.pk]
    payload = json.dumps([e.data for e in viewed])
    for secret in (world.client_a.first_name, world.client_a.last_name, world.client_a.personal_number):
        assert secret not in payload
    assert viewed[0].data["view"] == "review"


def test_viewing_without_names_still_writes_one_event(world, login_as):
    login_as(world.manager).get(reverse("audit:review"))
    (viewed,) = AuditEvent.objects.filter(action="audit.viewed")
    assert viewed.client_id is None


# --- Who accessed a client ------------------------------------------------------------------


def test_client_log_lists_every_event_about_the_client(world, login_as, log_event):
    mine = [log_event(world.caseworker, client_id=world.client_a.pk) for _ in range(3)]
    other = log_event(world.caseworker, client_id=world.client_b.pk)
    response = login_as(world.manager).get(reverse("audit:client", args=[world.client_a.pk]))
    assert response.status_code == 200
    ids = listed_ids(response)
    assert {e.pk for e in mine} <= ids
    assert other.pk not in ids
    viewed = AuditEvent.objects.filter(action="audit.viewed", client_id=world.client_a.pk).get()
    assert viewed.data == {"view": "client", "page": 1}


@pytest.mark.parametrize("typed", ["198505051238", "19850505-1238", "850505-1238"])
def test_client_lookup_by_personal_number_is_a_post_and_redirects_by_id(world, login_as, numbered_client, typed):
    http = login_as(world.manager)
    response = http.post(reverse("audit:client_lookup"), {"personal_number": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("audit:client", args=[numbered_client.pk])
    assert "850505" not in response["Location"]


@pytest.mark.parametrize("which", ["other_unit", "unknown"])
def test_client_lookup_does_not_reveal_clients_outside_the_managers_units(world, login_as, which):
    other = ClientFactory(municipality=world.municipality_a, personal_number="197911304827")
    CaseFactory(client=other, unit=world.unit_b)
    number = "197911304827" if which == "other_unit" else "191212121212"
    response = login_as(world.manager).post(reverse("audit:client_lookup"), {"personal_number": number})
    assert response.status_code == 200
    assert response.context["form"].errors["personal_number"]
    # Kept as typed, and the same answer whether the client exists or not.
    assert f'value="{number}"' in response.content.decode()


def test_client_lookup_rejects_a_malformed_number(world, login_as):
    response = login_as(world.manager).post(reverse("audit:client_lookup"), {"personal_number": "12345"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


# --- What a user accessed -------------------------------------------------------------------


def test_user_log_lists_what_a_user_of_the_managers_units_accessed(world, login_as, log_event):
    events = [log_event(world.caseworker, client_id=c.pk) for c in (world.client_a, world.client_b)]
    by_someone_else = log_event(world.nurse, client_id=world.client_a.pk)
    http = login_as(world.manager)
    response = http.get(reverse("audit:user", args=[world.caseworker.pk]))
    assert response.status_code == 200
    assert listed_ids(response) == {e.pk for e in events}
    assert by_someone_else.pk not in listed_ids(response)
    assert http.get(reverse("audit:user", args=[world.caseworker_other_unit.pk])).status_code == 404


def test_user_pick_redirects_to_the_user_page(world, login_as):
    response = login_as(world.manager).get(reverse("audit:user_pick"), {"user": world.nurse.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("audit:user", args=[world.nurse.pk])


# --- Reviewing ------------------------------------------------------------------------------


def test_marking_an_access_reviewed_with_a_note(world, login_as, log_event):
    event = log_event(world.caseworker, client_id=world.client_b.pk, break_glass=True)
    http = login_as(world.manager)
    response = http.post(reverse("audit:event", args=[event.pk]), {"note": "Asked Anna: she covered for unit B."})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.review.reviewed_by == world.manager
    assert event.review.note == "Asked Anna: she covered for unit B."
    logged = AuditEvent.objects.get(action="audit.reviewed")
    assert logged.object_id == str(event.pk)
    assert "Anna" not in json.dumps(logged.data)


def test_a_second_review_is_refused_with_a_message(world, login_as, log_event):
    event = log_event(world.caseworker, client_id=world.client_a.pk, break_glass=True)
    http = login_as(world.manager)
    http.post(reverse("audit:event", args=[event.pk]), {"note": "First look"}, follow=True)
    response = http.post(reverse("audit:event", args=[event.pk]), {"note": "Second look"}, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    with translation.override("sv"):
        assert messages == [gettext("This access has already been reviewed.")]
    event.refresh_from_db()
    assert event.review.note == "First look"
    assert AuditEvent.objects.filter(action="audit.reviewed").count() == 1


def test_a_review_needs_a_note_and_keeps_the_page(world, login_as, log_event):
    event = log_event(world.caseworker, client_id=world.client_a.pk, break_glass=True)
    response = login_as(world.manager).post(reverse("audit:event", args=[event.pk]), {"note": "   "})
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert 'href="#id_note"' in content
    assert not AuditEvent.objects.filter(action="audit.reviewed").exists()


def test_a_manager_cannot_review_their_own_access(world, login_as, log_event):
    own = log_event(world.manager, client_id=world.client_a.pk, break_glass=True)
    response = login_as(world.manager).post(reverse("audit:event", args=[own.pk]), {"note": "Fine"}, follow=True)
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="audit.reviewed").exists()


# --- Query counts ---------------------------------------------------------------------------


def _queries(http, url):
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["review", "client", "user"])
def test_query_counts_do_not_grow_with_the_events(world, login_as, log_event, page):
    http = login_as(world.manager)
    urls = {
        "review": reverse("audit:review"),
        "client": reverse("audit:client", args=[world.client_a.pk]),
        "user": reverse("audit:user", args=[world.caseworker.pk]),
    }

    def add_events(count):
        for _ in range(count):
            client = ClientFactory(municipality=world.municipality_a)
            CaseFactory(client=client, unit=world.unit_a)
            log_event(world.caseworker, client_id=client.pk, break_glass=True)
            log_event(world.caseworker, client_id=world.client_a.pk, break_glass=True)

    # The first request renews the new session (once a minute, SessionRenewalMiddleware); the clock stands still.
    with time_machine.travel(timezone.now(), tick=False):
        http.get(urls[page])
        add_events(5)
        few = _queries(http, urls[page])
        add_events(35)
        many = _queries(http, urls[page])
    assert few == many
    assert many <= 20


# --- Languages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading", "flag"),
    [("sv", "Loggranskning", "Tillfällig åtkomst"), ("en", "Log review", "Temporary access")],
)
def test_the_review_speaks_swedish_and_english(world, login_as, log_event, language, heading, flag):
    log_event(world.caseworker, client_id=world.client_a.pk, break_glass=True)
    http = login_as(world.manager)
    http.post(reverse("set_language"), {"language": language})
    content = http.get(reverse("audit:review")).content.decode()
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in content
    assert flag in content


AUDIT_APP_ACTIONS = [
    "client.created",
    "client.updated",
    "client.viewed",
    "client.listed",
    "client.exported",
    "client.printed",
    "case.opened",
    "case.updated",
    "case.closed",
    "access.break_glass",
    "audit.client_log_exported",
    "audit.reviewed",
    "audit.viewed",
]


@pytest.mark.parametrize("code", AUDIT_APP_ACTIONS)
def test_action_labels_are_translated(code):
    with translation.override("en"):
        english = action_label(code)
    with translation.override("sv"):
        swedish = action_label(code)
    assert english != code
    assert swedish != english
