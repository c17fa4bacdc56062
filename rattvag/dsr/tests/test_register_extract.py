"""The register extract: everything held about one client as PDF and JSON, for the client's own unit only."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from rattvag.accounts.models import Role
from rattvag.audit.models import AuditChainHead, AuditEvent
from rattvag.clients.services import access_grant_create
from rattvag.consent.services import consent_record
from rattvag.retention.registry import held_records
from rattvag.retention.tests.records import ClientFile, client_file
from tests.factories import UserFactory
from tests.fixtures.actors import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chain_head(db: None) -> None:
    AuditChainHead.objects.get_or_create(pk=1)


@pytest.fixture
def file(world: World) -> ClientFile:
    return client_file(world, born=datetime.date(1980, 3, 7), close=False)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def urls(client_id: int) -> dict[str, str]:
    return {name: reverse(f"dsr:{name}", args=[client_id]) for name in ("extract", "extract_pdf", "extract_json")}


def test_the_json_holds_every_kind_of_record_with_translated_field_names(world: World, login_as, file: ClientFile):
    response = login_as(world.caseworker).get(urls(file.client.pk)["extract_json"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["client_id"] == file.client.pk
    sections = {section["model"]: section for section in data["records"]}
    assert set(sections) == {entry.model._meta.label for entry in held_records()}
    client_fields = sections["clients.Client"]["items"][0]["fields"]
    assert client_fields["personal_number"] == {
        "label": "Personnummer",
        "value": file.client.personal_number,
        "display": file.client.personal_number,
    }
    assert client_fields["first_name"]["value"] == "Gallringsförnamn"
    assert sections["clients.Client"]["title"] == "Klienter"
    [certificate] = sections["certificates.Certificate"]["items"]
    assert certificate["id"] == file.certificate.pk
    assert certificate["fields"]["functional_impairment"]["value"] == file.certificate.functional_impairment
    assert len(sections["certificates.CertificatePeriod"]["items"]) == 2
    assert len(sections["consent.Consent"]["items"]) == 2
    [case] = sections["clients.Case"]["items"]
    assert case["fields"]["status"] == {"label": "Status", "value": "open", "display": "Pågående"}
    assert case["fields"]["unit"]["display"] == world.unit_a.name
    assert sections["consent.HealthcareRequest"]["items"][0]["fields"]["free_text"]["value"].startswith("Hur länge")
    assert sections["meetings.Meeting"]["items"][0]["fields"]["location"]["value"] == "Rum 1"
    assert sections["plans.PlanVersion"]["items"][0]["fields"]["contact_how"]["value"] == "Telefon varje måndag."
    # Nothing about another client.
    assert world.client_a.personal_number not in response.content.decode()


def test_secrets_are_left_out_and_a_document_is_only_noted(world: World, login_as, file: ClientFile):
    data = json.loads(login_as(world.manager).get(urls(file.client.pk)["extract_json"]).content)
    shown = {
        section["model"]: {name for item in section["items"] for name in item["fields"]} for section in data["records"]
    }
    for entry in held_records():
        assert not set(entry.hidden) & shown[entry.model._meta.label], entry.label
    consent_fields = data["records"][[s["model"] for s in data["records"]].index("consent.Consent")]["items"][0]
    assert consent_fields["fields"]["document"]["value"] is False


def test_the_access_log_ends_with_the_export_itself(world: World, login_as, file: ClientFile):
    data = json.loads(login_as(world.caseworker).get(urls(file.client.pk)["extract_json"]).content)
    log = data["access_log"]
    actions = [row["action"] for row in log]
    assert actions[0] == "client.created"
    assert actions[-1] == "client.exported"
    assert log[-1]["action_label"] == "Exporterade klientens uppgifter"
    assert log[-1]["user"] == world.caseworker.get_full_name()
    assert len(log) == AuditEvent.objects.filter(client_id=file.client.pk).count()


def test_the_pdf_shows_the_records_and_the_log(world: World, login_as, file: ClientFile):
    response = login_as(world.manager).get(urls(file.client.pk)["extract_pdf"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Registerutdrag" in text
    assert "Gallringsförnamn" in text
    assert file.client.personal_number in text
    assert "Läkarintyg" in text or "läkarintyg" in text.lower()
    assert "Åtkomstlogg" in text
    assert "Telefon varje måndag." in text


def test_each_download_is_audited_without_personal_data(world: World, login_as, file: ClientFile):
    http = login_as(world.caseworker)
    http.get(urls(file.client.pk)["extract_pdf"])
    http.get(urls(file.client.pk)["extract_json"])
    events = list(AuditEvent.objects.filter(action="client.exported", client_id=file.client.pk).order_by("pk"))
    assert [event.data for event in events] == [
        {"extract": "register", "format": "pdf"},
        {"extract": "register", "format": "json"},
    ]
    assert all(event.actor == world.caseworker for event in events)
    assert all(event.acting_unit == world.unit_a for event in events)


def test_the_page_links_the_downloads_and_is_a_logged_read(world: World, login_as, file: ClientFile):
    response = login_as(world.manager).get(urls(file.client.pk)["extract"])
    assert response.status_code == 200
    page = response.content.decode()
    assert urls(file.client.pk)["extract_pdf"] in page
    assert urls(file.client.pk)["extract_json"] in page
    assert AuditEvent.objects.filter(
        action="client.viewed", client_id=file.client.pk, actor=world.manager, data={"via": "register_extract"}
    ).exists()
    assert not AuditEvent.objects.filter(action="client.exported").exists()


@pytest.mark.parametrize(
    "actor",
    ["caseworker_other_unit", "nurse", "analyst", "partner_officer", "aggregate_viewer", "admin"],
)
def test_everyone_else_gets_404(world: World, login_as, file: ClientFile, actor: str):
    # The partner officer's organisation holds a consent covering the client: still not theirs to hand out.
    consent_record(actor=world.caseworker, client=file.client, purposes=["share_fk"], form="written", partner=world.fk)
    http = login_as(world.actors()[actor])
    for url in urls(file.client.pk).values():
        assert http.get(url).status_code == 404, (actor, url)
    assert not AuditEvent.objects.filter(action="client.exported").exists()


def test_an_unknown_client_gets_404(world: World, login_as):
    http = login_as(world.manager)
    for url in urls(999_999).values():
        assert http.get(url).status_code == 404


def test_temporary_access_does_not_open_the_extract(world: World, login_as, file: ClientFile):
    access_grant_create(actor=world.caseworker_other_unit, client=file.client, reason="Klienten ringde till fel enhet.")
    http = login_as(world.caseworker_other_unit)
    for url in urls(file.client.pk).values():
        assert http.get(url).status_code == 404


def test_a_protected_identity_only_by_those_who_see_it(world: World, login_as, file: ClientFile):
    file.client.protected_identity = True
    file.client.save()
    other_caseworker = UserFactory(role=Role.CASEWORKER, units=[world.unit_a])
    assert login_as(other_caseworker).get(urls(file.client.pk)["extract_json"]).status_code == 404
    assert login_as(world.caseworker).get(urls(file.client.pk)["extract_json"]).status_code == 200
    assert login_as(world.manager).get(urls(file.client.pk)["extract_json"]).status_code == 200


def test_anonymous_is_sent_to_log_in(file: ClientFile):
    for url in urls(file.client.pk).values():
        response = HttpClient().get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_the_extract_is_in_english_too(world: World, login_as, file: ClientFile):
    http = login_as(world.caseworker)
    http.cookies["django_language"] = "en"
    data = json.loads(http.get(urls(file.client.pk)["extract_json"], headers={"accept-language": "en"}).content)
    client_fields = data["records"][0]["items"][0]["fields"]
    assert client_fields["personal_number"]["label"] == "Personal identity number"
    assert timezone.now().year >= 2024
