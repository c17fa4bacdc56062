"""Import rate: rows per second for a 100,000-row caseload file, validation and writing included.

    .venv/bin/python benchmarks/import_rate.py                      # a fresh SQLite file in a temp dir
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/import_rate.py
    bash scripts/with_postgres.sh .venv/bin/python benchmarks/import_rate.py

Generates a CSV of fictional people (valid check digits, names with å/ä/ö, 70 % sick-listed
with one to three diagnosis codes, 150 care units) into a temporary directory, migrates the
database, and for each run EMPTIES the database (manage.py flush) and imports the file into a new
unit three ways: a dry run (validation and planning only), the first import (every client,
case, certificate … created) and a re-import of the same file (every row unchanged). Prints the
median and spread of `--runs` runs (default 3) and the load average of the machine. Wall-clock
time is the figure; the CPU time of the benchmark process is printed beside it because on a
shared machine other processes stretch the wall clock (on SQLite the whole import runs in this
process, so on an idle machine the two are close; on PostgreSQL the server's work is not in it,
and the CPU time of the connection's server process is printed too when /proc shows it, i.e. when
the server runs on this machine and may be read).

Without DATABASE_URL it uses a new SQLite file in a temporary directory. With DATABASE_URL it
refuses to run unless --flush-database is given, because every run empties that database:
only ever point it at a throwaway database (scripts/with_postgres.sh makes one).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
FIRST_NAMES = [
    "Åsa",
    "Björn",
    "Märta",
    "Örjan",
    "Anna",
    "Erik",
    "Fatima",
    "Johan",
    "Lena",
    "Mohammed",
    "Sofia",
    "Ali",
    "Karin",
    "Lars",
    "Zeynep",
    "Per",
    "Ingrid",
    "Hassan",
    "Eva",
    "Nils",
    "Ällen",
    "Göran",
    "Maja",
    "Omar",
]
LAST_NAMES = [
    "Öberg",
    "Åkesson",
    "Ström",
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jönsson",
    "Hansson",
    "Bengtsson",
    "Yilmaz",
]
DIAGNOSES = [
    "F32.1",
    "F43.8A",
    "F41.1",
    "F33.1",
    "F43.1",
    "F41.2",
    "M54.5",
    "M79.7",
    "M75.1",
    "M51.1",
    "G43.9",
    "F90.0",
    "F84.5",
    "I10",
    "E11.9",
    "J45.9",
    "R53.9",
    "Z73.0",
    "S83.5",
    "F10.2",
]
DIAGNOSIS_WEIGHTS = [14, 12, 9, 7, 6, 5, 10, 6, 4, 3, 2, 3, 2, 2, 2, 2, 2, 2, 1, 4]
HEADER = [
    "Personnummer",
    "Förnamn",
    "Efternamn",
    "Enhetskod",
    "Ärende öppnat",
    "Sjukskriven",
    "Sjukskrivningsgrad",
    "Sjukskriven från",
    "Sjukskriven till",
    "Diagnoskoder",
    "Vårdenhet",
    "Vårdenhetens HSA-id",
    "SGI-status",
    "Handläggare",
]


def personal_numbers(count: int, rng: random.Random) -> list[str]:
    from rattvag.clients.personal_numbers import luhn_check_digit  # after setup_django has put the project on the path

    seen: set[str] = set()
    start = datetime.date(1958, 1, 1)
    while len(seen) < count:
        birth = start + datetime.timedelta(days=rng.randrange(0, 46 * 365))
        serial = rng.randrange(1, 1000)
        nine = f"{birth:%y%m%d}{serial:03d}"
        seen.add(f"{birth:%Y%m%d}-{serial:03d}{luhn_check_digit(nine)}")
    return sorted(seen, key=lambda _n: rng.random())


def write_file(path: Path, *, rows: int, unit_code: str, caseworkers: list[str], seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - fictional data, not secrets
    today = datetime.datetime.now(tz=ZoneInfo("Europe/Stockholm")).date()
    care_units = [
        (f"Vårdcentralen {name} {n}", f"SE2321000149-{7000 + n}" if n % 3 else "")
        for n, name in enumerate(["Söder", "Norr", "Öster", "Väster", "Centrum"] * 30)
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for number in personal_numbers(rows, rng):
            opened = today - datetime.timedelta(days=rng.randrange(10, 900))
            sick = rng.random() < 0.7
            row = [
                number,
                rng.choice(FIRST_NAMES),
                rng.choice(LAST_NAMES),
                unit_code,
                opened.isoformat(),
                "ja" if sick else "nej",
            ]
            if sick:
                start = today - datetime.timedelta(days=rng.randrange(0, 400))
                end = start + datetime.timedelta(days=rng.choice([14, 30, 60, 90, 180]))
                codes = rng.choices(DIAGNOSES, DIAGNOSIS_WEIGHTS, k=rng.choice([1, 1, 1, 2, 2, 3]))
                care_unit, hsa_id = care_units[min(int(rng.paretovariate(1.2)) - 1, len(care_units) - 1)]
                row += [
                    rng.choice(["100", "75", "50", "25"]),
                    start.isoformat(),
                    end.isoformat(),
                    ", ".join(dict.fromkeys(codes)),
                    care_unit,
                    hsa_id,
                ]
            else:
                row += ["", "", "", "", "", ""]
            row += [rng.choice(["ingen", "ingen", "okänd", "har", ""]), rng.choice(caseworkers)]
            writer.writerow(row)


def setup_django(workdir: Path, *, flush_allowed: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", str(workdir / "private_media"))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    elif not flush_allowed:
        sys.exit("DATABASE_URL is set: every run empties that database. Add --flush-database if it is a throwaway one.")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def server_cpu() -> float | None:
    """PostgreSQL on this machine: the CPU seconds used so far by the server process of this connection
    (from /proc; None when it cannot be read, e.g. SQLite or a server elsewhere)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    try:
        fields = Path(f"/proc/{connection.connection.info.backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(*, rows: int, seed: int, workdir: Path) -> dict[str, tuple[float, float, float | None]]:
    from django.core.management import call_command

    from rattvag.accounts.models import Municipality, Role, Unit, User
    from rattvag.imports import services
    from rattvag.imports.models import ImportStatus

    call_command("flush", interactive=False, verbosity=0)  # every run starts from the same, empty database
    tag = uuid.uuid4().hex[:8]
    municipality = Municipality.objects.create(code=f"B{tag}", name=f"Benchmark {tag}")
    unit = Unit.objects.create(code=f"BENCH-{tag}", name=f"Benchmark {tag}", municipality=municipality)
    manager = User.objects.create(username=f"bench-manager-{tag}", role=Role.UNIT_MANAGER)
    manager.units.add(unit)
    caseworkers = []
    for n in range(20):
        user = User.objects.create(username=f"bench-{tag}-{n}", role=Role.CASEWORKER)
        user.units.add(unit)
        caseworkers.append(user.username)
    path = workdir / f"caseload-{tag}.csv"
    write_file(path, rows=rows, unit_code=unit.code, caseworkers=caseworkers, seed=seed)

    def timed(dry_run: bool, expect: str) -> tuple[float, float, float | None]:
        server_started = server_cpu()
        started, cpu_started = time.perf_counter(), time.process_time()
        job = services.import_job_create(
            actor=manager,
            unit=unit,
            chunks=[path.read_bytes()],
            dry_run=dry_run,
            keep_valid=False,
            via="command",
        )
        job = services.import_job_run(job_id=job.pk)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        server_ended = server_cpu()
        assert job.status == ImportStatus.DONE, (job.status, job.failure, job.errors[:3])
        assert getattr(job, f"{expect}_count") == rows, (expect, job.created_count, job.unchanged_count)
        server = server_ended - server_started if server_started is not None and server_ended is not None else None
        return elapsed, cpu, server

    return {
        "dry run": timed(True, "created"),
        "first import": timed(False, "created"),
        "re-import": timed(False, "unchanged"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--flush-database", action="store_true", help="allow emptying the database of DATABASE_URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rattvag-import-bench-") as tmp:
        workdir = Path(tmp)
        setup_django(workdir, flush_allowed=args.flush_database)
        from django.db import connection

        print(f"{os.cpu_count()} CPUs, load average at start {' '.join(f'{x:.1f}' for x in os.getloadavg())}")

        results: dict[str, list[float]] = {}
        cpu_results: dict[str, list[float]] = {}
        server_results: dict[str, list[float]] = {}
        for run in range(args.runs):
            for name, (seconds, cpu, server) in one_run(rows=args.rows, seed=run, workdir=workdir).items():
                results.setdefault(name, []).append(seconds)
                cpu_results.setdefault(name, []).append(cpu)
                if server is not None:
                    server_results.setdefault(name, []).append(server)
                print(
                    f"run {run + 1}: {name:13} {seconds:7.2f} s  {args.rows / seconds:9,.0f} rows/s"
                    f"   (CPU of this process {cpu:6.2f} s"
                    + (f", of its database server process {server:6.2f} s)" if server is not None else ")"),
                    flush=True,
                )
        version = connection.Database.sqlite_version if connection.vendor == "sqlite" else connection.pg_version
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"\nImport rate, {args.rows:,} rows, {connection.vendor} {version}, median of {args.runs} runs")
        print(f"  (load average at the end: {load})")
        for name, values in results.items():
            rates = sorted(args.rows / s for s in values)
            cpu_rate = args.rows / statistics.median(cpu_results[name])
            server = server_results.get(name)
            print(
                f"  {name:13} {statistics.median(rates):9,.0f} rows/s  "
                f"(min {rates[0]:,.0f}, max {rates[-1]:,.0f}; median {statistics.median(values):.2f} s; "
                f"by CPU time of this process {cpu_rate:,.0f} rows/s"
                + (
                    f"; CPU median: this process {statistics.median(cpu_results[name]):.2f} s, "
                    f"database server process {statistics.median(server):.2f} s)"
                    if server
                    else ")"
                )
            )


if __name__ == "__main__":
    main()
