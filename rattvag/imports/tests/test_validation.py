"""Every kind of bad row: reported with its line, its column as written in the file, and a reason in
Swedish (and English); without keep-valid nothing at all is written."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rattvag.certificates.models import Certificate
from rattvag.clients.models import Client
from rattvag.imports.models import ImportStatus

from .files import csv_bytes, new_number, not_sick, row, wrong_check_digit

pytestmark = pytest.mark.django_db


def single_error(job):
    assert job.status == ImportStatus.FAILED, job.failure
    assert job.error_count == 1
    [error] = job.errors
    return error


def import_bad(run_import, bad, *, good_first=True):
    """A good row on line 2 and the bad one on line 3."""
    rows = [row(), bad] if good_first else [bad]
    before = Client.objects.count()
    job = run_import(csv_bytes(rows))
    assert Client.objects.count() == before, "nothing may be written when a row is bad"
    assert not Certificate.objects.exists()
    return job


def test_wrong_check_digit(world, run_import):
    job = import_bad(run_import, row(personal_number=wrong_check_digit(new_number())))
    error = single_error(job)
    assert (error["line"], error["column"], error["field"]) == (3, "Personnummer", "personal_number")
    assert error["reason_sv"] == "Kontrollsiffran är fel."
    assert error["reason_en"] == "The check digit is wrong."
    assert job.failure_sv == "1 rad har fel. Ingenting importerades: rätta filen och ladda upp den igen."


def test_personal_number_in_the_wrong_form(world, run_import):
    error = single_error(import_bad(run_import, row(personal_number="1980-01-01-1234")))
    assert error["reason_sv"] == "Skriv personnumret som ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN."


def test_personal_number_with_a_date_that_does_not_exist(world, run_import):
    # 1985-02-30 with a correct check digit for those digits.
    from tests.factories import luhn_check_digit

    error = single_error(import_bad(run_import, row(personal_number=f"19850230-123{luhn_check_digit('850230123')}")))
    assert error["reason_sv"] == "Datumet i personnumret finns inte."


def test_personal_number_missing(world, run_import):
    error = single_error(import_bad(run_import, row(personal_number="")))
    assert (error["column"], error["reason_sv"]) == ("Personnummer", "Värdet saknas.")


@pytest.mark.parametrize(("key", "column"), [("first_name", "Förnamn"), ("last_name", "Efternamn")])
def test_names_are_required(world, run_import, key, column):
    error = single_error(import_bad(run_import, row(**{key: "  "})))
    assert (error["line"], error["column"], error["reason_sv"]) == (3, column, "Värdet saknas.")


def test_name_too_long(world, run_import):
    error = single_error(import_bad(run_import, row(last_name="Ö" * 101)))
    assert (error["column"], error["reason_sv"]) == ("Efternamn", "Högst 100 tecken.")


def test_unit_code_of_another_unit(world, run_import):
    error = single_error(import_bad(run_import, row(unit_code="HAL-SDF")))
    assert error["column"] == "Enhetskod"
    assert error["reason_sv"] == "Enhetskoden HAL-SDF är inte den enhet filen importeras till (HAL-EB)."


def test_unit_code_compares_without_case(world, run_import):
    job = run_import(csv_bytes([row(unit_code="hal-eb")]))
    assert job.status == ImportStatus.DONE


@pytest.mark.parametrize("value", ["2025-13-01", "14/3/2025", "igår", "2025-02-30"])
def test_date_not_a_date(world, run_import, value):
    error = single_error(import_bad(run_import, row(case_opened_on=value)))
    assert error["column"] == "Ärende öppnat"
    assert error["reason_sv"] == "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2025-03-14."


def test_date_before_1990(world, run_import):
    error = single_error(import_bad(run_import, row(case_opened_on="1989-12-31")))
    assert error["reason_sv"].startswith("Datumet måste ligga mellan 1990-01-01 och ")


def test_date_more_than_a_year_ahead(world, run_import):
    too_late = timezone.localdate() + datetime.timedelta(days=400)
    error = single_error(import_bad(run_import, row(sick_leave_to=too_late.isoformat())))
    assert error["column"] == "Sjukskriven till"
    assert "Datumet måste ligga mellan" in error["reason_sv"]


def test_date_as_eight_digits_is_accepted(world, run_import):
    job = run_import(csv_bytes([row(case_opened_on="20240301")]))
    assert job.status == ImportStatus.DONE


def test_sick_listed_not_yes_or_no(world, run_import):
    error = single_error(import_bad(run_import, row(sick_listed="kanske")))
    assert (error["column"], error["reason_sv"]) == ("Sjukskriven", "Skriv ja eller nej.")


@pytest.mark.parametrize("value", ["30", "0", "110", "halv"])
def test_degree_not_25_50_75_100(world, run_import, value):
    error = single_error(import_bad(run_import, row(sick_leave_degree=value)))
    assert (error["column"], error["reason_sv"]) == ("Sjukskrivningsgrad", "Graden ska vara 25, 50, 75 eller 100.")


@pytest.mark.parametrize(
    ("key", "column"),
    [
        ("sick_leave_degree", "Sjukskrivningsgrad"),
        ("sick_leave_from", "Sjukskriven från"),
        ("sick_leave_to", "Sjukskriven till"),
        ("care_unit", "Vårdenhet"),
    ],
)
def test_sick_leave_details_required_when_sick_listed(world, run_import, key, column):
    error = single_error(import_bad(run_import, row(**{key: ""})))
    assert (error["column"], error["reason_sv"]) == (column, "Måste fyllas i när klienten är sjukskriven.")


def test_sick_leave_ending_before_it_starts(world, run_import):
    error = single_error(import_bad(run_import, row(sick_leave_from="2025-03-10", sick_leave_to="2025-03-01")))
    assert error["column"] == "Sjukskriven till"
    assert error["reason_sv"] == "Sista sjukskrivningsdagen ligger före den första."


@pytest.mark.parametrize(
    ("codes", "reason"),
    [
        ("F32", "F32: F32 behöver ett fjärde tecken i ett intyg, till exempel F32.1."),
        ("hosta", "hosta: "),
        ("F32.1 M54.5 J06.9 R53", "Högst 3 diagnoskoder."),
    ],
)
def test_bad_diagnosis_codes(world, run_import, codes, reason):
    error = single_error(import_bad(run_import, row(diagnosis_codes=codes)))
    assert error["column"] == "Diagnoskoder"
    assert error["reason_sv"].startswith(reason)
    assert error["reason_en"] != error["reason_sv"]


def test_diagnosis_codes_separated_in_several_ways(world, run_import):
    job = run_import(csv_bytes([row(diagnosis_codes="F32.1;M54.5|J06.9")]))
    assert job.status == ImportStatus.DONE
    certificate = Certificate.objects.get()
    assert list(certificate.diagnoses.values_list("code", flat=True)) == ["F321", "M545", "J069"]


def test_unknown_sgi_status(world, run_import):
    error = single_error(import_bad(run_import, row(sgi_status="kanske")))
    assert (error["column"], error["reason_sv"]) == ("SGI-status", "Skriv okänd, ingen eller har.")


@pytest.mark.parametrize("username", ["nobody", "caseworker_b", "nurse", "analyst"])
def test_caseworker_must_be_a_caseworker_or_manager_of_the_unit(world, run_import, username):
    error = single_error(import_bad(run_import, row(caseworker=username)))
    assert error["column"] == "Handläggare"
    assert error["reason_sv"] == (f"Ingen handläggare eller enhetschef på enheten har användarnamnet {username}.")


def test_duplicate_personal_numbers_are_reported_on_every_line(world, run_import):
    number = new_number()
    job = run_import(csv_bytes([row(personal_number=number), not_sick(), row(personal_number=number.replace("-", ""))]))
    assert job.status == ImportStatus.FAILED
    assert job.error_count == 2
    assert [(e["line"], e["column"], e["reason_sv"]) for e in job.errors] == [
        (2, "Personnummer", "Samma personnummer finns också på rad 4."),
        (4, "Personnummer", "Samma personnummer finns också på rad 2."),
    ]
    assert not Client.objects.filter(first_name="Åsa").exists()


def test_several_errors_on_one_row_are_all_reported_in_column_order(world, run_import):
    job = run_import(csv_bytes([row(sgi_status="?", first_name="", personal_number="123")]))
    assert [e["column"] for e in job.errors] == ["Personnummer", "Förnamn", "SGI-status"]
    assert job.error_count == 1


def test_errors_hold_no_personal_data(world, run_import):
    number = wrong_check_digit(new_number())
    job = run_import(csv_bytes([row(personal_number=number, first_name="Zlatan", last_name="")]))
    text = str(job.errors) + job.failure_sv + job.failure_en
    assert number not in text
    assert number.replace("-", "") not in text
    assert "Zlatan" not in text


def test_missing_required_columns_are_reported_on_line_1(world, run_import):
    content = csv_bytes([row()], columns=["personal_number", "first_name", "unit_code", "sick_listed"])
    job = run_import(content)
    assert job.status == ImportStatus.FAILED
    assert [(e["line"], e["column"]) for e in job.errors] == [(1, "Efternamn"), (1, "Ärende öppnat")]
    assert job.errors[0]["reason_sv"] == "Kolumnen saknas. Kalla den Efternamn eller last_name."


def test_two_columns_with_the_same_meaning(world, run_import):
    content = "Personnummer;personal_number;Förnamn;Efternamn;Enhetskod;Ärende öppnat;Sjukskriven\r\n".encode()
    job = run_import(content + b"x;y;a;b;HAL-EB;2024-01-01;nej\r\n")
    assert [(e["line"], e["column"]) for e in job.errors] == [(1, "personal_number")]


def test_not_sick_listed_rows_need_no_sick_leave_columns(world, run_import):
    content = csv_bytes(
        [not_sick()],
        columns=["personal_number", "first_name", "last_name", "unit_code", "case_opened_on", "sick_listed"],
    )
    job = run_import(content)
    assert job.status == ImportStatus.DONE
    assert job.created_count == 1
