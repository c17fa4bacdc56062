from __future__ import annotations

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation

from rattvag.accounts.models import Municipality, Partner, Role, Unit, User
from rattvag.audit.models import AuditEvent
from rattvag.audit.verification import verify_chain
from rattvag.clients.models import Case, CaseStatus, Client
from rattvag.clients.personal_numbers import parse_personal_number
from rattvag.core.demo import DEMO_CLIENT_COUNT, DEMO_PASSWORD, plan_demo_clients, seed_demo

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def demo_numbers() -> list[str]:
    return sorted(Client.objects.values_list("personal_number", flat=True))


@pytest.fixture
def seeded() -> None:
    seed_demo()


def test_the_organisation_is_built(seeded):
    assert dict(Municipality.objects.values_list("code", "name")) == {"1380": "Halmstad", "1381": "Laholm"}
    assert set(Unit.objects.values_list("code", flat=True)) >= {"HAL-EB", "HAL-AB", "LAH-EB"}
    assert Unit.objects.get(code="LAH-EB").municipality.code == "1381"
    kinds = Counter(Partner.objects.values_list("kind", flat=True))
    assert kinds == {"fk": 1, "care_unit": 2, "af": 1, "ame": 1}


def test_there_is_a_demo_user_of_every_role_sharing_one_password(seeded):
    users = User.objects.all()

    assert {user.role for user in users} == set(Role.values)
    assert all(user.is_demo for user in users)
    assert all(user.check_password(DEMO_PASSWORD) for user in users)
    fk_officer = User.objects.get(username="fk-handlaggare")
    assert fk_officer.partner is not None
    assert fk_officer.partner.kind == "fk"
    assert User.objects.get(username="admin").is_staff
    for username in ("handlaggare", "handlaggare2", "sjukskoterska", "enhetschef", "analytiker", "statistik"):
        assert User.objects.filter(username=username).exists()


def test_about_150_fictional_clients_with_valid_numbers(seeded):
    numbers = demo_numbers()
    parsed = [parse_personal_number(number) for number in numbers]
    today = timezone.localdate()

    assert len(numbers) == DEMO_CLIENT_COUNT
    assert [p.normalised for p in parsed] == numbers
    assert sum(p.is_coordination_number for p in parsed) == 5
    centenarians = [p for p in parsed if (today - p.birth_date).days >= 100 * 365.25]
    assert len(centenarians) == 1
    # The 10-digit form of a centenarian's number uses "+".
    assert parse_personal_number(f"{centenarians[0].normalised[2:8]}+{centenarians[0].normalised[8:]}").normalised
    assert all(980 <= int(number[8:11]) <= 999 for number in numbers)


def test_clients_are_spread_with_closures_nurses_and_protected_identities(seeded):
    per_unit = Counter(Case.objects.values_list("unit__code", flat=True))
    closed = Case.objects.filter(status=CaseStatus.CLOSED)

    assert set(per_unit) == {"HAL-EB", "HAL-AB", "LAH-EB"}
    assert min(per_unit.values()) >= 20
    assert closed.count() >= 20
    assert all(case.outcome and case.closed_on >= case.opened_on for case in closed)
    assert Case.objects.filter(nurses__username="sjukskoterska").count() >= 5
    assert 1 <= Client.objects.filter(protected_identity=True).count() <= 15
    assert Case.objects.filter(responsible__isnull=True).count() == 0


def test_everything_was_written_through_the_services_and_the_chain_holds(seeded):
    actions = Counter(AuditEvent.objects.values_list("action", flat=True))

    assert actions["client.created"] == DEMO_CLIENT_COUNT
    assert actions["case.opened"] == DEMO_CLIENT_COUNT
    assert actions["case.closed"] == Case.objects.filter(status=CaseStatus.CLOSED).count()
    assert actions["accounts.provisioned"] == 1
    report = verify_chain()
    assert report.ok, report.problem
    assert report.events_checked == sum(actions.values())


def test_a_second_run_writes_nothing(seeded):
    before = row_counts()
    out = StringIO()

    call_command("seed_demo", "--language", "en", stdout=out)

    assert row_counts() == before
    assert "Demo data already present" in out.getvalue()
    assert verify_chain().ok


def test_the_data_is_the_same_on_two_fresh_databases():
    with transaction.atomic():
        seed_demo()
        first = demo_numbers()
        first_names = sorted(Client.objects.values_list("first_name", "last_name", "protected_identity"))
        first_outcomes = sorted(Case.objects.values_list("client__personal_number", "unit__code", "outcome"))
        transaction.set_rollback(True)  # back to an empty database
    assert not Client.objects.exists()

    seed_demo()

    assert demo_numbers() == first
    assert sorted(Client.objects.values_list("first_name", "last_name", "protected_identity")) == first_names
    assert sorted(Case.objects.values_list("client__personal_number", "unit__code", "outcome")) == first_outcomes


def test_the_plan_is_pure_and_fixed_by_its_seed():
    assert plan_demo_clients() == plan_demo_clients()
    assert plan_demo_clients(seed=1) != plan_demo_clients()
    assert len({c.personal_number for c in plan_demo_clients()}) == DEMO_CLIENT_COUNT


def test_dates_follow_today():
    today = datetime.date(2026, 3, 2)

    seed_demo(today=today)

    assert Case.objects.filter(opened_on__gt=today).count() == 0
    assert Case.objects.filter(closed_on__gt=today).count() == 0


def test_the_command_prints_the_logins_as_a_table():
    out = StringIO()

    call_command("seed_demo", "--language", "en", stdout=out)

    text = out.getvalue()
    assert f"Demo data created: {DEMO_CLIENT_COUNT} fictional clients." in text
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("Username"))
    assert header.split() == ["Username", "Role", "Password"]
    for user in User.objects.all():
        row = next(line for line in lines if line.split()[:1] == [user.username])
        assert row.endswith(DEMO_PASSWORD)
        with translation.override("en"):
            assert str(Role(user.role).label) in row


def test_the_command_speaks_swedish_by_default():
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert "Demodata skapade" in out.getvalue()
    assert "Lösenord" in out.getvalue()
