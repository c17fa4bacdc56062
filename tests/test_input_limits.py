"""Input limits: uploads by type and size (kept private, served only through the checked view), free text by
length, dates by range, and HTML in text shown as text, never run."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.utils import timezone

from rattvag.accounts.models import PartnerKind
from rattvag.accounts.tokens import api_token_issue
from rattvag.audit.models import AuditEvent
from rattvag.certificates import services as certificate_services
from rattvag.certificates.tests.factories import certificate_data
from rattvag.clients import services as client_services
from rattvag.clients.models import Client
from rattvag.consent import services as consent_services
from rattvag.consent.models import Consent
from rattvag.core.validation import (
    EARLIEST_DATE,
    TEXT_MAX_LENGTH,
    date_range,
    text_too_long_message,
    validate_reasonable_date,
)
from rattvag.meetings import services as meeting_services
from rattvag.plans import services as plan_services
from tests.factories import PartnerFactory, make_personal_number

DAY = datetime.timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _api(user: Any) -> HttpClient:
    _token, raw = api_token_issue(user=user, actor=user)
    return HttpClient(headers={"Authorization": f"Bearer {raw}"})


def _errors(caught: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return caught.value.message_dict


# --- uploads ------------------------------------------------------------------------------------


def _record_post(world: Any, document: Any) -> dict[str, Any]:
    return {
        "consent-partner": f"p:{world.fk.pk}",
        "consent-purposes": ["share_fk"],
        "consent-form": "written",
        "consent-given_on": timezone.localdate().isoformat(),
        "consent-document": document,
    }


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("samtycke.pdf", b"Hej, det har ar ingen PDF."),
        ("samtycke.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("samtycke.html", b"<html><script>alert(1)</script></html>"),
        ("samtycke.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
    ],
)
def test_an_upload_of_the_wrong_type_is_refused_in_swedish(world, login_as, name, content):
    url = f"/consent/clients/{world.client_a.pk}/record/"
    response = login_as(world.caseworker).post(url, _record_post(world, SimpleUploadedFile(name, content)))
    assert response.status_code == 200
    assert "Filen måste vara en PDF, eller en PNG- eller JPEG-bild." in response.content.decode()
    assert not Consent.objects.exists()


def test_an_oversize_upload_is_refused_in_swedish(world, login_as):
    too_big = SimpleUploadedFile("samtycke.pdf", PDF + b"0" * (consent_services.MAX_DOCUMENT_BYTES - len(PDF) + 1))
    url = f"/consent/clients/{world.client_a.pk}/record/"
    response = login_as(world.caseworker).post(url, _record_post(world, too_big))
    assert response.status_code == 200
    assert "Filen är för stor (högst 10 MB)." in response.content.decode()
    assert not Consent.objects.exists()


def test_the_file_is_stored_privately_under_a_random_name_with_the_checked_extension(world, login_as):
    url = f"/consent/clients/{world.client_a.pk}/record/"
    sent = SimpleUploadedFile("Astrid Lindqvist 19750615.html", PDF)
    assert login_as(world.caseworker).post(url, _record_post(world, sent)).status_code == 302
    consent = Consent.objects.get()
    stored = consent.document.path
    assert stored.startswith(str(django_settings.PRIVATE_MEDIA_ROOT))
    assert not stored.startswith(str(django_settings.STATIC_ROOT))
    assert consent.document.name.endswith(".pdf")
    assert "Astrid" not in consent.document.name
    assert "19750615" not in consent.document.name
    with pytest.raises(ValueError, match="no URL"):
        consent.document.url  # noqa: B018 - the property itself refuses


def test_the_file_is_served_only_through_the_checked_and_audited_view(world, login_as):
    consent = consent_services.consent_record(
        actor=world.caseworker,
        client=world.client_a,
        partner=world.fk,
        purposes=["share_fk"],
        form="written",
        document=SimpleUploadedFile("scan.pdf", PDF),
    )
    name = consent.document.name
    http = login_as(world.caseworker)
    for guess in (f"/media/{name}", f"/static/{name}", f"/{name}", f"/private_media/{name}"):
        assert http.get(guess).status_code == 404, guess
    response = http.get(f"/consent/{consent.pk}/document/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert f"samtycke-{consent.pk}.pdf" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="consent.document_viewed")
    assert (event.actor, event.client_id) == (world.caseworker, world.client_a.pk)
    for actor in ("caseworker_other_unit", "partner_officer", "analyst", "aggregate_viewer", "admin"):
        assert login_as(world.actors()[actor]).get(f"/consent/{consent.pk}/document/").status_code == 404, actor
    assert AuditEvent.objects.filter(action="consent.document_viewed").count() == 1


# --- text lengths -------------------------------------------------------------------------------

TOO_LONG = "x" * (TEXT_MAX_LENGTH + 1)


def test_the_longest_text_is_accepted_and_one_more_character_is_refused(world):
    just = certificate_services.certificate_register(
        actor=world.caseworker, client=world.client_a, data=certificate_data(caseworker_note="x" * TEXT_MAX_LENGTH)
    )
    assert len(just.caseworker_note) == TEXT_MAX_LENGTH
    with pytest.raises(ValidationError) as caught:
        certificate_services.certificate_register(
            actor=world.caseworker, client=world.client_a, data=certificate_data(caseworker_note=TOO_LONG)
        )
    assert _errors(caught) == {"caseworker_note": [text_too_long_message()]}
    assert "10 000 tecken" in text_too_long_message().replace("\xa0", " ")


def test_services_refuse_too_long_text_rather_than_cut_it(world):
    starts = timezone.make_aware(datetime.datetime.combine(timezone.localdate() + 2 * DAY, datetime.time(9)))
    meeting = meeting_services.meeting_create(
        actor=world.caseworker,
        client=world.client_a,
        data=meeting_services.MeetingData(kind="mapping", starts_at=starts, location="Rum 1"),
    )
    long_minutes = meeting_services.MeetingData(kind="mapping", starts_at=starts, location="Rum 1", discussed=TOO_LONG)
    with pytest.raises(ValidationError) as caught:
        meeting_services.meeting_update(actor=world.caseworker, meeting=meeting, data=long_minutes)
    assert set(_errors(caught)) == {"discussed"}
    plan = plan_services.PlanData(goals=TOO_LONG, follow_up_on=timezone.localdate() + 30 * DAY)
    with pytest.raises(ValidationError) as caught:
        plan_services.plan_create(actor=world.caseworker, client=world.client_a, kind="active", data=plan)
    assert set(_errors(caught)) == {"goals"}
    care_unit = PartnerFactory(kind=PartnerKind.CARE_UNIT)
    with pytest.raises(ValidationError) as caught:
        consent_services.healthcare_request_create(
            actor=world.caseworker, client=world.client_a, care_unit=care_unit, questions=[], free_text=TOO_LONG
        )
    assert set(_errors(caught)) == {"free_text"}
    with pytest.raises(ValidationError) as caught:
        client_services.access_grant_create(actor=world.caseworker, client=world.client_b, reason="y" * 1001)
    assert set(_errors(caught)) == {"reason"}


def test_forms_and_the_api_state_the_same_limit(world, login_as):
    page = login_as(world.caseworker).get(f"/clients/{world.client_a.pk}/certificates/new/").content.decode()
    assert page.count(f'maxlength="{TEXT_MAX_LENGTH}"') == 5  # impairment, limitation, treatment, other, note
    body = {
        "issued_on": (timezone.localdate() - DAY).isoformat(),
        "care_unit": {"name": "Vårdcentralen Andersberg"},
        "caseworker_note": TOO_LONG,
    }
    response = _api(world.caseworker).post(
        f"/api/v1/clients/{world.client_a.pk}/certificates", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["caseworker_note"]


# --- dates --------------------------------------------------------------------------------------


def test_the_date_range(world):
    earliest, latest = date_range()
    assert earliest == EARLIEST_DATE == datetime.date(1990, 1, 1)
    assert latest.year == timezone.localdate().year + 5
    validate_reasonable_date(earliest)
    validate_reasonable_date(latest)
    for bad in (
        datetime.date(1900, 1, 1),
        datetime.date(2200, 1, 1),
        datetime.date(1, 1, 1),
        datetime.date(9999, 12, 31),
    ):
        with pytest.raises(ValidationError) as caught:
            validate_reasonable_date(bad)
        assert caught.value.messages == [f"Ange ett datum mellan 1990-01-01 och {latest.isoformat()}."]
    validate_reasonable_date(timezone.localdate() - 3 * 365 * DAY, past_years=5)
    with pytest.raises(ValidationError):
        validate_reasonable_date(timezone.localdate() - 6 * 366 * DAY, past_years=5)


def test_no_certificate_from_1900_or_2200(world):
    issued = datetime.date(1900, 1, 1)
    with pytest.raises(ValidationError) as caught:
        certificate_services.certificate_register(
            actor=world.caseworker,
            client=world.client_a,
            data=certificate_data(issued_on=issued, received_on=issued, periods=[]),
        )
    assert "issued_on" in _errors(caught)
    far = certificate_services.PeriodData(degree=100, start=timezone.localdate(), end=datetime.date(2200, 12, 31))
    with pytest.raises(ValidationError) as caught:
        certificate_services.certificate_register(
            actor=world.caseworker, client=world.client_a, data=certificate_data(periods=[far])
        )
    assert set(_errors(caught)) == {"periods.0.end"}


def test_no_meeting_in_2200_and_no_plan_follow_up_in_1900(world):
    far = timezone.make_aware(datetime.datetime(2200, 1, 1, 10, 0))
    with pytest.raises(ValidationError) as caught:
        meeting_services.meeting_create(
            actor=world.caseworker,
            client=world.client_a,
            data=meeting_services.MeetingData(kind="mapping", starts_at=far, location="Rum 1"),
        )
    assert set(_errors(caught)) == {"starts_at"}
    plan = plan_services.PlanData(goals="Arbete.", follow_up_on=datetime.date(1900, 1, 1))
    with pytest.raises(ValidationError) as caught:
        plan_services.plan_create(actor=world.caseworker, client=world.client_a, kind="active", data=plan)
    assert set(_errors(caught)) == {"follow_up_on"}


def test_no_consent_or_case_in_1900(world):
    with pytest.raises(ValidationError) as caught:
        consent_services.consent_record(
            actor=world.caseworker,
            client=world.client_a,
            partner=world.fk,
            purposes=["share_fk"],
            form="written",
            given_on=datetime.date(1900, 1, 1),
            valid_until=timezone.localdate() + DAY,
        )
    assert set(_errors(caught)) == {"given_on"}
    number = make_personal_number(datetime.date(1970, 5, 5), 77)
    with pytest.raises(ValidationError) as caught:
        client_services.client_create(
            actor=world.caseworker,
            unit=world.unit_a,
            personal_number=number,
            first_name="A",
            last_name="B",
            opened_on=datetime.date(1900, 1, 1),
        )
    assert set(_errors(caught)) == {"opened_on"}


def test_birth_dates_from_the_personal_number_are_not_limited(world):
    number = make_personal_number(datetime.date(1925, 3, 3), 12)
    client = client_services.client_create(
        actor=world.caseworker, unit=world.unit_a, personal_number=number, first_name="Greta", last_name="Äldst"
    )
    assert client.personal_number.startswith("1925")


def test_dates_out_of_range_are_422_in_the_api(world):
    http = _api(world.caseworker)
    certificate = {"issued_on": "1900-01-01", "received_on": "1900-01-02", "care_unit": {"name": "Vårdcentralen"}}
    response = http.post(
        f"/api/v1/clients/{world.client_a.pk}/certificates", json.dumps(certificate), content_type="application/json"
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"issued_on", "received_on"}
    meeting = {"kind": "mapping", "starts_at": "2200-01-01T10:00:00", "location": "Rum 1"}
    response = http.post(
        f"/api/v1/clients/{world.client_a.pk}/meetings", json.dumps(meeting), content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["starts_at"]


def test_a_form_date_out_of_range_is_shown_on_its_field(world, login_as):
    response = login_as(world.caseworker).post(
        f"/clients/{world.client_a.pk}/plans/new/active/",
        {"goals": "Arbete.", "follow_up_on": "2200-01-01", "agreed_how": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#id_follow_up_on"' in page
    assert "Ange ett datum mellan 1990-01-01 och" in page


# --- HTML in text is text -----------------------------------------------------------------------


def _store_payloads(world: Any) -> dict[str, Any]:
    client = Client.objects.get(pk=world.client_a.pk)
    client_services.client_update(actor=world.caseworker, client=client, first_name=PAYLOADS[0], last_name=PAYLOADS[1])
    certificate = certificate_services.certificate_register(
        actor=world.caseworker,
        client=client,
        data=certificate_data(caseworker_note=" ".join(PAYLOADS), physician_name=PAYLOADS[1]),
    )
    starts = timezone.make_aware(datetime.datetime.combine(timezone.localdate() - DAY, datetime.time(9)))
    meeting = meeting_services.meeting_create(
        actor=world.caseworker,
        client=client,
        data=meeting_services.MeetingData(
            kind="mapping",
            starts_at=starts,
            location=PAYLOADS[0],
            status="held",
            discussed="\n".join(PAYLOADS),
            decisions=PAYLOADS[1],
        ),
    )
    base = f"/clients/{client.pk}"
    return {
        "client": client,
        "pages": [
            "/clients/",
            f"{base}/",
            f"{base}/edit/",
            f"{base}/certificates/{certificate.pk}/",
            f"{base}/certificates/{certificate.pk}/edit/",
            f"{base}/meetings/",
            f"{base}/meetings/{meeting.pk}/",
            f"{base}/meetings/{meeting.pk}/edit/",
        ],
    }


def test_html_in_names_and_notes_is_escaped_on_every_page(world, login_as):
    stored = _store_payloads(world)
    http = login_as(world.caseworker)
    for url in stored["pages"]:
        response = http.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for raw in PAYLOADS:
            assert raw not in page, (url, raw)
        assert ESCAPED[0] in page or ESCAPED[1] in page, url


def test_html_in_the_conflict_panel_is_escaped(world, login_as):
    url = f"/clients/{world.client_a.pk}/edit/"
    loaded = {"first_name": "Astrid", "last_name": "Lindqvist", "version": "1"}
    login_as(world.manager).post(url, {**loaded, "city": PAYLOADS[0]})
    page = login_as(world.caseworker).post(url, {**loaded, "phone": "1"}).content.decode()
    assert 'id="conflict"' in page
    assert PAYLOADS[0] not in page
    assert ESCAPED[0] in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_script_in_text_runs_in_the_browser(page, world, browser_login):
    stored = _store_payloads(world)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    browser_login(world.caseworker)
    for url in stored["pages"]:
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.locator("script:not([src])").count() == 0, url  # no inline script ended up in the page
    page.goto(f"/clients/{stored['client'].pk}/")
    page.get_by_role("heading", name=f"{PAYLOADS[0]} {PAYLOADS[1]}", level=1).wait_for()
    assert dialogs == []
