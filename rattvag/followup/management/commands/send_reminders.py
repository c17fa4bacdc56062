"""`manage.py send_reminders`: email each person once about every new overdue item (run nightly by cron).

Safe to run any number of times: a reminder already sent for the same person, rule, case and due
date is not sent again. Mails go through Django's email backend (the console in development).
The mail names the rule and links to the client page by id; it holds no personal data.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rattvag.followup.services import reminders_send


class Command(BaseCommand):
    help = "Email each person once about every new overdue item on their worklist."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="Evaluate as of this day (YYYY-MM-DD); default today.")
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "RATTVAG_BASE_URL", ""),
            help="Address of the site for the links in the mails (default: the RATTVAG_BASE_URL setting).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError("--date must be YYYY-MM-DD") from error
        report = reminders_send(today=today, base_url=options["base_url"] or "")
        self.stdout.write(
            f"Overdue items: {report.overdue}; reminders sent: {report.sent}; "
            f"sent before: {report.already_sent}; without anyone to tell: {report.without_recipient}"
        )
