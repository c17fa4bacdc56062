"""Encodings, separators, XLSX, Swedish and English headers: every variant imports the same rows."""

from __future__ import annotations

import datetime

import pytest

from rattvag.certificates.models import Certificate
from rattvag.clients.models import Client
from rattvag.imports.models import ImportStatus
from rattvag.imports.reading import detect_separator

from .files import csv_bytes, new_number, not_sick, row, xlsx_bytes

pytestmark = pytest.mark.django_db


def names():
    return sorted(
        Client.objects.filter(last_name__in=["Öberg", "Åkesson", "Ärlig"]).values_list("first_name", "last_name")
    )


def three_rows():
    return [
        row(first_name="Åsa", last_name="Öberg"),
        not_sick(first_name="Björn", last_name="Åkesson"),
        row(first_name="Märta", last_name="Ärlig", sick_leave_degree="50"),
    ]


EXPECTED = [("Björn", "Åkesson"), ("Märta", "Ärlig"), ("Åsa", "Öberg")]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")],
    ids=["utf-8", "utf-8-bom", "windows-1252"],
)
def test_encodings(world, run_import, encoding, bom):
    content = bom + csv_bytes(three_rows(), encoding=encoding)
    if encoding == "cp1252":
        assert "Å".encode("cp1252") in content  # really Windows-1252, not UTF-8
        with pytest.raises(UnicodeDecodeError):
            content.decode("utf-8")
    job = run_import(content)
    assert job.status == ImportStatus.DONE, job.errors
    assert job.created_count == 3
    assert names() == EXPECTED


@pytest.mark.parametrize("separator", [";", ","])
def test_separators(world, run_import, separator):
    # With "," the diagnosis codes "F32.1, M54.5" are quoted by the CSV writer.
    job = run_import(csv_bytes(three_rows(), separator=separator))
    assert job.status == ImportStatus.DONE, job.errors
    assert names() == EXPECTED
    assert Certificate.objects.count() == 2


@pytest.mark.parametrize("language", ["sv", "en"])
def test_swedish_and_english_headers(world, run_import, language):
    job = run_import(csv_bytes(three_rows(), language=language))
    assert job.status == ImportStatus.DONE, job.errors
    assert names() == EXPECTED


def test_headers_ignore_case_spaces_and_order(world, run_import):
    content = (
        "  sick listed ;PERSONNUMMER;förnamn;EFTERNAMN;Unit-Code;case opened on;Fritext\r\n"
        f"nej;{new_number()};Åsa;Öberg;HAL-EB;2024-05-01;ignoreras\r\n"
    ).encode()
    job = run_import(content)
    assert job.status == ImportStatus.DONE, job.errors
    assert names() == [("Åsa", "Öberg")]


@pytest.mark.parametrize("typed", [True, False], ids=["typed-cells", "text-cells"])
def test_xlsx(world, run_import, typed):
    job = run_import(xlsx_bytes(three_rows(), typed=typed))
    assert job.status == ImportStatus.DONE, job.errors
    assert job.file_format == "XLSX"
    assert names() == EXPECTED
    period = Certificate.objects.get(client__first_name="Märta").periods.get()
    assert period.degree == 50
    assert isinstance(period.start, datetime.date)


def test_xlsx_errors_name_the_spreadsheet_row(world, run_import):
    job = run_import(xlsx_bytes([not_sick(), not_sick(sick_listed="kanske")]))
    assert [(e["line"], e["column"]) for e in job.errors] == [(3, "Sjukskriven")]


def test_xlsx_percentage_cell(world, run_import):
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([row()])))
    sheet = workbook.active
    sheet["G2"] = 0.75  # a cell formatted as 75 %
    out = io.BytesIO()
    workbook.save(out)
    job = run_import(out.getvalue())
    assert job.status == ImportStatus.DONE, job.errors
    assert Certificate.objects.get().periods.get().degree == 75


def test_blank_lines_are_skipped_and_line_numbers_stay_the_file_s(world, run_import):
    good, bad = csv_bytes([not_sick()]), csv_bytes([not_sick(sick_listed="?")]).split(b"\r\n", 1)[1]
    job = run_import(good + b"\r\n;;;;\r\n" + bad)
    assert [(e["line"], e["column"]) for e in job.errors] == [(5, "Sjukskriven")]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", None),
        (csv_bytes([]), "Filen har en rubrikrad men inga rader."),
        ("\ufeffPersonnummer;Förnamn".encode("utf-16"), "Filen är i UTF-16."),
        (b"\xd0\xcf\x11\xe0 old excel", "Gamla Excelfiler (.xls) kan inte läsas."),
        (b"PK\x03\x04 not really a workbook", "Excelfilen gick inte att öppna."),
        (b"Personnummer\tF\xc3\xb6rnamn\r\n", "Ingen kolumnavgränsare hittades"),
        (b"a;b\r\n\x81\x8d;x\r\n", "Filens tecken gick inte att läsa."),
    ],
    ids=["empty", "no-rows", "utf-16", "xls", "broken-xlsx", "tab-separated", "not-cp1252"],
)
def test_unreadable_files_fail_with_a_reason(world, run_import, content, reason):
    from django.core.exceptions import ValidationError

    if reason is None:
        with pytest.raises(ValidationError):
            run_import(content)
        return
    job = run_import(content)
    assert job.status == ImportStatus.FAILED
    assert job.failure_sv.startswith(reason)
    assert job.failure_en


def test_separator_is_decided_by_the_header_line():
    assert detect_separator("Personnummer;Förnamn;Efternamn") == ";"
    assert detect_separator("personal_number,first_name") == ","
    assert detect_separator('"Namn; med semikolon",Förnamn,Efternamn') == ","


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_too_many_rows(world, run_import, settings, make):
    settings.RATTVAG_IMPORT_MAX_ROWS = 2
    job = run_import(make([not_sick(), not_sick(), not_sick()]))
    assert job.status == ImportStatus.FAILED
    assert job.failure_sv == "Filen har fler än 2 rader. Dela upp den i mindre filer."
