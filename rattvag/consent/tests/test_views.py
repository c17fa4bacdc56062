"""The consent pages: the panel on the client page, recording and withdrawal in two clicks, history,
the scanned document, the healthcare letter pages, and 404 for everyone who may not see them."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.consent.models import Consent, HealthcareQuestion, HealthcareRequest

DAY = datetime.timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OUTSIDERS = ["caseworker_other_unit", "analyst", "aggregate_viewer", "admin", "partner_officer"]


def panel_post(world, **overrides):
    data = {
        "consent-partner": f"p:{world.fk.pk}",
        "consent-purposes": ["share_fk", "fk_consultation"],
        "consent-form": "written",
        "consent-witnessed_by": "",
        "consent-given_on": timezone.localdate().isoformat(),
        "consent-valid_until": "",
    }
    data.update(overrides)
    return data


def test_client_page_shows_the_panel(world, login_as, make_consent, consent_panel_wired):
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    page = login_as(world.caseworker).get(f"/clients/{world.client_a.pk}/").content.decode()
    assert 'data-testid="consent-panel"' in page
    assert "Giltiga samtycken" in page
    assert "Försäkringskassan Halland" in page
    assert "Giltigt samtycke saknas för nästa steg" in page  # contact healthcare is missing
    assert AuditEvent.objects.filter(action="consent.viewed", client_id=world.client_a.pk, data__via="panel").exists()


def test_record_from_the_panel(world, login_as):
    http = login_as(world.caseworker)
    response = http.post(f"/consent/clients/{world.client_a.pk}/record/", panel_post(world))
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{world.client_a.pk}/"
    consent = Consent.objects.get()
    assert consent.purposes == ["share_fk", "fk_consultation"]
    assert consent.partner == world.fk
    assert consent.valid_until is not None


def test_record_for_a_kind_with_a_document(world, login_as):
    http = login_as(world.caseworker)
    data = panel_post(world, **{"consent-partner": "k:care_unit", "consent-purposes": ["contact_healthcare"]})
    data["consent-document"] = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    assert http.post(f"/consent/clients/{world.client_a.pk}/record/", data).status_code == 302
    consent = Consent.objects.get()
    assert consent.partner_kind == "care_unit"
    assert consent.document_content_type == "application/pdf"
    download = http.get(f"/consent/{consent.pk}/document/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="consent.document_viewed", client_id=world.client_a.pk).count() == 1
    for actor in OUTSIDERS:
        assert login_as(getattr(world, actor)).get(f"/consent/{consent.pk}/document/").status_code == 404


def test_invalid_record_keeps_what_was_typed(world, login_as):
    http = login_as(world.caseworker)
    response = http.post(
        f"/consent/clients/{world.client_a.pk}/record/",
        panel_post(world, **{"consent-form": "oral", "consent-purposes": ["sip"]}),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Ett muntligt samtycke behöver ett vittne" in page
    assert 'value="sip" checked' in page
    assert not Consent.objects.exists()
    missing = http.post(f"/consent/clients/{world.client_a.pk}/record/", panel_post(world, **{"consent-purposes": []}))
    assert "Välj minst ett ändamål" in missing.content.decode()


def test_withdraw_in_two_clicks(world, login_as, make_consent):
    consent = make_consent(world.client_a, partner=world.fk)
    http = login_as(world.caseworker)
    confirm = http.get(f"/consent/{consent.pk}/withdraw/")
    assert confirm.status_code == 200
    assert timezone.localdate().isoformat() in confirm.content.decode()  # the date defaults to today
    assert 'name="version" value="1"' in confirm.content.decode()
    done = http.post(
        f"/consent/{consent.pk}/withdraw/",
        {"withdrawn_on": timezone.localdate().isoformat(), "how": "oral", "version": "1"},
    )
    assert done.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    # History stays visible, without withdraw link.
    page = http.get(f"/consent/clients/{world.client_a.pk}/").content.decode()
    assert "Återkallat" in page
    assert f"/consent/{consent.pk}/withdraw/" not in page
    # The same page sent again (a second tab): the consent changed since it was loaded.
    again = http.post(
        f"/consent/{consent.pk}/withdraw/",
        {"withdrawn_on": timezone.localdate().isoformat(), "how": "oral", "version": "1"},
    )
    assert "redan återkallat" in again.content.decode()


def test_replace_page(world, login_as, make_consent):
    consent = make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    http = login_as(world.caseworker)
    form = http.get(f"/consent/{consent.pk}/replace/")
    assert form.status_code == 200
    assert 'value="share_fk" checked' in form.content.decode()
    response = http.post(
        f"/consent/{consent.pk}/replace/",
        {
            "purposes": ["share_fk", "sip"],
            "form": "written",
            "given_on": timezone.localdate().isoformat(),
            "version": "1",
        },
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.replaced_by is not None
    assert consent.replaced_by.purposes == ["share_fk", "sip"]


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_consent_pages_are_404_to_outsiders(world, login_as, make_consent, actor):
    consent = make_consent(world.client_a, partner_kind="care_unit", purposes=("contact_healthcare",))
    http = login_as(getattr(world, actor))
    for url in (
        f"/consent/clients/{world.client_a.pk}/",
        f"/consent/{consent.pk}/withdraw/",
        f"/consent/{consent.pk}/replace/",
        f"/consent/clients/{world.client_a.pk}/healthcare/new/",
    ):
        assert http.get(url).status_code == 404, url
    assert http.post(f"/consent/{consent.pk}/withdraw/", {"how": "oral"}).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_partner_home_only_for_partner_officers(world, login_as):
    for actor in ("caseworker", "manager", "analyst", "admin"):
        assert login_as(getattr(world, actor)).get("/consent/partner/").status_code == 404
    assert login_as(world.partner_officer).get("/consent/partner/").status_code == 200


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(f"/consent/clients/{world.client_a.pk}/")
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_healthcare_pages_flow(world, login_as, partners, make_consent, consent_panel_wired):
    care = partners["care_unit"]
    http = login_as(world.caseworker)
    questions = list(HealthcareQuestion.objects.order_by("position")[:3])
    form = http.get(f"/consent/clients/{world.client_a.pk}/healthcare/new/")
    assert form.status_code == 200
    assert questions[0].text_sv in form.content.decode()
    data = {"care_unit": care.pk, "questions": [q.pk for q in questions], "free_text": "", "reminder_after_days": 21}
    refused = http.post(f"/consent/clients/{world.client_a.pk}/healthcare/new/", data)
    assert refused.status_code == 403
    body = refused.content.decode()
    assert "Samtycke saknas" in body
    assert "Kontakta vården" in body
    assert care.name in body
    assert f"partner=p%3A{care.pk}" in body
    assert "purpose=contact_healthcare" in body
    make_consent(world.client_a, partner=care, purposes=("contact_healthcare",))
    created = http.post(f"/consent/clients/{world.client_a.pk}/healthcare/new/", data)
    assert created.status_code == 302
    request = HealthcareRequest.objects.get()
    detail = http.get(created["Location"])
    assert detail.status_code == 200
    assert questions[1].text_sv in detail.content.decode()
    assert AuditEvent.objects.filter(action="healthcare_request.viewed", client_id=world.client_a.pk).exists()
    sent = http.post(f"/consent/healthcare/{request.pk}/sent/", {"sent_on": timezone.localdate().isoformat()})
    assert sent.status_code == 302
    answer = http.post(
        f"/consent/healthcare/{request.pk}/answer/",
        {"answered_on": timezone.localdate().isoformat(), "answer_summary": "Ja, 25 % är möjligt."},
    )
    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.status == "answered"
    panel = http.get(f"/clients/{world.client_a.pk}/").content.decode()
    assert care.name in panel
    assert "Besvarat" in panel


def test_english_interface(world, login_as, make_consent):
    make_consent(world.client_a, partner=world.fk)
    http = login_as(world.caseworker)
    http.cookies["django_language"] = "en"
    page = http.get(f"/consent/clients/{world.client_a.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Valid consents" in page
    assert "Share with Försäkringskassan" in page
