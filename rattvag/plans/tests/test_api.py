"""Plans and activities in the API: versions, validation, 404 for invisible clients, 403 for refused writes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.meetings.tests.fixtures import OUTSIDERS
from rattvag.plans.models import Activity, PlanVersion

pytestmark = pytest.mark.django_db


def post(http, url, body):
    return http.post(url, body, content_type="application/json")


def active_body(**overrides):
    body = {
        "kind": "active",
        "goals": "Egen försörjning.",
        "follow_up_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    }
    body.update(overrides)
    return body


def test_plans_write_versions_and_list(world, login_as):
    http = login_as(world.caseworker)
    url = f"/api/v1/clients/{world.client_a.pk}/plans"
    first = post(http, url, active_body())
    assert first.status_code == 201, first.content
    assert first.json()["current"]["number"] == 1
    unsaid = post(http, url, active_body(goals="Studier."))
    assert unsaid.status_code == 422  # a new version must say which one it was written from
    assert unsaid.json()["errors"][0]["field"] == "based_on"
    second = post(
        http,
        url,
        active_body(goals="Studier.", agreed_on=timezone.localdate().isoformat(), agreed_how="oral", based_on=1),
    )
    assert second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    assert [v["number"] for v in second.json()["versions"]] == [2, 1]
    assert second.json()["versions"][1]["goals"] == "Egen försörjning."
    contact = post(http, url, {"kind": "contact", "contact_frequency": "weekly"})
    assert contact.status_code == 201
    listing = http.get(url)
    assert listing.status_code == 200
    assert {p["kind"] for p in listing.json()} == {"active", "contact"}
    assert PlanVersion.objects.count() == 3
    assert AuditEvent.objects.filter(action="plan.viewed", data__via="api").count() == 1


def test_plan_validation(world, login_as):
    http = login_as(world.caseworker)
    url = f"/api/v1/clients/{world.client_a.pk}/plans"
    response = post(http, url, active_body(goals=""))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "goals"
    assert post(http, url, {"kind": "weird"}).status_code == 422
    assert post(http, url, {"kind": "contact"}).status_code == 422


def test_activities(world, login_as):
    http = login_as(world.caseworker)
    url = f"/api/v1/clients/{world.client_a.pk}/activities"
    plan_id = post(http, f"/api/v1/clients/{world.client_a.pk}/plans", active_body()).json()["id"]
    body = {
        "type": "work_capacity_assessment",
        "plan_id": plan_id,
        "partner": "FK-HALLAND",
        "planned_on": timezone.localdate().isoformat(),
    }
    response = post(http, url, body)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "planned"
    assert response.json()["type_name"] == "Arbetsförmågebedömning via AMC"
    assert post(http, url, {**body, "type": "nope"}).status_code == 422
    assert post(http, url, {**body, "partner": "nope"}).status_code == 422
    assert post(http, url, {**body, "plan_id": 99999}).status_code == 422
    assert [a["id"] for a in http.get(url).json()] == [response.json()["id"]]
    assert Activity.objects.count() == 1


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_outsiders_get_404(world, login_as, actor):
    http = login_as(getattr(world, actor))
    for path, body in (("plans", active_body()), ("activities", {"type": "other", "planned_on": "2030-01-01"})):
        url = f"/api/v1/clients/{world.client_a.pk}/{path}"
        assert http.get(url).status_code == 404
        assert post(http, url, body).status_code == 404
    assert not PlanVersion.objects.exists()
    assert not Activity.objects.exists()


def test_partner_officer_reads_but_cannot_write(world, login_as, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    http = login_as(world.partner_officer)
    assert http.get(f"/api/v1/clients/{world.client_a.pk}/plans").json() == []
    assert http.get(f"/api/v1/clients/{world.client_a.pk}/activities").json() == []
    assert post(http, f"/api/v1/clients/{world.client_a.pk}/plans", active_body()).status_code == 403
