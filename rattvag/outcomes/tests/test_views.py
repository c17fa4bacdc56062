"""The pages: access (404 for anyone else), the aggregate viewer never sees a person, numbers = API, audit."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse

from rattvag.audit.models import AuditEvent
from rattvag.clients.access import client_access
from rattvag.outcomes.models import LadderAssessment, QuestionnaireResponse, TabletCode
from rattvag.outcomes.panels import client_panel

DAY = datetime.timedelta(days=1)
REPORT_PAGES = ["reports", "movement", "indicators", "time_to_outcome", "fidelity", "summary"]
REPORT_API = {
    "movement": "movement",
    "indicators": "indicators",
    "time_to_outcome": "time_to_outcome",
    "fidelity": "fidelity",
    "summary": "summary",
}


@pytest.mark.parametrize("name", REPORT_PAGES)
@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("caseworker", 200),
        ("caseworker_other_unit", 200),
        ("manager", 200),
        ("analyst", 200),
        ("aggregate_viewer", 200),
        ("nurse", 404),
        ("partner_officer", 404),
        ("admin", 404),
    ],
)
def test_report_access(world, login_as, name, actor, status):
    response = login_as(getattr(world, actor)).get(reverse(f"outcomes:{name}"))
    assert response.status_code == status


def test_reports_need_login(world):
    response = HttpClient().get(reverse("outcomes:summary"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("actor", "query", "status"),
    [
        ("caseworker", {"unit": "HAL-EB"}, 200),
        ("caseworker", {"unit": "HAL-SDF"}, 404),
        ("caseworker", {"municipality": "1380"}, 404),
        ("manager", {"unit": "LAH-EB"}, 404),
        ("analyst", {"municipality": "1380"}, 200),
        ("analyst", {"unit": "HAL-SDF"}, 200),
        ("analyst", {"municipality": "1381"}, 404),
        ("analyst", {"unit": "LAH-EB"}, 404),
        ("aggregate_viewer", {"municipality": "1381"}, 200),
        ("aggregate_viewer", {"unit": "NOPE"}, 404),
        ("aggregate_viewer", {"unit": "HAL-EB", "municipality": "1380"}, 404),
    ],
)
def test_groups_a_user_may_choose(world, login_as, actor, query, status):
    http = login_as(getattr(world, actor))
    assert http.get(reverse("outcomes:movement"), query).status_code == status
    assert http.get("/api/v1/reports/movement", query).status_code == status


def test_group_choices_on_the_page(world, login_as):
    page = login_as(world.analyst).get(reverse("outcomes:summary"))
    keys = [key for key, _label in page.context["form"].fields["group"].choices]
    assert keys == ["municipality:1380", "unit:HAL-EB", "unit:HAL-SDF"]
    page = login_as(world.aggregate_viewer).get(reverse("outcomes:summary"))
    keys = [key for key, _label in page.context["form"].fields["group"].choices]
    assert keys[:3] == ["all", "municipality:1380", "municipality:1381"]


def test_a_bad_period_shows_the_error_and_no_report(world, login_as):
    page = login_as(world.manager).get(reverse("outcomes:movement"), {"from": "2025-05-01", "to": "2025-01-01"})
    assert page.status_code == 200
    assert page.context["report"] is None
    assert "The end date must be on or after the start date." in page.content.decode() or page.context[
        "form"
    ].errors.get("to")
    assert not AuditEvent.objects.filter(action="report.viewed").exists()


@pytest.fixture
def recorded(world, assess, answer, today):
    """Ladder assessments and answers for the world's client_a (a person the aggregate viewer must never see)."""
    assess(world.client_a, 2, today - 20 * DAY, world.caseworker)
    assess(world.client_a, 4, today - 5 * DAY, world.caseworker)
    answer(world.client_a, world.unit_a, world.caseworker, {"ready": 4, "useful": 4, "plan": 1})
    return world.client_a


def test_the_aggregate_viewer_never_sees_a_person(world, login_as, recorded):
    http = login_as(world.aggregate_viewer)
    secrets = [recorded.first_name, recorded.last_name, recorded.personal_number, recorded.personal_number_display]
    urls = [reverse(f"outcomes:{name}") for name in REPORT_PAGES]
    urls += [f"/api/v1/reports/{path}" for path in REPORT_API.values()]
    for url in urls:
        response = http.get(url, {"from": "2020-01-01"})
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in secrets:
            assert secret not in body, url
        assert "/clients/" not in body, url
    xlsx = http.get(reverse("outcomes:summary_xlsx"), {"from": "2020-01-01"})
    from openpyxl import load_workbook

    cells = [str(c) for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True) for c in row]
    assert not any(secret in cell for cell in cells for secret in secrets)
    # The per-client pages stay closed to the aggregate viewer.
    assert http.get(reverse("outcomes:ladder_assess", args=[recorded.pk])).status_code == 404
    assert http.get(reverse("outcomes:ladder_chart", args=[recorded.pk])).status_code == 404
    assert http.get(f"/api/v1/clients/{recorded.pk}/ladder_assessments").status_code == 404


def test_small_groups_show_suppression_on_the_page(world, login_as, recorded):
    page = login_as(world.manager).get(reverse("outcomes:movement"), {"from": "2020-01-01"})
    html = page.content.decode()
    assert "&lt;5" in html
    assert page.context["report"].compared.suppressed
    indicators = login_as(world.manager).get(reverse("outcomes:indicators"), {"from": "2020-01-01"})
    assert "&lt;5" in indicators.content.decode()


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("movement", {"assessed_by": "caseworker"}),
        ("indicators", {"moment": "end"}),
        ("time_to_outcome", {"origin": "opened", "by": "unit"}),
        ("fidelity", {}),
        ("summary", {}),
    ],
)
def test_the_page_and_the_api_show_the_same_numbers(world, login_as, recorded, name, extra, threshold):
    threshold(3)
    http = login_as(world.analyst)
    query = {"municipality": "1380", "from": "2020-01-01", **extra}
    page = http.get(reverse(f"outcomes:{name}"), query)
    api = http.get(f"/api/v1/reports/{REPORT_API[name]}", query)
    assert page.status_code == api.status_code == 200
    body = api.json()
    page_json = page.context["report"].as_json()
    if "as_of" in body:
        assert body["as_of"] == page_json["as_of"]
    assert page_json == body
    events = AuditEvent.objects.filter(action="report.viewed", data__report=name)
    assert {e.data["via"] for e in events} == {"web", "api"}
    assert all(e.client_id is None for e in events)


@pytest.mark.parametrize("chart", ["movement_chart", "indicators_chart", "fidelity_chart"])
def test_report_charts(world, login_as, recorded, chart):
    response = login_as(world.analyst).get(reverse(f"outcomes:{chart}"), {"from": "2020-01-01"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert login_as(world.nurse).get(reverse(f"outcomes:{chart}")).status_code == 404


def test_time_to_outcome_charts(world, login_as):
    http = login_as(world.analyst)
    for endpoint in ("plan", "sip", "outcome"):
        response = http.get(reverse("outcomes:time_to_outcome_chart", args=[endpoint]), {"by": "period"})
        assert response.status_code == 200
    assert http.get(reverse("outcomes:time_to_outcome_chart", args=["lunch"])).status_code == 404


def test_summary_exports(world, login_as, recorded):
    from openpyxl import load_workbook

    http = login_as(world.manager)
    xlsx = http.get(reverse("outcomes:summary_xlsx"), {"unit": "HAL-EB", "from": "2020-01-01"})
    assert xlsx.status_code == 200
    assert "attachment" in xlsx["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][1] == world.unit_a.name
    labels = [row[0] for row in rows if row]
    assert "Ärendediskussioner" in labels or "Case discussions" in labels
    pdf = http.get(reverse("outcomes:summary_pdf"), {"unit": "HAL-EB", "from": "2020-01-01"})
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    formats = set(AuditEvent.objects.filter(action="report.exported").values_list("data__format", flat=True))
    assert formats == {"xlsx", "pdf"}
    assert login_as(world.nurse).get(reverse("outcomes:summary_pdf")).status_code == 404


# --- the client's ladder and questionnaires --------------------------------------------------------------

CLIENT_ACTORS_DENIED = ["caseworker_other_unit", "analyst", "partner_officer", "aggregate_viewer", "admin"]


@pytest.mark.parametrize("actor", CLIENT_ACTORS_DENIED)
def test_client_pages_answer_404_to_others(world, login_as, actor):
    http = login_as(getattr(world, actor))
    client_id = world.client_a.pk
    assert http.get(reverse("outcomes:ladder_assess", args=[client_id])).status_code == 404
    assert http.post(reverse("outcomes:ladder_assess", args=[client_id]), {}).status_code == 404
    assert http.get(reverse("outcomes:ladder_chart", args=[client_id])).status_code == 404
    assert http.get(reverse("outcomes:questionnaire_enter", args=[client_id, "end"])).status_code == 404
    assert (
        http.post(reverse("outcomes:tablet_code_create", args=[client_id]), {"questionnaire": "end"}).status_code == 404
    )


def test_record_an_assessment_on_the_page(world, login_as, today):
    http = login_as(world.caseworker)
    url = reverse("outcomes:ladder_assess", args=[world.client_a.pk])
    page = http.get(url)
    assert page.status_code == 200
    assert "Långt från arbetsmarknaden" in page.content.decode()
    invalid = http.post(url, {"ladder-assessed_on": today.isoformat(), "ladder-comment": "Pratade om studier"})
    assert invalid.status_code == 200
    html = invalid.content.decode()
    assert "govuk-error-summary" in html
    assert "Pratade om studier" in html  # what was typed is kept
    saved = http.post(
        url,
        {
            "ladder-assessed_on": today.isoformat(),
            "ladder-step": "4",
            "ladder-assessed_by": "caseworker",
            "ladder-comment": "",
        },
    )
    assert saved.status_code == 302
    assert saved["Location"].startswith(reverse("clients:detail", args=[world.client_a.pk]))
    assert LadderAssessment.objects.get().step.number == 4
    chart = http.get(reverse("outcomes:ladder_chart", args=[world.client_a.pk]))
    assert chart.status_code == 200
    assert chart["Content-Type"].startswith("image/svg+xml")
    assert AuditEvent.objects.filter(action="ladder.viewed", data__via="chart").exists()


def test_enter_a_questionnaire_on_the_page(world, login_as, today):
    http = login_as(world.nurse)
    url = reverse("outcomes:questionnaire_enter", args=[world.client_a.pk, "during"])
    assert http.get(url).status_code == 200
    nothing = http.post(url, {"answered_on": today.isoformat(), "q_ready": "none"})
    assert nothing.status_code == 200
    assert "govuk-error-summary" in nothing.content.decode()
    saved = http.post(url, {"answered_on": today.isoformat(), "q_ready": "3", "q_useful": "none", "q_plan": "1"})
    assert saved.status_code == 302
    response = QuestionnaireResponse.objects.get()
    assert {a.question.code: a.value for a in response.answers.all()} == {"ready": 3, "useful": None, "plan": 1}
    assert http.get(reverse("outcomes:questionnaire_enter", args=[world.client_a.pk, "nope"])).status_code == 404


def test_the_panel(world, recorded, rf: RequestFactory):
    request = rf.get("/")
    request.user = world.caseworker
    panel = client_panel(request, world.client_a, client_access(world.caseworker, world.client_a))
    assert panel is not None
    assert [a.step.number for a in panel["context"]["history"]] == [4, 2]
    assert panel["context"]["ladder_form"] is not None
    assert len(panel["context"]["responses"]) == 1
    from django.template.loader import render_to_string

    html = render_to_string(panel["template"], {"client": world.client_a, **panel["context"]}, request=request)
    assert "ladder-panel-heading" in html
    assert AuditEvent.objects.filter(action="ladder.viewed", data__via="panel").exists()
    # A partner officer (under consent or not) gets no panel.
    request.user = world.partner_officer
    from rattvag.audit.services import ActingFor
    from rattvag.clients.access import ClientAccess

    partner_access = ClientAccess(
        ActingFor(partner=world.fk), sees_protected_identity=False, partner_purposes=frozenset({"share_fk"})
    )
    assert client_panel(request, world.client_a, partner_access) is None


# --- the shared tablet -----------------------------------------------------------------------------------


def test_the_tablet_flow(world, login_as):
    staff = login_as(world.caseworker)
    created = staff.post(reverse("outcomes:tablet_code_create", args=[world.client_a.pk]), {"questionnaire": "end"})
    assert created.status_code == 200
    assert created["Cache-Control"] == "no-store"
    code = created.context["code"]
    assert TabletCode.objects.count() == 1

    tablet = HttpClient()  # nobody logged in on the tablet
    start = tablet.get(reverse("outcomes:tablet_start"))
    assert start.status_code == 200
    wrong = tablet.post(reverse("outcomes:tablet_start"), {"code": "AAAAA-BBBBB"})
    assert wrong.status_code == 200
    assert "govuk-error-summary" in wrong.content.decode()
    found = tablet.post(reverse("outcomes:tablet_start"), {"code": code.lower()})
    assert found.status_code == 302
    page = tablet.get(found["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    for secret in (world.client_a.first_name, world.client_a.last_name, world.client_a.personal_number):
        assert secret not in html
    assert "rv-header" not in html
    assert "<nav" not in html
    submitted = tablet.post(found["Location"], {"q_ready": "4", "q_useful": "3", "q_plan": "0"})
    assert submitted.status_code == 302
    thanks = tablet.get(submitted["Location"])
    assert "Tack" in thanks.content.decode()
    again = tablet.get(found["Location"])
    assert again.status_code == 404
    assert QuestionnaireResponse.objects.get().entered_by == "tablet"


def test_the_tablet_ignores_who_is_logged_in(world, login_as):
    staff = login_as(world.caseworker)
    created = staff.post(reverse("outcomes:tablet_code_create", args=[world.client_a.pk]), {"questionnaire": "during"})
    page = staff.get(reverse("outcomes:tablet_questionnaire", args=[created.context["code"].replace("-", "")]))
    html = page.content.decode()
    assert page.status_code == 200
    assert world.caseworker.username not in html
    assert "rv-header" not in html


def test_the_ladder_chart_reads_the_same_points_as_the_history(world, assess, today):
    from rattvag.outcomes.models import AssessedBy, LadderStep
    from rattvag.outcomes.selectors import ladder_chart_points, ladder_history

    assert ladder_chart_points(world.client_a) == ([], None)
    assess(world.client_a, 2, today - datetime.timedelta(days=40), world.caseworker)
    assess(world.client_a, 5, today - datetime.timedelta(days=10), world.caseworker, AssessedBy.CLIENT)
    assess(world.client_a, 3, today - datetime.timedelta(days=40), world.caseworker)  # same day: recorded order
    points, version_steps = ladder_chart_points(world.client_a)
    history = ladder_history(world.client_a)
    assert points == [(str(a.get_assessed_by_display()), a.assessed_on, a.step.number) for a in history]
    assert [number for _by, _on, number in points] == [2, 3, 5]
    assert version_steps == LadderStep.objects.filter(version=history[-1].step.version).count()
