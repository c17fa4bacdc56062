"""The admin shows the audit log and the reviews, and cannot change or delete anything."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rattvag.audit.models import AuditEvent, AuditReview
from rattvag.audit.services import audit_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_office_hours")]


@pytest.fixture
def event(world, log_event):
    return log_event(world.caseworker, client_id=world.client_a.pk, break_glass=True)


def test_changelist_shows_events_with_labels_and_filters(world, login_as, event):
    http = login_as(world.admin)
    response = http.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert world.caseworker.username in content or world.caseworker.get_full_name() in content
    assert str(world.client_a.pk) in content
    searched = http.get(reverse("admin:audit_auditevent_changelist"), {"q": world.caseworker.username})
    assert searched.status_code == 200
    assert event in searched.context["cl"].result_list
    filtered = http.get(reverse("admin:audit_auditevent_changelist"), {"break_glass__exact": "1"})
    assert list(filtered.context["cl"].result_list) == [event]


def test_admin_views_are_logged(world, login_as, event):
    login_as(world.admin).get(reverse("admin:audit_auditevent_changelist"))
    viewed = AuditEvent.objects.get(action="audit.viewed", actor=world.admin)
    assert viewed.data == {"view": "admin.auditevent.list"}


def test_no_add_permission(world, login_as):
    response = login_as(world.admin).get(reverse("admin:audit_auditevent_add"))
    assert response.status_code == 403


def test_change_view_is_read_only_and_a_post_changes_nothing(world, login_as, event):
    http = login_as(world.admin)
    url = reverse("admin:audit_auditevent_change", args=[event.pk])
    page = http.get(url)
    assert page.status_code == 200
    assert 'name="action"' not in page.content.decode()
    response = http.post(url, {"action": "client.updated", "break_glass": "", "client_id": "1"})
    assert response.status_code == 403
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.break_glass, stored.hash) == (event.action, True, event.hash)


def test_delete_is_refused(world, login_as, event):
    http = login_as(world.admin)
    url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert http.get(url).status_code == 403
    assert http.post(url, {"post": "yes"}).status_code == 403
    response = http.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert response.status_code in {200, 302}
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_reviews_are_read_only_too(world, login_as, event):
    review = audit_review(reviewer=world.manager, event=event, note="Checked with the caseworker")
    http = login_as(world.admin)
    assert http.get(reverse("admin:audit_auditreview_changelist")).status_code == 200
    url = reverse("admin:audit_auditreview_change", args=[review.pk])
    assert http.get(url).status_code == 200
    assert http.post(url, {"note": "Rewritten"}).status_code == 403
    assert http.post(reverse("admin:audit_auditreview_delete", args=[review.pk]), {"post": "yes"}).status_code == 403
    assert AuditReview.objects.get(pk=review.pk).note == "Checked with the caseworker"
    assert http.get(reverse("admin:audit_auditreview_add")).status_code == 403


@pytest.mark.parametrize("actor", ["caseworker", "manager", "analyst"])
def test_non_staff_cannot_open_the_admin_log(world, login_as, actor):
    response = login_as(world.actors()[actor]).get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
