"""`manage.py audit_verify`: check that no audit event was changed or removed.

Exit status 0 when the chain is whole, 1 when it is broken (the first broken event is named on
stderr), so that monitoring or a nightly job can alert on it.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from rattvag.audit.verification import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log. Exit status 1 names the first broken event."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--chunk-size", type=int, default=5000, help="Events read from the database at a time (default 5000)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain(chunk_size=options["chunk_size"])
        if report.ok:
            self.stdout.write(f"Audit chain OK: {report.events_checked} events")
            return
        if report.first_broken_event_id is None:
            self.stderr.write(f"Audit chain BROKEN: {report.problem}. {report.events_checked} events checked.")
            sys.exit(1)
        when = (
            timezone.localtime(report.first_broken_event_time).isoformat(timespec="seconds")
            if report.first_broken_event_time is not None
            else "time unknown, the event is missing"
        )
        self.stderr.write(
            f"Audit chain BROKEN at event {report.first_broken_event_id} ({when}): {report.problem}. "
            f"{report.events_checked} events before it are intact."
        )
        sys.exit(1)
