from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.utils import translation

from rattvag.accounts.models import Municipality, Partner, Role, Unit, User
from rattvag.accounts.provisioning import (
    ProvisioningError,
    load_provisioning_file,
    parse_provisioning_json,
    provision,
    split_full_name,
)
from rattvag.audit.models import AuditEvent
from rattvag.audit.verification import verify_chain
from tests.factories import CaseFactory, MunicipalityFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

EXAMPLE_FILE = Path(settings.BASE_DIR) / "docs" / "examples" / "provision.example.json"


def good_data() -> dict[str, Any]:
    return {
        "municipalities": [{"code": "1380", "name": "Halmstad"}, {"code": "1381", "name": "Laholm"}],
        "units": [
            {"code": "HAL-EB", "name": "Ekonomiskt bistånd Halmstad", "municipality": "1380"},
            {"code": "LAH-EB", "name": "Ekonomiskt bistånd Laholm", "municipality": "1381"},
        ],
        "partners": [
            {"code": "FK-HALLAND", "name": "Försäkringskassan Halland", "kind": "fk"},
            {"code": "VC-1", "name": "Vårdcentralen Ett", "kind": "care_unit"},
        ],
        "users": [
            {
                "username": "anna",
                "name": "Anna Maria Lindqvist",
                "role": "caseworker",
                "units": ["HAL-EB"],
                "email": "anna@example.se",
                "password": "Ett-bra-lösenord-2026",
            },
            {"username": "lena", "name": "Lena Forsberg", "role": "partner_officer", "partner": "FK-HALLAND"},
            {"username": "mats", "name": "Mats Öberg", "role": "admin"},
            {"username": "eva", "name": "Eva Lundin", "role": "aggregate_viewer"},
        ],
    }


def errors_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ProvisioningError) as exc_info, translation.override("en"):
        provision(data=data)
    return exc_info.value.errors


def table_counts() -> tuple[int, ...]:
    return (
        Municipality.objects.count(),
        Unit.objects.count(),
        Partner.objects.count(),
        User.objects.count(),
        User.units.through.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_good_file_creates_everything():
    result = provision(data=good_data())

    assert result.as_dict() == {
        "municipalities": {"created": 2, "updated": 0},
        "units": {"created": 2, "updated": 0},
        "partners": {"created": 2, "updated": 0},
        "users": {"created": 4, "updated": 0},
    }
    anna = User.objects.get(username="anna")
    assert (anna.first_name, anna.last_name, anna.role) == ("Anna Maria", "Lindqvist", Role.CASEWORKER)
    assert list(anna.units.values_list("code", flat=True)) == ["HAL-EB"]
    assert anna.check_password("Ett-bra-lösenord-2026")
    assert anna.email == "anna@example.se"
    assert not anna.is_staff
    assert not anna.is_demo
    assert anna.is_active
    lena = User.objects.get(username="lena")
    assert lena.partner is not None
    assert lena.partner.code == "FK-HALLAND"
    mats = User.objects.get(username="mats")
    assert mats.is_staff
    assert mats.is_superuser
    # No password given: the account exists but cannot log in with a password yet.
    assert not mats.has_usable_password()
    assert Unit.objects.get(code="LAH-EB").municipality.code == "1381"
    assert Partner.objects.get(code="VC-1").kind == "care_unit"


def test_the_run_is_audited_with_counts_only():
    provision(data=good_data())

    event = AuditEvent.objects.get(action="accounts.provisioned")
    assert event.data["users"] == {"created": 4, "updated": 0}
    assert "anna" not in json.dumps(event.data)
    assert verify_chain().ok


def test_a_second_run_changes_nothing():
    provision(data=good_data())
    before = table_counts()
    passwords = dict(User.objects.values_list("username", "password"))
    updated_at = sorted(User.objects.values_list("username", "last_login"))

    result = provision(data=good_data())

    assert not result.changed
    assert all(counts.created == 0 and counts.updated == 0 for _name, counts in result.by_kind())
    assert table_counts() == before
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert sorted(User.objects.values_list("username", "last_login")) == updated_at


def test_the_command_reports_zero_created_zero_updated_on_the_second_run(tmp_path):
    path = tmp_path / "org.json"
    path.write_text(json.dumps(good_data()), encoding="utf-8")
    call_command("provision", str(path), stdout=StringIO())
    out = StringIO()

    call_command("provision", str(path), "--language", "en", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines == [
        "Municipalities: 0 created, 0 updated",
        "Units: 0 created, 0 updated",
        "Partner organisations: 0 created, 0 updated",
        "Users: 0 created, 0 updated",
    ]


def test_the_command_speaks_swedish_by_default(tmp_path):
    path = tmp_path / "org.json"
    path.write_text(json.dumps(good_data()), encoding="utf-8")
    out = StringIO()

    call_command("provision", str(path), stdout=out)

    assert "Kommuner: 2 skapade, 0 uppdaterade" in out.getvalue()


def test_changes_are_applied_and_counted():
    provision(data=good_data())
    data = good_data()
    data["municipalities"][0]["name"] = "Halmstads kommun"
    data["units"][0]["name"] = "Försörjningsstöd Halmstad"
    data["partners"][1]["kind"] = "other"
    data["users"][0]["units"] = ["HAL-EB", "LAH-EB"]
    data["users"][1] = {"username": "lena", "name": "Lena Forsberg", "role": "caseworker", "units": ["LAH-EB"]}
    data["users"][2]["role"] = "analyst"
    data["users"][3]["active"] = False

    result = provision(data=data)

    assert result.as_dict() == {
        "municipalities": {"created": 0, "updated": 1},
        "units": {"created": 0, "updated": 1},
        "partners": {"created": 0, "updated": 1},
        "users": {"created": 0, "updated": 4},
    }
    assert Municipality.objects.get(code="1380").name == "Halmstads kommun"
    assert sorted(User.objects.get(username="anna").units.values_list("code", flat=True)) == ["HAL-EB", "LAH-EB"]
    lena = User.objects.get(username="lena")
    assert (lena.role, lena.partner) == (Role.CASEWORKER, None)
    mats = User.objects.get(username="mats")
    assert not mats.is_staff
    assert not mats.is_superuser
    assert not User.objects.get(username="eva").is_active


def test_a_password_is_only_set_when_given():
    provision(data=good_data())
    anna = User.objects.get(username="anna")
    anna.set_password("Annas-eget-lösenord-99")
    anna.save()
    data = good_data()
    del data["users"][0]["password"]

    result = provision(data=data)

    assert not result.changed
    assert User.objects.get(username="anna").check_password("Annas-eget-lösenord-99")


def test_a_new_password_counts_as_an_update():
    provision(data=good_data())
    data = good_data()
    data["users"][0]["password"] = "Ett-annat-lösenord-2027"

    result = provision(data=data)

    assert result.users.updated == 1
    assert check_password("Ett-annat-lösenord-2027", User.objects.get(username="anna").password)


def test_users_not_in_the_file_are_left_alone():
    unit = UnitFactory(code="OLD")
    other = UserFactory(username="kvar", role=Role.NURSE, units=[unit], is_staff=True)

    provision(data=good_data())

    other.refresh_from_db()
    assert other.is_active
    assert other.is_staff
    assert other.role == Role.NURSE
    assert list(other.units.all()) == [unit]


def test_references_may_point_to_existing_rows():
    municipality = MunicipalityFactory(code="1382", name="Falkenberg")
    UnitFactory(code="FAL-EB", municipality=municipality)
    data = {
        "units": [{"code": "FAL-AB", "name": "Stadsdel", "municipality": "1382"}],
        "users": [{"username": "ny", "name": "Ny Person", "role": "nurse", "units": ["FAL-EB", "FAL-AB"]}],
    }

    provision(data=data)

    assert sorted(User.objects.get(username="ny").units.values_list("code", flat=True)) == ["FAL-AB", "FAL-EB"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["users"][2].update(role="boss"), 'users[2].role: unknown role "boss"'),
        (lambda d: d["units"][0].update(municipality="9999"), 'units[0].municipality: unknown municipality "9999"'),
        (lambda d: d["users"][1].pop("partner"), 'users[1]: a partner officer needs "partner"'),
        (
            lambda d: d["users"][1].update(units=["HAL-EB"]),
            "users[1].units: a partner officer works for a partner organisation, not for units",
        ),
        (
            lambda d: d["users"][0].update(partner="FK-HALLAND"),
            "users[0].partner: only a partner officer belongs to a partner organisation",
        ),
        (lambda d: d["users"][0].pop("units"), 'users[0]: the role "caseworker" needs at least one unit in "units"'),
        (lambda d: d["users"][0].update(units=["NOPE"]), 'users[0].units[0]: unknown unit "NOPE"'),
        (lambda d: d["users"][0].update(units=["HAL-EB", "HAL-EB"]), 'users[0].units[1]: "HAL-EB" is listed twice'),
        (lambda d: d["users"][1].update(partner="NOPE"), 'users[1].partner: unknown partner "NOPE"'),
        (lambda d: d["partners"][0].update(kind="bank"), 'partners[0].kind: unknown kind "bank"'),
        (
            lambda d: d["municipalities"].append({"code": "1380", "name": "Igen"}),
            'municipalities[2].code: duplicate code "1380" (also in municipalities[0])',
        ),
        (
            lambda d: d["units"].append({"code": "hal-eb", "name": "Igen", "municipality": "1380"}),
            'units[2].code: duplicate code "hal-eb" (also in units[0])',
        ),
        (
            lambda d: d["users"].append({"username": "anna", "name": "A B", "role": "analyst"}),
            'users[4].username: duplicate username "anna" (also in users[0])',
        ),
        (lambda d: d["users"][0].pop("name"), "users[0].name: required field is missing"),
        (lambda d: d["partners"][1].pop("code"), "partners[1].code: required field is missing"),
        (lambda d: d["municipalities"][0].update(name=""), "municipalities[0].name: must not be empty"),
        (lambda d: d["municipalities"][0].update(code=1380), "municipalities[0].code: must be text"),
        (lambda d: d["municipalities"][0].update(code="x" * 21), "municipalities[0].code: must be at most 20"),
        (lambda d: d["users"][0].update(units="HAL-EB"), "users[0].units: must be a list of codes"),
        (lambda d: d["users"][0].update(units=[7]), "users[0].units[0]: must be a code (text)"),
        (lambda d: d["users"][3].update(active="yes"), "users[3].active: must be true or false"),
        (lambda d: d["users"][3].update(is_demo=1), "users[3].is_demo: must be true or false"),
        (lambda d: d["users"][0].update(email="not-an-address"), "users[0].email: Enter a valid email address."),
        (lambda d: d["users"][0].update(username="an na"), "users[0].username: Enter a valid username."),
        (lambda d: d["users"][0].update(unit=["HAL-EB"]), "users[0].unit: unknown field"),
        (lambda d: d.update(people=[]), "people: unknown section"),
        (lambda d: d.update(users={}), "users: must be a list"),
        (lambda d: d["partners"].append("FK"), "partners[2]: must be an object"),
        (lambda d: d["users"][0].update(password=12345678901), "users[0].password: must be text"),
        (lambda d: d["users"][0].update(password="abc"), "users[0].password: This password is too short."),
        (lambda d: d["users"][0].update(password="12345678901234"), "users[0].password: This password is entirely"),
        (lambda d: d["users"][0].update(password="password1234"), "users[0].password: This password is too common."),
        (
            lambda d: d["users"][0].update(password="annalindqvist"),
            "users[0].password: The password is too similar to the",
        ),
    ],
)
def test_every_problem_is_reported_with_its_path(change, expected):
    data = good_data()
    change(data)

    errors = errors_of(data)

    assert any(error.startswith(expected) for error in errors), errors


def test_every_bad_entry_is_reported_at_once_and_nothing_is_written():
    before = table_counts()
    data = good_data()
    data["units"][0]["municipality"] = "9999"
    data["users"][1].pop("partner")
    data["users"][2]["role"] = "boss"
    data["users"][0]["password"] = "abc"

    errors = errors_of(data)

    paths = {error.split(":")[0] for error in errors}
    assert {"units[0].municipality", "users[1]", "users[2].role", "users[0].password"} <= paths
    assert table_counts() == before


def test_nothing_is_written_on_error_even_for_good_entries():
    data = good_data()
    data["users"][3]["role"] = "boss"

    errors_of(data)

    assert not Municipality.objects.exists()
    assert not User.objects.filter(username="anna").exists()


def test_errors_are_swedish_by_default():
    data = good_data()
    data["users"][2]["role"] = "boss"

    with pytest.raises(ProvisioningError) as exc_info:
        provision(data=data)

    assert exc_info.value.errors[0].startswith('users[2].role: okänd roll "boss"')


def test_a_username_differing_only_in_capitals_from_an_existing_one_is_refused():
    UserFactory(username="Anna")

    errors = errors_of(good_data())

    assert errors == ['users[0].username: a user "Anna" already exists; usernames must differ by more than capitals']


def test_a_unit_with_cases_cannot_move_to_another_municipality():
    provision(data=good_data())
    CaseFactory(unit=Unit.objects.get(code="HAL-EB"))
    data = good_data()
    data["units"][0]["municipality"] = "1381"

    errors = errors_of(data)

    assert errors == ['units[0].municipality: the unit has cases in municipality "1380" and cannot move to another']


def test_a_unit_without_cases_may_move():
    provision(data=good_data())
    data = good_data()
    data["units"][0]["municipality"] = "1381"

    assert provision(data=data).units.updated == 1


def test_bad_json_is_reported_with_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "units": [\n    {"code": "A",}\n  ]\n}\n', encoding="utf-8")

    with pytest.raises(ProvisioningError) as exc_info, translation.override("en"):
        load_provisioning_file(path)

    assert exc_info.value.errors == [
        "The file is not valid JSON: Expecting property name enclosed in double quotes at line 3, column 18."
    ]


def test_a_file_that_is_not_an_object_is_refused():
    with pytest.raises(ProvisioningError, match="one JSON object"), translation.override("en"):
        parse_provisioning_json("[1, 2]")


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(ProvisioningError, match="could not be read"), translation.override("en"):
        load_provisioning_file(tmp_path / "missing.json")


def test_the_command_writes_errors_to_stderr_and_fails(tmp_path):
    data = good_data()
    data["users"][2]["role"] = "boss"
    data["units"][0]["municipality"] = "9999"
    path = tmp_path / "org.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError) as exc_info:
        call_command("provision", str(path), "--language", "en", stdout=out, stderr=err)

    assert exc_info.value.returncode == 1
    assert "2 problem(s); nothing was changed" in str(exc_info.value)
    assert 'units[0].municipality: unknown municipality "9999"' in err.getvalue()
    assert 'users[2].role: unknown role "boss"' in err.getvalue()
    assert out.getvalue() == ""
    assert not Municipality.objects.exists()


def test_the_documented_example_file_provisions_cleanly():
    data = load_provisioning_file(EXAMPLE_FILE)

    first = provision(data=copy.deepcopy(data))
    second = provision(data=data)

    assert first.users.created == len(data["users"])
    assert not second.changed
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert not User.objects.get(username="olle.gammal").is_active


@pytest.mark.parametrize(
    ("full", "parts"),
    [
        ("Anna Svensson", ("Anna", "Svensson")),
        ("Anna  Maria Svensson ", ("Anna Maria", "Svensson")),
        ("Cher", ("Cher", "")),
    ],
)
def test_full_names_split_at_the_last_word(full, parts):
    assert split_full_name(full) == parts
