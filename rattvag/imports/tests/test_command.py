"""python manage.py import_caseload FILE --unit CODE [--dry-run] [--keep-valid] [--actor USERNAME]."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from rattvag.clients.models import Client
from rattvag.imports.models import ImportJob

from .files import csv_bytes, not_sick, row

pytestmark = pytest.mark.django_db


def command(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_caseload", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def caseload(tmp_path):
    def _write(rows, name="caseload.csv"):
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows))
        return path

    return _write


def test_import_and_reimport(world, caseload):
    path = caseload([row(), not_sick()])
    out, err = command(path, "--unit", "HAL-EB", "--actor", "caseworker")
    assert out.strip() == "Importerat: 2 skapade, 0 ändrade, 0 oförändrade, 0 hoppades över."
    assert err == ""
    out, _err = command(path, "--unit", "HAL-EB", "--actor", "caseworker")
    assert "0 skapade, 0 ändrade, 2 oförändrade" in out
    job = ImportJob.objects.order_by("pk").last()
    assert (job.via, job.created_by) == ("command", world.caseworker)
    assert path.exists()  # the command's own file is left alone; only the private copy is removed


def test_default_actor_is_the_unit_s_only_manager(world, caseload):
    command(caseload([not_sick()]), "--unit", "HAL-EB")
    assert ImportJob.objects.get().created_by == world.manager


def test_unit_without_exactly_one_manager_needs_an_actor(world, caseload):
    with pytest.raises(CommandError, match="--actor"):
        command(caseload([not_sick(unit_code="HAL-SDF")]), "--unit", "HAL-SDF")


def test_dry_run_with_errors_prints_them_and_exits_1(world, caseload):
    with pytest.raises(CommandError) as raised:
        command(caseload([row(), row(sick_leave_degree="30")]), "--unit", "HAL-EB", "--dry-run")
    assert raised.value.returncode == 1
    assert not Client.objects.filter(first_name="Åsa").exists()


def test_errors_go_to_stderr_with_line_column_and_reason(world, caseload):
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 rad har fel"):
        call_command(
            "import_caseload",
            str(caseload([row(), row(sick_leave_degree="30")])),
            "--unit",
            "HAL-EB",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert err.getvalue().strip() == "Rad 3, kolumn Sjukskrivningsgrad: Graden ska vara 25, 50, 75 eller 100."


def test_keep_valid(world, caseload):
    out, err = command(caseload([row(), row(sick_leave_degree="30")]), "--unit", "HAL-EB", "--keep-valid")
    assert "1 skapade" in out
    assert "1 hoppades över" in out
    assert "Rad 3" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "NOPE"], "Ingen enhet har koden NOPE."),
        (["--unit", "HAL-EB", "--actor", "nobody"], "Ingen användare har användarnamnet nobody."),
        (["--unit", "HAL-EB", "--actor", "nurse"], "nurse kan inte importera till den här enheten."),
    ],
)
def test_refusals(world, caseload, args, message):
    with pytest.raises(CommandError, match=message):
        command(caseload([row()]), *args)


def test_missing_file(world, tmp_path):
    with pytest.raises(CommandError, match="Filen finns inte"):
        command(tmp_path / "nothing.csv", "--unit", "HAL-EB")
