"""Case consultation with FK: identified only under consent, pseudonymous otherwise, and the counts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.consent import services
from rattvag.consent.checks import ConsentMissing
from rattvag.consent.models import Consultation, ConsultationCase
from rattvag.consent.selectors import consultation_counts
from tests.factories import CaseFactory, ClientFactory, PartnerFactory, UserFactory

DAY = datetime.timedelta(days=1)


@pytest.fixture
def consultation(world):
    return services.consultation_create(
        actor=world.caseworker,
        unit=world.unit_a,
        held_on=timezone.localdate(),
        fk_officer=world.partner_officer,
        caseworkers=[world.caseworker, world.manager],
    )


def raise_pseudonymous(world, consultation, **kwargs):
    defaults = {
        "age_band": "30-39",
        "diagnosis_chapter": "F",
        "sick_leave_days": 240,
        "question": "Kan klienten ansöka om sjukersättning?",
    }
    defaults.update(kwargs)
    return services.consultation_case_raise(actor=world.caseworker, consultation=consultation, **defaults)


def test_create_checks_unit_and_officer(world):
    with pytest.raises(ValidationError):
        services.consultation_create(
            actor=world.caseworker, unit=world.unit_b, held_on=timezone.localdate(), fk_officer=world.partner_officer
        )
    care_officer = UserFactory(role="partner_officer", partner=PartnerFactory(kind="care_unit"))
    with pytest.raises(ValidationError):
        services.consultation_create(
            actor=world.caseworker, unit=world.unit_a, held_on=timezone.localdate(), fk_officer=care_officer
        )
    with pytest.raises(ValidationError):
        services.consultation_create(
            actor=world.caseworker,
            unit=world.unit_a,
            held_on=timezone.localdate(),
            fk_officer=world.partner_officer,
            caseworkers=[world.caseworker_other_unit],
        )
    assert not Consultation.objects.exists()


def test_identified_only_with_consultation_consent(world, consultation, make_consent):
    with pytest.raises(ConsentMissing):
        services.consultation_case_raise(
            actor=world.caseworker, consultation=consultation, client=world.client_a, question="Råd om SGI?"
        )
    # "Share with FK" is another purpose: not enough to raise the case by name.
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    with pytest.raises(ConsentMissing):
        services.consultation_case_raise(
            actor=world.caseworker, consultation=consultation, client=world.client_a, question="Råd om SGI?"
        )
    consent = make_consent(world.client_a, partner=world.fk, purposes=("fk_consultation",))
    item = services.consultation_case_raise(
        actor=world.caseworker, consultation=consultation, client=world.client_a, question="Råd om SGI?"
    )
    assert item.identified
    assert item.consent == consent
    event = AuditEvent.objects.get(action="consultation.case_raised")
    assert event.client_id == world.client_a.pk
    assert event.data["identified"] is True


def test_consent_is_judged_on_the_consultation_day(world, make_consent):
    today = timezone.localdate()
    make_consent(world.client_a, partner=world.fk, purposes=("fk_consultation",), given_on=today - 5 * DAY)
    earlier = services.consultation_create(
        actor=world.caseworker, unit=world.unit_a, held_on=today - 10 * DAY, fk_officer=world.partner_officer
    )
    with pytest.raises(ConsentMissing):
        services.consultation_case_raise(
            actor=world.caseworker, consultation=earlier, client=world.client_a, question="?"
        )


def test_cannot_raise_a_client_one_does_not_see(world, consultation, make_consent):
    from rattvag.clients.models import Client

    make_consent(world.client_b, partner=world.fk, purposes=("fk_consultation",))
    with pytest.raises(Client.DoesNotExist):
        services.consultation_case_raise(
            actor=world.caseworker, consultation=consultation, client=world.client_b, question="?"
        )


def test_pseudonymous_case_has_no_name_or_number(world, consultation):
    item = raise_pseudonymous(world, consultation)
    assert item.client is None
    assert item.age_band == "30-39"
    event = AuditEvent.objects.get(action="consultation.case_raised")
    assert event.client_id is None
    assert event.data == {"consultation_id": consultation.pk, "identified": False}
    for text in ("Gäller 19800101-1234", "se 800101-1234", "800101+1234"):
        with pytest.raises(ValidationError):
            raise_pseudonymous(world, consultation, question=text)
    with pytest.raises(ValidationError):
        raise_pseudonymous(world, consultation, pseudonym_key="198001011234")
    with pytest.raises(ValidationError):
        raise_pseudonymous(world, consultation, age_band="")


def test_advice_by_officer_and_staff(world, consultation, make_consent):
    item = raise_pseudonymous(world, consultation)
    services.consultation_case_advise(
        actor=world.partner_officer, item=item, advice="Ansök om aktivitetsersättning", follow_up="Läkarutlåtande"
    )
    item.refresh_from_db()
    assert item.advice == "Ansök om aktivitetsersättning"
    event = AuditEvent.objects.get(action="consultation.advice_recorded")
    assert event.acting_partner == world.fk
    with pytest.raises(ConsultationCase.DoesNotExist):
        services.consultation_case_advise(actor=world.caseworker_other_unit, item=item, advice="x")
    other_fk = UserFactory(role="partner_officer", partner=world.fk)
    with pytest.raises(ConsultationCase.DoesNotExist):
        services.consultation_case_advise(actor=other_fk, item=item, advice="x")


def test_counts_per_period(world, consultation, make_consent):
    today = timezone.localdate()
    make_consent(world.client_a, partner=world.fk, purposes=("fk_consultation",))
    for question in ("Första", "Andra"):  # the same identified client twice: one unique case
        services.consultation_case_raise(
            actor=world.caseworker, consultation=consultation, client=world.client_a, question=question
        )
    raise_pseudonymous(world, consultation, pseudonym_key="P1")
    raise_pseudonymous(world, consultation, pseudonym_key="P1")  # same key: counts once
    raise_pseudonymous(world, consultation)
    raise_pseudonymous(world, consultation)  # no key: each counts
    # A second identified client whose case later ends in sjukersättning.
    client = ClientFactory(municipality=world.municipality_a)
    case = CaseFactory(client=client, unit=world.unit_a, responsible=world.caseworker)
    make_consent(client, partner=world.fk, purposes=("fk_consultation",))
    services.consultation_case_raise(actor=world.caseworker, consultation=consultation, client=client, question="?")
    case.status, case.outcome, case.closed_on = "closed", "sickness_compensation", today
    case.save()

    counts = consultation_counts(user=world.caseworker, start=today - 30 * DAY, end=today)
    assert counts.consultations == 1
    assert counts.discussions == 7
    assert counts.identified_cases == 2
    assert counts.pseudonymous_cases == 3
    assert counts.unique_cases == 5
    assert counts.open_identified == 1
    assert [n for _label, n in counts.outcomes] == [1]
    # Outside the period: nothing. Another unit: nothing.
    assert consultation_counts(user=world.caseworker, start=today + DAY, end=today + 2 * DAY).discussions == 0
    assert consultation_counts(user=world.caseworker_other_unit, start=today - DAY, end=today).discussions == 0
    # The FK officer counts the consultations they hold.
    assert consultation_counts(user=world.partner_officer, start=today - DAY, end=today).discussions == 7


def test_pages(world, consultation, make_consent, login_as):
    make_consent(world.client_a, partner=world.fk, purposes=("fk_consultation",))
    http = login_as(world.caseworker)
    assert http.get("/consent/consultations/").status_code == 200
    assert http.get("/consent/consultations/?start=2020-01-01&end=2030-12-31").status_code == 200
    page = http.get(f"/consent/consultations/{consultation.pk}/")
    assert page.status_code == 200
    assert world.client_a.full_name in page.content.decode()  # offered by name: consent covers it
    assert AuditEvent.objects.filter(action="client.listed", client_id=world.client_a.pk).exists()
    response = http.post(
        f"/consent/consultations/{consultation.pk}/",
        {"client": world.client_a.pk, "question": "Råd om arbetsträning"},
    )
    assert response.status_code == 302
    response = http.post(
        f"/consent/consultations/{consultation.pk}/",
        {"age_band": "40-49", "question": "Råd för 19800101-1234"},
    )
    assert response.status_code == 200
    assert "Skriv inget personnummer" in response.content.decode()
    item = ConsultationCase.objects.get()
    officer = login_as(world.partner_officer)
    detail = officer.get(f"/consent/consultations/{consultation.pk}/").content.decode()
    assert world.client_a.full_name in detail
    assert (
        officer.post(
            f"/consent/consultations/{consultation.pk}/cases/{item.pk}/advice/",
            {"advice": "Kontakta AF", "follow_up": "", "version": "1"},
        ).status_code
        == 302
    )
    # The officer cannot raise cases or create consultations.
    assert (
        officer.post(f"/consent/consultations/{consultation.pk}/", {"age_band": "40-49", "question": "x"}).status_code
        == 404
    )
    assert officer.get("/consent/consultations/new/").status_code == 404
    # After the consent is withdrawn the officer no longer sees who it was.
    for consent in world.client_a.consents.all():
        services.consent_withdraw(actor=world.caseworker, consent=consent)
    detail = officer.get(f"/consent/consultations/{consultation.pk}/").content.decode()
    assert world.client_a.full_name not in detail
    assert officer.get(f"/consent/consultations/{consultation.pk}/cases/{item.pk}/advice/").status_code == 404


def test_new_consultation_page(world, login_as):
    http = login_as(world.caseworker)
    assert http.get("/consent/consultations/new/").status_code == 200
    response = http.post(
        "/consent/consultations/new/",
        {
            "unit": world.unit_a.pk,
            "held_on": timezone.localdate().isoformat(),
            "fk_officer": world.partner_officer.pk,
            "caseworkers": [world.caseworker.pk],
        },
    )
    assert response.status_code == 302
    assert Consultation.objects.get().caseworkers.get() == world.caseworker


@pytest.mark.parametrize("actor", ["caseworker_other_unit", "analyst", "aggregate_viewer", "admin"])
def test_consultation_pages_are_404_to_others(world, consultation, login_as, actor):
    http = login_as(getattr(world, actor))
    assert http.get(f"/consent/consultations/{consultation.pk}/").status_code == 404
    item = raise_pseudonymous(world, consultation)
    assert http.get(f"/consent/consultations/{consultation.pk}/cases/{item.pk}/advice/").status_code == 404
    if actor in {"analyst", "aggregate_viewer", "admin"}:
        assert http.get("/consent/consultations/").status_code == 404
