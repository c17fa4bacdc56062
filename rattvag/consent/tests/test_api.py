"""The consent endpoints: POST/GET /clients/{id}/consents, POST /consents/{id}/withdraw."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.consent.models import Consent

API = "/api/v1"
DAY = datetime.timedelta(days=1)


def post(http, path, body):
    return http.post(API + path, body, content_type="application/json")


def test_record_list_withdraw(world, login_as):
    http = login_as(world.caseworker)
    response = post(
        http,
        f"/clients/{world.client_a.pk}/consents",
        {
            "partner": "FK-HALLAND",
            "purposes": ["share_fk", "fk_consultation"],
            "form": "oral",
            "witnessed_by": "B. Berg",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    today = timezone.localdate()
    assert body["partner"] == "FK-HALLAND"
    assert body["partner_kind"] is None
    assert body["purposes"] == ["share_fk", "fk_consultation"]
    assert body["status"] == "valid"
    assert body["given_on"] == today.isoformat()
    assert body["witnessed_by"] == "B. Berg"
    assert body["has_document"] is False

    listed = http.get(f"{API}/clients/{world.client_a.pk}/consents")
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()] == [body["id"]]
    assert AuditEvent.objects.filter(action="consent.viewed", client_id=world.client_a.pk, data__via="api").exists()

    withdrawn = post(http, f"/consents/{body['id']}/withdraw", {"how": "written"})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["withdrawn_how"] == "written"
    again = post(http, f"/consents/{body['id']}/withdraw", {})
    assert again.status_code == 409
    assert again.json()["message"]


def test_record_for_a_kind_with_dates(world, login_as):
    http = login_as(world.caseworker)
    today = timezone.localdate()
    response = post(
        http,
        f"/clients/{world.client_a.pk}/consents",
        {
            "partner_kind": "care_unit",
            "purposes": ["contact_healthcare"],
            "form": "written",
            "given_on": (today - 3 * DAY).isoformat(),
            "valid_until": (today + 90 * DAY).isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["partner"] is None
    assert response.json()["partner_kind"] == "care_unit"
    assert response.json()["valid_until"] == (today + 90 * DAY).isoformat()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"partner": "NOPE", "purposes": ["share_fk"], "form": "written"}, "partner"),
        ({"partner": "FK-HALLAND", "purposes": [], "form": "written"}, "purposes"),
        ({"partner": "FK-HALLAND", "purposes": ["everything"], "form": "written"}, "purposes.0"),
        ({"partner": "FK-HALLAND", "purposes": ["share_fk"], "form": "oral"}, "witnessed_by"),
        ({"purposes": ["share_fk"], "form": "written"}, "partner"),
        ({"partner": "FK-HALLAND", "purposes": ["share_fk"]}, "form"),
    ],
)
def test_record_invalid_input_names_the_field(world, login_as, body, field):
    response = post(login_as(world.caseworker), f"/clients/{world.client_a.pk}/consents", body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Consent.objects.exists()


@pytest.mark.parametrize("actor", ["caseworker_other_unit", "analyst", "aggregate_viewer", "admin", "partner_officer"])
def test_who_cannot_see_the_client_gets_404(world, login_as, actor):
    http = login_as(getattr(world, actor))
    assert http.get(f"{API}/clients/{world.client_a.pk}/consents").status_code == 404
    body = {"partner": "FK-HALLAND", "purposes": ["share_fk"], "form": "written"}
    response = post(http, f"/clients/{world.client_a.pk}/consents", body)
    assert response.status_code == 404
    assert response.json() == {"message": response.json()["message"], "errors": []}


def test_withdraw_of_invisible_consent_is_404(world, login_as, make_consent):
    consent = make_consent(world.client_b, partner=world.fk)
    response = post(login_as(world.caseworker), f"/consents/{consent.pk}/withdraw", {})
    assert response.status_code == 404
    assert post(login_as(world.caseworker), "/consents/999999/withdraw", {}).status_code == 404


def test_partner_who_sees_the_client_is_refused_with_403(world, login_as, make_consent):
    consent = make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    http = login_as(world.partner_officer)
    body = {"partner": "FK-HALLAND", "purposes": ["sip"], "form": "written"}
    response = post(http, f"/clients/{world.client_a.pk}/consents", body)
    assert response.status_code == 403
    assert response.json()["message"]
    assert post(http, f"/consents/{consent.pk}/withdraw", {}).status_code == 403
    listed = http.get(f"{API}/clients/{world.client_a.pk}/consents")
    assert [c["id"] for c in listed.json()] == [consent.pk]
    event = AuditEvent.objects.filter(action="consent.viewed", actor=world.partner_officer).get()
    assert event.acting_partner == world.fk


def test_openapi_documents_the_consent_endpoints(world, login_as):
    schema = login_as(world.caseworker).get(API + "/openapi.json").json()
    assert "/api/v1/clients/{client_id}/consents" in schema["paths"]
    assert "/api/v1/consents/{consent_id}/withdraw" in schema["paths"]
