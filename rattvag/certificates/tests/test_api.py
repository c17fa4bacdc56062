"""The certificates API: POST and GET certificates, GET sick_leave; access, errors and audit."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.certificates.models import Certificate

from .factories import register

pytestmark = pytest.mark.django_db
API = "/api/v1"
CANNOT_SEE_CLIENT_A = ["caseworker_other_unit", "analyst", "partner_officer", "aggregate_viewer", "admin"]


def payload(**overrides):
    today = timezone.localdate()
    issued = today - datetime.timedelta(days=2)
    body = {
        "issued_on": issued.isoformat(),
        "received_on": today.isoformat(),
        "care_unit": {"name": "Vårdcentralen Andersberg", "hsa_id": "SE2321000149-1234"},
        "diagnoses": [{"code": "F32.1", "system": "icd10se", "text": "Medelsvår depressiv episod"}],
        "periods": [
            {"degree": 100, "start": issued.isoformat(), "end": (issued + datetime.timedelta(days=29)).isoformat()},
            {
                "degree": 50,
                "start": (issued + datetime.timedelta(days=30)).isoformat(),
                "end": (issued + datetime.timedelta(days=59)).isoformat(),
            },
        ],
        "functional_impairment": "Nedstämdhet, uttalad trötthet och koncentrationssvårigheter sedan månader.",
        "activity_limitation": "Klarar inte att hålla fokus mer än korta stunder eller att slutföra uppgifter.",
        "prognosis": "after_90",
        "basis": ["own_examination"],
    }
    body.update(overrides)
    return body


def test_post_registers_and_answers_201_with_quality_findings(world, api_as):
    response = api_as(world.caseworker).post_json(f"{API}/clients/{world.client_a.pk}/certificates", payload())
    assert response.status_code == 201, response.content
    body = response.json()
    certificate = Certificate.objects.get()
    assert body["id"] == certificate.pk
    assert body["quality_findings"] == []
    assert body["diagnoses"][0]["code"] == "F32.1"
    assert body["diagnoses"][0]["chapter"] == "V"
    assert body["diagnoses"][0]["block"] == "F30-F39"
    assert body["diagnoses"][0]["known_to_who"] is True
    assert [p["degree"] for p in body["periods"]] == [100, 50]
    assert body["care_unit"]["hsa_id"] == "SE2321000149-1234"
    [event] = AuditEvent.objects.filter(action="certificate.registered")
    assert event.client_id == world.client_a.pk


def test_post_with_weak_certificate_lists_findings(world, api_as):
    response = api_as(world.caseworker).post_json(
        f"{API}/clients/{world.client_a.pk}/certificates",
        payload(prognosis=None, basis=[], activity_limitation="Trött.", diagnoses=[]),
    )
    assert response.status_code == 201
    codes = [f["code"] for f in response.json()["quality_findings"]]
    assert codes == ["diagnosis_missing", "basis_missing", "activity_limitation_short", "prognosis_missing"]


def test_overlapping_periods_are_422_in_the_shared_error_format(world, api_as):
    body = payload()
    body["periods"][1]["start"] = body["periods"][0]["end"]
    response = api_as(world.caseworker).post_json(f"{API}/clients/{world.client_a.pk}/certificates", body)
    assert response.status_code == 422
    error = response.json()
    assert error["message"]
    assert [e["field"] for e in error["errors"]] == ["periods"]
    assert Certificate.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"diagnoses": [{"code": "F32", "system": "icd10se"}]}, "diagnoses.0.code"),
        ({"diagnoses": [{"code": "Z73", "system": "icd10se"}]}, "diagnoses.0.code"),
        ({"diagnoses": [{"code": "F32.1", "system": "icd9"}]}, "diagnoses.0.system"),
        ({"periods": [{"degree": 30, "start": "2025-01-01", "end": "2025-01-02"}]}, "periods.0.degree"),
        ({"prognosis": "soon"}, "prognosis"),
        ({"care_unit": {"name": ""}}, "care_unit.name"),
        ({"issued_on": "yesterday"}, "issued_on"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_invalid_input_is_422_naming_the_field(world, api_as, change, field):
    response = api_as(world.caseworker).post_json(f"{API}/clients/{world.client_a.pk}/certificates", payload(**change))
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["errors"]]


def test_get_lists_certificates_and_audits_the_read(world, api_as):
    register(world.client_a, world.caseworker)
    register(world.client_a, world.caseworker, prognosis="")
    response = api_as(world.nurse).get(f"{API}/clients/{world.client_a.pk}/certificates")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {len(item["quality_findings"]) for item in body["items"]} == {0, 1}
    [event] = AuditEvent.objects.filter(action="certificate.listed")
    assert (event.actor, event.client_id, event.data) == (world.nurse, world.client_a.pk, {"via": "api", "count": 2})


def test_sick_leave_spells_current_degree_and_60_days(world, api_as):
    today = timezone.localdate()
    first = register(
        world.client_a,
        world.caseworker,
        (today - datetime.timedelta(days=40), today - datetime.timedelta(days=11), 100),
    )
    second = register(
        world.client_a, world.caseworker, (today - datetime.timedelta(days=7), today + datetime.timedelta(days=30), 50)
    )
    http = api_as(world.caseworker)
    url = f"{API}/clients/{world.client_a.pk}/sick_leave"
    body = http.get(url).json()
    # Three days lie between the certificates: one spell with the default max_gap of 5.
    assert body["on"] == today.isoformat()
    assert body["max_gap"] == 5
    assert body["spells"] == [
        {
            "start": (today - datetime.timedelta(days=40)).isoformat(),
            "end": (today + datetime.timedelta(days=30)).isoformat(),
            "days": 30 + 38,
            "certificate_ids": [first.pk, second.pk],
        }
    ]
    assert body["current_degree"] == 50
    assert body["current"]["days_to_date"] == 30 + 8
    assert body["reaches_60_days_on"] == (today + datetime.timedelta(days=22)).isoformat()

    body = http.get(url, {"max_gap": 2}).json()
    assert len(body["spells"]) == 2
    body = http.get(url, {"on": (today - datetime.timedelta(days=9)).isoformat()}).json()
    assert body["current"] is None  # a date in the gap
    assert body["current_degree"] is None
    assert body["reaches_60_days_on"] is None
    assert AuditEvent.objects.filter(action="sick_leave.viewed", client_id=world.client_a.pk).count() == 3


@pytest.mark.parametrize("query", [{"max_gap": 91}, {"max_gap": -1}, {"on": "14/3"}])
def test_sick_leave_query_is_validated(world, api_as, query):
    response = api_as(world.caseworker).get(f"{API}/clients/{world.client_a.pk}/sick_leave", query)
    assert response.status_code == 422


@pytest.mark.parametrize("actor", CANNOT_SEE_CLIENT_A)
def test_every_endpoint_is_404_for_those_who_cannot_see_the_client(world, api_as, actor):
    register(world.client_a, world.caseworker)
    http = api_as(getattr(world, actor))
    base = f"{API}/clients/{world.client_a.pk}"
    before = AuditEvent.objects.filter(client_id=world.client_a.pk).count()
    assert http.post_json(f"{base}/certificates", payload()).status_code == 404
    assert http.get(f"{base}/certificates").status_code == 404
    assert http.get(f"{base}/sick_leave").status_code == 404
    assert Certificate.objects.count() == 1
    assert AuditEvent.objects.filter(client_id=world.client_a.pk).count() == before


def test_unknown_client_is_404_and_no_credentials_401(world, api_as, client):
    assert api_as(world.caseworker).get(f"{API}/clients/999999/certificates").status_code == 404
    assert client.get(f"{API}/clients/{world.client_a.pk}/certificates").status_code == 401


def test_openapi_documents_the_endpoints(world, api_as):
    schema = api_as(world.caseworker).get(f"{API}/openapi.json").json()
    assert "/api/v1/clients/{client_id}/certificates" in schema["paths"]
    assert "/api/v1/clients/{client_id}/sick_leave" in schema["paths"]
