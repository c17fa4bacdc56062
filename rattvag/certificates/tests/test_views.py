"""Pages: register/edit/view certificates, the client panel, SGI, lookups, care units; access and audit."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.certificates.models import CareUnit, Certificate, SgiStatus

from .factories import CareUnitFactory, register

pytestmark = pytest.mark.django_db

CANNOT_SEE_CLIENT_A = ["caseworker_other_unit", "analyst", "partner_officer", "aggregate_viewer", "admin"]
CAN_SEE_CLIENT_A = ["caseworker", "nurse", "manager"]


def form_post(**overrides):
    """A complete form submission: 100 % for 30 days, then 50 % for 30 days."""
    today = timezone.localdate()
    issued = today - datetime.timedelta(days=2)
    data = {
        "issued_on": issued.isoformat(),
        "received_on": today.isoformat(),
        "care_unit_name": "Vårdcentralen Andersberg",
        "care_unit_hsa_id": "",
        "physician_name": "Dr Exempel",
        "diagnoses-0-code": "F32.1",
        "diagnoses-0-system": "icd10se",
        "diagnoses-0-text": "Medelsvår depressiv episod",
        "diagnoses-1-code": "",
        "diagnoses-1-system": "icd10se",
        "diagnoses-1-text": "",
        "diagnoses-2-code": "",
        "diagnoses-2-system": "icd10se",
        "diagnoses-2-text": "",
        "basis": ["own_examination", "journal_records"],
        "work_capacity_activities": ["job_seeking"],
        "functional_impairment": "Nedstämdhet, uttalad trötthet och koncentrationssvårigheter sedan månader.",
        "activity_limitation": "Klarar inte att hålla fokus mer än korta stunder eller att slutföra uppgifter.",
        "treatment": "Samtalsbehandling.",
        "periods-0-degree": "100",
        "periods-0-start": issued.isoformat(),
        "periods-0-end": (issued + datetime.timedelta(days=29)).isoformat(),
        "periods-1-degree": "50",
        "periods-1-start": (issued + datetime.timedelta(days=30)).isoformat(),
        "periods-1-end": (issued + datetime.timedelta(days=59)).isoformat(),
        "periods-2-degree": "",
        "periods-2-start": "",
        "periods-2-end": "",
        "periods-3-degree": "",
        "periods-3-start": "",
        "periods-3-end": "",
        "prognosis": "after_90",
        "read_with_client_on": today.isoformat(),
        "caseworker_note": "Fråga om prognos.",
    }
    data.update(overrides)
    return data


def client_urls(world, certificate_id):
    pk = world.client_a.pk
    return [
        ("get", reverse("certificates:overview", args=[pk])),
        ("get", reverse("certificates:register", args=[pk])),
        ("post", reverse("certificates:register", args=[pk])),
        ("get", reverse("certificates:detail", args=[pk, certificate_id])),
        ("get", reverse("certificates:edit", args=[pk, certificate_id])),
        ("post", reverse("certificates:edit", args=[pk, certificate_id])),
        ("post", reverse("certificates:quality_check", args=[pk])),
        ("post", reverse("certificates:sgi_record", args=[pk])),
    ]


@pytest.mark.parametrize("actor", CANNOT_SEE_CLIENT_A)
def test_every_client_page_is_404_for_those_who_cannot_see_the_client(world, login_as, actor):
    certificate = register(world.client_a, world.caseworker)
    http = login_as(getattr(world, actor))
    before = AuditEvent.objects.filter(client_id=world.client_a.pk).count()
    for method, url in client_urls(world, certificate.pk):
        response = getattr(http, method)(url, form_post() if method == "post" else None)
        assert response.status_code == 404, (method, url)
    assert Certificate.objects.count() == 1
    assert SgiStatus.objects.count() == 0
    assert AuditEvent.objects.filter(client_id=world.client_a.pk).count() == before  # nothing read or written


def test_a_certificate_of_another_client_is_404_through_this_clients_url(world, login_as):
    other = register(world.client_b, world.caseworker_other_unit)
    http = login_as(world.caseworker)
    for name in ("certificates:detail", "certificates:edit"):
        assert http.get(reverse(name, args=[world.client_a.pk, other.pk])).status_code == 404


def test_anonymous_users_are_sent_to_login(world, client):
    response = client.get(reverse("certificates:overview", args=[world.client_a.pk]))
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


@pytest.mark.parametrize("actor", CAN_SEE_CLIENT_A)
def test_staff_who_see_the_client_can_open_every_page(world, login_as, actor):
    certificate = register(world.client_a, world.caseworker)
    http = login_as(getattr(world, actor))
    for method, url in client_urls(world, certificate.pk):
        if method == "get":
            assert http.get(url).status_code == 200, url


def test_register_with_two_periods_redirects_to_the_certificate_and_audits(world, login_as):
    http = login_as(world.caseworker)
    response = http.post(reverse("certificates:register", args=[world.client_a.pk]), form_post())
    certificate = Certificate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:detail", args=[world.client_a.pk, certificate.pk])
    assert [p.degree for p in certificate.periods.all()] == [100, 50]
    assert certificate.basis == ["own_examination", "journal_records"]
    assert AuditEvent.objects.filter(action="certificate.registered", client_id=world.client_a.pk).count() == 1
    page = http.get(response["Location"])
    assert page.status_code == 200
    assert "F32.1" in page.content.decode()
    assert AuditEvent.objects.filter(action="certificate.viewed", client_id=world.client_a.pk).count() == 1


def test_register_form_keeps_what_was_typed_and_shows_errors(world, login_as):
    http = login_as(world.caseworker)
    data = form_post(**{"diagnoses-0-code": "F32", "periods-1-start": form_post()["periods-0-end"]})
    response = http.post(reverse("certificates:register", args=[world.client_a.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#id_diagnoses-0-code"' in html
    assert 'value="F32"' in html  # kept
    assert "Nedstämdhet, uttalad trötthet" in html
    assert 'value="journal_records" checked' in html
    assert Certificate.objects.count() == 0


def test_overlapping_periods_are_shown_as_an_error_on_the_form(world, login_as):
    http = login_as(world.caseworker)
    data = form_post(**{"periods-1-start": form_post()["periods-0-end"]})
    response = http.post(reverse("certificates:register", args=[world.client_a.pk]), data)
    assert response.status_code == 200
    assert 'id="periods-error"' in response.content.decode()
    assert Certificate.objects.count() == 0


def test_register_form_page_is_audited_as_a_client_read(world, login_as):
    http = login_as(world.caseworker)
    response = http.get(reverse("certificates:register", args=[world.client_a.pk]))
    assert response.status_code == 200
    assert 'type="date"' in response.content.decode()
    assert AuditEvent.objects.filter(action="client.viewed", client_id=world.client_a.pk).count() == 1


def test_edit_shows_saved_values_and_saves_changes(world, login_as):
    certificate = register(world.client_a, world.caseworker)
    http = login_as(world.caseworker)
    url = reverse("certificates:edit", args=[world.client_a.pk, certificate.pk])
    html = http.get(url).content.decode()
    assert 'value="F32.1"' in html
    assert 'value="after_90" checked' in html
    assert 'name="version" value="1"' in html
    response = http.post(
        url,
        form_post(
            prognosis="unclear", version="1", **{"periods-1-degree": "", "periods-1-start": "", "periods-1-end": ""}
        ),
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.prognosis == "unclear"
    assert certificate.periods.count() == 1
    assert AuditEvent.objects.filter(action="certificate.updated").count() == 1


def test_quality_check_lists_findings_for_what_is_typed(world, login_as):
    http = login_as(world.caseworker)
    data = form_post(prognosis="", activity_limitation="Trött.", **{"diagnoses-0-code": "F43.8A"})
    response = http.post(reverse("certificates:quality_check", args=[world.client_a.pk]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-code="prognosis_missing"' in html
    assert 'data-code="activity_limitation_short"' in html
    assert 'href="#id_prognosis_0"' in html
    assert "F43.8A" in html  # unknown to the WHO list: a note, not an error
    assert "<html" not in html


def test_diagnosis_lookup_suggests_codes_and_explains_the_typed_one(world, login_as):
    http = login_as(world.caseworker)
    url = reverse("certificates:diagnosis_lookup")
    html = http.get(url, {"diagnoses-1-code": "F32.1", "diagnoses-1-system": "icd10se"}).content.decode()
    assert '<datalist id="diagnoses-1-codes">' in html
    assert '<option value="F32.1">' in html
    assert "F30-F39" in html
    html = http.get(url, {"code": "F32"}).content.decode()
    assert '<datalist id="diagnoses-0-codes">' in html
    assert "F32.9" in html
    assert "fjärde tecken" in html  # F32 alone is too short (Swedish is the default language)
    assert http.get(url, {"code": ""}).status_code == 200


def test_care_unit_lookup_lists_active_units(world, login_as):
    CareUnitFactory(name="Vårdcentralen Brottet")
    merged = CareUnitFactory(name="VC Brottet", merged_into=CareUnit.objects.get(name="Vårdcentralen Brottet"))
    http = login_as(world.caseworker)
    html = http.get(reverse("certificates:care_unit_lookup"), {"care_unit_name": "brott"}).content.decode()
    assert "Vårdcentralen Brottet" in html
    assert f'value="{merged.name}"' not in html


def test_sgi_record_saves_and_suggests_closing_when_sgi_is_found(world, login_as):
    register(world.client_a, world.caseworker)
    http = login_as(world.caseworker)
    url = reverse("certificates:sgi_record", args=[world.client_a.pk])
    response = http.post(
        url, {"sgi-status": "has", "sgi-recorded_on": timezone.localdate().isoformat(), "sgi-source": "fk"}
    )
    assert response.status_code == 302
    assert SgiStatus.objects.get().status == "has"
    html = http.get(reverse("certificates:overview", args=[world.client_a.pk])).content.decode()
    close_url = reverse("clients:close_case", args=[world.client_a.pk, world.case_a.pk])
    assert f'href="{close_url}"' in html


def test_sgi_record_with_errors_shows_the_form_again(world, login_as):
    http = login_as(world.caseworker)
    response = http.post(reverse("certificates:sgi_record", args=[world.client_a.pk]), {"sgi-status": "has"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#id_sgi-source"' in html
    assert SgiStatus.objects.count() == 0


def test_overview_shows_numbers_timeline_and_tasks(world, login_as):
    today = timezone.localdate()
    register(
        world.client_a,
        world.caseworker,
        (today - datetime.timedelta(days=10), today + datetime.timedelta(days=4), 100),
    )
    register(
        world.client_a,
        world.caseworker,
        (today + datetime.timedelta(days=5), today + datetime.timedelta(days=10), 50),
        issued_on=today,
    )
    http = login_as(world.caseworker)
    response = http.get(reverse("certificates:overview", args=[world.client_a.pk]))
    html = response.content.decode()
    assert 'data-testid="sick-leave-timeline"' in html
    assert 'role="img"' in html
    assert "<title>" in html
    assert "100 %" in html
    assert "style=" not in html  # CSP: no inline styles
    assert "sgi_check" not in html  # the task is shown as text …
    assert "SGI" in html
    for action in ("certificate.listed", "sick_leave.viewed"):
        assert AuditEvent.objects.filter(action=action, client_id=world.client_a.pk).count() == 1


def test_client_panel_renders_on_the_client_page(world, login_as, monkeypatch):
    from rattvag.clients import panels

    path = "rattvag.certificates.panels.client_panel"
    if path not in panels.CLIENT_PANELS:
        monkeypatch.setattr(panels, "CLIENT_PANELS", [*panels.CLIENT_PANELS, path])
    today = timezone.localdate()
    register(
        world.client_a, world.caseworker, (today - datetime.timedelta(days=3), today + datetime.timedelta(days=30), 100)
    )
    http = login_as(world.caseworker)
    html = http.get(reverse("clients:detail", args=[world.client_a.pk])).content.decode()
    assert 'data-testid="certificates-panel"' in html
    assert 'data-testid="sick-leave-timeline"' in html
    assert reverse("certificates:register", args=[world.client_a.pk]) in html


def test_care_unit_completeness_page(world, login_as):
    register(world.client_a, world.caseworker, prognosis="")
    for actor in ("caseworker", "manager"):
        response = login_as(getattr(world, actor)).get(reverse("certificates:care_units"))
        assert response.status_code == 200
        assert "Vårdcentralen Andersberg" in response.content.decode()
    for actor in ("nurse", "analyst", "partner_officer", "aggregate_viewer", "admin"):
        assert login_as(getattr(world, actor)).get(reverse("certificates:care_units")).status_code == 404


def test_care_unit_registry_search(world, login_as):
    CareUnitFactory(name="Vårdcentralen Nyhem", hsa_id="SE-NY")
    html = login_as(world.manager).get(reverse("certificates:care_units"), {"q": "nyhem"}).content.decode()
    assert "SE-NY" in html


def test_care_unit_merge_page_for_managers_only(world, login_as):
    keep = CareUnitFactory(name="Vårdcentralen Andersberg")
    duplicate = CareUnitFactory(name="VC Andersberg")
    url = reverse("certificates:care_unit_merge")
    for actor in ("caseworker", "nurse", "analyst", "partner_officer", "aggregate_viewer", "caseworker_other_unit"):
        http = login_as(getattr(world, actor))
        assert http.get(url).status_code == 404
        assert http.post(url, {"keep": keep.pk, "merge": duplicate.pk}).status_code == 404
    http = login_as(world.manager)
    assert http.get(url, {"q": "andersberg"}).status_code == 200
    response = http.post(url, {"keep": keep.pk, "merge": keep.pk})
    assert response.status_code == 200
    response = http.post(url, {"keep": keep.pk, "merge": duplicate.pk})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep


def test_overview_queries_do_not_grow_with_the_number_of_certificates(world, login_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    http = login_as(world.caseworker)
    url = reverse("certificates:overview", args=[world.client_a.pk])
    http.get(url)  # the session's first request renews it (once a minute); that write is not what is counted
    counts = []
    for _ in range(2):
        for _ in range(3):
            register(
                world.client_a,
                world.caseworker,
                (today - datetime.timedelta(days=5), today + datetime.timedelta(days=5), 50),
            )
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 40
