"""Generating a synthetic dataset: the organisation, then the clients in batches, then ANALYZE.

Deterministic: the same seed, number of clients, scope and --today give the same rows (and, on a
fresh database, the same ids). Every random draw comes from a `random.Random` seeded with the seed
and the part it draws for (the organisation, the order of the clients, each batch).
"""

from __future__ import annotations

import datetime
import random
import resource
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from rattvag.accounts.models import Municipality, Unit
from rattvag.clients.models import Client

from .batches import BatchBuilder
from .consultations import write_consultations
from .organisation import Org, plan_organisation, write_organisation
from .reference import Calendar, Reference
from .rows import HISTORY_DAYS, Batch, ClientSlot
from .writing import BatchWriter

PRESETS: dict[str, int] = {"unit": 20_000, "region": 100_000, "national": 300_000}
DEFAULT_PASSWORD = "Syntetisk-RattVag-2026"  # noqa: S105 - the data is fictional; documented in docs/synthetic-data.md
DEFAULT_BATCH_SIZE = 5_000


class GenerationRefused(Exception):
    """The database is not one generate_data may write to; the message says why."""


@dataclass(frozen=True)
class Options:
    clients: int
    scope: str
    seed: int
    today: datetime.date
    password: str = DEFAULT_PASSWORD
    batch_size: int = DEFAULT_BATCH_SIZE


@dataclass
class Report:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    elapsed: float = 0.0
    peak_rss_mb: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def default_scope(clients: int) -> str:
    """The organisation a bare --clients N gets: one city up to the unit preset, a region up to the region one."""
    if clients <= PRESETS["unit"]:
        return "unit"
    if clients <= PRESETS["region"]:
        return "region"
    return "national"


def peak_rss_mb() -> float:
    """Peak resident memory of this process (ru_maxrss: kB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def check_can_generate() -> None:
    if settings.PRODUCTION:
        raise GenerationRefused("generate_data refuses to run in production (RATTVAG_ENV=production).")
    if Client.objects.exists():
        raise GenerationRefused(
            "The database already holds clients. generate_data needs an empty, migrated database: "
            "create a new database and run migrate first."
        )
    if Municipality.objects.exists() or Unit.objects.exists():
        raise GenerationRefused(
            "The database already holds municipalities or units. generate_data builds its own organisation "
            "and needs an empty, migrated database: create a new database and run migrate first."
        )


def client_slots(org: Org, *, clients: int, seed: int) -> list[ClientSlot]:
    """Every client's unit and opening day, oldest case first (so ids grow with time, as in a real register)."""
    rng = random.Random(f"slots-{seed}")  # noqa: S311 - synthetic data, not security
    units = [index for index, count in enumerate(org.unit_clients) for _ in range(count)]
    assert len(units) == clients
    opened = [-rng.randrange(HISTORY_DAYS) for _ in range(clients)]
    opened.sort()
    rng.shuffle(units)
    return [ClientSlot(unit, day) for unit, day in zip(units, opened, strict=True)]


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds > 0 else "-"


def generate(options: Options, *, log: Callable[[str], None] = print) -> Report:
    check_can_generate()
    started = time.perf_counter()
    calendar = Calendar(options.today, past_days=HISTORY_DAYS + 100)
    now = calendar.now
    report = Report()

    phase = time.perf_counter()
    plan = plan_organisation(scope=options.scope, clients=options.clients, seed=options.seed)
    with transaction.atomic():
        org = write_organisation(plan, seed=options.seed, password=options.password, now=now)
    seconds = time.perf_counter() - phase
    organisation_rows = sum(org.counts.values())
    report.rows.update(org.counts)
    report.seconds["organisation"] = seconds
    log(
        f"organisation ({options.scope}): {len(plan.municipalities)} municipalities, {len(plan.units)} units, "
        f"{len(plan.users)} users, {len(plan.care_units)} care units; {organisation_rows:,} rows in {seconds:.1f} s"
    )

    reference = Reference.load()
    builder = BatchBuilder(org, reference, calendar, used_numbers=set())
    writer = BatchWriter(now=now, user_roles=org.user_roles)
    slots = client_slots(org, clients=options.clients, seed=options.seed)
    size = max(1, options.batch_size)
    batches = (len(slots) + size - 1) // size
    phase = time.perf_counter()
    build_seconds = [0.0]

    def build(number: int) -> Batch:
        # Drawing rows needs no database: it runs in a thread of its own while the main thread writes the
        # previous batch (and waits for the database, which releases the GIL). One batch at a time, in order,
        # so the draws stay the same.
        built = time.perf_counter()
        rng = random.Random(f"batch-{options.seed}-{number}")  # noqa: S311
        batch = builder.build(slots[number * size : (number + 1) * size], rng)
        build_seconds[0] += time.perf_counter() - built
        return batch

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="synthetic-build") as pool:
        upcoming = pool.submit(build, 0)
        for number in range(batches):
            batch = upcoming.result()
            if number + 1 < batches:
                upcoming = pool.submit(build, number + 1)
            with transaction.atomic():
                writer.write(batch)
            del batch
            elapsed = time.perf_counter() - phase
            done = writer.total_rows()
            log(
                f"clients: batch {number + 1}/{batches}: {min((number + 1) * size, len(slots)):,} clients, "
                f"{done:,} rows, {_rate(done, elapsed)} rows/s, {elapsed:.0f} s "
                f"(building rows, beside the writing: {build_seconds[0]:.0f} s), peak RSS {peak_rss_mb():,.0f} MB"
            )
    report.rows.update(writer.rows)
    report.seconds.update(writer.seconds)
    report.seconds["building rows (Python)"] = build_seconds[0]
    report.seconds["client batches"] = time.perf_counter() - phase

    phase = time.perf_counter()
    counts = write_consultations(org, calendar=calendar, seed=options.seed, now=now)
    report.rows.update(counts)
    report.seconds["case consultations"] = time.perf_counter() - phase
    log(f"case consultations: {sum(counts.values()):,} rows in {report.seconds['case consultations']:.1f} s")

    phase = time.perf_counter()
    analyze()
    report.seconds["ANALYZE"] = time.perf_counter() - phase
    log(f"ANALYZE: {report.seconds['ANALYZE']:.1f} s")
    report.elapsed = time.perf_counter() - started
    report.peak_rss_mb = peak_rss_mb()
    return report


def analyze() -> None:
    """Fresh planner statistics for the tables just filled (PostgreSQL and SQLite alike)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def summary_table(report: Report) -> str:
    """Rows per table with the time spent inserting them, then totals."""
    lines = [f"{'table':<30} {'rows':>12} {'insert s':>9} {'rows/s':>10}"]
    for label, rows in report.rows.items():
        seconds = report.seconds.get(label)
        if seconds is None:
            lines.append(f"{label:<30} {rows:>12,} {'':>9} {'':>10}")
        else:
            lines.append(f"{label:<30} {rows:>12,} {seconds:>9.1f} {_rate(rows, seconds):>10}")
    lines.append("-" * 64)
    lines.append(
        f"{'total':<30} {report.total_rows:>12,} {report.elapsed:>9.1f} {_rate(report.total_rows, report.elapsed):>10}"
    )
    for label in ("organisation", "building rows (Python)", "client batches", "ANALYZE"):
        if label in report.seconds:
            lines.append(f"{label + ' (s)':<30} {report.seconds[label]:>12.1f}")
    lines.append(f"{'elapsed (s)':<30} {report.elapsed:>12.1f}")
    lines.append(f"{'peak RSS (MB)':<30} {report.peak_rss_mb:>12,.0f}")
    return "\n".join(lines)
