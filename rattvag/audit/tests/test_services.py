"""audit_review: who may review which event, once, with a note."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rattvag.audit.models import AuditEvent, AuditReview
from rattvag.audit.services import audit_review
from rattvag.core.errors import Conflict, PermissionRefused
from tests.factories import CaseFactory, ClientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_office_hours")]


@pytest.fixture
def flagged(world, log_event):
    return log_event(world.caseworker, client_id=world.client_a.pk, break_glass=True)


def test_a_review_is_stored_and_audited(world, flagged):
    review = audit_review(reviewer=world.manager, event=flagged, note="  Checked with the caseworker.  ")
    assert review.note == "Checked with the caseworker."
    logged = AuditEvent.objects.get(action="audit.reviewed")
    assert (logged.actor, logged.client_id, logged.object_id) == (world.manager, world.client_a.pk, str(flagged.pk))
    assert logged.acting_unit == world.unit_a
    assert logged.data == {}


@pytest.mark.parametrize("actor", ["caseworker", "nurse", "analyst", "partner_officer", "aggregate_viewer", "admin"])
def test_only_unit_managers_review(world, flagged, actor):
    with pytest.raises(PermissionRefused):
        audit_review(reviewer=world.actors()[actor], event=flagged, note="Looks fine")
    assert not AuditReview.objects.exists()


def test_a_manager_of_other_units_cannot_review(world, flagged, other_manager):
    with pytest.raises(PermissionRefused):
        audit_review(reviewer=other_manager, event=flagged, note="Looks fine")


def test_nobody_reviews_their_own_access(world, log_event):
    own = log_event(world.manager, client_id=world.client_a.pk, break_glass=True)
    with pytest.raises(PermissionRefused):
        audit_review(reviewer=world.manager, event=own, note="All fine")


def test_each_event_is_reviewed_once(world, flagged):
    audit_review(reviewer=world.manager, event=flagged, note="First")
    with pytest.raises(Conflict):
        audit_review(reviewer=world.manager, event=flagged, note="Second")
    assert AuditReview.objects.get().note == "First"
    assert AuditEvent.objects.filter(action="audit.reviewed").count() == 1


@pytest.mark.parametrize("note", ["", "   ", "x" * 2001])
def test_the_note_is_required_and_limited(world, flagged, note):
    with pytest.raises(ValidationError) as error:
        audit_review(reviewer=world.manager, event=flagged, note=note)
    assert "note" in error.value.message_dict
    assert not AuditReview.objects.exists()


def test_unflagged_accesses_may_be_spot_checked(world, log_event):
    plain = log_event(world.caseworker, client_id=world.client_a.pk)
    assert audit_review(reviewer=world.manager, event=plain, note="Spot check: planned visit").pk


def test_lookup_with_the_same_number_in_two_municipalities_offers_a_choice(world, login_as, numbered_client):
    world.manager.units.add(world.unit_c)
    twin = ClientFactory(municipality=world.municipality_b, personal_number=numbered_client.personal_number)
    CaseFactory(client=twin, unit=world.unit_c)
    response = login_as(world.manager).post(
        reverse("audit:client_lookup"), {"personal_number": numbered_client.personal_number}
    )
    assert response.status_code == 200
    assert [c.pk for c in response.context["matches"]] == [numbered_client.pk, twin.pk]
    content = response.content.decode()
    assert reverse("audit:client", args=[twin.pk]) in content
    viewed = AuditEvent.objects.filter(action="audit.viewed").order_by("client_id")
    assert [e.client_id for e in viewed] == sorted([numbered_client.pk, twin.pk])
