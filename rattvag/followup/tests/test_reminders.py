"""`manage.py send_reminders`: one mail per new overdue item, never twice, without personal data."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from rattvag.audit.models import AuditEvent
from rattvag.followup.models import ReminderSent
from tests.factories import CaseFactory, ClientFactory, UserFactory

from .conftest import TODAY


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def caseload(travel, world):
    """client_a: the contact plan is overdue (due TODAY-16); the mapping meeting is due TODAY."""
    world.caseworker.email = "handlaggare@example.org"
    world.caseworker.save()
    world.manager.email = "chef@example.org"
    world.manager.save()
    return world


def run(**options):
    call_command("send_reminders", base_url="https://rattvag.example.org", **options)


def test_two_runs_send_one_mail_per_overdue_item(caseload):
    world = caseload
    run()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["handlaggare@example.org"]
    assert f"https://rattvag.example.org/clients/{world.client_a.pk}/" in message.body
    run()
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1
    reminder = ReminderSent.objects.get()
    assert (reminder.user, reminder.rule.code, reminder.case, reminder.due_on) == (
        world.caseworker,
        "contact_plan",
        world.case_a,
        world.case_a.opened_on + days(14),
    )


def test_an_item_becoming_overdue_later_is_reminded_once_then(caseload, travel):
    run()
    travel(TODAY + days(1))  # the mapping meeting (due TODAY) is now overdue
    run()
    run()
    assert len(mail.outbox) == 2
    assert sorted(r.rule.code for r in ReminderSent.objects.all()) == ["contact_plan", "mapping_meeting"]


def test_the_mail_holds_no_personal_data(caseload):
    world = caseload
    run()
    message = mail.outbox[0]
    text = message.subject + message.body
    client = world.client_a
    for personal in (client.first_name, client.last_name, client.personal_number, client.personal_number_display):
        assert personal not in text
    assert "klient" in message.body  # Swedish, the default language


def test_a_case_without_a_responsible_caseworker_reminds_the_units_managers(caseload):
    world = caseload
    other = CaseFactory(client=ClientFactory(municipality=world.municipality_a), unit=world.unit_a, responsible=None)
    run()
    recipients = sorted((m.to[0], m.body.count(f"/clients/{other.client_id}/")) for m in mail.outbox)
    assert ("chef@example.org", 1) in recipients


def test_people_without_an_email_address_are_counted_not_mailed(caseload):
    world = caseload
    world.caseworker.email = ""
    world.caseworker.save()
    run()
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_each_reminder_is_audited_without_personal_data(caseload):
    world = caseload
    run()
    event = AuditEvent.objects.get(action="followup.reminder_sent")
    assert event.actor is None
    assert event.client_id == world.client_a.pk
    assert event.data["rule"] == "contact_plan"
    assert event.data["recipient_id"] == world.caseworker.pk


def test_a_failing_mail_is_not_stored_and_retried_next_run(caseload, settings):
    settings.EMAIL_BACKEND = "rattvag.followup.tests.test_reminders.FailingBackend"
    with pytest.raises(OSError, match="mail server down"):
        run()
    assert not ReminderSent.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run()
    assert len(mail.outbox) == 1


def test_closed_cases_and_inactive_people(caseload):
    world = caseload
    inactive = UserFactory(
        username="gone", role="caseworker", units=[world.unit_a], is_active=False, email="x@example.org"
    )
    CaseFactory(client=ClientFactory(municipality=world.municipality_a), unit=world.unit_a, responsible=inactive)
    CaseFactory(
        client=ClientFactory(municipality=world.municipality_a),
        unit=world.unit_a,
        responsible=world.caseworker,
        status="closed",
        outcome="work",
        closed_on=TODAY,
    )
    run()
    # client_a's item to the caseworker, the inactive caseworker's case to the manager; nothing for the closed case.
    assert sorted(m.to[0] for m in mail.outbox) == ["chef@example.org", "handlaggare@example.org"]


def test_the_date_option(caseload, capsys):
    run(date=(TODAY - days(20)).isoformat())
    assert mail.outbox == []
    assert "reminders sent: 0" in capsys.readouterr().out


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")
