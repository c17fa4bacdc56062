import datetime

from rattvag.stats.figures import Params
from rattvag.stats.selectors import mapping_for

from .conftest import TODAY


def test_smoke(unit_a, login_as):
    w = unit_a.world
    d = mapping_for(
        user=w.manager, unit_code=None, params=Params(start=datetime.date(2024, 7, 1), reference_date=TODAY)
    )
    for k, t in d.tables.items():
        print(k, [(c.key, cell.display) for c, cell in zip(t.columns, t.rows[0].cells)], t.rows[0].total.display)
    http = login_as(w.manager)
    r = http.get("/stats/mapping/")
    print(r.status_code)
    assert r.status_code == 200, r.content.decode()[:3000]
    r = http.get("/stats/mapping/chart/chapters.svg")
    print(r.status_code, r["Content-Security-Policy"], r["Content-Type"])
    a = login_as(w.analyst)
    r = a.get("/stats/mapping/")
    assert r.status_code == 200
    r = login_as(w.aggregate_viewer).get("/stats/aggregate/")
    assert r.status_code == 200
    print(r.content.decode()[-3000:])


def test_api(unit_a, login_as):
    from django.test import Client

    from rattvag.accounts.tokens import api_token_issue

    w = unit_a.world
    _t, raw = api_token_issue(user=w.manager, actor=w.manager)
    c = Client(headers={"Authorization": f"Bearer {raw}"})
    r = c.get("/api/v1/stats/mapping?unit=HAL-EB&from=2024-07-01")
    print(r.status_code, r.content[:800])
    r = c.get("/api/v1/stats/mapping?unit=HAL-EB&from=2026-07-01")
    print(r.status_code, r.content[:800])
    _t, raw = api_token_issue(user=w.aggregate_viewer, actor=w.aggregate_viewer)
    c = Client(headers={"Authorization": f"Bearer {raw}"})
    r = c.get("/api/v1/stats/aggregate?group_by=unit")
    print(r.status_code, r.content[:1500])
    r = c.get("/api/v1/stats/mapping?unit=HAL-EB")
    print(r.status_code, r.content[:800])
