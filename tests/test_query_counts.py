"""Every page, list, report, chart and export costs the same number of queries at two data sizes, pinned.

Unit A grows from 2 clients with one record of each kind to 12 clients, client_a holding 6 certificates,
meetings, plan versions, SIP versions, letters, activities … (tests/test_query_counts_data.py). Each row
below is one GET request with the exact number of queries it costs at both sizes: a query added to a page
fails its row, whether it grows with the data (an N+1) or not. Lower the number when a query goes away.

Rows are grouped so that the data is built once per group; the API has its own table in
tests/test_query_counts_api.py. Covered elsewhere with pinned counts at two sizes, so not repeated here:
the client list (rattvag/clients/tests/test_views_list.py). Left out: GET addresses that only redirect
(the home page, stats index, client search and temporary access, the audit staff picker, a new plan when
one is open), forms that read no client data (login, two-factor, tablet start and thanks, the upload page's
form is covered through the import list), and the consent document download (a stored file, no list).
"""

from __future__ import annotations

import pytest

from tests.test_query_counts_data import Endpoint, Url, assert_counts_do_not_grow, period


def _client(rest: str = "") -> Url:
    return lambda g: f"/clients/{g.client_id}/{rest}"


def _certificate(rest: str = "") -> Url:
    return lambda g: f"/clients/{g.client_id}/certificates/{g.ids['certificate']}/{rest}"


def _meeting(rest: str = "") -> Url:
    return lambda g: f"/clients/{g.client_id}/meetings/{g.ids['meeting']}/{rest}"


def _plan(rest: str = "") -> Url:
    return lambda g: f"/clients/{g.client_id}/plans/{g.ids['plan']}/{rest}"


def _url(template: str) -> Url:
    """An address with the ids of client_a's records filled in: {client}, {certificate}, {sip_version} …"""
    return lambda g: template.format(client=g.client_id, **g.ids)


def _mapping(path: str, extra: str = "") -> Url:
    return lambda g: f"/stats/mapping/{path}?unit=HAL-EB&{extra}{period()}"


def _report(path: str, extra: str = "") -> Url:
    return lambda g: f"/outcomes/{path}?{extra}{period()}"


E = Endpoint
UNIT_A = "group=unit:HAL-EB&"
GROUPS: dict[str, list[Endpoint]] = {
    # The client page and its panels, as each role that reaches client_a sees it.
    "client page": [
        E("clients:detail", "caseworker", _client(), 33),
        E("clients:detail (nurse)", "nurse", _client(), 33),
        E("clients:detail (manager)", "manager", _client(), 33),
        E("clients:detail (FK officer)", "partner_officer", _client(), 25),
        E("clients:detail (care unit officer)", "care_officer", _client(), 16),
        E("clients:create", "caseworker", lambda g: "/clients/new/", 6),
        E("clients:edit", "caseworker", _client("edit/"), 10),
        E("clients:close_case", "caseworker", lambda g: f"/clients/{g.client_id}/cases/{g.world.case_a.pk}/close/", 12),
        E("dsr:extract", "caseworker", lambda g: f"/dsr/clients/{g.client_id}/", 10),
        E("dsr:extract_pdf", "caseworker", lambda g: f"/dsr/clients/{g.client_id}/extract.pdf", 39),
        E("dsr:extract_json", "caseworker", lambda g: f"/dsr/clients/{g.client_id}/extract.json", 39),
    ],
    "certificates": [
        E("certificates:overview", "caseworker", _client("certificates/"), 21),
        E("certificates:overview (FK officer)", "partner_officer", _client("certificates/"), 21),
        E("certificates:register", "caseworker", _client("certificates/new/"), 12),
        E("certificates:detail", "caseworker", _certificate(), 13),
        E("certificates:edit", "caseworker", _certificate("edit/"), 13),
        E("certificates:diagnosis_lookup", "caseworker", lambda g: "/clients/certificates/diagnosis-lookup?q=F32", 3),
        E("certificates:care_units", "manager", lambda g: "/clients/certificates/care-units/", 13),
        E("certificates:care_unit_lookup", "caseworker", lambda g: "/clients/certificates/care-units/lookup?q=V", 3),
        E("certificates:care_unit_merge", "manager", lambda g: "/clients/certificates/care-units/merge/?q=V", 5),
    ],
    "consent and healthcare": [
        E("consent:client", "caseworker", lambda g: f"/consent/clients/{g.client_id}/", 13),
        E("consent:client (FK officer)", "partner_officer", lambda g: f"/consent/clients/{g.client_id}/", 13),
        E("consent:withdraw", "caseworker", lambda g: f"/consent/{g.ids['consent']}/withdraw/", 12),
        E("consent:replace", "caseworker", lambda g: f"/consent/{g.ids['consent']}/replace/", 13),
        E("consent:healthcare_new", "caseworker", lambda g: f"/consent/clients/{g.client_id}/healthcare/new/", 7),
        E("consent:healthcare_detail", "caseworker", lambda g: f"/consent/healthcare/{g.ids['letter']}/", 15),
        E("consent:healthcare_pdf", "caseworker", lambda g: f"/consent/healthcare/{g.ids['letter']}/letter.pdf", 15),
        E("consent:partner_home", "partner_officer", lambda g: "/consent/partner/", 13),
        E("consent:consultation_list", "caseworker", lambda g: "/consent/consultations/", 8),
        E("consent:consultation_list (FK officer)", "partner_officer", lambda g: "/consent/consultations/", 9),
        E("consent:consultation_new", "caseworker", lambda g: "/consent/consultations/new/", 7),
        E("consent:consultation_detail", "caseworker", _url("/consent/consultations/{consultation}/"), 30),
        E(
            "consent:consultation_detail (FK officer)",
            "partner_officer",
            lambda g: f"/consent/consultations/{g.ids['consultation']}/",
            19,
        ),
        E(
            "consent:consultation_advice",
            "partner_officer",
            lambda g: f"/consent/consultations/{g.ids['consultation']}/cases/{g.ids['consultation_case']}/advice/",
            12,
        ),
    ],
    "meetings, SIP, plans and activities": [
        E("meetings:list", "caseworker", _client("meetings/"), 13),
        E("meetings:list (FK officer)", "partner_officer", _client("meetings/"), 14),
        E("meetings:new", "caseworker", _client("meetings/new/"), 12),
        E("meetings:detail", "caseworker", _meeting(), 17),
        E("meetings:edit", "caseworker", _meeting("edit/"), 13),
        E("meetings:invitation", "caseworker", _meeting("invitation/"), 13),
        E("meetings:invitation_pdf", "caseworker", _meeting("invitation.pdf"), 13),
        E("meetings:sip", "caseworker", _client("sip/"), 15),
        E("meetings:sip_edit", "caseworker", _client("sip/new-version/"), 15),
        E("meetings:sip_version", "caseworker", _url("/clients/{client}/sip/versions/{sip_version}/"), 14),
        E(
            "meetings:sip_version_pdf",
            "caseworker",
            lambda g: f"/clients/{g.client_id}/sip/versions/{g.ids['sip_version']}/sip.pdf",
            12,
        ),
        E("plans:list", "caseworker", _client("plans/"), 13),
        E("plans:detail", "caseworker", _plan(), 13),
        E("plans:revise", "caseworker", _plan("new-version/"), 12),
        E("plans:version", "caseworker", _plan("versions/1/"), 12),
        E("plans:pdf", "caseworker", _plan("versions/1/plan.pdf"), 12),
        E("plans:activities", "caseworker", _client("activities/"), 11),
        E("plans:activity_new", "caseworker", _client("activities/new/"), 13),
        E("plans:activity_edit", "caseworker", _url("/clients/{client}/activities/{activity}/edit/"), 14),
        E("outcomes:ladder_assess", "caseworker", lambda g: f"/outcomes/clients/{g.client_id}/ladder/", 13),
        E("outcomes:ladder_chart", "caseworker", lambda g: f"/outcomes/clients/{g.client_id}/ladder.svg", 11),
        E(
            "outcomes:questionnaire_enter",
            "caseworker",
            lambda g: f"/outcomes/clients/{g.client_id}/questionnaires/end/",
            21,
        ),
    ],
    "worklist, rules and imports": [
        E("followup:worklist", "caseworker", lambda g: "/worklist/", 22),
        E("followup:worklist (manager)", "manager", lambda g: "/worklist/", 24),
        E("followup:rules", "manager", lambda g: "/worklist/rules/", 6),
        E("followup:rule_edit", "manager", lambda g: f"/worklist/rules/{g.world.unit_a.pk}/active_plan/", 6),
        E("imports:upload", "caseworker", lambda g: "/imports/", 7),
        E("imports:job", "caseworker", lambda g: f"/imports/{g.ids['import_job']}/", 4),
        E("imports:job_status", "caseworker", lambda g: f"/imports/{g.ids['import_job']}/status/", 4),
    ],
    "mapping and aggregates": [
        E("stats:mapping", "manager", _mapping(""), 13),
        E("stats:mapping (analyst)", "analyst", _mapping(""), 13),
        E("stats:mapping_chart", "manager", _mapping("chart/chapters.svg"), 8),
        E("stats:mapping_export", "manager", _mapping("export/"), 13),
        E("stats:mapping_export (csv)", "manager", _mapping("export/", "format=csv&table=sgi&"), 13),
        E("stats:mapping_clients", "manager", _mapping("clients/", "figure=headline:total&"), 23),
        E("stats:mapping_clients_export", "manager", _mapping("clients/export/", "figure=headline:total&"), 22),
        E("stats:aggregate", "aggregate_viewer", lambda g: f"/stats/aggregate/?{period()}", 10),
        E("stats:aggregate (analyst)", "analyst", lambda g: f"/stats/aggregate/?group_by=unit&{period()}", 10),
        E("stats:aggregate_chart", "aggregate_viewer", lambda g: f"/stats/aggregate/chart/chapters.svg?{period()}", 10),
        E("stats:aggregate_export", "aggregate_viewer", lambda g: f"/stats/aggregate/export/?{period()}", 10),
    ],
    "outcome reports": [
        E("outcomes:reports", "manager", lambda g: "/outcomes/", 3),
        E("outcomes:movement", "manager", _report("movement/"), 12),
        E("outcomes:movement_chart", "manager", _report("movement/chart.svg", UNIT_A), 6),
        E("outcomes:indicators", "manager", _report("indicators/"), 13),
        E("outcomes:indicators_chart", "manager", _report("indicators/chart.svg", UNIT_A), 7),
        E("outcomes:time_to_outcome", "manager", _report("time-to-outcome/"), 12),
        E("outcomes:time_to_outcome_chart", "manager", _report("time-to-outcome/outcome.svg", UNIT_A), 6),
        E("outcomes:fidelity", "manager", _report("fidelity/"), 23),
        E("outcomes:fidelity_chart", "manager", _report("fidelity/chart.svg", UNIT_A), 17),
        E("outcomes:summary", "manager", _report("summary/"), 21),
        E("outcomes:summary (all units)", "aggregate_viewer", _report("summary/", "group=all&"), 24),
        E("outcomes:summary_xlsx", "manager", _report("summary.xlsx", UNIT_A), 21),
        E("outcomes:summary_pdf", "manager", _report("summary.pdf", UNIT_A), 21),
    ],
    "audit log": [
        E("audit:review", "manager", lambda g: "/audit/", 15),
        E("audit:client_lookup", "manager", lambda g: "/audit/clients/", 3),
        E("audit:client", "manager", lambda g: f"/audit/clients/{g.client_id}/", 15),
        E("audit:client_extract", "manager", lambda g: f"/audit/clients/{g.client_id}/extract.csv", 11),
        E("audit:user", "manager", lambda g: f"/audit/users/{g.world.caseworker.pk}/", 15),
        E("audit:event", "manager", lambda g: f"/audit/events/{g.ids['event']}/", 13),
    ],
}


@pytest.mark.parametrize("group", GROUPS)
def test_pages_cost_the_same_number_of_queries_at_both_sizes(world, login_as, group):
    assert_counts_do_not_grow(world, login_as, GROUPS[group])
