"""Every GET of the JSON API costs the same number of queries at two data sizes, pinned (see
tests/test_query_counts.py for the sizes and the rules). Requests carry the session of a user who passed
both login steps, like the pages' own HTMX calls; a token costs the same per request once it is in use.

Covered elsewhere: nothing with exact counts (rattvag/api/tests/test_clients.py bounds the client list
from above). Every read endpoint of rattvag/api/clients.py and the apps' api.py modules is here.
"""

from __future__ import annotations

from tests.test_query_counts_data import Endpoint, Url, assert_counts_do_not_grow, period


def _client(rest: str = "") -> Url:
    return lambda g: f"/api/v1/clients/{g.client_id}{rest}"


def _report(name: str) -> Url:
    return lambda g: f"/api/v1/reports/{name}?unit=HAL-EB&{period()}"


E = Endpoint
API: list[Endpoint] = [
    E("GET /clients", "caseworker", lambda g: "/api/v1/clients", 12),
    E("GET /clients/{id}", "caseworker", _client(), 12),
    E("GET /clients/{id} (FK officer)", "partner_officer", _client(), 13),
    E("GET /clients/{id}/certificates", "caseworker", _client("/certificates"), 13),
    E("GET /clients/{id}/sick_leave", "caseworker", _client("/sick_leave"), 14),
    E("GET /clients/{id}/consents", "caseworker", _client("/consents"), 12),
    E("GET /clients/{id}/consents (FK officer)", "partner_officer", _client("/consents"), 13),
    E("GET /clients/{id}/meetings", "caseworker", _client("/meetings"), 13),
    E("GET /clients/{id}/sip", "caseworker", _client("/sip"), 14),
    E("GET /clients/{id}/plans", "caseworker", _client("/plans"), 13),
    E("GET /clients/{id}/activities", "caseworker", _client("/activities"), 11),
    E("GET /clients/{id}/ladder_assessments", "caseworker", _client("/ladder_assessments"), 12),
    E("GET /worklist", "caseworker", lambda g: "/api/v1/worklist", 22),
    E("GET /worklist (manager)", "manager", lambda g: "/api/v1/worklist", 23),
    E("GET /imports/{id}", "caseworker", lambda g: f"/api/v1/imports/{g.ids['import_job']}", 4),
    E("GET /stats/mapping", "manager", lambda g: f"/api/v1/stats/mapping?unit=HAL-EB&{period()}", 11),
    E("GET /stats/aggregate", "aggregate_viewer", lambda g: f"/api/v1/stats/aggregate?{period()}", 10),
    E("GET /stats/aggregate (analyst)", "analyst", lambda g: f"/api/v1/stats/aggregate?group_by=unit&{period()}", 10),
    E("GET /reports/movement", "manager", _report("movement"), 12),
    E("GET /reports/indicators", "manager", _report("indicators"), 13),
    E("GET /reports/time_to_outcome", "manager", _report("time_to_outcome"), 12),
    E("GET /reports/fidelity", "manager", _report("fidelity"), 23),
    E("GET /reports/summary", "manager", _report("summary"), 21),
    E("GET /reports/summary (all units)", "aggregate_viewer", lambda g: f"/api/v1/reports/summary?{period()}", 24),
]


def test_the_api_costs_the_same_number_of_queries_at_both_sizes(world, login_as):
    assert_counts_do_not_grow(world, login_as, API)
