"""The client log extract: every access to one client as CSV that Excel opens."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from rattvag.audit.actions import action_label
from rattvag.audit.models import AuditEvent
from rattvag.audit.selectors import role_label
from rattvag.clients.services import access_grant_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_office_hours")]


def read_extract(response) -> list[list[str]]:
    body = response.content
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_extract_lists_every_access_to_the_client_oldest_first(world, login_as, log_event):
    opened = log_event(world.caseworker, client_id=world.client_a.pk, action="client.viewed")
    access_grant_create(actor=world.caseworker_other_unit, client=world.client_a, reason="Covering the reception")
    log_event(world.caseworker, client_id=world.client_b.pk)  # another client: not in the extract

    response = login_as(world.manager).get(reverse("audit:client_extract", args=[world.client_a.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert world.client_a.personal_number not in response["Content-Disposition"]
    header, *rows = read_extract(response)
    assert len(header) == 6
    with translation.override("sv"):
        first = [
            timezone.localtime(opened.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
            world.caseworker.get_full_name(),
            role_label("caseworker"),
            world.unit_a.name,
            action_label("client.viewed"),
            "",
        ]
        assert rows[0] == first
        assert rows[1][1] == world.caseworker_other_unit.get_full_name()
        assert rows[1][3] == world.unit_b.name
        assert rows[1][4] == action_label("access.break_glass")
        # The export is itself an access, and the extract's last row.
        assert rows[-1][1] == world.manager.get_full_name()
        assert rows[-1][4] == action_label("audit.client_log_exported")
    assert len(rows) == 3


def test_the_export_writes_an_event(world, login_as):
    login_as(world.manager).get(reverse("audit:client_extract", args=[world.client_a.pk]))
    event = AuditEvent.objects.get(action="audit.client_log_exported")
    assert event.client_id == world.client_a.pk
    assert event.actor == world.manager
    assert event.data == {"format": "csv"}


def test_cells_that_look_like_formulas_are_made_plain_text(world, login_as, log_event):
    world.caseworker.first_name = "=HYPERLINK(1)"
    world.caseworker.save()
    log_event(world.caseworker, client_id=world.client_a.pk)
    response = login_as(world.manager).get(reverse("audit:client_extract", args=[world.client_a.pk]))
    _, first, *_ = read_extract(response)
    assert first[1].startswith("'=HYPERLINK(1)")


def test_extract_in_english(world, login_as, log_event):
    log_event(world.caseworker, client_id=world.client_a.pk)
    http = login_as(world.manager)
    http.post(reverse("set_language"), {"language": "en"})
    header, first, *_ = read_extract(http.get(reverse("audit:client_extract", args=[world.client_a.pk])))
    assert header == ["Time", "User", "Role", "Acting for", "Action", "Purpose"]
    assert first[4] == "Opened the client"
