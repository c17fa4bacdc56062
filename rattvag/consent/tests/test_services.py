"""Recording, withdrawing and replacing consents: validation, access, audit, the private document."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.clients.models import Client
from rattvag.consent import services
from rattvag.consent.checks import consent_covers
from rattvag.consent.models import Consent
from rattvag.core.errors import Conflict, PermissionRefused

DAY = datetime.timedelta(days=1)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def record(world, **kwargs):
    defaults = {"actor": world.caseworker, "client": world.client_a, "partner": world.fk, "purposes": ["share_fk"]}
    defaults.update(kwargs)
    defaults.setdefault("form", "written")
    return services.consent_record(**defaults)


def test_record_defaults_to_today_and_one_year(world):
    consent = record(world)
    today = timezone.localdate()
    assert consent.given_on == today
    assert consent.valid_until == services.add_years(today, 1) - DAY
    assert consent.purposes == ["share_fk"]
    assert consent.status == "valid"
    event = AuditEvent.objects.get(action="consent.recorded")
    assert event.client_id == world.client_a.pk
    assert event.actor == world.caseworker
    assert event.acting_unit == world.unit_a
    assert event.data["purposes"] == ["share_fk"]
    assert event.data["partner_id"] == world.fk.pk


@time_machine.travel(datetime.datetime(2024, 2, 29, 10, tzinfo=datetime.UTC))
def test_one_year_from_leap_day(world):
    consent = record(world)
    assert consent.valid_until == datetime.date(2025, 2, 27)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"purposes": []}, "purposes"),
        ({"purposes": ["share_everything"]}, "purposes"),
        ({"form": "oral"}, "witnessed_by"),
        ({"form": "telepathy"}, "form"),
        ({"partner": None}, "partner"),
        ({"partner_kind": "fk"}, "partner"),
        ({"given_on": timezone.localdate() + DAY}, "given_on"),
        ({"valid_until": timezone.localdate() - DAY, "given_on": timezone.localdate() - 5 * DAY}, "valid_until"),
        ({"valid_until": timezone.localdate() - 10 * DAY, "given_on": timezone.localdate() - 5 * DAY}, "valid_until"),
    ],
)
def test_record_validates(world, kwargs, field):
    with pytest.raises(ValidationError) as error:
        record(world, **kwargs)
    assert field in error.value.message_dict
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.filter(action="consent.recorded").exists()


def test_oral_consent_with_witness_and_kind(world):
    consent = record(world, partner=None, partner_kind="care_unit", form="oral", witnessed_by="Anna Nurse")
    assert consent.partner is None
    assert consent.partner_kind == "care_unit"
    assert consent.witnessed_by == "Anna Nurse"


def test_until_case_closes_follows_the_open_case(world):
    consent = record(world, until_case_closes=True)
    assert consent.case == world.case_a
    assert consent.valid_until is None
    assert consent_covers(client=world.client_a, partner=world.fk, purpose="share_fk")
    world.case_a.status, world.case_a.outcome, world.case_a.closed_on = "closed", "work", timezone.localdate()
    world.case_a.save()
    assert not consent_covers(client=world.client_a, partner=world.fk, purpose="share_fk")


def test_until_case_closes_needs_an_open_case(world):
    world.case_a.status, world.case_a.outcome, world.case_a.closed_on = "closed", "work", timezone.localdate()
    world.case_a.save()
    with pytest.raises(ValidationError) as error:
        record(world, until_case_closes=True)
    assert "until_case_closes" in error.value.message_dict


@pytest.mark.parametrize(
    ("content", "content_type"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
def test_scanned_document_is_stored_privately(world, settings, content, content_type):
    upload = SimpleUploadedFile("Anna Andersson samtycke.pdf", content, content_type="application/octet-stream")
    consent = record(world, document=upload)
    assert consent.document_content_type == content_type
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / consent.document.name
    assert stored.read_bytes() == content
    assert "Anna" not in consent.document.name  # no names in file names
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    with pytest.raises(ValueError, match="no URL"):
        consent.document.url  # noqa: B018


@pytest.mark.parametrize(
    "content", [b"MZ\x90\x00 not a document", b"<html><script>alert(1)</script>", b"GIF89a" + b"\x00" * 10]
)
def test_scanned_document_type_is_checked_by_content(world, content):
    upload = SimpleUploadedFile("samtycke.pdf", content, content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        record(world, document=upload)
    assert "document" in error.value.message_dict


def test_scanned_document_size_is_limited(world):
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * services.MAX_DOCUMENT_BYTES, content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        record(world, document=upload)
    assert "10 MB" in error.value.message_dict["document"][0]


def test_only_staff_who_see_the_client_record(world, make_consent):
    with pytest.raises(Client.DoesNotExist):
        record(world, actor=world.caseworker_other_unit)
    for actor in (world.analyst, world.aggregate_viewer, world.admin):
        with pytest.raises(Client.DoesNotExist):
            record(world, actor=actor)
    # A partner officer who sees the client under consent is refused, not shown 404.
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    with pytest.raises(PermissionRefused):
        record(world, actor=world.partner_officer)
    assert Consent.objects.count() == 1


def test_nurse_and_manager_may_record(world):
    assert record(world, actor=world.nurse).recorded_by == world.nurse
    assert record(world, actor=world.manager).recorded_by == world.manager


def test_withdraw_takes_effect_today(world):
    consent = record(world)
    services.consent_withdraw(actor=world.caseworker, consent=consent, how="written")
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    assert consent.withdrawn_by == world.caseworker
    assert consent.status == "withdrawn"
    assert not consent_covers(client=world.client_a, partner=world.fk, purpose="share_fk")
    event = AuditEvent.objects.get(action="consent.withdrawn")
    assert event.client_id == world.client_a.pk
    assert event.data == {"how": "written", "fields": ["withdrawn_on", "withdrawn_how", "withdrawn_by"], "version": 2}
    assert consent.version == 2


def test_withdraw_twice_is_a_conflict(world):
    consent = record(world)
    services.consent_withdraw(actor=world.caseworker, consent=consent)
    with pytest.raises(Conflict):
        services.consent_withdraw(actor=world.caseworker, consent=consent)


def test_withdraw_date_rules(world):
    consent = record(world, given_on=timezone.localdate() - 5 * DAY)
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=world.caseworker, consent=consent, withdrawn_on=timezone.localdate() + DAY)
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=world.caseworker, consent=consent, withdrawn_on=timezone.localdate() - 6 * DAY)
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=world.caseworker, consent=consent, how="replaced")


def test_withdraw_needs_access(world, make_consent):
    consent = record(world)
    with pytest.raises(Client.DoesNotExist):
        services.consent_withdraw(actor=world.caseworker_other_unit, consent=consent)
    with pytest.raises(PermissionRefused):
        services.consent_withdraw(actor=world.partner_officer, consent=consent)
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_replace_keeps_history(world):
    old = record(world, given_on=timezone.localdate() - 30 * DAY)
    new = services.consent_replace(
        actor=world.caseworker, consent=old, purposes=["share_fk", "fk_consultation"], form="written"
    )
    old.refresh_from_db()
    assert old.replaced_by == new
    assert old.withdrawn_how == "replaced"
    assert old.withdrawn_on == new.given_on
    assert old.status == "replaced"
    assert new.partner == world.fk
    assert new.purposes == ["share_fk", "fk_consultation"]
    assert consent_covers(client=world.client_a, partner=world.fk, purpose="fk_consultation")
    assert Consent.objects.filter(client=world.client_a).count() == 2
    assert AuditEvent.objects.filter(action="consent.replaced", client_id=world.client_a.pk).count() == 1
    with pytest.raises(Conflict):
        services.consent_replace(actor=world.caseworker, consent=old, purposes=["share_fk"], form="written")


def test_replacement_cannot_predate_the_old_consent(world):
    old = record(world)
    with pytest.raises(ValidationError):
        services.consent_replace(
            actor=world.caseworker,
            consent=old,
            purposes=["share_fk"],
            form="written",
            given_on=timezone.localdate() - DAY,
        )


def test_consents_expiring_for_the_worklist(world, make_consent):
    from rattvag.consent.selectors import consents_expiring

    today = timezone.localdate()
    soon = make_consent(world.client_a, partner=world.fk, valid_until=today + 7 * DAY)
    make_consent(world.client_a, partner=world.fk, valid_until=today + 60 * DAY)
    make_consent(world.client_a, partner=world.fk, valid_until=today + 3 * DAY, withdrawn_on=today)
    make_consent(world.client_b, partner=world.fk, valid_until=today + 3 * DAY)
    assert list(consents_expiring(world.caseworker, today)) == [soon]
    assert list(consents_expiring(world.partner_officer, today)) == []
