"""The outcomes endpoints: ladder assessments, questionnaires, and the five reports."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.outcomes.models import LadderAssessment, QuestionnaireResponse
from rattvag.outcomes.reports import (
    fidelity_report,
    indicator_report,
    movement_report,
    summary_report,
    time_to_outcome_report,
)
from rattvag.outcomes.scope import Period, resolve_group

API = "/api/v1"
DAY = datetime.timedelta(days=1)


def post(http, path, body):
    return http.post(API + path, body, content_type="application/json")


def test_record_and_list_ladder_assessments(world, login_as):
    http = login_as(world.caseworker)
    today = timezone.localdate()
    response = post(
        http,
        f"/clients/{world.client_a.pk}/ladder_assessments",
        {"step": 3, "assessed_by": "client", "comment": "Känner sig starkare."},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["step"] == 3
    assert body["ladder"] == "default"
    assert body["ladder_version"] == 1
    assert body["assessed_on"] == today.isoformat()
    assert body["assessed_by"] == "client"
    assert body["step_label"]
    assert AuditEvent.objects.filter(action="ladder.assessed", client_id=world.client_a.pk).exists()
    listed = http.get(f"{API}/clients/{world.client_a.pk}/ladder_assessments")
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [body["id"]]
    assert AuditEvent.objects.filter(action="ladder.viewed", data__via="api").exists()


def test_ladder_assessment_validation(world, login_as):
    http = login_as(world.caseworker)
    path = f"/clients/{world.client_a.pk}/ladder_assessments"
    no_step = post(http, path, {"step": 42, "assessed_by": "caseworker"})
    assert no_step.status_code == 422
    assert no_step.json()["errors"][0]["field"] == "step"
    future = post(
        http, path, {"step": 2, "assessed_by": "caseworker", "assessed_on": (timezone.localdate() + DAY).isoformat()}
    )
    assert future.status_code == 422
    assert future.json()["errors"][0]["field"] == "assessed_on"
    unknown = post(http, path, {"step": 2, "assessed_by": "caseworker", "mood": "good"})
    assert unknown.status_code == 422
    assert not LadderAssessment.objects.exists()


@pytest.mark.parametrize("actor", ["caseworker_other_unit", "analyst", "partner_officer", "aggregate_viewer", "admin"])
def test_client_endpoints_answer_404_to_others(world, login_as, actor):
    http = login_as(getattr(world, actor))
    client_id = world.client_a.pk
    assert (
        post(http, f"/clients/{client_id}/ladder_assessments", {"step": 2, "assessed_by": "caseworker"}).status_code
        == 404
    )
    assert http.get(f"{API}/clients/{client_id}/ladder_assessments").status_code == 404
    assert (
        post(
            http, f"/clients/{client_id}/questionnaires", {"questionnaire": "end", "answers": {"ready": 4}}
        ).status_code
        == 404
    )
    assert post(http, "/clients/999999/ladder_assessments", {"step": 2, "assessed_by": "caseworker"}).status_code == 404


def test_record_a_questionnaire(world, login_as):
    http = login_as(world.manager)
    response = post(
        http,
        f"/clients/{world.client_a.pk}/questionnaires",
        {"questionnaire": "end", "answers": {"ready": 4, "useful": 3, "plan": None}},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["questionnaire"] == "end"
    assert body["answered_questions"] == 2
    assert body["entered_by"] == "with_caseworker"
    assert QuestionnaireResponse.objects.get(pk=body["id"]).unit == world.unit_a
    bad_value = post(
        http, f"/clients/{world.client_a.pk}/questionnaires", {"questionnaire": "end", "answers": {"ready": 9}}
    )
    assert bad_value.status_code == 422
    assert bad_value.json()["errors"][0]["field"] == "ready"
    unknown = post(http, f"/clients/{world.client_a.pk}/questionnaires", {"questionnaire": "x", "answers": {}})
    assert unknown.status_code == 422


REPORTS = {
    "movement": lambda group, period: movement_report(group=group, period=period),
    "indicators": lambda group, period: indicator_report(group=group, period=period),
    "time_to_outcome": lambda group, period: time_to_outcome_report(group=group, period=period),
    "fidelity": lambda group, period: fidelity_report(group=group, period=period),
    "summary": lambda group, period: summary_report(group=group, period=period),
}


@pytest.mark.parametrize("name", list(REPORTS))
def test_reports_match_the_selectors(world, login_as, assess, answer, name):
    today = timezone.localdate()
    assess(world.client_a, 1, today - 10 * DAY, world.caseworker)
    assess(world.client_a, 3, today - 5 * DAY, world.caseworker)
    answer(world.client_a, world.unit_a, world.caseworker, {"ready": 4})
    http = login_as(world.analyst)
    start = today - 100 * DAY
    response = http.get(f"{API}/reports/{name}", {"municipality": "1380", "from": start.isoformat()})
    assert response.status_code == 200, response.content
    group = resolve_group(world.analyst, municipality="1380")
    expected = REPORTS[name](group, Period(start, today)).as_json()
    assert response.json() == expected
    assert response.json()["group"] == {"kind": "municipality", "code": "1380", "name": "Halmstad"}
    assert AuditEvent.objects.filter(action="report.viewed", data__report=name, data__via="api").exists()


@pytest.mark.parametrize("name", list(REPORTS))
@pytest.mark.parametrize("actor", ["nurse", "partner_officer", "admin"])
def test_reports_answer_404_to_roles_without_reports(world, login_as, name, actor):
    assert login_as(getattr(world, actor)).get(f"{API}/reports/{name}").status_code == 404


def test_reports_need_authentication(world, client):
    response = client.get(f"{API}/reports/summary")
    assert response.status_code == 401


def test_report_parameters(world, login_as):
    http = login_as(world.aggregate_viewer)
    everything = http.get(f"{API}/reports/summary")
    assert everything.status_code == 200
    assert everything.json()["group"]["kind"] == "all"
    assert http.get(f"{API}/reports/summary", {"from": "2025-05-01", "to": "2025-01-01"}).status_code == 422
    assert http.get(f"{API}/reports/summary", {"from": "1990-01-01", "to": "2025-01-01"}).status_code == 422
    assert http.get(f"{API}/reports/summary", {"from": "yesterday"}).status_code == 422
    assert http.get(f"{API}/reports/time_to_outcome", {"origin": "birth"}).status_code == 422
    assert http.get(f"{API}/reports/movement", {"assessed_by": "neighbour"}).status_code == 422
    assert http.get(f"{API}/reports/indicators", {"moment": "end"}).json()["moment"] == "end"
    body = http.get(
        f"{API}/reports/time_to_outcome", {"origin": "sick_leave", "by": "period", "route": "self_supporting"}
    ).json()
    assert body["origin"] == "sick_leave"
    assert body["by"] == "period"
    assert body["route"] == "self_supporting"
    assert [s["key"] for s in body["endpoints"][0]["series"]] == ["current", "previous"]


def test_openapi_documents_the_reports(world, login_as):
    schema = login_as(world.analyst).get(f"{API}/openapi.json").json()
    for path in (
        "/api/v1/reports/movement",
        "/api/v1/reports/indicators",
        "/api/v1/reports/time_to_outcome",
        "/api/v1/reports/fidelity",
        "/api/v1/reports/summary",
        "/api/v1/clients/{client_id}/ladder_assessments",
        "/api/v1/clients/{client_id}/questionnaires",
    ):
        assert path in schema["paths"], path
    parameters = {p["name"] for p in schema["paths"]["/api/v1/reports/summary"]["get"]["parameters"]}
    assert {"unit", "municipality", "from", "to"} <= parameters
