"""Break-the-glass: temporary access to a client of another unit, for the rest of the day only."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.clients.models import AccessGrant

REASON = "Klienten är på kontoret och handläggaren är sjuk."


def _take(http, client, reason=REASON):
    data = {"personal_number": client.personal_number}
    if reason is not None:
        data["reason"] = reason
    return http.post(reverse("clients:temporary_access"), data)


def _moment(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2025, 4, day, hour, 0, tzinfo=timezone.get_current_timezone())


def test_search_then_reason_then_client_page_with_banner(world, login_as):
    http = login_as(world.caseworker)
    detail = reverse("clients:detail", args=[world.client_b.pk])
    assert http.get(detail).status_code == 404
    form = _take(http, world.client_b, reason=None)
    content = form.content.decode()
    assert form.status_code == 200
    assert "govuk-error-summary" not in content  # the first step only asks for the reason
    assert f'value="{world.client_b.personal_number}"' in content
    response = _take(http, world.client_b)
    assert response.status_code == 302
    assert response["Location"] == detail
    page = http.get(detail)
    assert page.status_code == 200
    assert "Tillfällig åtkomst till och med dagens slut – åtkomsten loggas" in page.content.decode()
    grant = AccessGrant.objects.get(user=world.caseworker, client=world.client_b)
    assert grant.reason == REASON
    event = AuditEvent.objects.get(action="access.break_glass", client_id=world.client_b.pk)
    assert event.break_glass
    assert event.data == {"grant_id": grant.pk}
    assert REASON not in str(event.data)
    viewed = AuditEvent.objects.get(action="client.viewed", client_id=world.client_b.pk)
    assert viewed.break_glass
    assert viewed.outside_units


def test_no_number_in_the_url(world, login_as):
    response = _take(login_as(world.caseworker), world.client_b)
    assert world.client_b.personal_number not in response["Location"]
    assert login_as(world.caseworker).get(reverse("clients:temporary_access")).status_code == 302


def test_reason_is_required_and_kept(world, login_as):
    http = login_as(world.caseworker)
    response = _take(http, world.client_b, reason="kort")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ange skälet till åtkomsten (minst 10 tecken)." in content
    assert "kort</textarea>" in content
    assert not AccessGrant.objects.exists()
    assert http.get(reverse("clients:detail", args=[world.client_b.pk])).status_code == 404


def test_access_lasts_for_the_day_only(world, login_as):
    with time_machine.travel(_moment(8, 10), tick=False):
        http = login_as(world.caseworker)
        _take(http, world.client_b)
        assert http.get(reverse("clients:detail", args=[world.client_b.pk])).status_code == 200
    with time_machine.travel(_moment(8, 23), tick=False):
        http = login_as(world.caseworker)  # sessions end after 30 idle minutes
        assert http.get(reverse("clients:detail", args=[world.client_b.pk])).status_code == 200
    with time_machine.travel(_moment(9, 8), tick=False):
        http = login_as(world.caseworker)
        assert http.get(reverse("clients:detail", args=[world.client_b.pk])).status_code == 404


def test_break_glass_shows_no_protected_identity_and_allows_no_changes(world, login_as):
    world.client_b.protected_identity = True
    world.client_b.save()
    http = login_as(world.caseworker)
    _take(http, world.client_b)
    content = http.get(reverse("clients:detail", args=[world.client_b.pk])).content.decode()
    assert world.client_b.last_name not in content
    assert "Skyddad identitet" in content
    assert reverse("clients:edit", args=[world.client_b.pk]) not in content
    assert http.get(reverse("clients:edit", args=[world.client_b.pk])).status_code == 404
    close = reverse("clients:close_case", args=[world.client_b.pk, world.case_b.pk])
    assert http.get(close).status_code == 404


def test_unknown_or_other_municipality_number_is_404(world, login_as, client_in, fresh_number):
    elsewhere, _ = client_in(world.unit_c)
    http = login_as(world.caseworker)
    assert _take(http, elsewhere).status_code == 404
    response = http.post(reverse("clients:temporary_access"), {"personal_number": fresh_number(), "reason": REASON})
    assert response.status_code == 404
    assert http.post(reverse("clients:temporary_access"), {"personal_number": "garbage"}).status_code == 404


def test_regular_access_needs_no_temporary_access(world, login_as):
    response = _take(login_as(world.caseworker), world.client_a)
    assert response.status_code == 302
    assert not AccessGrant.objects.exists()


def test_roles_without_client_access_cannot_take_it(world, login_as):
    for user in (world.analyst, world.partner_officer, world.aggregate_viewer, world.admin):
        assert _take(login_as(user), world.client_b).status_code == 404
    assert not AccessGrant.objects.exists()
