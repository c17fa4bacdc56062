"""python manage.py generate_data: a synthetic dataset at scale for benchmarks and load tests.

See docs/synthetic-data.md. Refuses in production and on a database that already holds clients.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rattvag.synthetic.generate import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_PASSWORD,
    PRESETS,
    GenerationRefused,
    Options,
    default_scope,
    generate,
    summary_table,
)


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Generate fictional clients, cases, certificates and the rest in bulk (an empty, migrated database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            choices=sorted(PRESETS),
            help="unit: one city, 20,000 clients; region: 49 municipalities, 100,000; national: 290, 300,000",
        )
        parser.add_argument("--clients", type=int, help="number of clients (default: the size's, else 1,000)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same data (default 1)")
        parser.add_argument("--today", type=_date, help="the day the data is dated from (default: today)")
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="password of every generated user (default: the documented constant)",
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="clients per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        size = options["size"]
        clients = options["clients"] or (PRESETS[size] if size else 1_000)
        if clients < 1:
            raise CommandError("--clients must be at least 1")
        scope = size or default_scope(clients)
        today = options["today"] or timezone.localdate()
        try:
            report = generate(
                Options(
                    clients=clients,
                    scope=scope,
                    seed=options["seed"],
                    today=today,
                    password=options["password"],
                    batch_size=options["batch_size"],
                ),
                log=self.stdout.write,
            )
        except GenerationRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write("")
        self.stdout.write(summary_table(report))
        load = os.getloadavg()
        self.stdout.write(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
