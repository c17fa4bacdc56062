"""Questions to healthcare: consent checked when written and when sent, the letter as PDF, reminders."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from rattvag.audit.models import AuditEvent
from rattvag.clients.models import Client
from rattvag.consent import services
from rattvag.consent.checks import ConsentMissing
from rattvag.consent.models import HealthcareQuestion, HealthcareRequest
from rattvag.consent.pdf import letter_pdf
from rattvag.consent.selectors import healthcare_requests_unanswered
from rattvag.core.errors import Conflict

DAY = datetime.timedelta(days=1)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def care(partners):
    return partners["care_unit"]


@pytest.fixture
def questions(db):
    return list(HealthcareQuestion.objects.filter(active=True).order_by("position")[:4])


def write(world, care, questions, **kwargs):
    kwargs.setdefault("actor", world.caseworker)
    return services.healthcare_request_create(
        client=world.client_a, care_unit=care, questions=questions, free_text="Hur ser planen ut?", **kwargs
    )


def test_write_needs_consent_to_contact_that_care_unit(world, care, questions, make_consent, partners):
    with pytest.raises(ConsentMissing) as refused:
        write(world, care, questions)
    assert care.name in refused.value.message
    assert refused.value.purpose == "contact_healthcare"
    # Consent for another purpose, or for FK, does not help.
    make_consent(world.client_a, partner=care, purposes=("obtain_journal",))
    make_consent(world.client_a, partner=world.fk, purposes=("contact_healthcare",))
    with pytest.raises(ConsentMissing):
        write(world, care, questions)
    assert not HealthcareRequest.objects.exists()


def test_write_send_answer(world, care, questions, make_consent):
    consent = make_consent(world.client_a, partner=care, purposes=("contact_healthcare",))
    request = write(world, care, questions, reminder_after_days=21)
    assert request.status == "draft"
    assert request.consent == consent
    assert [i.text for i in request.items.order_by("position")] == [q.text_sv for q in questions]
    sent = services.healthcare_request_send(actor=world.caseworker, request=request)
    today = timezone.localdate()
    assert sent.status == "sent"
    assert sent.sent_on == today
    assert sent.remind_on == today + 21 * DAY
    with pytest.raises(Conflict):
        services.healthcare_request_send(actor=world.caseworker, request=sent)
    with pytest.raises(ValidationError):
        services.healthcare_request_answer(actor=world.caseworker, request=sent, answered_on=today, answer_summary=" ")
    answered = services.healthcare_request_answer(
        actor=world.caseworker, request=sent, answered_on=today, answer_summary="50 % möjligt från maj."
    )
    assert answered.status == "answered"
    actions = list(AuditEvent.objects.filter(client_id=world.client_a.pk).values_list("action", flat=True))
    assert {"healthcare_request.created", "healthcare_request.sent", "healthcare_request.answered"} <= set(actions)
    created = AuditEvent.objects.get(action="healthcare_request.created")
    assert created.data["consent_id"] == consent.pk
    assert "Hur ser" not in str(created.data)


def test_send_checks_the_consent_again(world, care, questions, make_consent):
    consent = make_consent(world.client_a, partner=care, purposes=("contact_healthcare",))
    request = write(world, care, questions)
    services.consent_withdraw(actor=world.caseworker, consent=consent)
    with pytest.raises(ConsentMissing):
        services.healthcare_request_send(actor=world.caseworker, request=request)
    request.refresh_from_db()
    assert request.status == "draft"


def test_write_validates(world, care, questions, make_consent, partners):
    make_consent(world.client_a, partner=care, purposes=("contact_healthcare",))
    with pytest.raises(ValidationError) as error:
        services.healthcare_request_create(actor=world.caseworker, client=world.client_a, care_unit=care, questions=[])
    assert "questions" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        write(world, world.fk, questions)
    assert "care_unit" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        write(world, care, questions, reminder_after_days=0)
    assert "reminder_after_days" in error.value.message_dict
    with pytest.raises(Client.DoesNotExist):
        write(world, care, questions, actor=world.caseworker_other_unit)


def test_pdf_contains_the_questions_and_the_consent_reference(world, care, questions, make_consent):
    consent = make_consent(world.client_a, partner=care, purposes=("contact_healthcare",))
    request = write(world, care, questions)
    content = letter_pdf(request)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    for question in questions:
        # Compare the first words: line breaks may split the rest.
        assert " ".join(question.text_sv.split()[:5]) in text
    assert "Hur ser planen ut?" in text
    assert care.name in text
    assert f"nr {consent.pk}" in text
    assert world.client_a.personal_number_display in text


def test_pdf_view_is_audited_and_refused_without_consent(world, care, questions, make_consent, login_as):
    consent = make_consent(world.client_a, partner=care, purposes=("contact_healthcare",))
    request = write(world, care, questions)
    http = login_as(world.caseworker)
    response = http.get(f"/consent/healthcare/{request.pk}/letter.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    printed = AuditEvent.objects.get(action="client.printed")
    assert printed.client_id == world.client_a.pk
    assert printed.object_id == str(request.pk)
    services.consent_withdraw(actor=world.caseworker, consent=consent)
    refused = http.get(f"/consent/healthcare/{request.pk}/letter.pdf")
    assert refused.status_code == 403
    assert "Samtycke saknas" in refused.content.decode()
    for actor in (world.caseworker_other_unit, world.partner_officer, world.analyst):
        assert login_as(actor).get(f"/consent/healthcare/{request.pk}/letter.pdf").status_code == 404


def test_unanswered_requests_past_reminder(world, care, questions, make_consent, time_machine):
    make_consent(world.client_a, partner=care, purposes=("contact_healthcare",))
    request = write(world, care, questions, reminder_after_days=21)
    services.healthcare_request_send(actor=world.caseworker, request=request)
    today = timezone.localdate()
    assert list(healthcare_requests_unanswered(world.caseworker, today + 20 * DAY)) == []
    assert list(healthcare_requests_unanswered(world.caseworker, today + 21 * DAY)) == [request]
    assert list(healthcare_requests_unanswered(world.caseworker_other_unit, today + 30 * DAY)) == []
    assert list(healthcare_requests_unanswered(world.partner_officer, today + 30 * DAY)) == []
    time_machine.move_to(timezone.now() + 22 * DAY)
    assert HealthcareRequest.objects.get().is_overdue()
    services.healthcare_request_answer(
        actor=world.caseworker, request=request, answered_on=timezone.localdate(), answer_summary="Svar kom."
    )
    assert list(healthcare_requests_unanswered(world.caseworker, timezone.localdate())) == []


def test_care_unit_officer_sees_sent_questions_only(world, care, questions, make_consent, officers, login_as):
    make_consent(world.client_a, partner=care, purposes=("contact_healthcare",))
    request = write(world, care, questions)
    http = login_as(officers["care_unit"])
    assert http.get(f"/consent/healthcare/{request.pk}/").status_code == 404  # a draft is not theirs yet
    services.healthcare_request_send(actor=world.caseworker, request=request)
    assert http.get(f"/consent/healthcare/{request.pk}/").status_code == 200
    home = http.get("/consent/partner/").content.decode()
    assert f"/consent/healthcare/{request.pk}/" in home
    # The FK officer never sees it, even with consent for FK.
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    assert login_as(world.partner_officer).get(f"/consent/healthcare/{request.pk}/").status_code == 404
    # …and the care unit officer cannot mark it answered.
    assert http.post(f"/consent/healthcare/{request.pk}/answer/", {}).status_code == 404
